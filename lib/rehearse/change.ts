import { RehearseFailure } from "./errors";
import type { LinkSpec, NamespaceSpec, NetworkPlan } from "./plan";

/**
 * The change from one plan of a network to the next, as commands for the namespaces that already run the first:
 * what to create (namespaces, links, and in the running namespaces the routes, rules, neighbours and addresses
 * the new plan adds, a changed route by `ip route replace`), the nft rulesets that change (each replaced in one
 * nft transaction, which the kernel applies atomically), and what to destroy (the routes, rules, neighbours and
 * addresses the new plan drops, then links and namespaces). Nothing that both plans hold is touched, so packets
 * on the paths that do not change never notice. Pure: host.ts carries it out. Both plans must name links with
 * one naming (plan.ts, LinkNaming), else every link would look new.
 */

/** Commands for one namespace that keeps running: `ip -batch` lines and `ip -6 -batch` lines. */
export interface NamespaceLines {
  readonly id: string;
  readonly ip: readonly string[];
  readonly ip6: readonly string[];
}

/** Everything that changes between two plans. */
export interface NetworkChange {
  /** Namespaces only the new plan has: made and set up in full. */
  readonly addNamespaces: readonly NamespaceSpec[];
  /** Links only the new plan has. */
  readonly addLinks: readonly LinkSpec[];
  /** In namespaces both plans have: what the new plan adds or changes. */
  readonly create: readonly NamespaceLines[];
  /**
   * Routes both plans hold whose metric changed because a route declared before them went (plan.ts keeps the
   * declaration order in the metrics): the route at its new metric, then the old one deleted. Not a create nor a
   * destroy of anything Terraform knows, so they go with the creates in either order.
   */
  readonly moves: readonly NamespaceLines[];
  /** In namespaces both plans have: the new nft ruleset where it differs, and the chains it no longer has. */
  readonly nft: readonly { readonly id: string; readonly ruleset: string; readonly dropChains: readonly string[] }[];
  /** In namespaces both plans have: what only the old plan has (routes and rules), but `detach`. */
  readonly destroy: readonly NamespaceLines[];
  /**
   * The policy rules of links that go (what arrives over a peering is delivered): they stand for the link, not
   * for a route, so they go with it, after the routes (a rule outlives its link otherwise).
   */
  readonly detach: readonly NamespaceLines[];
  /** Links only the old plan has (deleting one end deletes the pair). */
  readonly removeLinks: readonly LinkSpec[];
  /** Namespaces only the old plan has. */
  readonly removeNamespaces: readonly string[];
}

/** Whether a change does nothing. */
export function isEmptyChange(change: NetworkChange): boolean {
  return (
    change.addNamespaces.length === 0 &&
    change.addLinks.length === 0 &&
    change.create.length === 0 &&
    change.moves.length === 0 &&
    change.nft.length === 0 &&
    change.destroy.length === 0 &&
    change.detach.length === 0 &&
    change.removeLinks.length === 0 &&
    change.removeNamespaces.length === 0
  );
}

function linkKey(link: LinkSpec): string {
  return [link.a.ns, link.a.name, link.a.mac, link.b.ns, link.b.name, link.b.mac].join(" ");
}

/** The change that turns a network built from `before` into one built from `after`. */
export function changeBetween(before: NetworkPlan, after: NetworkPlan): NetworkChange {
  const old = new Map(before.namespaces.map((ns) => [ns.id, ns]));
  const next = new Map(after.namespaces.map((ns) => [ns.id, ns]));
  const oldLinks = new Set(before.links.map(linkKey));
  const newLinks = new Set(after.links.map(linkKey));
  const removeLinks = before.links.filter((l) => !newLinks.has(linkKey(l)));
  const gone = new Set(removeLinks.flatMap((l) => [`${l.a.ns} ${l.a.name}`, `${l.b.ns} ${l.b.name}`]));
  const create: NamespaceLines[] = [];
  const moves: NamespaceLines[] = [];
  const destroy: NamespaceLines[] = [];
  const detach: NamespaceLines[] = [];
  const nft: { id: string; ruleset: string; dropChains: string[] }[] = [];
  for (const [id, now] of next) {
    const was = old.get(id);
    if (!was) continue;
    if (was.role !== now.role) throw new RehearseFailure(`namespace ${id} changes from ${was.role} to ${now.role}`);
    const moved = movedRoutes(was.ip, now.ip);
    if (moved.lines.length > 0) moves.push({ id, ip: moved.lines, ip6: [] });
    const made = { id, ip: added(was.ip, now.ip, moved.next), ip6: added(was.ip6, now.ip6, new Set()) };
    if (made.ip.length + made.ip6.length > 0) create.push(made);
    const linkGone = (name: string): boolean => gone.has(`${id} ${name}`);
    const ip = removed(was.ip, now.ip, linkGone, moved.old);
    const ip6 = removed(was.ip6, now.ip6, linkGone, new Set());
    if (ip.entries.length + ip6.entries.length > 0) destroy.push({ id, ip: ip.entries, ip6: ip6.entries });
    if (ip.detach.length + ip6.detach.length > 0) detach.push({ id, ip: ip.detach, ip6: ip6.detach });
    if (was.nft !== now.nft) {
      const kept = new Set(chains(now.nft));
      nft.push({ id, ruleset: now.nft, dropChains: chains(was.nft).filter((c) => !kept.has(c)) });
    }
  }
  return {
    addNamespaces: after.namespaces.filter((ns) => !old.has(ns.id)),
    addLinks: after.links.filter((l) => !oldLinks.has(linkKey(l))),
    create,
    moves,
    nft,
    destroy,
    detach,
    removeLinks: removeLinks.filter((l) => next.has(l.a.ns) || next.has(l.b.ns)),
    removeNamespaces: before.namespaces.filter((ns) => !next.has(ns.id)).map((ns) => ns.id),
  };
}

