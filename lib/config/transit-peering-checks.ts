/**
 * The checks of `transitPeerings` and of the gateways' accounts, which AWS would make at apply time
 * or whose breach AWS accepts and routes wrong: known gateways and segments, no gateway peered with
 * itself, one peering per pair of gateways, the peering attachments per gateway, one partition, and
 * blocks that the static routes of a peering would put beside overlapping ones in a route table.
 * Peering two gateways of one region is allowed, as AWS allows it ("You can peer both intra-Region
 * and inter-Region transit gateways", Transit Gateway guide).
 */
import {
  partitionOf,
  PEERING_ATTACHMENTS_BETWEEN_TWO_TRANSIT_GATEWAYS,
  PEERING_ATTACHMENTS_PER_TRANSIT_GATEWAY,
  ROLE_ARN_PATTERN,
  ROUTE_TABLES_PER_TRANSIT_GATEWAY,
  ROUTES_PER_TRANSIT_GATEWAY,
} from "../core/aws-limits";
import { preview } from "../core/json-input";
import { overlappingPartners, overlaps } from "../plan/vpc-cidr";
import type { FieldBlock, ProblemSink } from "./shape-checks";
import { pairedSegments, peeringJoins, segmentReaches } from "./transit";
import { type Gateway, listed, pairKey, quotaText, type TransitScope, type TransitTally } from "./transit-check-shared";
import { transitPeeringsSchema } from "./transit-peering";

const COUNT = new Intl.NumberFormat("en-US");

/** One side of a peering whose entry passed its checks. */
interface Side {
  readonly gateway: Gateway;
  /** Undefined for a peering with segment pairs. */
  readonly segment?: string;
}

/** A pair of segments joined across a peering. */
interface SegmentPair {
  readonly requester: string;
  readonly accepter: string;
}

/** A peering whose entry passed its checks. */
interface Peering {
  readonly field: string;
  readonly requester: Side;
  readonly accepter: Side;
  readonly pairs?: readonly SegmentPair[];
}

/** A block a peering's static route puts into a route table: its VPC and the peering. */
interface PeeredBlock extends FieldBlock {
  readonly owner: string;
  readonly peering?: string;
}

const entrySchema = transitPeeringsSchema.unwrap().element;

/**
 * Checks the gateways' accounts and `transitPeerings`; adds to `counts.routed` the blocks each
 * attached VPC's route tables send to its gateway for the VPCs it reaches across a peering.
 */
export function checkTransitPeerings(
  root: Readonly<Record<string, unknown>>,
  scope: TransitScope,
  counts: TransitTally,
  problems: ProblemSink,
): void {
  checkGatewayAccounts(root, scope.gateways, problems);
  const raw: unknown[] = Array.isArray(root.transitPeerings) ? root.transitPeerings : [];
  const peerings = checkPeeringEntries(raw, scope, problems);
  if (peerings.length === 0) return;
  checkPeeringCounts(peerings, scope.gateways, problems);
  const across = checkPeeredTables(peerings, scope, counts, problems);
  checkReachedTwice(across, scope, counts.reported, problems);
}

/** A gateway's `account` names an entry of accounts whose role works in the gateway's region. */
function checkGatewayAccounts(
  root: Readonly<Record<string, unknown>>,
  gateways: ReadonlyMap<string, Gateway>,
  problems: ProblemSink,
): void {
  const accounts =
    root.accounts !== null && typeof root.accounts === "object" ? (root.accounts as Record<string, unknown>) : {};
  for (const gateway of gateways.values()) {
    const name = gateway.account;
    if (name === undefined) continue;
    const entry = Object.prototype.hasOwnProperty.call(accounts, name) ? accounts[name] : undefined;
    if (entry === undefined) {
      const declared = Object.keys(accounts);
      problems.add(
        () =>
          `${gateway.field}.account ${preview(name)} is not in accounts: use one of ${listed(declared, "(none: add it to accounts with its roleArn)")}, or leave account out for the credentials' own account`,
      );
      continue;
    }
    const arn = entry !== null && typeof entry === "object" ? (entry as { roleArn?: unknown }).roleArn : undefined;
    const rolePartition = typeof arn === "string" ? ROLE_ARN_PATTERN.exec(arn)?.[1] : undefined;
    const partition = gateway.region === undefined ? undefined : partitionOf(gateway.region);
    if (rolePartition && partition && rolePartition !== partition)
      problems.add(
        () =>
          `${gateway.field}.region ${preview(gateway.region)} is in the partition ${partition}, but account ${preview(name)}'s roleArn is in ${rolePartition}: a role works only in its own partition's regions; move the gateway or use another account`,
      );
  }
}

