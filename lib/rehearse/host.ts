import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync, readdirSync, readlinkSync } from "node:fs";
import { delimiter, join } from "node:path";
import { RehearseFailure } from "./errors";
import type { NetworkChange } from "./change";
import type { LinkSpec, NamespaceSpec, NetworkPlan } from "./plan";

/**
 * Carries a plan out on this machine: named network namespaces under /run/netns, veth pairs created straight
 * into them, and inside each one the plan's sysctls, `ip -batch` and `nft -f`. Nothing is ever created in the
 * namespace the command runs in: every link, route, rule and nft table lives inside a namespace of the run, so
 * deleting the run's namespaces removes all of it.
 *
 * Namespaces are named `rehearse-<pidns>-<pid>-<start>-<run>-<id>`: the owner's PID namespace, its process id
 * and start time (so that a reused pid is not mistaken for the owner) and a counter of runs within that
 * process. A run only ever deletes its own namespaces, and leftovers whose owner is no longer alive; a
 * namespace made from another PID namespace is never touched, since whether its owner lives cannot be seen.
 */

const NETNS_DIR = "/run/netns";
const FAMILY = "rehearse";
const LEFTOVER = /^rehearse-([0-9]+)-([0-9]+)-([0-9a-z]+)-/;

/** Tools rehearse runs, with the Debian package that brings each. */
export const TOOLS = [
  { tool: "ip", pkg: "iproute2" },
  { tool: "nsenter", pkg: "util-linux" },
  { tool: "ping", pkg: "iputils-ping" },
  { tool: "nft", pkg: "nftables" },
] as const;

/** What this machine lacks for rehearse (root, tools), as readable items; empty when it can run. */
export function missingPrerequisites(
  uid: number | undefined = process.getuid?.(),
  find: (tool: string) => string | undefined = onPath,
): string[] {
  const missing: string[] = [];
  if (process.platform !== "linux") missing.push(`Linux (this is ${process.platform})`);
  if (uid !== 0) missing.push("root (network namespaces need it: run as root, e.g. in a container or VM)");
  for (const { tool, pkg } of TOOLS) if (find(tool) === undefined) missing.push(`${tool} (Debian package ${pkg})`);
  return missing;
}

/** The full path of an executable on PATH (and the sbin directories, where root's tools live). */
export function onPath(tool: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/sbin"].filter((d) => d !== "");
  for (const dir of dirs) {
    const file = join(dir, tool);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      continue;
    }
  }
  return undefined;
}

/** Bounds how many child processes of one kind run at once. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active += 1;
    try {
      return await task();
    } finally {
      this.active -= 1;
      this.waiting.shift()?.();
    }
  }
}

/** What a child process left behind. */
export interface Exit {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const children = new Set<ChildProcess>();

/** Counts a long-running child among this process's children, so that an abort kills it too. */
export function track(child: ChildProcess): void {
  children.add(child);
  child.on("close", () => children.delete(child));
  child.on("error", () => children.delete(child));
}

function tool(name: string): string {
  return onPath(name) ?? name;
}

/** Runs a command with optional input; never rejects for a non-zero exit, only when it cannot start. */
export function execute(command: string, args: readonly string[], input?: string, timeoutMs = 60_000): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool(command), args, { stdio: ["pipe", "pipe", "pipe"] });
    children.add(child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      children.delete(child);
      reject(new RehearseFailure(`cannot run ${command}: ${error.message}`));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(input ?? "");
  });
}

/** The start time of a process (clock ticks since boot) in base 36, or undefined when it does not exist. */
export function startTimeOf(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = fields[19];
  return ticks === undefined ? undefined : BigInt(ticks).toString(36);
}

/** The namespaces under /run/netns. */
export function listNamespaces(): string[] {
  return existsSync(NETNS_DIR) ? readdirSync(NETNS_DIR).sort() : [];
}

/** The inode number of this process's PID namespace ("0" where it cannot be read). */
export function pidNamespace(): string {
  try {
    return /\[([0-9]+)\]/.exec(readlinkSync("/proc/self/ns/pid"))?.[1] ?? "0";
  } catch {
    return "0";
  }
}

