/**
 * The checks AWS would make at apply time (or that would break the stacks) and the shape cannot
 * express: names, overlaps, peerings, placements and quotas, each a named check. They run on
 * whatever parts of the input are usable: a VPC whose own entry is broken is reported once, by zod
 * or here, and left out of the checks between VPCs, so that it causes no second, misleading
 * problem. Every check is linear in the input, or n log n where blocks are sorted: a full mesh is
 * never expanded into pairs.
 */
import {
  IPV4_BLOCKS_PER_VPC_QUOTA,
  PEERING_QUOTA,
  ROUTES_PER_ROUTE_TABLE_QUOTA,
  RULES_PER_SECURITY_GROUP_QUOTA,
} from "../core/aws-limits";
import { preview } from "../core/json-input";
import { formatCount } from "../core/text";
import { overlappingPartners, checkVpcCidr } from "../plan/vpc-cidr";
import { subnetPrefix } from "../plan/subnets";
import { DEFAULT_INSTANCE_TYPE, DEFAULT_MAX_AZS, DEFAULT_NAT_GATEWAYS, DEFAULT_REGION } from "./defaults";
import { accountNameProblem, connectionNameProblem, hasProtoKey, type Problems } from "./messages";
import { type CheckedPlacement, checkPlacements, crossPartitionProblem } from "./placement";
import { azCount, quota, vpcSchema } from "./schema";
import {
  blocksOverlapProblem,
  checkVpcShape,
  firstOverlap,
  ipv6InstanceTypeProblem,
  type PeerBlock,
  peersOverlapProblem,
  privateRoutes,
  routesProblems,
  sharedCustomerGatewayProblem,
  staticRouteOverlapProblem,
  staticRouteOverlaps,
  type VpcShape,
} from "./shape-checks";
import { peeringEntries } from "./topology";
import { checkTransit } from "./transit-checks";
import { NAT_MODES } from "./types";

/** The config's root object, as far as the checks look into it. */
type Root = Readonly<Record<string, unknown>>;

/** A VPC whose entry is valid in itself, so that checks across VPCs can use it. */
interface UsableVpc {
  readonly index: number;
  readonly name: string;
  readonly shape: VpcShape;
}

/** What the quota counts need of every named VPC, usable or not. */
interface Counted {
  /** IPv4 blocks: the primary and each secondary. */
  readonly ipv4: number;
  /** Whether the VPC has IPv6. */
  readonly ipv6: boolean;
  /** AZs, hence private route tables. */
  readonly azs: number;
}

/** The VPC entries as the checks between VPCs see them. */
interface VpcEntries {
  /** Every name given to a VPC entry, valid or not, with the index of its first entry. */
  readonly named: ReadonlyMap<string, number>;
  /** VPCs whose entries pass every check of their own, by name. */
  readonly usable: ReadonlyMap<string, UsableVpc>;
  /** Block counts and IPv6 of each well-formed entry, for the quota counts. */
  readonly counted: ReadonlyMap<string, Counted>;
  /** The fields of the VPCs with IPv6, for the instance type's check. */
  readonly ipv6Fields: readonly string[];
}

/** Per VPC: how many peerings it has, and the IPv4 and IPv6 blocks of its peers (IPv6 where both sides have it). */
interface PeerTotals {
  readonly peerCount: Map<string, number>;
  readonly peerBlocks: Map<string, { ipv4: number; ipv6: number }>;
  /**
   * Routes a transit gateway's summary routes add (or save) beyond the peers' blocks.
   * @default - none
   */
  readonly summaryDelta?: Map<string, number>;
}

/** "a", "b", "c", "d", "e" (or another of the 17 VPCs) */
function someNames(names: ReadonlyMap<string, number>): string {
  const first: string[] = [];
  for (const name of names.keys()) {
    if (first.length === 5) break;
    first.push(preview(name));
  }
  return names.size > 5 ? `${first.join(", ")} (or another of the ${formatCount(names.size)} VPCs)` : first.join(", ");
}

