import { availableParallelism } from "node:os";
import { type Model, findConfigurationProblems } from "../reach";
import { type NetworkChange, changeBetween, isEmptyChange } from "./change";
import { type Endpoint, listProbes, placeInstances } from "./endpoints";
import { RehearseInputError, RehearseRejected } from "./errors";
import { NamespaceRun, cleanLeftovers, defaultConcurrency } from "./host";
import { type NetworkPlan, planNetwork, stableNaming } from "./plan";
import { ContinuousPings, type Echo } from "./pinger";
import { type Family, showAddress } from "./ranges";
import { unbuiltParts } from "./unbuilt";

/**
 * A staged change rehearsed with packets (`npm run rehearse -- --migration DIR`): the first stage's network built in
 * namespaces, a ping running on every ordered pair of instances the whole time, and each next stage applied to the
 * running namespaces as a change (change.ts), never rebuilt: first what the stage creates (links, routes, rules),
 * then the nft rulesets it changes, then the routes and rules it destroys, last its links (a peering goes after
 * its routes), with pings running a while after each part, as Terraform creates before it destroys where the
 * dependencies order it. Every echo is counted in the window it was
 * sent in: the first stage, each transition, and the last stage.
 */

/** One stage: its id and reach's model of its Terraform. */
export interface MigrationStage {
  readonly id: string;
  readonly model: Model;
  /** Ordered pairs of instance addresses this stage is meant to cut (a narrowing): their loss from here on is planned. */
  readonly cuts: readonly (readonly [string, string])[];
}

/** Choices for a migration rehearsal. */
export interface MigrationOptions {
  /** Seconds the pings run after each part of a transition and before the first and after the last. @default 1 */
  readonly settleSeconds?: number;
  /** Seconds between the echoes of one pair. @default 0.2 */
  readonly intervalSeconds?: number;
  /**
   * "terraform": creates, then nft, then destroys; "destroy-first": destroys first, the worst order Terraform may
   * take where no dependency orders a create and a destroy (one stack applies independent changes in parallel).
   * @default "terraform"
   */
  readonly order?: "terraform" | "destroy-first";
  /** Once the input is known to be usable, first delete the namespaces of runs that died. @default false */
  readonly cleanLeftovers?: boolean;
}

/** What one pair did in one window. */
export interface PairWindow {
  readonly from: string;
  readonly to: string;
  readonly protocol: Family;
  readonly sent: number;
  readonly lost: number;
  /** "kept" answered as it must, "lost" lost echoes it must not, "cut" planned cut, "down" never answered in the first stage. */
  readonly verdict: "kept" | "lost" | "cut" | "down";
}

/** A window of time: the first stage as built, a transition to a stage, or the last stage after it was applied. */
export interface Window {
  /** "01-attach", "01-attach → 02-remove-peerings-1", ... */
  readonly label: string;
  readonly seconds: number;
  readonly pairs: readonly PairWindow[];
  /** Echoes lost by pairs that must not lose any. */
  readonly lost: number;
  /** What the transition changed in the namespaces (zero for the first and last window). */
  readonly changes: { readonly created: number; readonly rulesets: number; readonly destroyed: number };
}

/** Everything a migration rehearsal found. */
export interface MigrationRehearsal {
  readonly prefix: string;
  readonly stages: readonly string[];
  readonly instances: readonly { readonly address: string; readonly ipv4?: string; readonly ipv6?: string }[];
  readonly intervalSeconds: number;
  readonly order: "terraform" | "destroy-first";
  readonly windows: readonly Window[];
  /** Pairs that answered in the first stage and in the last, as "from → to (protocol)". */
  readonly firstPairs: readonly string[];
  readonly lastPairs: readonly string[];
  /** Whether the last stage answers exactly the first stage's pairs, less the planned cuts. */
  readonly samePairs: boolean;
  /** Echoes lost in all, by pairs that must not lose any. */
  readonly lost: number;
  readonly removedLeftovers: readonly string[];
}