/**
 * Leftover namespaces of earlier runs whose owning process is gone: made from this PID namespace, by a pid that
 * no longer runs or now belongs to a process started at another time. Never a live run's, never anything else.
 */
export function leftovers(
  names: readonly string[] = listNamespaces(),
  startOf: (pid: number) => string | undefined = startTimeOf,
  ownPidNamespace: string = pidNamespace(),
): string[] {
  return names.filter((name) => {
    const match = LEFTOVER.exec(name);
    if (!match || match[1] !== ownPidNamespace) return false;
    return startOf(Number(match[2])) !== match[3];
  });
}

/** The namespaces of runs owned by a process of this PID namespace. */
export function namespacesOwnedBy(pid: number, names: readonly string[] = listNamespaces()): string[] {
  return names.filter((n) => n.startsWith(`${FAMILY}-${pidNamespace()}-${pid}-`));
}

/** Deletes namespaces by name (their links, routes, rules and nft tables go with them). */
export async function deleteNamespaces(names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  await execute("ip", ["-force", "-batch", "-"], names.map((n) => `netns del ${n}\n`).join(""));
}

function deleteNamespacesSync(names: readonly string[]): void {
  if (names.length === 0) return;
  spawnSync(tool("ip"), ["-force", "-batch", "-"], {
    input: names.map((n) => `netns del ${n}\n`).join(""),
    stdio: ["pipe", "ignore", "ignore"],
  });
}

/** Removes the leftovers of crashed or killed runs; returns their names. */
export async function cleanLeftovers(): Promise<string[]> {
  const stale = leftovers();
  await deleteNamespaces(stale);
  return stale;
}

let runs = 0;
const live = new Set<NamespaceRun>();

/** Kills this process's children and deletes every namespace of its live runs, synchronously (for signal handlers). */
export function abortAllSync(): void {
  for (const child of children) child.kill("SIGKILL");
  for (const run of live) deleteNamespacesSync(run.created);
  live.clear();
}

/** How many processes run at once. */
export interface Concurrency {
  /** Setup shells at once (each configures several namespaces in turn). */
  readonly setup: Limiter;
  /** Ping shells at once (each sends up to 16 echoes at once). */
  readonly ping: Limiter;
}

/** A sensible default: setup bounded by the cores, pings by a fixed number of shells (they mostly wait). */
export function defaultConcurrency(cores: number, pingShells = 8): Concurrency {
  return { setup: new Limiter(Math.max(2, cores)), ping: new Limiter(pingShells) };
}

/** The namespaces of one rehearsal: built from a plan, probed with ping, destroyed. */
export class NamespaceRun {
  /** `rehearse-<pidns>-<pid>-<start>-<n>`; every namespace of the run is `<prefix>-<id>`. */
  readonly prefix: string;
  /** The nft table name used in every namespace of the run. */
  readonly table: string;
  /** Namespaces this run has asked for, so far. */
  readonly created: string[] = [];

  constructor(private readonly concurrency: Concurrency) {
    const start = startTimeOf(process.pid) ?? "0";
    runs += 1;
    this.prefix = `${FAMILY}-${pidNamespace()}-${process.pid}-${start}-${runs}`;
    this.table = `${FAMILY}_${process.pid}_${runs}`;
  }

  /** The full name of a namespace of this run. */
  name(id: string): string {
    return `${this.prefix}-${id}`;
  }

  /**
   * Creates the namespaces and links with one `ip -batch`, then configures the namespaces from a few shell
   * scripts run side by side (a shell forks the many short ip and nft processes far more cheaply than Node).
   */
  async build(plan: NetworkPlan): Promise<void> {
    live.add(this);
    await this.addNamespaces(plan.namespaces, plan.links, plan.namespaces);
    await this.untilLinksUp(
      plan.namespaces.filter((ns) => ns.role !== "outside"),
      this.chunks(plan.namespaces.length),
    );
  }

