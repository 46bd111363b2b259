/**
 * The checks of the config's transit gateways that AWS would make at apply time, or whose breach
 * AWS accepts silently and routes wrong: names, mutual reaches, the attachments, the quotas, and
 * overlapping blocks in one route table. Each problem names the field, the value and the fix.
 */
import type { z } from "zod";
import {
  ATTACHMENTS_PER_TRANSIT_GATEWAY,
  REGION_PATTERN,
  ROUTE_TABLES_PER_TRANSIT_GATEWAY,
  ROUTES_PER_TRANSIT_GATEWAY,
  ROUTES_PER_ROUTE_TABLE_QUOTA,
  TRANSIT_GATEWAY_ATTACHMENTS_PER_VPC,
} from "../core/aws-limits";
import { preview } from "../core/json-input";
import { planTransitSubnets } from "../plan/transit-subnets";
import { planSubnets } from "../plan/subnets";
import { peeringEntries } from "./topology";
import { MAX_AZS_LIMIT } from "./defaults";
import type { FieldBlock, ProblemSink } from "./shape-checks";
import { overlappingPartners, overlaps, parseIpv4Cidr } from "../plan/vpc-cidr";
import { automaticSummaryRoutes, checkSummaryRoutes } from "./transit-summary";
import { quota } from "./schema";
import { DEFAULT_NAT_GATEWAYS } from "./defaults";
import { AMAZON_SIDE_ASN_RANGES, segmentReaches, transitAttachmentsSchema, transitGatewaysSchema } from "./transit";
import { checkTransitPeerings } from "./transit-peering-checks";
import {
  type Gateway,
  listed,
  pairKey,
  quotaText,
  type Segment,
  type TransitCounts,
  type TransitScope,
  type TransitTally,
  type TransitVpc,
} from "./transit-check-shared";

export type { TransitCounts, TransitVpc } from "./transit-check-shared";

const COUNT = new Intl.NumberFormat("en-US");

/** A VPC as the raw config gives it: what the attachment checks read. */
interface RawVpc {
  readonly cidr?: unknown;
  readonly maxAzs?: unknown;
  readonly region?: unknown;
  readonly account?: unknown;
  readonly ipv6?: unknown;
  readonly transitAttachments?: unknown;
}

const gatewaySchema = transitGatewaysSchema.unwrap().element;

/** One gateway entry as the schema outputs it. */
type GatewayInput = z.output<typeof gatewaySchema>;

/**
 * Checks `transitGateways` and every VPC's `transitAttachments` against each other and AWS's rules.
 * `named` holds every VPC name with the index of its entry, `usable` the VPCs whose entries passed
 * their own checks. Returns, per VPC, how many IPv4 and IPv6 blocks its private route tables route to
 * the transit gateways (IPv6 where both ends have it), for the routes-per-table and rules-per-security-group
 * counts, and the summary routes of gateways that need them.
 */
export function checkTransit(
  root: Readonly<Record<string, unknown>>,
  named: ReadonlyMap<string, number>,
  usable: ReadonlyMap<string, TransitVpc>,
  problems: ProblemSink,
): TransitFacts {
  const routed = new Map<string, TransitCounts>();
  const summarized = new Map<string, readonly string[]>();
  const entries: unknown[] = Array.isArray(root.vpcs) ? root.vpcs : [];
  const rawGateways: unknown[] = Array.isArray(root.transitGateways) ? root.transitGateways : [];
  const anyAttached = entries.some(
    (e) => e !== null && typeof e === "object" && (e as RawVpc).transitAttachments !== undefined,
  );
  if (rawGateways.length === 0 && !anyAttached && root.transitPeerings === undefined) return { routed, summarized };
  const { gateways, broken } = checkGatewayEntries(root, rawGateways, problems);
  const ipv6 = checkAttachments(root, entries, { named, usable, gateways, broken }, problems);
  const reported = new Set<string>();
  const tally = { ipv6, routed, reported, summarized };
  const reached = routeThroughGateways(root, { named, usable, gateways, broken }, tally, problems);
  checkReachedOverlaps(reached, usable, reported, problems);
  const blocks = [...usable].flatMap(([vpc, v]) => v.shape.blocks.map((block) => ({ vpc, block })));
  checkSummaryRoutes(rawGateways, blocks, problems);
  checkTransitPeerings(root, { named, usable, gateways, broken }, tally, problems);
  return { routed, summarized };
}