/** What the checks found that resolving the config needs. */
export interface CheckedFacts {
  /** By transit gateway name, the summary routes of a gateway whose routes per reached block would pass the routes quota. */
  readonly summaryRoutes: ReadonlyMap<string, readonly string[]>;
}

/** Runs every check on `raw`, counting each problem into `problems`. */
export function checkSemantics(raw: unknown, problems: Problems): CheckedFacts {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return { summaryRoutes: new Map() };
  const root = raw as Root;
  checkStateBackends(root, problems);
  checkProtoKeys(root, problems);
  const vpcs = checkVpcEntries(root, problems);
  const instanceType = typeof root.instanceType === "string" ? root.instanceType : DEFAULT_INSTANCE_TYPE;
  const noIpv6 = ipv6InstanceTypeProblem(instanceType, vpcs.ipv6Fields);
  if (noIpv6) problems.add(noIpv6);
  checkCustomerGateways(vpcs.usable, problems);
  const placed = checkPlacements(root, (d) => problems.add(d));
  const totals =
    root.peerings === "full-mesh"
      ? checkFullMesh(vpcs, placed, problems)
      : checkPeeringList(root, vpcs, placed, problems);
  const summaryDelta = new Map<string, number>();
  const transit = checkTransit(root, vpcs.named, vpcs.usable, problems);
  for (const [name, n] of transit.routed) {
    const sum = totals.peerBlocks.get(name);
    totals.peerBlocks.set(name, { ipv4: (sum?.ipv4 ?? 0) + n.ipv4, ipv6: (sum?.ipv6 ?? 0) + n.ipv6 });
    if (n.summaryDelta) summaryDelta.set(name, n.summaryDelta);
  }
  checkPeeringQuota(root, totals, problems);
  checkRulesQuota(root, totals, problems);
  checkRoutesQuota(root, vpcs, { ...totals, summaryDelta }, problems);
  return { summaryRoutes: transit.summarized };
}

/** The state goes to S3 or to Terraform Cloud, not both. */
function checkStateBackends(root: Root, problems: Problems): void {
  if (root.backend !== undefined && root.terraformCloud !== undefined) {
    problems.add(
      "backend and terraformCloud are both set: keep one, the state goes either to S3 or to Terraform Cloud",
    );
  }
}

/** Names "__proto__", which zod's records skip (no name pattern sees them). */
function checkProtoKeys(root: Root, problems: Problems): void {
  if (hasProtoKey(root.accounts)) problems.add(() => accountNameProblem("__proto__"));
  const entries: unknown[] = Array.isArray(root.vpcs) ? root.vpcs : [];
  entries.forEach((entry, index) => {
    const vpc = entry !== null && typeof entry === "object" ? (entry as { vpnConnections?: unknown }) : {};
    if (hasProtoKey(vpc.vpnConnections)) {
      problems.add(() => connectionNameProblem(`vpcs[${index}].vpnConnections`, "__proto__"));
    }
  });
}