  private chunks(namespaces: number): number {
    return Math.max(1, Math.min(this.concurrency.setup.size, Math.ceil(namespaces / 8)));
  }

  /** Makes namespaces and links and sets up `configure` in full. */
  private async addNamespaces(
    namespaces: readonly NamespaceSpec[],
    links: readonly LinkSpec[],
    configure: readonly NamespaceSpec[],
  ): Promise<void> {
    const names = namespaces.map((ns) => this.name(ns.id));
    this.created.push(...names);
    const batch = [
      ...names.map((n) => `netns add ${n}`),
      ...links.map(
        (l) =>
          `link add name ${l.a.name} netns ${this.name(l.a.ns)} address ${l.a.mac} type veth peer name ${l.b.name} netns ${this.name(
            l.b.ns,
          )} address ${l.b.mac}`,
      ),
    ];
    if (batch.length === 0) return;
    const made = await execute("ip", ["-batch", "-"], batch.join("\n") + "\n");
    if (made.code !== 0)
      throw new RehearseFailure(`ip -batch (namespaces and links) failed: ${explain(made.stderr, batch)}`);
    const chunks = this.chunks(configure.length);
    const scripts = Array.from({ length: chunks }, (_, k) => configure.filter((_, i) => i % chunks === k));
    await Promise.all(scripts.map((part) => this.concurrency.setup.run(() => this.configure(part))));
  }

  /**
   * The first half of a change to the running network: new namespaces and links, then in the running
   * namespaces the routes, rules and neighbours the change adds or replaces; waits until new links are up.
   */
  async create(change: NetworkChange, plan: NetworkPlan): Promise<void> {
    await this.addNamespaces(change.addNamespaces, change.addLinks, change.addNamespaces);
    await this.runLines("adding to", change.create);
    await this.runLines("renumbering routes in", change.moves);
    const touched = new Set(change.addLinks.flatMap((l) => [l.a.ns, l.b.ns]));
    const waiting = plan.namespaces.filter((ns) => touched.has(ns.id) && ns.role !== "outside");
    if (waiting.length > 0) await this.untilLinksUp(waiting, this.chunks(waiting.length));
  }

  /** The nft rulesets that change, each replaced in one transaction (flush, drop the chains that go, load). */
  async replaceRulesets(change: NetworkChange): Promise<void> {
    const script = change.nft.flatMap(({ id, ruleset, dropChains }) => [
      ...heredoc(`nsenter --net=${NETNS_DIR}/${this.name(id)} nft -f -`, [
        `flush table inet ${this.table}`,
        ...dropChains.map((c) => `delete chain inet ${this.table} ${c}`),
        ...ruleset.split("\n"),
      ]),
      `[ $? -eq 0 ] || { echo 'nft failed in ${this.name(id)}' >&2; exit 1; }`,
    ]);
    if (script.length === 0) return;
    const done = await execute("sh", ["-s"], script.join("\n") + "\n");
    if (done.code !== 0) throw new RehearseFailure(`replacing nft rulesets failed: ${done.stderr.trim()}`);
  }

  /** The routes, rules, neighbours and addresses a change drops. */
  async removeEntries(change: NetworkChange): Promise<void> {
    await this.runLines("removing from", change.destroy);
  }

  /** The links and namespaces a change drops (after its routes, which Terraform destroys before the peering). */
  async removeLinks(change: NetworkChange): Promise<void> {
    await this.runLines("detaching links in", change.detach);
    const links = change.removeLinks.map((l) => {
      const end = change.removeNamespaces.includes(l.a.ns) ? l.b : l.a;
      return `ip -n ${this.name(end.ns)} link del ${end.name}`;
    });
    if (links.length > 0) {
      const done = await execute("sh", ["-s"], ["set -e", ...links].join("\n") + "\n");
      if (done.code !== 0) throw new RehearseFailure(`deleting links failed: ${done.stderr.trim()}`);
    }
    const names = change.removeNamespaces.map((id) => this.name(id));
    await deleteNamespaces(names);
    this.created.splice(0, this.created.length, ...this.created.filter((n) => !names.includes(n)));
  }