/** What the transit checks hand on: the routes and rules of each VPC, and the gateways' automatic summary routes. */
export interface TransitFacts {
  /** Per VPC, the IPv4 and IPv6 blocks its private route tables route to the transit gateways. */
  readonly routed: ReadonlyMap<string, TransitCounts>;
  /** By gateway name, the summary routes of a gateway whose routes per block would pass the routes quota. */
  readonly summarized: ReadonlyMap<string, readonly string[]>;
}

/** What a VPC reaches through a gateway, for the checks of overlaps across route tables. */
type Reached = Map<string, { block: FieldBlock; gateway: string; owner: string }[]>;

/** Each gateway entry on its own, and names used twice. */
function checkGatewayEntries(
  root: Readonly<Record<string, unknown>>,
  rawGateways: readonly unknown[],
  problems: ProblemSink,
): { gateways: Map<string, Gateway>; broken: Set<string> } {
  const defaultRegion = typeof root.region === "string" ? root.region : undefined;
  const gateways = new Map<string, Gateway>();
  const broken = new Set<string>();
  rawGateways.forEach((raw, i) => {
    const gateway = checkGateway(raw, `transitGateways[${i}]`, defaultRegion, problems);
    const name = raw !== null && typeof raw === "object" ? (raw as { name?: unknown }).name : undefined;
    if (!gateway && typeof name === "string") broken.add(name);
    if (!gateway) return;
    const earlier = gateways.get(gateway.name);
    if (earlier)
      problems.add(
        () =>
          `${gateway.field}.name ${preview(gateway.name)} is already used by ${earlier.field}: give every transit gateway its own name`,
      );
    else gateways.set(gateway.name, gateway);
  });
  return { gateways, broken };
}

/** Every VPC's transitAttachments: known gateways and segments, within the per-VPC limit; returns the attached VPCs with IPv6. */
function checkAttachments(
  root: Readonly<Record<string, unknown>>,
  entries: readonly unknown[],
  scope: TransitScope,
  problems: ProblemSink,
): Set<string> {
  const { named, usable, gateways, broken } = scope;
  /** The attached VPCs with IPv6. */
  const ipv6 = new Set<string>();
  entries.forEach((entry, index) => {
    if (entry === null || typeof entry !== "object") return;
    const vpc = entry as RawVpc & { name?: unknown };
    // zod's records pass over a "__proto__" key without a word.
    const raw = vpc.transitAttachments;
    if (raw !== null && typeof raw === "object" && Object.prototype.hasOwnProperty.call(raw, "__proto__")) {
      problems.add(
        `vpcs[${index}].transitAttachments has the key "__proto__": name the transit gateways of transitGateways`,
      );
    }
    const parsed = transitAttachmentsSchema.safeParse(vpc.transitAttachments);
    if (!parsed.success || !parsed.data || typeof vpc.name !== "string" || named.get(vpc.name) !== index) return;
    const field = `vpcs[${index}].transitAttachments`;
    const attachments = Object.entries(parsed.data);
    const perVpc = TRANSIT_GATEWAY_ATTACHMENTS_PER_VPC;
    if (attachments.length > perVpc.default) {
      problems.add(
        () =>
          `${field} attaches VPC ${preview(vpc.name)} to ${attachments.length} transit gateways, over AWS's limit of ${perVpc.default} (${quotaText(perVpc)}): attach it to at most ${perVpc.default}`,
      );
    }
    for (const [name, segment] of attachments) {
      const gateway = gateways.get(name);
      if (!gateway && broken.has(name)) continue;
      if (!gateway) {
        problems.add(
          () =>
            `${field}.${name} names the transit gateway ${preview(name)}, which is not in transitGateways: use one of ${listed([...gateways.keys()], "(none: add it to transitGateways)")}`,
        );
        continue;
      }
      if (!gateway.segments.some((s) => s.name === segment)) {
        problems.add(
          () =>
            `${field}.${name} is ${preview(segment)}, which is not a segment of ${gateway.field} (${preview(name)}): use one of ${listed(
              gateway.segments.map((s) => s.name),
              "",
            )}`,
        );
        continue;
      }
      if (attachmentProblems(vpc, `${field}.${name}`, gateway, root, usable.has(vpc.name), problems))
        gateway.attached.push({ vpc: vpc.name, segment });
      if (typeof vpc.ipv6 === "boolean" ? vpc.ipv6 : root.ipv6 === true) ipv6.add(vpc.name);
    }
  });
  return ipv6;
}