/** Each entry on its own: known gateways and segments, two different gateways, one peering per pair, one partition. */
function checkPeeringEntries(raw: readonly unknown[], scope: TransitScope, problems: ProblemSink): Peering[] {
  const peerings: Peering[] = [];
  const byPair = new Map<string, string>();
  raw.forEach((entry, i) => {
    const parsed = entrySchema.safeParse(entry);
    if (!parsed.success) return;
    const field = `transitPeerings[${i}]`;
    const requester = checkSide(field, "requester", parsed.data.requester, scope, problems);
    const accepter = checkSide(field, "accepter", parsed.data.accepter, scope, problems);
    if (!requester || !accepter) return;
    const pairs = checkSegmentChoice(field, requester, accepter, parsed.data.segmentPairs, problems);
    if (pairs === false) return;
    const [a, b] = [requester.gateway, accepter.gateway];
    if (a === b) {
      problems.add(
        () =>
          `${field} peers the transit gateway ${preview(a.name)} with itself: a peering joins two transit gateways, so name another gateway as accepter, or let the segments reach each other through reaches`,
      );
      return;
    }
    const key = pairKey(a.name, b.name);
    const earlier = byPair.get(key);
    if (earlier !== undefined) {
      const quota = PEERING_ATTACHMENTS_BETWEEN_TWO_TRANSIT_GATEWAYS;
      problems.add(
        () =>
          `${field} peers ${preview(a.name)} and ${preview(b.name)} again, as ${earlier} does: AWS allows ${quota.default} peering attachment between two transit gateways (${quotaText(quota)}), so keep one and list the segments it joins in its segmentPairs`,
      );
      return;
    }
    byPair.set(key, field);
    const [pa, pb] = [a.region, b.region].map((r) => (r === undefined ? undefined : partitionOf(r)));
    if (pa && pb && pa !== pb) {
      problems.add(
        () =>
          `${field} peers ${preview(a.name)} (${a.region}, partition ${pa}) with ${preview(b.name)} (${b.region}, partition ${pb}): AWS peers transit gateways only within one partition; move one of them`,
      );
      return;
    }
    peerings.push({ field, requester, accepter, ...(pairs ? { pairs } : {}) });
  });
  return peerings;
}

/** One side of an entry: a gateway of transitGateways and, when it names one, a segment of it. */
function checkSide(
  field: string,
  role: "requester" | "accepter",
  data: { readonly gateway: string; readonly segment?: string },
  scope: TransitScope,
  problems: ProblemSink,
): Side | undefined {
  const { gateway: name, segment } = data;
  const gateway = scope.gateways.get(name);
  if (!gateway) {
    if (!scope.broken.has(name))
      problems.add(
        () =>
          `${field}.${role}.gateway ${preview(name)} is not in transitGateways: use one of ${listed([...scope.gateways.keys()], "(none: add it to transitGateways)")}`,
      );
    return undefined;
  }
  if (segment !== undefined && !hasSegment(gateway, segment)) {
    problems.add(
      () =>
        `${field}.${role}.segment ${preview(segment)} is not a segment of ${gateway.field} (${preview(name)}): use one of ${segmentNames(gateway)}`,
    );
    return undefined;
  }
  return segment === undefined ? { gateway } : { gateway, segment };
}

const hasSegment = (gateway: Gateway, name: string): boolean => gateway.segments.some((s) => s.name === name);
const segmentNames = (gateway: Gateway): string =>
  listed(
    gateway.segments.map((s) => s.name),
    "",
  );

/**
 * A segment on each side, or segmentPairs and no segment on either: the pairs (undefined for a
 * segment per side), or false when the entry is refused.
 */