  /** Runs `ip -batch` and `ip -6 -batch` lines in running namespaces, one shell for all. */
  private async runLines(what: string, lines: NetworkChange["create"]): Promise<void> {
    const steps: { id: string; lines: readonly string[] }[] = [];
    const script = ["set -e"];
    for (const ns of lines) {
      for (const [flag, list] of [
        ["", ns.ip],
        ["-6 ", ns.ip6],
      ] as const) {
        if (list.length === 0) continue;
        script.push(`echo '@@ ${steps.length}' >&2`, ...heredoc(`ip ${flag}-n ${this.name(ns.id)} -batch -`, list));
        steps.push({ id: ns.id, lines: list });
      }
    }
    if (steps.length === 0) return;
    const done = await execute("sh", ["-s"], script.join("\n") + "\n");
    if (done.code === 0) return;
    const last = [...done.stderr.matchAll(/^@@ ([0-9]+)$/gm)].pop();
    const step = last ? steps[Number(last[1])] : undefined;
    const output = last ? done.stderr.slice((last.index ?? 0) + last[0].length).trim() : done.stderr.trim();
    throw new RehearseFailure(
      `${what} namespace ${step ? this.name(step.id) : this.prefix} failed: ${explain(output, step?.lines ?? [])}`,
    );
  }