/**
 * Each gateway's quotas and tables, and what each attached VPC's private route tables route to it
 * (added to `counts.routed`); returns what VPCs on several gateways, or isolated ones, reach.
 */
function routeThroughGateways(
  root: Readonly<Record<string, unknown>>,
  scope: TransitScope,
  counts: TransitTally,
  problems: ProblemSink,
): Reached {
  const { named, usable, gateways } = scope;
  const { ipv6, routed, reported, summarized } = counts;
  const peered = peeringsOf(root.peerings, named);
  const blocksOf = (vpc: string) => usable.get(vpc)?.shape.blocks.length ?? 1;
  /** Per VPC attached to more than one gateway, or isolated in its segment: what it reaches, for the checks across tables. */
  const reached: Reached = new Map();
  const gatewaysOf = new Map<string, number>();
  for (const gateway of gateways.values())
    for (const a of gateway.attached) gatewaysOf.set(a.vpc, (gatewaysOf.get(a.vpc) ?? 0) + 1);
  /** The gateway through which each ordered pair of VPCs on several gateways reaches, by "from\0to". */
  const reachedThrough = new Map<string, Gateway>();
  for (const gateway of gateways.values()) {
    checkGatewayQuotasAndTables(gateway, usable, named, reported, problems);
    const tableBlocks = new Map(
      gateway.segments.map((s) => {
        const members = gateway.attached.filter((a) => segmentReaches(gateway.segments, s.name, a.segment));
        return [
          s.name,
          {
            ipv4: members.reduce((n, a) => n + blocksOf(a.vpc), 0),
            ipv6: members.filter((a) => ipv6.has(a.vpc)).length,
          },
        ];
      }),
    );
    const segmentOf = new Map(gateway.attached.map((a) => [a.vpc, a.segment]));
    const counted = gateway.attached.map((from) => {
      const isolated = !segmentReaches(gateway.segments, from.segment, from.segment);
      const table = tableBlocks.get(from.segment)!;
      // A peer it also reaches through the gateway keeps its peering's routes (synth adds no second one).
      const peers = [...(peered.all ? segmentOf.keys() : (peered.of.get(from.vpc) ?? []))].filter((p) => {
        const segment = segmentOf.get(p);
        return p !== from.vpc && segment !== undefined && segmentReaches(gateway.segments, from.segment, segment);
      });
      const specific = table.ipv4 - (isolated ? 0 : blocksOf(from.vpc)) - peers.reduce((n, p) => n + blocksOf(p), 0);
      const ipv6Routes = ipv6.has(from.vpc)
        ? table.ipv6 - (isolated ? 0 : 1) - peers.filter((p) => ipv6.has(p)).length
        : 0;
      return { from, isolated, specific, ipv6Routes };
    });
    const summaries = gateway.summaryRoutes ?? automaticSummary(root, gateway, counted, usable, summarized);
    for (const { from, isolated, specific, ipv6Routes } of counted) {
      const before = routed.get(from.vpc) ?? { ipv4: 0, ipv6: 0 };
      routed.set(from.vpc, {
        ipv4: before.ipv4 + specific,
        ipv6: before.ipv6 + ipv6Routes,
        // Summary routes take the place of the specific ones in the route tables, not in the security groups.
        summaryDelta: (before.summaryDelta ?? 0) + (summaries ?? specific) - (gateway.routesPerBlock ? 0 : specific),
      });
      if (!isolated && gatewaysOf.get(from.vpc) === 1) continue;
      const list = reached.get(from.vpc) ?? [];
      reached.set(from.vpc, list);
      for (const to of gateway.attached) {
        if (to.vpc === from.vpc || !segmentReaches(gateway.segments, from.segment, to.segment)) continue;
        const pair = pairKey(from.vpc, to.vpc);
        const earlier = reachedThrough.get(`${from.vpc}\u0000${to.vpc}`);
        reachedThrough.set(`${from.vpc}\u0000${to.vpc}`, gateway);
        if (earlier) {
          if (!reported.has(pair)) problems.add(() => twoGatewaysProblem(from.vpc, to.vpc, earlier, gateway));
          reported.add(pair);
          continue;
        }
        for (const block of usable.get(to.vpc)?.shape.blocks ?? [])
          list.push({ block, gateway: gateway.field, owner: to.vpc });
      }
    }
  }
  return reached;
}