function checkSegmentChoice(
  field: string,
  requester: Side,
  accepter: Side,
  pairs: readonly SegmentPair[] | undefined,
  problems: ProblemSink,
): readonly SegmentPair[] | undefined | false {
  const named = (["requester", "accepter"] as const).filter((r) => (r === "requester" ? requester : accepter).segment);
  if (pairs === undefined) {
    if (named.length === 2) return undefined;
    const other = named[0] === "requester" ? "accepter" : "requester";
    const what =
      named.length === 0
        ? `${field}.requester.segment and ${field}.accepter.segment are missing`
        : `${field}.${other}.segment is missing while ${named[0]}.segment is ${preview((named[0] === "requester" ? requester : accepter).segment)}`;
    problems.add(
      () =>
        `${what}: name the segment whose route table the peering joins on each side, or leave both out and list segmentPairs such as [{"requester": "prod", "accepter": "prod"}] to join several pairs of segments`,
    );
    return false;
  }
  if (named.length > 0) {
    problems.add(
      () =>
        `${field} has both segmentPairs and ${named.map((r) => `${r}.segment`).join(" and ")}: with segmentPairs each side's peering attachment gets a route table of its own, so remove ${named.length > 1 ? "the segments" : "the segment"} from the sides, or remove segmentPairs`,
    );
    return false;
  }
  let ok = true;
  const seen = new Map<string, number>();
  pairs.forEach((pair, j) => {
    const at = `${field}.segmentPairs[${j}]`;
    for (const [role, side] of [
      ["requester", requester],
      ["accepter", accepter],
    ] as const) {
      if (hasSegment(side.gateway, pair[role])) continue;
      ok = false;
      problems.add(
        () =>
          `${at}.${role} ${preview(pair[role])} is not a segment of ${side.gateway.field} (${preview(side.gateway.name)}): use one of ${segmentNames(side.gateway)}`,
      );
    }
    const key = `${pair.requester}\u0000${pair.accepter}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      ok = false;
      problems.add(
        () =>
          `${at} joins ${preview(pair.requester)} with ${preview(pair.accepter)} again, as segmentPairs[${earlier}] does: list each pair once`,
      );
    } else seen.set(key, j);
  });
  return ok ? pairs : false;
}

/** Peering attachments per gateway. */
function checkPeeringCounts(
  peerings: readonly Peering[],
  gateways: ReadonlyMap<string, Gateway>,
  problems: ProblemSink,
) {
  const quota = PEERING_ATTACHMENTS_PER_TRANSIT_GATEWAY;
  for (const gateway of gateways.values()) {
    const n = peerings.filter((p) => p.requester.gateway === gateway || p.accepter.gateway === gateway).length;
    if (n > quota.default)
      problems.add(
        () =>
          `${gateway.field} (${preview(gateway.name)}) takes part in ${n} transitPeerings, over the quota of ${quota.default} peering attachments per transit gateway (${quotaText(quota)}): peer it with fewer gateways`,
      );
  }
}

/** What a VPC attached to a gateway reaches across each peering, by VPC: target and the peering's field. */
type Across = Map<string, { owner: string; peering: string }[]>;

/** A peering as one of its gateways sees it. */
interface View {
  readonly field: string;
  readonly here: Side;
  readonly there: Side;
  readonly requester: boolean;
  readonly pairs?: readonly SegmentPair[];
}

function viewsOf(peerings: readonly Peering[], gateway: Gateway): View[] {
  return peerings.flatMap((p): View[] => {
    const pairs = p.pairs ? { pairs: p.pairs } : {};
    if (p.requester.gateway === gateway)
      return [{ field: p.field, here: p.requester, there: p.accepter, requester: true, ...pairs }];
    if (p.accepter.gateway === gateway)
      return [{ field: p.field, here: p.accepter, there: p.requester, requester: false, ...pairs }];
    return [];
  });
}

/** The VPCs of the far side that members of `segment` reach across the peering. */
function reachedAcross(view: View, gateway: Gateway, segment: string): { vpc: string; peering: string }[] {
  const here = { segments: gateway.segments, segment: view.here.segment };
  const there = { segments: view.there.gateway.segments, segment: view.there.segment };
  return view.there.gateway.attached
    .filter((a) => peeringJoins(view.pairs, view.requester, here, there, segment, a.segment))
    .map((a) => ({ vpc: a.vpc, peering: view.field }));
}

/**
 * Per route table of a peered gateway: the blocks its peerings' static routes add, against the
 * blocks propagated into it, its own members' and its static routes; the route tables and routes
 * per gateway, the peerings' own route tables included; and the routes each member's route tables
 * send to the gateway.
 */
function checkPeeredTables(
  peerings: readonly Peering[],
  scope: TransitScope,
  counts: TransitTally,
  problems: ProblemSink,
): Across {
  const { usable, gateways } = scope;
  const across: Across = new Map();
  const blocks = (vpc: string, extra: { peering?: string }): PeeredBlock[] =>
    usable.get(vpc)?.shape.blocks.map((b) => ({ ...b, owner: vpc, ...extra })) ?? [];
  for (const gateway of gateways.values()) {
    const views = viewsOf(peerings, gateway);
    if (views.length === 0) continue;
    let base = 0;
    let statics = 0;
    for (const segment of gateway.segments) {
      const reachers = gateway.attached.filter((a) => segmentReaches(gateway.segments, segment.name, a.segment));
      base += reachers.reduce((n, a) => n + (usable.get(a.vpc)?.shape.blocks.length ?? 1), 0) + segment.routes.length;
      const reached = views.flatMap((v) => reachedAcross(v, gateway, segment.name));
      if (reached.length === 0) continue;
      const peered = reached.flatMap((r) => blocks(r.vpc, { peering: r.peering }));
      statics += peered.length;
      const local = gateway.attached
        .filter((a) => a.segment === segment.name || segmentReaches(gateway.segments, segment.name, a.segment))
        .flatMap((a) => blocks(a.vpc, {}));
      const table = `${segment.field} (${preview(segment.name)})`;
      reportOverlaps(table, [...local, ...peered], false, counts.reported, problems);
      for (const route of segment.routes) {
        const hidden = peered.find((p) => overlaps(p.block, route.block) && route.block.prefix >= p.block.prefix);
        if (hidden)
          problems.add(
            () =>
              `${route.field}.destination "${route.block.cidr}" lies in ${hidden.field} "${hidden.block.cidr}" of VPC ${preview(hidden.owner)}, which ${hidden.peering} routes into the same route table: the static route would win over the peering's and ${route.vpc === undefined ? "drop" : `send to ${preview(route.vpc)}`} its traffic, so route a block outside the VPCs', or a wider one`,
          );
      }
      for (const member of gateway.attached.filter((a) => a.segment === segment.name)) {
        const others = reached.filter((r) => r.vpc !== member.vpc);
        const list = across.get(member.vpc) ?? [];
        across.set(member.vpc, [...list, ...others.map((r) => ({ owner: r.vpc, peering: r.peering }))]);
        const before = counts.routed.get(member.vpc) ?? { ipv4: 0, ipv6: 0 };
        counts.routed.set(member.vpc, {
          ...before,
          ipv4: before.ipv4 + others.reduce((n, r) => n + (usable.get(r.vpc)?.shape.blocks.length ?? 1), 0),
          ipv6: before.ipv6 + (counts.ipv6.has(member.vpc) ? others.filter((r) => counts.ipv6.has(r.vpc)).length : 0),
        });
      }
    }
    base += checkPeeringTables(views, gateway, blocks, counts.reported, problems);
    checkGatewayTotals(gateway, views, base, statics, problems);
  }
  return across;
}

/**
 * The peerings' own route tables on this gateway (one per peering with segment pairs), into which
 * the members of this side's paired segments propagate: their blocks must not overlap (AWS drops
 * the propagation of an overlapping block without a word). Returns the routes they hold.
 */
function checkPeeringTables(
  views: readonly View[],
  gateway: Gateway,
  blocks: (vpc: string, extra: { peering?: string }) => PeeredBlock[],
  reported: Set<string>,
  problems: ProblemSink,
): number {
  let routes = 0;
  for (const view of views) {
    if (!view.pairs) continue;
    const paired = new Set(pairedSegments(view.pairs, view.requester));
    const members = gateway.attached.filter((a) => paired.has(a.segment)).flatMap((a) => blocks(a.vpc, {}));
    routes += members.length;
    reportOverlaps(`${view.field}'s own route table on ${preview(gateway.name)}`, members, true, reported, problems);
  }
  return routes;
}

/** The route tables per gateway (its segments and its peerings' own tables) and its routes. */
function checkGatewayTotals(
  gateway: Gateway,
  views: readonly View[],
  base: number,
  statics: number,
  problems: ProblemSink,
) {
  const tables = ROUTE_TABLES_PER_TRANSIT_GATEWAY;
  const own = views.filter((v) => v.pairs).length;
  if (own > 0 && gateway.segments.length <= tables.default && gateway.segments.length + own > tables.default)
    problems.add(
      () =>
        `${gateway.field} (${preview(gateway.name)}) needs ${gateway.segments.length + own} route tables, ${gateway.segments.length} for its segments and ${own} for its peerings with segmentPairs (one each), over the quota of ${tables.default} route tables per transit gateway (${quotaText(tables)}): give fewer of its peerings segmentPairs, or merge segments`,
    );
  const quota = ROUTES_PER_TRANSIT_GATEWAY;
  if (base <= quota.default && base + statics > quota.default)
    problems.add(
      () =>
        `${gateway.field} (${preview(gateway.name)}) needs ${COUNT.format(base + statics)} routes across its route tables, ${COUNT.format(statics)} of them static routes to the VPCs of its peered gateways, over the quota of ${COUNT.format(quota.default)} routes per transit gateway (${quotaText(quota)}): let fewer segments reach the peerings' segments`,
    );
}

/**
 * Overlapping blocks of one route table where at least one came through a peering, or any two
 * (`all`) in a peering's own route table, into which only local members propagate.
 */
function reportOverlaps(
  table: string,
  items: readonly PeeredBlock[],
  all: boolean,
  reported: Set<string>,
  problems: ProblemSink,
): void {
  for (const [a, b] of overlappingPartners(items)) {
    if (!all && a.peering === undefined && b.peering === undefined) continue;
    const key = pairKey(a.field, b.field);
    if (reported.has(key)) continue;
    reported.add(key);
    const via = (x: PeeredBlock) => (x.peering === undefined ? "" : ` across ${x.peering}`);
    const fix = all
      ? "give the VPCs disjoint blocks or pair only one of their segments"
      : "give the VPCs disjoint blocks or keep their segments from reaching each other";
    problems.add(
      () =>
        `${a.field} "${a.block.cidr}" (${preview(a.owner)}${via(a)}) and ${b.field} "${b.block.cidr}" (${preview(b.owner)}${via(b)}) overlap, and both would be routed by the route table of ${table}: a route table sends a block to one attachment, so ${fix}`,
    );
  }
}

/** A VPC reaching another both across a peering and through a gateway, or across two peerings. */
function checkReachedTwice(across: Across, scope: TransitScope, reported: Set<string>, problems: ProblemSink): void {
  for (const [from, list] of across) {
    const via = new Map<string, string>();
    for (const gateway of scope.gateways.values()) {
      const mine = gateway.attached.find((a) => a.vpc === from);
      if (!mine) continue;
      for (const to of gateway.attached)
        if (to.vpc !== from && segmentReaches(gateway.segments, mine.segment, to.segment))
          via.set(to.vpc, `${gateway.field} (${preview(gateway.name)})`);
    }
    for (const { owner, peering } of list) {
      const earlier = via.get(owner);
      via.set(owner, earlier ?? peering);
      const key = `twice\u0000${pairKey(from, owner)}`;
      if (earlier === undefined || earlier === peering || reported.has(key)) continue;
      reported.add(key);
      problems.add(
        () =>
          `VPCs ${preview(from)} and ${preview(owner)} reach each other through both ${earlier} and ${peering}: a VPC route table sends a block to one target only, so keep them in segments that reach each other one way`,
      );
    }
  }
}
