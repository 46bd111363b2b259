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
  ROUTES_PER_TRANSIT_GATEWAY,
} from "../core/aws-limits";
import { preview } from "../core/json-input";
import { overlappingPartners, overlaps } from "../plan/vpc-cidr";
import type { FieldBlock, ProblemSink } from "./shape-checks";
import { segmentReaches } from "./transit";
import { type Gateway, listed, pairKey, quotaText, type TransitScope, type TransitTally } from "./transit-check-shared";
import { transitPeeringsSchema } from "./transit-peering";

const COUNT = new Intl.NumberFormat("en-US");

/** One side of a peering whose entry passed its checks. */
interface Side {
  readonly gateway: Gateway;
  readonly segment: string;
}

/** A peering whose entry passed its checks. */
interface Peering {
  readonly field: string;
  readonly requester: Side;
  readonly accepter: Side;
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
    const side = (role: "requester" | "accepter"): Side | undefined => {
      const { gateway: name, segment } = parsed.data[role];
      const gateway = scope.gateways.get(name);
      if (!gateway) {
        if (!scope.broken.has(name))
          problems.add(
            () =>
              `${field}.${role}.gateway ${preview(name)} is not in transitGateways: use one of ${listed([...scope.gateways.keys()], "(none: add it to transitGateways)")}`,
          );
        return undefined;
      }
      if (!gateway.segments.some((s) => s.name === segment)) {
        problems.add(
          () =>
            `${field}.${role}.segment ${preview(segment)} is not a segment of ${gateway.field} (${preview(name)}): use one of ${listed(
              gateway.segments.map((s) => s.name),
              "",
            )}`,
        );
        return undefined;
      }
      return { gateway, segment };
    };
    const requester = side("requester");
    const accepter = side("accepter");
    if (!requester || !accepter) return;
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
          `${field} peers ${preview(a.name)} and ${preview(b.name)} again, as ${earlier} does: AWS allows ${quota.default} peering attachment between two transit gateways (${quotaText(quota)}), so keep one and let its segments reach what the other would`,
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
    peerings.push({ field, requester, accepter });
  });
  return peerings;
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

/**
 * Per route table of a peered gateway: the blocks its peerings' static routes add, against the
 * blocks propagated into it, its own members' and its static routes; the routes per gateway; and
 * the routes each member's route tables send to the gateway.
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
    const views = peerings.flatMap((p) =>
      p.requester.gateway === gateway
        ? [{ field: p.field, here: p.requester, there: p.accepter }]
        : p.accepter.gateway === gateway
          ? [{ field: p.field, here: p.accepter, there: p.requester }]
          : [],
    );
    if (views.length === 0) continue;
    let base = 0;
    let statics = 0;
    for (const segment of gateway.segments) {
      const reachers = gateway.attached.filter((a) => segmentReaches(gateway.segments, segment.name, a.segment));
      base += reachers.reduce((n, a) => n + (usable.get(a.vpc)?.shape.blocks.length ?? 1), 0) + segment.routes.length;
      const reached = views.flatMap((v) =>
        segmentReaches(gateway.segments, segment.name, v.here.segment)
          ? v.there.gateway.attached
              .filter((a) => segmentReaches(v.there.gateway.segments, v.there.segment, a.segment))
              .map((a) => ({ vpc: a.vpc, peering: v.field }))
          : [],
      );
      if (reached.length === 0) continue;
      const peered = reached.flatMap((r) => blocks(r.vpc, { peering: r.peering }));
      statics += peered.length;
      const local = gateway.attached
        .filter((a) => a.segment === segment.name || segmentReaches(gateway.segments, segment.name, a.segment))
        .flatMap((a) => blocks(a.vpc, {}));
      reportOverlaps(segment, [...local, ...peered], counts.reported, problems);
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
    const quota = ROUTES_PER_TRANSIT_GATEWAY;
    if (base <= quota.default && base + statics > quota.default)
      problems.add(
        () =>
          `${gateway.field} (${preview(gateway.name)}) needs ${COUNT.format(base + statics)} routes across its route tables, ${COUNT.format(statics)} of them static routes to the VPCs of its peered gateways, over the quota of ${COUNT.format(quota.default)} routes per transit gateway (${quotaText(quota)}): let fewer segments reach the peerings' segments`,
      );
  }
  return across;
}

/** Overlapping blocks of one route table where at least one came through a peering. */
function reportOverlaps(
  segment: Gateway["segments"][number],
  items: readonly PeeredBlock[],
  reported: Set<string>,
  problems: ProblemSink,
): void {
  for (const [a, b] of overlappingPartners(items)) {
    if (a.peering === undefined && b.peering === undefined) continue;
    const key = pairKey(a.field, b.field);
    if (reported.has(key)) continue;
    reported.add(key);
    const via = (x: PeeredBlock) => (x.peering === undefined ? "" : ` across ${x.peering}`);
    problems.add(
      () =>
        `${a.field} "${a.block.cidr}" (${preview(a.owner)}${via(a)}) and ${b.field} "${b.block.cidr}" (${preview(b.owner)}${via(b)}) overlap, and both would be routed by the route table of ${segment.field} (${preview(segment.name)}): a route table sends a block to one attachment, so give the VPCs disjoint blocks or keep their segments from reaching each other`,
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