/**
 * The summary routes of a gateway without `summaryRoutes` whose routes per reached block, with the
 * default route, would pass `routesPerRouteTable` in some attached VPC's private route tables: the
 * number of automaticSummaryRoutes, recorded in `summarized` by gateway name. Undefined while the
 * routes fit, or when no summary passes the checks (the routes quota check then refuses the config).
 */
function automaticSummary(
  root: Readonly<Record<string, unknown>>,
  gateway: Gateway,
  counted: readonly { readonly specific: number }[],
  usable: ReadonlyMap<string, TransitVpc>,
  summarized: Map<string, readonly string[]>,
): number | undefined {
  const limit = quota(ROUTES_PER_ROUTE_TABLE_QUOTA).safeParse(root.routesPerRouteTable);
  const defaults = (root.natGateways ?? DEFAULT_NAT_GATEWAYS) === "none" ? 0 : 1;
  if (!limit.success || counted.every((c) => c.specific + defaults <= limit.data)) return undefined;
  const attached = gateway.attached.flatMap((a) => usable.get(a.vpc)?.shape.blocks.map((b) => b.block) ?? []);
  const vpcBlocks = [...usable].flatMap(([vpc, v]) => v.shape.blocks.map((block) => ({ vpc, block })));
  const summary = automaticSummaryRoutes(attached, vpcBlocks);
  if (summary) summarized.set(gateway.name, summary);
  return summary?.length;
}

/** The VPC's own blocks against an isolated segment's table, and blocks reached through different gateways. */
function checkReachedOverlaps(
  reached: Reached,
  usable: ReadonlyMap<string, TransitVpc>,
  reported: Set<string>,
  problems: ProblemSink,
): void {
  // Overlaps within one route table are found per table; these are the VPC's own blocks against an
  // isolated segment's table, and blocks reached through different gateways.
  for (const [name, list] of reached) {
    const own = usable.get(name);
    if (!own) continue;
    const items = [...own.shape.blocks.map((block) => ({ block, gateway: "", owner: name })), ...list];
    for (const [a, b] of overlappingPartners(
      items.map((item) => ({ ...item, block: item.block.block, field: item.block })),
    )) {
      const key = pairKey(a.field.field, b.field.field);
      if (reported.has(key)) continue;
      reported.add(key);
      problems.add(() => routedOverlapProblem(name, own.index, a, b));
    }
  }
}