const sleep = (seconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

/** The plans of every stage, with one naming, refusing what cannot be rehearsed before anything is built. */
export function planMigration(
  stages: readonly MigrationStage[],
  table: string,
): { endpoints: Endpoint[]; plans: NetworkPlan[]; changes: NetworkChange[] } {
  if (stages.length < 2)
    throw new RehearseInputError(
      `a migration to rehearse needs at least two stages, this one has ${stages.length}: give the directory npm run migrate wrote`,
    );
  for (const stage of stages) {
    const errors = findConfigurationProblems(stage.model).errors;
    if (errors.length > 0)
      throw new RehearseRejected(
        `stage ${stage.id}: AWS would reject it (${errors.length} configuration error(s), the first: ${errors[0].message}); run npm run reach on the stage's synth and fix it`,
      );
    const parts = unbuiltParts(stage.model);
    if (parts.length > 0)
      throw new RehearseInputError(
        `stage ${stage.id} has ${parts.join(" and ")}, which rehearse does not build; use reach for it`,
      );
  }
  const endpoints = placeInstances(stages[0].model);
  const shown = (es: readonly Endpoint[]): string[] =>
    es.map((e) => `${e.instance.address} ${e.vpc} ${e.ipv4 ?? "-"} ${e.ipv6 ?? "-"}`);
  for (const stage of stages.slice(1)) {
    const here = shown(placeInstances(stage.model));
    const first = shown(endpoints);
    const differs = here.find((x, k) => x !== first[k]) ?? first[here.length];
    if (differs !== undefined || here.length !== first.length)
      throw new RehearseInputError(
        `stage ${stage.id} changes the instances (${differs?.split(" ")[0] ?? "their number"}): rehearse --migration keeps the first stage's instances running, so every stage must have the same instances at the same addresses`,
      );
  }
  for (const family of ["ipv4", "ipv6"] as const) {
    const seen = new Map<bigint, string>();
    for (const e of endpoints) {
      const a = e[family];
      if (a === undefined) continue;
      const other = seen.get(a);
      if (other !== undefined)
        throw new RehearseInputError(
          `${e.instance.address} and ${other} share ${showAddress(family, a)}: rehearse --migration tells echoes apart by address, so give them different private_ip values`,
        );
      seen.set(a, e.instance.address);
    }
  }
  const naming = stableNaming();
  const plans = stages.map((s) => planNetwork(s.model, endpoints, table, naming));
  const changes = plans.slice(1).map((plan, k) => changeBetween(plans[k], plan));
  return { endpoints, plans, changes };
}

/** Builds the first stage, pings every pair the whole time, applies each next stage in turn, and counts. */
export async function rehearseMigration(
  stages: readonly MigrationStage[],
  options: MigrationOptions = {},
): Promise<MigrationRehearsal> {
  const settle = options.settleSeconds ?? 1;
  const interval = options.intervalSeconds ?? 0.2;
  const order = options.order ?? "terraform";
  const run = new NamespaceRun(defaultConcurrency(availableParallelism()));
  const { endpoints, plans, changes } = planMigration(stages, run.table);
  const probes = listProbes(stages[0].model, endpoints);
  const removedLeftovers = options.cleanLeftovers ? await cleanLeftovers() : [];
  const starts: { label: string; at: number; changes: Window["changes"] }[] = [];
  let echoes: Echo[][];
  let end: number;
  try {
    await run.build(plans[0]);
    const pings = new ContinuousPings(
      probes.map((p) => ({
        namespace: run.name(plans[0].instanceNamespace[p.source]),
        address: showAddress(p.protocol, p.address),
      })),
      interval,
    );
    pings.start();
    try {
      starts.push({ label: stages[0].id, at: Date.now(), changes: { created: 0, rulesets: 0, destroyed: 0 } });
      await sleep(settle);
      for (const [k, change] of changes.entries()) {
        const counted = {
          created: change.addNamespaces.length + change.addLinks.length + lines(change.create),
          rulesets: change.nft.length,
          destroyed:
            change.removeNamespaces.length + change.removeLinks.length + lines(change.destroy) + lines(change.detach),
        };
        starts.push({ label: `${stages[k].id} → ${stages[k + 1].id}`, at: Date.now(), changes: counted });
        const c = change;
        const create = {
          work: c.addNamespaces.length + c.addLinks.length + c.create.length + c.moves.length > 0,
          run: () => run.create(c, plans[k + 1]),
        };
        const rulesets = { work: c.nft.length > 0, run: () => run.replaceRulesets(c) };
        const entries = { work: c.destroy.length > 0, run: () => run.removeEntries(c) };
        const links = {
          work: c.detach.length + c.removeLinks.length + c.removeNamespaces.length > 0,
          run: () => run.removeLinks(c),
        };
        const parts = order === "terraform" ? [create, rulesets, entries, links] : [entries, links, rulesets, create];
        if (isEmptyChange(change)) await sleep(settle);
        for (const part of parts.filter((p) => p.work)) {
          await part.run();
          await sleep(settle);
        }
      }
      starts.push({
        label: stages.at(-1)!.id,
        at: Date.now(),
        changes: { created: 0, rulesets: 0, destroyed: 0 },
      });
      await sleep(settle);
      end = Date.now();
      // Replies to the last echoes counted get a second to arrive.
      await sleep(1);
    } finally {
      echoes = await pings.stop();
    }
  } finally {
    await run.destroy();
  }
  return tally({ stages, probes, echoes, starts, end, interval, order, run, endpoints, removedLeftovers });
}

function lines(part: NetworkChange["create"]): number {
  return part.reduce((n, ns) => n + ns.ip.length + ns.ip6.length, 0);
}

function tally(t: {
  stages: readonly MigrationStage[];
  probes: ReturnType<typeof listProbes>;
  echoes: Echo[][];
  starts: readonly { label: string; at: number; changes: Window["changes"] }[];
  end: number;
  interval: number;
  order: "terraform" | "destroy-first";
  run: NamespaceRun;
  endpoints: readonly Endpoint[];
  removedLeftovers: readonly string[];
}): MigrationRehearsal {
  const { stages, probes, echoes, starts, end } = t;
  // The window (index into starts) from which each pair's loss is planned.
  const cutAt = new Map<string, number>();
  stages.forEach((stage, s) => {
    for (const [from, to] of stage.cuts) if (!cutAt.has(`${from}\n${to}`)) cutAt.set(`${from}\n${to}`, s);
  });
  const windowOf = (time: number): number => {
    if (time >= end) return -1;
    let w = -1;
    starts.forEach((s, k) => (s.at <= time ? (w = k) : undefined));
    return w;
  };
  const counts = starts.map(() => probes.map(() => ({ sent: 0, lost: 0 })));
  echoes.forEach((list, p) => {
    for (const echo of list) {
      const w = windowOf(echo.sent);
      if (w < 0) continue;
      counts[w][p].sent += 1;
      if (!echo.replied) counts[w][p].lost += 1;
    }
  });
  const up = probes.map((_, p) => counts[0][p].sent > counts[0][p].lost);
  const windows: Window[] = starts.map((start, w) => {
    const pairs = probes.map((probe, p): PairWindow => {
      const planned = cutAt.get(`${probe.from}\n${probe.to}`);
      const { sent, lost } = counts[w][p];
      const verdict = !up[p] ? "down" : planned !== undefined && w >= planned ? "cut" : lost > 0 ? "lost" : "kept";
      return { from: probe.from, to: probe.to, protocol: probe.protocol, sent, lost, verdict };
    });
    const next = w + 1 < starts.length ? starts[w + 1].at : end;
    return {
      label: start.label,
      seconds: (next - start.at) / 1000,
      pairs,
      lost: pairs.filter((p) => p.verdict === "lost").reduce((n, p) => n + p.lost, 0),
      changes: start.changes,
    };
  });
  const name = (p: { from: string; to: string; protocol: string }): string => `${p.from} → ${p.to} (${p.protocol})`;
  const last = windows.at(-1)!;
  const firstPairs = windows[0].pairs.filter((p, k) => up[k] && p.sent > 0).map(name);
  const lastPairs = last.pairs.filter((p) => p.sent > p.lost).map(name);
  const planned = new Set(last.pairs.filter((p) => p.verdict === "cut").map(name));
  const expected = firstPairs.filter((p) => !planned.has(p));
  return {
    prefix: t.run.prefix,
    stages: stages.map((s) => s.id),
    instances: t.endpoints.map((e) => ({
      address: e.instance.address,
      ...(e.ipv4 === undefined ? {} : { ipv4: showAddress("ipv4", e.ipv4) }),
      ...(e.ipv6 === undefined ? {} : { ipv6: showAddress("ipv6", e.ipv6) }),
    })),
    intervalSeconds: t.interval,
    order: t.order,
    windows,
    firstPairs,
    lastPairs,
    samePairs: expected.length === lastPairs.length && expected.every((p) => lastPairs.includes(p)),
    lost: windows.reduce((n, w) => n + w.lost, 0),
    removedLeftovers: t.removedLeftovers,
  };
}