/** The chain names of an nft ruleset as plan.ts writes it. */
function chains(ruleset: string): string[] {
  return [...ruleset.matchAll(/^\tchain (\S+) \{$/gm)].map((m) => m[1]);
}

/** A route's identity in the kernel: destination, table and metric (what `ip route del` needs), without its next hop. */
export function routeKey(line: string): string | undefined {
  const match = /^route add (?:blackhole )?(\S+)(.*)$/.exec(line);
  if (!match) return undefined;
  const table = / table (\S+)/.exec(match[2]);
  const metric = / metric (\S+)/.exec(match[2]);
  return [match[1], ...(table ? [`table ${table[1]}`] : []), ...(metric ? [`metric ${metric[1]}`] : [])].join(" ");
}

/** A route line without its metric. */
function unranked(line: string): string | undefined {
  return line.startsWith("route add ") ? line.replace(/ metric [0-9]+$/, "") : undefined;
}

/**
 * The routes of `before` that `after` holds at another metric only: the commands that move each (the new metric
 * first), and the lines of both sides they cover.
 */
function movedRoutes(
  before: readonly string[],
  after: readonly string[],
): { lines: string[]; old: Set<string>; next: Set<string> } {
  const [had, has] = [new Set(before), new Set(after)];
  const gone = new Map<string, string>();
  for (const line of before) {
    const bare = unranked(line);
    if (bare !== undefined && !has.has(line)) gone.set(bare, line);
  }
  const keys = new Set(after.map(routeKey));
  const lines: string[] = [];
  const old = new Set<string>();
  const next = new Set<string>();
  for (const line of after) {
    const bare = unranked(line);
    const was = bare === undefined || had.has(line) ? undefined : gone.get(bare);
    if (was === undefined) continue;
    gone.delete(bare as string);
    old.add(was);
    next.add(line);
    lines.push(createCommand(line));
    if (!keys.has(routeKey(was))) lines.push(`route del ${routeKey(was)}`);
  }
  return { lines, old, next };
}

/** The lines `after` adds to `before` (less `skip`), in `after`'s order, as commands for a namespace that runs `before`. */
function added(before: readonly string[], after: readonly string[], skip: ReadonlySet<string>): string[] {
  const had = new Set(before);
  return after.filter((line) => !had.has(line) && !skip.has(line)).map(createCommand);
}

function createCommand(line: string): string {
  if (line.startsWith("route add ")) return `route replace ${line.slice("route add ".length)}`;
  if (line.startsWith("neigh add ")) return `neigh replace ${line.slice("neigh add ".length)}`;
  if (/^(rule add|link set|addr add) /.test(line)) return line;
  throw new RehearseFailure(`rehearse cannot change a running namespace by "${line}"`);
}

/**
 * The commands that undo the lines only `before` has: rules, then routes (not those `after` replaces under the
 * same destination, table and metric), neighbours and addresses. Neighbours of links that go are left to the
 * link's deletion.
 */
function removed(
  before: readonly string[],
  after: readonly string[],
  linkGone: (name: string) => boolean,
  skip: ReadonlySet<string>,
): { entries: string[]; detach: string[] } {
  const has = new Set([...after, ...skip]);
  const replaced = new Set(after.map(routeKey).filter((k) => k !== undefined));
  const out: { order: number; line: string }[] = [];
  const detach: string[] = [];
  for (const line of before) {
    if (has.has(line)) continue;
    const key = routeKey(line);
    const neigh = /^neigh add (\S+) lladdr \S+ dev (\S+)/.exec(line);
    const addr = /^addr add (\S+) dev (\S+)/.exec(line);
    const iif = /^rule add iif (\S+) /.exec(line);
    if (iif && linkGone(iif[1])) detach.push(`rule del ${line.slice("rule add ".length)}`);
    else if (line.startsWith("rule add ")) out.push({ order: 0, line: `rule del ${line.slice("rule add ".length)}` });
    else if (key !== undefined) {
      if (!replaced.has(key)) out.push({ order: 1, line: `route del ${key}` });
    } else if (neigh) {
      if (!linkGone(neigh[2])) out.push({ order: 2, line: `neigh del ${neigh[1]} dev ${neigh[2]}` });
    } else if (addr) out.push({ order: 3, line: `addr del ${addr[1]} dev ${addr[2]}` });
    else if (!line.startsWith("link set ")) throw new RehearseFailure(`rehearse cannot undo "${line}"`);
  }
  return { entries: out.sort((a, b) => a.order - b.order).map((x) => x.line), detach };
}