/** The gateway's own entry: name, region, ASN, segments, their reaches and routes. */
function checkGateway(
  raw: unknown,
  field: string,
  defaultRegion: string | undefined,
  problems: ProblemSink,
): Gateway | undefined {
  const parsed = gatewaySchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const tgw = parsed.data;
  let region: string | undefined = tgw.region ?? defaultRegion ?? "eu-west-1";
  if (tgw.region !== undefined && !REGION_PATTERN.test(tgw.region)) {
    region = undefined;
    problems.add(
      () =>
        `${field}.region ${preview(tgw.region)} is not an AWS region: use a region code such as "eu-west-1", or leave it out for the config's region`,
    );
  }
  const asn = tgw.amazonSideAsn;
  if (asn !== undefined && !AMAZON_SIDE_ASN_RANGES.some(([lo, hi]) => asn >= lo && asn <= hi)) {
    problems.add(
      () =>
        `${field}.amazonSideAsn ${asn} is outside AWS's private ASN ranges: use 64512 to 65534 or 4200000000 to 4294967294, or leave it out for 64512`,
    );
  }
  const tables = ROUTE_TABLES_PER_TRANSIT_GATEWAY;
  if (tgw.segments.length > tables.default) {
    problems.add(
      () =>
        `${field}.segments has ${tgw.segments.length} segments, each a route table, over the quota of ${tables.default} route tables per transit gateway (${quotaText(tables)}): merge segments, or split the VPCs across more transit gateways`,
    );
  }
  if (tgw.routesPerBlock && !tgw.summaryRoutes?.length) {
    problems.add(
      () =>
        `${field}.routesPerBlock is true without summaryRoutes: it keeps a route per reached block beside the summary routes; list summaryRoutes, or leave routesPerBlock out`,
    );
  }
  const segments = checkSegments(tgw.segments, field, problems);
  checkReaches(segments, field, problems);
  return {
    field,
    name: tgw.name,
    region,
    account: tgw.account,
    segments,
    attached: [],
    summaryRoutes: tgw.summaryRoutes?.length,
    routesPerBlock: tgw.routesPerBlock === true,
  };
}

/** A gateway's segments: unique names, and routes with a valid destination, one target and one route per destination. */
function checkSegments(raw: GatewayInput["segments"], field: string, problems: ProblemSink): Segment[] {
  const byName = new Map<string, string>();
  const segments: Segment[] = [];
  raw.forEach((s, j) => {
    const at = `${field}.segments[${j}]`;
    const earlier = byName.get(s.name);
    if (earlier !== undefined) {
      problems.add(
        () =>
          `${at}.name ${preview(s.name)} is already used by ${earlier}: give every segment of a transit gateway its own name`,
      );
      return;
    }
    byName.set(s.name, at);
    const routes: Segment["routes"][number][] = [];
    s.routes.forEach((r, k) => {
      const routeField = `${at}.routes[${k}]`;
      const block = parseIpv4Cidr(r.destination, `${routeField}.destination`);
      if ("problem" in block) {
        problems.add(block.problem);
        return;
      }
      if ((r.vpc === undefined) === (r.blackhole !== true)) {
        problems.add(
          () =>
            `${routeField} ${r.vpc === undefined ? "names no vpc and is no blackhole" : `names the vpc ${preview(r.vpc)} and is a blackhole`}: give it either "vpc" (send to that VPC's attachment) or "blackhole": true (drop)`,
        );
        return;
      }
      const same = routes.find((o) => o.block.cidr === block.block.cidr);
      if (same) {
        problems.add(
          () =>
            `${routeField}.destination "${block.block.cidr}" repeats ${same.field}.destination: a route table holds one route per destination, so keep one`,
        );
        return;
      }
      routes.push({ field: routeField, block: block.block, ...(r.vpc !== undefined ? { vpc: r.vpc } : {}) });
    });
    segments.push({ field: at, name: s.name, reaches: s.reaches, isolated: s.isolated, routes });
  });
  return segments;
}