  /**
   * Waits until every link that sends is operationally up. The kernel activates a veth's queue only when its
   * link watcher has seen the carrier come on, which a busy machine can delay; a ping sent before that is
   * silently dropped and would read as "unreachable".
   */
  private async untilLinksUp(namespaces: readonly NamespaceSpec[], chunks: number): Promise<void> {
    let waiting = [...namespaces];
    const deadline = Date.now() + LINKS_UP_SECONDS * 1000;
    for (;;) {
      const parts = Array.from({ length: chunks }, (_, k) => waiting.filter((_, i) => i % chunks === k)).filter(
        (p) => p.length > 0,
      );
      const down: string[] = [];
      await Promise.all(
        parts.map(async (part) => {
          const script = part.map((ns) => `echo '@@ ${ns.id}'; ip -n ${this.name(ns.id)} -br link`).join("\n");
          const done = await this.concurrency.setup.run(() => execute("sh", ["-s"], script + "\n"));
          if (done.code !== 0) down.push(...part.map((ns) => `${ns.id} (ip -br link failed: ${done.stderr.trim()})`));
          let id = "";
          for (const line of done.stdout.split("\n")) {
            const marker = /^@@ (\S+)$/.exec(line);
            if (marker) id = marker[1];
            const [name, state] = line.split(/\s+/);
            if (!marker && name?.startsWith("rh") && state !== "UP")
              down.push(`${id} ${name.replace(/@.*$/, "")} ${state}`);
          }
        }),
      );
      if (down.length === 0) return;
      if (Date.now() > deadline)
        throw new RehearseFailure(
          `links still not up after ${LINKS_UP_SECONDS} s: ${down.map((d) => `${this.prefix}-${d}`).join(", ")}`,
        );
      const ids = new Set(down.map((d) => d.split(" ")[0]));
      waiting = waiting.filter((ns) => ids.has(ns.id));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async configure(namespaces: readonly NamespaceSpec[]): Promise<void> {
    const steps = new Map<string, { readonly ns: NamespaceSpec; readonly lines: readonly string[] }>();
    const script = ["set -e"];
    namespaces.forEach((ns, n) => {
      const name = this.name(ns.id);
      const step = (what: string, lines: readonly string[], command: string): void => {
        const marker = `${n}.${steps.size}`;
        steps.set(marker, { ns, lines });
        script.push(`echo '@@ ${marker} ${what}' >&2`, ...heredoc(command, lines));
      };
      step("ip", ns.ip, `ip -n ${name} -batch -`);
      if (ns.ip6.length > 0) step("ip -6", ns.ip6, `ip -6 -n ${name} -batch -`);
      const sysctls = ns.sysctls
        .map(([path, value]) => `for f in /proc/sys/${path}; do echo ${value} > "$f"; done; `)
        .join("");
      const enter = `nsenter --net=${NETNS_DIR}/${name}`;
      step(
        "nft",
        ns.nft.split("\n"),
        sysctls === "" ? `${enter} nft -f -` : `${enter} sh -c '${sysctls}exec nft -f -'`,
      );
    });
    const done = await execute("sh", ["-s"], script.join("\n") + "\n");
    if (done.code === 0) return;
    const last = [...done.stderr.matchAll(/^@@ ([0-9.]+) (.*)$/gm)].pop();
    const step = last ? steps.get(last[1]) : undefined;
    if (!last || !step) throw new RehearseFailure(`setting up namespaces failed: ${done.stderr.trim()}`);
    const output = done.stderr.slice((last.index ?? 0) + last[0].length).trim();
    throw new RehearseFailure(
      `setting up namespace ${this.name(step.ns.id)} (${step.ns.role} for ${step.ns.stands}) failed in ${last[2]}: ${explain(output, step.lines)}`,
    );
  }

  /**
   * Sends one echo (`ping -c 1 -W 1`) per target from a namespace of the run, all at once from one shell in
   * that namespace; returns, in order, the TTL (hop limit) each reply arrived with, or undefined for no reply.
   */
  async ping(id: string, addresses: readonly string[]): Promise<(number | undefined)[]> {
    const replies: (number | undefined)[] = [];
    for (let start = 0; start < addresses.length; start += PINGS_PER_SHELL) {
      const part = addresses.slice(start, start + PINGS_PER_SHELL);
      const script = [
        ...part.map(
          (a, k) =>
            `(out=$(ping -c 1 -W 1 -n ${a} 2>&1); code=$?; ttl=$(printf '%s\\n' "$out" | sed -n 's/.* ttl=\\([0-9]*\\).*/\\1/p' | head -n 1); echo "${k} $code \${ttl:-0}") &`,
        ),
        "wait",
      ].join("\n");
      const done = await this.concurrency.ping.run(() =>
        execute("nsenter", [`--net=${NETNS_DIR}/${this.name(id)}`, "sh", "-s"], script + "\n", 30_000),
      );
      const results = new Map(
        [...done.stdout.matchAll(/^([0-9]+) ([0-9]+) ([0-9]+)$/gm)].map((m) => [
          Number(m[1]),
          [Number(m[2]), Number(m[3])],
        ]),
      );
      for (let k = 0; k < part.length; k += 1) {
        const [code, ttl] = results.get(k) ?? [];
        if (code === 0 || code === 1) {
          replies.push(code === 0 ? ttl : undefined);
          continue;
        }
        const again = await execute("nsenter", [
          `--net=${NETNS_DIR}/${this.name(id)}`,
          "ping",
          "-c",
          "1",
          "-W",
          "1",
          "-n",
          part[k],
        ]);
        throw new RehearseFailure(
          `ping ${part[k]} in namespace ${this.name(id)} failed (exit ${code ?? done.code}): ${(again.stderr || again.stdout || done.stderr).trim()}`,
        );
      }
    }
    return replies;
  }

  /** Deletes every namespace of the run. */
  async destroy(): Promise<void> {
    await deleteNamespaces(this.created);
    live.delete(this);
  }
}

/** How long links may take to come up after setup. */
const LINKS_UP_SECONDS = 20;

/** At most this many pings run from one shell at once. */
const PINGS_PER_SHELL = 16;

function heredoc(command: string, lines: readonly string[]): string[] {
  const body = lines.filter((l) => l.trim() !== "");
  return [`${command} <<'RH_END'`, ...body, "RH_END"];
}

/** The error output, with the batch line ip names ("Command failed -:N") quoted. */
function explain(output: string, lines: readonly string[]): string {
  const text = output.trim();
  const line = /Command failed -:([0-9]+)/.exec(text);
  const quoted = line ? lines.filter((l) => l.trim() !== "")[Number(line[1]) - 1] : undefined;
  return quoted ? `${text} (line: ${quoted})` : text;
}