/** Each VPC entry on its own: a unique name, a valid block large enough for its subnets, a valid shape. */
function checkVpcEntries(root: Root, problems: Problems): VpcEntries {
  const defaultAzs = azCount.safeParse(root.maxAzs ?? DEFAULT_MAX_AZS);
  const region = typeof root.region === "string" ? root.region : DEFAULT_REGION;
  const blocksQuota = quota(IPV4_BLOCKS_PER_VPC_QUOTA).safeParse(root.ipv4BlocksPerVpc);
  const entries: unknown[] = Array.isArray(root.vpcs) ? root.vpcs : [];
  const named = new Map<string, number>();
  const usable = new Map<string, UsableVpc>();
  const counted = new Map<string, Counted>();
  const ipv6Fields: string[] = [];
  entries.forEach((entry, index) => {
    const name = entry !== null && typeof entry === "object" ? (entry as Record<string, unknown>).name : undefined;
    if (typeof name !== "string") return;
    const first = named.get(name);
    if (first !== undefined) {
      problems.add(
        () => `vpcs[${index}].name ${preview(name)} is already used by vpcs[${first}]: give every VPC its own name`,
      );
      return;
    }
    named.set(name, index);
    const vpc = vpcSchema.safeParse(entry);
    if (!vpc.success) return;
    const field = `vpcs[${index}]`;
    const azs = vpc.data.maxAzs ?? (defaultAzs.success ? defaultAzs.data : undefined);
    const ipv6 = vpc.data.ipv6 ?? root.ipv6 === true;
    if (ipv6) ipv6Fields.push(`${field} (${preview(name)})`);
    counted.set(name, { ipv4: 1 + (vpc.data.secondaryCidrs?.length ?? 0), ipv6, azs: azs ?? 1 });
    const checked = checkVpcCidr(vpc.data.cidr, `${field}.cidr`);
    if ("problem" in checked) {
      problems.add(checked.problem);
      return;
    }
    if (azs !== undefined && subnetPrefix(checked.block.prefix, azs) === undefined) {
      problems.add(
        () =>
          `${field}.cidr ${preview(vpc.data.cidr)} is too small for a public and a private subnet in each of ${azs} AZ${azs > 1 ? "s" : ""} (AWS's smallest subnet is /28): use a larger block or fewer AZs`,
      );
    }
    const shape = checkVpcShape(
      vpc.data,
      {
        field,
        primary: checked.block,
        azs,
        region: vpc.data.region ?? region,
        account: vpc.data.account,
        blocksQuota: blocksQuota.success ? blocksQuota.data : undefined,
      },
      problems,
    );
    if (shape) usable.set(name, { index, name, shape });
  });
  return { named, usable, counted, ipv6Fields };
}

/** A full mesh: no two blocks may overlap, no static route may cover a block, and one partition for all. */
function checkFullMesh(
  vpcs: VpcEntries,
  placed: ReadonlyMap<string, CheckedPlacement>,
  problems: Problems,
): PeerTotals {
  const { named, usable, counted } = vpcs;
  const peerCount = new Map<string, number>();
  const peerBlocks = new Map<string, { ipv4: number; ipv6: number }>();
  const names = [...named.keys()];
  let ipv4 = 0;
  let ipv6 = 0;
  for (const name of names) {
    ipv4 += counted.get(name)?.ipv4 ?? 1;
    if (counted.get(name)?.ipv6) ipv6++;
  }
  for (const name of names) {
    const own = counted.get(name);
    peerCount.set(name, names.length - 1);
    peerBlocks.set(name, { ipv4: ipv4 - (own?.ipv4 ?? 1), ipv6: own?.ipv6 ? ipv6 - 1 : 0 });
  }
  const all = [...usable.values()].flatMap((v) => v.shape.blocks.map((b) => ({ ...b, owner: v.name })));
  for (const [a, b] of overlappingPartners(all)) problems.add(() => blocksOverlapProblem(a, b, 'peerings "full-mesh"'));
  const routes = [...usable.values()].flatMap((v) => v.shape.staticRoutes.map((r) => ({ ...r, owner: v.name })));
  for (const [route, block] of staticRouteOverlaps(routes, all))
    problems.add(() => staticRouteOverlapProblem(route, block, 'peerings "full-mesh"'));
  const byPartition = new Map<string, string>();
  for (const [name, p] of placed) if (!byPartition.has(p.partition)) byPartition.set(p.partition, name);
  if (byPartition.size > 1) {
    const [a, b] = [...byPartition.values()];
    problems.add(() => crossPartitionProblem('peerings "full-mesh"', a, placed.get(a)!, b, placed.get(b)!)!);
  }
  return { peerCount, peerBlocks };
}

/**
 * A list of peerings (or hub and spoke): each names two different VPCs of vpcs, once per pair, in
 * one partition; peered blocks must not overlap, nor two peers' blocks that one VPC routes to.
 */