/** Each segment's reaches: another segment of the gateway, listed once, that reaches it back. */
function checkReaches(segments: readonly Segment[], field: string, problems: ProblemSink): void {
  for (const segment of segments) {
    const seen = new Set<string>();
    segment.reaches.forEach((target, k) => {
      const at = `${segment.field}.reaches[${k}]`;
      const other = segments.find((s) => s.name === target);
      if (target === segment.name) {
        problems.add(
          () =>
            `${at} is ${preview(target)}, the segment itself: members of a segment reach each other unless it is isolated, so remove it (set "isolated": true to keep them apart)`,
        );
      } else if (!other) {
        problems.add(
          () =>
            `${at} is ${preview(target)}, which is not a segment of ${field}: use one of ${listed(
              segments.filter((s) => s !== segment).map((s) => s.name),
              "(none: add the segment)",
            )}`,
        );
      } else if (seen.has(target)) {
        problems.add(() => `${at} repeats ${preview(target)}: list each segment once`);
      } else if (!other.reaches.includes(segment.name)) {
        problems.add(
          () =>
            `${at} is ${preview(target)}, but ${other.field} (${preview(target)}) does not reach ${preview(segment.name)}: replies from ${preview(target)}'s VPCs would have no route back, so add ${preview(segment.name)} to ${other.field}.reaches, or remove ${preview(target)} here`,
        );
      }
      seen.add(target);
    });
  }
}

/**
 * Whether the VPC entry can be attached to `gateway`: its region, account and room for the
 * attachment subnets; each problem added.
 */
function attachmentProblems(
  vpc: RawVpc & { name?: unknown },
  field: string,
  gateway: Gateway,
  root: Readonly<Record<string, unknown>>,
  usable: boolean,
  problems: ProblemSink,
): boolean {
  const region =
    typeof vpc.region === "string" ? vpc.region : typeof root.region === "string" ? root.region : "eu-west-1";
  let ok = true;
  const add = (text: () => string) => {
    ok = false;
    problems.add(text);
  };
  if (gateway.region !== undefined && region !== gateway.region) {
    add(
      () =>
        `${field}: VPC ${preview(vpc.name)} is in ${region}, but the transit gateway ${preview(gateway.name)} is in ${gateway.region}: a transit gateway attaches VPCs of its own region only, so attach the VPC to a transit gateway in ${region}, peered with this one through transitPeerings`,
    );
  }
  const azs = typeof vpc.maxAzs === "number" ? vpc.maxAzs : typeof root.maxAzs === "number" ? root.maxAzs : 1;
  // A usable VPC has a checked block with room for its own subnets in its AZs.
  // A count zod refused (at the VPC or the top level) is reported there; the plan takes 1 to MAX_AZS_LIMIT.
  const countable = Number.isInteger(azs) && azs >= 1 && azs <= MAX_AZS_LIMIT;
  if (usable && typeof vpc.cidr === "string" && countable && planSubnets(vpc.cidr, azs)) {
    if (!planTransitSubnets(vpc.cidr, azs)) {
      add(
        () =>
          `${field}: VPC ${preview(vpc.name)}'s block ${preview(vpc.cidr)} has no room left for a /28 attachment subnet in each of its ${azs} AZ${azs > 1 ? "s" : ""} after its public and private subnets: use a larger block or fewer AZs`,
      );
    }
  }
  return ok;
}