function checkPeeringList(
  root: Root,
  vpcs: VpcEntries,
  placed: ReadonlyMap<string, CheckedPlacement>,
  problems: Problems,
): PeerTotals {
  const { named, usable, counted } = vpcs;
  const totals: PeerTotals = { peerCount: new Map(), peerBlocks: new Map() };
  const seen = new Map<string, string>();
  /** Per usable VPC: the blocks of its usable peers, which its route tables route to. */
  const routedTo = new Map<string, PeerBlock[]>();
  for (const { field, requester: a, accepter: b } of peeringEntries(
    root.peerings,
    named,
    () => someNames(named),
    (d) => problems.add(d),
  )) {
    const unknown = [...new Set([a, b])].filter((n) => !named.has(n));
    for (const name of unknown) {
      problems.add(() => `${field} names VPC ${preview(name)}, which is not in vpcs: use one of ${someNames(named)}`);
    }
    if (unknown.length > 0) continue;
    if (a === b) {
      problems.add(() => `${field} peers ${preview(a)} with itself: a peering joins two different VPCs`);
      continue;
    }
    const key = a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problems.add(
        () => `${field} ${preview([a, b])} repeats ${earlier}: AWS allows one peering per pair of VPCs, remove one`,
      );
      continue;
    }
    seen.set(key, field);
    for (const [name, peer] of [
      [a, b],
      [b, a],
    ])
      addPeer(totals, counted, name, peer);
    const va = usable.get(a);
    const vb = usable.get(b);
    if (va && vb) checkPeeredBlocks(field, va, vb, routedTo, problems);
    const pa = placed.get(a);
    const pb = placed.get(b);
    const partitions = pa && pb && crossPartitionProblem(field, a, pa, b, pb);
    if (partitions) problems.add(() => partitions);
  }
  // A peer's own blocks are disjoint, so each overlap found here is between two peers.
  for (const [name, blocks] of routedTo) {
    const vpc = `vpcs[${usable.get(name)!.index}] (${preview(name)})`;
    for (const [x, y] of overlappingPartners(blocks)) problems.add(() => peersOverlapProblem(vpc, x, y));
  }
  return totals;
}

/** Counts a peering of `name` with `peer` into the totals. */
function addPeer(totals: PeerTotals, counted: ReadonlyMap<string, Counted>, name: string, peer: string): void {
  totals.peerCount.set(name, (totals.peerCount.get(name) ?? 0) + 1);
  const mine = counted.get(name);
  const theirs = counted.get(peer);
  const sum = totals.peerBlocks.get(name) ?? { ipv4: 0, ipv6: 0 };
  totals.peerBlocks.set(name, {
    ipv4: sum.ipv4 + (theirs?.ipv4 ?? 1),
    ipv6: sum.ipv6 + (mine?.ipv6 && theirs?.ipv6 ? 1 : 0),
  });
}

/** Two peered VPCs: their blocks must not overlap, nor a static route of one cover a block of the other. */
function checkPeeredBlocks(
  field: string,
  va: UsableVpc,
  vb: UsableVpc,
  routedTo: Map<string, PeerBlock[]>,
  problems: Problems,
): void {
  for (const [from, to] of [
    [va, vb],
    [vb, va],
  ]) {
    const list = routedTo.get(from.name) ?? [];
    routedTo.set(from.name, list);
    for (const block of to.shape.blocks) list.push({ ...block, peer: to.name, peeredBy: field });
  }
  const overlap = firstOverlap(va.shape, vb.shape);
  if (overlap) problems.add(() => blocksOverlapProblem(overlap[0], overlap[1], field));
  for (const [from, to] of [
    [va, vb],
    [vb, va],
  ]) {
    for (const route of from.shape.staticRoutes) {
      const hit = to.shape.blocks.find(
        (block) => route.block.start <= block.block.end && block.block.start <= route.block.end,
      );
      if (hit) problems.add(() => staticRouteOverlapProblem(route, hit, field));
    }
  }
}

/** Active peerings per VPC within the account's quota. */
function checkPeeringQuota(root: Root, totals: PeerTotals, problems: Problems): void {
  const peeringQuota = quota(PEERING_QUOTA).safeParse(root.peeringQuota);
  if (!peeringQuota.success) return;
  for (const [name, n] of totals.peerCount) {
    if (n > peeringQuota.data) problems.add(() => peeringQuotaProblem(name, n, peeringQuota.data));
  }
}

/** Inbound rules of each ping security group (one per peer block) within the rules quota. */
function checkRulesQuota(root: Root, totals: PeerTotals, problems: Problems): void {
  const rulesQuota = quota(RULES_PER_SECURITY_GROUP_QUOTA).safeParse(root.rulesPerSecurityGroup);
  if (!rulesQuota.success) return;
  // The reachability stack admits its analyser's TCP probe from the same IPv4 blocks as the ICMP rules.
  const perBlock = root.reachabilityAnalyzer === true ? 2 : 1;
  for (const [name, blocks] of totals.peerBlocks) {
    for (const family of ["ipv4", "ipv6"] as const) {
      const n = blocks[family] * (family === "ipv4" ? perBlock : 1);
      if (n > rulesQuota.data)
        problems.add(() => rulesProblem(name, n, family, rulesQuota.data, family === "ipv4" ? perBlock : 1));
    }
  }
}

/** Routes of each private route table (peer blocks, NAT, IPv6 egress) within the routes quota. */
function checkRoutesQuota(root: Root, vpcs: VpcEntries, totals: PeerTotals, problems: Problems): void {
  const routesQuota = quota(ROUTES_PER_ROUTE_TABLE_QUOTA).safeParse(root.routesPerRouteTable);
  if (!routesQuota.success) return;
  const nat = NAT_MODES.find((m) => m === (root.natGateways ?? DEFAULT_NAT_GATEWAYS));
  for (const [name, own] of vpcs.counted) {
    const blocks = totals.peerBlocks.get(name) ?? { ipv4: 0, ipv6: 0 };
    for (const problem of routesProblems(
      name,
      own.azs,
      privateRoutes(nat, own.ipv6, blocks.ipv4 + (totals.summaryDelta?.get(name) ?? 0), blocks.ipv6),
      nat,
      routesQuota.data,
    ))
      problems.add(problem);
  }
}

/** Two VPN entries (in one region) that AWS would make one customer gateway of. */
function checkCustomerGateways(usable: ReadonlyMap<string, UsableVpc>, problems: Problems): void {
  const first = new Map<string, string>();
  for (const vpc of usable.values()) {
    for (const gateway of vpc.shape.customerGateways) {
      const earlier = first.get(gateway.key);
      if (earlier) problems.add(() => sharedCustomerGatewayProblem(gateway.field, earlier));
      else first.set(gateway.key, gateway.field);
    }
  }
}

function peeringQuotaProblem(name: string, n: number, limit: number): string {
  const q = PEERING_QUOTA;
  return limit < q.max
    ? `VPC ${preview(name)} has ${n} peerings, over the quota of ${limit} active peerings per VPC (AWS's default is ${q.default}): request an increase of "${q.name}" (${q.code}) in Service Quotas, up to ${q.max}, and set "peeringQuota" to it, or use a Transit Gateway`
    : `VPC ${preview(name)} has ${n} peerings, over AWS's hard limit of ${q.max} active peerings per VPC: use a Transit Gateway for this many`;
}

function rulesProblem(name: string, n: number, family: "ipv4" | "ipv6", limit: number, perBlock: number): string {
  const q = RULES_PER_SECURITY_GROUP_QUOTA;
  const each =
    perBlock === 1
      ? "one per block of each peered VPC"
      : "per block of each peered VPC, one for ICMP and one for the Reachability Analyzer probe";
  const what = `VPC ${preview(name)}: its ping security group needs ${formatCount(n)} inbound ${family === "ipv4" ? "IPv4" : "IPv6"} rules (${each})`;
  return limit < q.max
    ? `${what}, over the quota of ${formatCount(limit)} inbound rules per security group (AWS's default is ${q.default}): request an increase of "${q.name}" (${q.code}) in Service Quotas, up to ${formatCount(q.max)} divided by the security groups per network interface, and set "rulesPerSecurityGroup" to it`
    : `${what}, over AWS's ceiling of ${formatCount(q.max)} rules per security group: peer it with fewer VPCs`;
}