/** Attachments and routes per gateway, overlapping propagated blocks, and static routes that hide a VPC. */
function checkGatewayQuotasAndTables(
  gateway: Gateway,
  usable: ReadonlyMap<string, TransitVpc>,
  named: ReadonlyMap<string, number>,
  reported: Set<string>,
  problems: ProblemSink,
): void {
  const attachments = ATTACHMENTS_PER_TRANSIT_GATEWAY;
  if (gateway.attached.length > attachments.default) {
    problems.add(
      () =>
        `${gateway.field} (${preview(gateway.name)}) has ${COUNT.format(gateway.attached.length)} VPC attachments, over AWS's limit of ${COUNT.format(attachments.default)} attachments per transit gateway (${quotaText(attachments)}): attach the other VPCs to a second transit gateway`,
    );
  }
  const attachedVpcs = new Set(gateway.attached.map((a) => a.vpc));
  let routes = 0;
  for (const segment of gateway.segments) {
    const members = gateway.attached.filter((a) => segmentReaches(gateway.segments, segment.name, a.segment));
    const blocks = members.flatMap(
      (a) => usable.get(a.vpc)?.shape.blocks.map((block) => ({ ...block, owner: a.vpc })) ?? [],
    );
    routes += members.reduce((n, a) => n + (usable.get(a.vpc)?.shape.blocks.length ?? 1), 0) + segment.routes.length;
    for (const [a, b] of overlappingPartners(blocks)) {
      const key = pairKey(a.field, b.field);
      if (reported.has(key)) continue;
      reported.add(key);
      problems.add(
        () =>
          `${a.field} "${a.block.cidr}" (${preview(a.owner)}) and ${b.field} "${b.block.cidr}" (${preview(b.owner)}) overlap, and both would be propagated into the route table of ${segment.field} (${preview(segment.name)}): AWS silently drops such a propagation, so give the VPCs disjoint blocks or put them in segments that do not reach each other`,
      );
    }
    for (const route of segment.routes) {
      if (route.vpc !== undefined && !attachedVpcs.has(route.vpc)) {
        const known = named.has(route.vpc);
        problems.add(
          () =>
            `${route.field}.vpc ${preview(route.vpc)} ${known ? `is not attached to ${preview(gateway.name)}` : "is not in vpcs"}: name a VPC whose transitAttachments include ${preview(gateway.name)}`,
        );
      }
      const hidden = blocks.find((p) => overlaps(p.block, route.block) && route.block.prefix >= p.block.prefix);
      if (hidden) {
        problems.add(
          () =>
            `${route.field}.destination "${route.block.cidr}" lies in ${hidden.field} "${hidden.block.cidr}" of VPC ${preview(hidden.owner)}, propagated into the same route table: the static route would win over the VPC's own route and ${route.vpc === undefined ? "drop" : `send to ${preview(route.vpc)}`} its traffic, so route a block outside the VPCs', or a wider one`,
        );
      }
    }
  }
  const total = ROUTES_PER_TRANSIT_GATEWAY;
  if (routes > total.default) {
    problems.add(
      () =>
        `${gateway.field} (${preview(gateway.name)}) needs ${COUNT.format(routes)} routes across its route tables (each VPC block propagated into each segment that reaches it, and the static routes), over the quota of ${COUNT.format(total.default)} routes per transit gateway (${quotaText(total)}): use fewer segments that reach each other, or split the VPCs across more transit gateways`,
    );
  }
}

function routedOverlapProblem(
  name: string,
  index: number,
  a: { field: FieldBlock; gateway: string; owner: string },
  b: { field: FieldBlock; gateway: string; owner: string },
): string {
  const through = (x: { gateway: string; owner: string }) =>
    x.owner === name ? "its own block" : `${preview(x.owner)} through ${x.gateway}`;
  return `vpcs[${index}] (${preview(name)}) routes ${a.field.field} "${a.field.block.cidr}" (${through(a)}) and ${b.field.field} "${b.field.block.cidr}" (${through(b)}), which overlap: its route tables cannot send both where they belong, so give the VPCs disjoint blocks`;
}

/** Who is peered with whom, read without a word (the peering checks report what is wrong): every pair for "full-mesh". */
function peeringsOf(raw: unknown, named: ReadonlyMap<string, number>): { all: boolean; of: Map<string, Set<string>> } {
  const of = new Map<string, Set<string>>();
  if (raw === "full-mesh") return { all: true, of };
  for (const { requester, accepter } of peeringEntries(
    raw,
    named,
    () => "",
    () => undefined,
  )) {
    for (const [a, b] of [
      [requester, accepter],
      [accepter, requester],
    ]) {
      const set = of.get(a) ?? new Set<string>();
      of.set(a, set.add(b));
    }
  }
  return { all: false, of };
}

function twoGatewaysProblem(from: string, to: string, first: Gateway, second: Gateway): string {
  const gateways = `${first.field} (${preview(first.name)}) and ${second.field} (${preview(second.name)})`;
  return `VPCs ${preview(from)} and ${preview(to)} reach each other through both ${gateways}: a VPC route table sends a block to one target only, so keep them in segments that reach each other on one transit gateway`;
}
