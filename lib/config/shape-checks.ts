/**
 * The config checks of the network shapes beyond one IPv4 block: IPv6, secondary IPv4 blocks and
 * Site-to-Site VPN connections, the route table quota they all feed, and the warnings for quotas
 * AWS only reports at apply time. Pure functions of config data, called from config.ts.
 */
import {
  AMAZON_SIDE_ASN_DEFAULT,
  AwsDefaultQuota,
  CUSTOMER_GATEWAY_ASN,
  EIPS_PER_REGION,
  IPV4_BLOCKS_PER_VPC_QUOTA,
  NAT_GATEWAYS_PER_AZ,
  NO_IPV6_INSTANCE_FAMILIES,
  NOT_PUBLIC_IPV4_RANGES,
  PROPAGATED_ROUTES_PER_ROUTE_TABLE_MAX,
  RESERVED_CUSTOMER_GATEWAY_ASNS,
  ROUTES_PER_ROUTE_TABLE_QUOTA,
  SECONDARY_BLOCK_RESTRICTIONS,
  TEN_SLASH_FIFTEEN_RULE,
  VGWS_PER_REGION,
  VPCS_PER_REGION,
  VPN_CONNECTIONS_PER_REGION,
  VPN_CONNECTIONS_PER_VGW,
} from "../core/aws-limits";
import { preview } from "../core/json-input";
import { formatCount } from "../core/text";
import type { NatMode, PeeringConfig, VpcConfig } from "./types";
import { secondarySubnetPrefix } from "../plan/subnets";
import { Block, blockOf, checkVpcCidr, contains, overlaps, parseIpv4Address, parseIpv4Cidr } from "../plan/vpc-cidr";

/** Where config checks put their problems; `describe` runs only for problems that get listed. */
export interface ProblemSink {
  add(describe: string | (() => string)): void;
}

/** An IPv4 block of a VPC and the config field it comes from. */
export interface FieldBlock {
  /** e.g. `vpcs[2].secondaryCidrs[0]` */
  readonly field: string;
  readonly block: Block;
}

/** A VPN static route and where it is written. */
export interface StaticRoute extends FieldBlock {
  /** The connection's name. */
  readonly connection: string;
}

/** What the checks between VPCs need of a VPC whose own entry passed every check. */
export interface VpcShape {
  /** The primary block first, then the secondary blocks in config order. */
  readonly blocks: readonly FieldBlock[];
  /** The static routes of its VPN connections. */
  readonly staticRoutes: readonly StaticRoute[];
  /** Its customer gateways: `ip|asn` with the field of the connection. */
  readonly customerGateways: readonly { readonly key: string; readonly field: string }[];
}

/** The VPC keys these checks read, as zod let them through (shape only, values unchecked). */
export interface VpcShapeInput {
  readonly secondaryCidrs?: readonly string[];
  readonly vpnConnections?: Readonly<
    Record<string, { readonly ip: string; readonly asn?: number; readonly staticRoutes?: readonly string[] }>
  >;
}

/** What the per-VPC checks need to know beyond the entry itself. */
export interface VpcContext {
  /** `vpcs[i]` */
  readonly field: string;
  /** The VPC's checked primary block. */
  readonly primary: Block;
  /** Its AZ count, when known. */
  readonly azs: number | undefined;
  /** Its region. */
  readonly region: string;
  /**
   * The name of the account that owns it.
   * @default - the credentials' own account
   */
  readonly account?: string;
  /** The account's quota of IPv4 blocks per VPC, when the config's value is usable. */
  readonly blocksQuota: number | undefined;
}

const SECONDARY_WHY = "the app cuts a private subnet per AZ from each secondary block";

/**
 * Checks the secondary blocks and VPN connections of one VPC against AWS's rules; undefined when
 * any of them is wrong (each problem reported), so the checks between VPCs leave the VPC out.
 */
export function checkVpcShape(entry: VpcShapeInput, ctx: VpcContext, problems: ProblemSink): VpcShape | undefined {
  const before = { ok: true };
  const add = (describe: string | (() => string)) => {
    before.ok = false;
    problems.add(describe);
  };
  const blocks = checkSecondaryBlocks(entry, ctx, add);
  const { staticRoutes, customerGateways } = checkVpnConnections(entry, ctx, blocks, add);
  return before.ok ? { blocks, staticRoutes, customerGateways } : undefined;
}

/** Where a check of one VPC's shape puts its problems. */
type Add = (describe: string | (() => string)) => void;

/** The VPC's blocks, primary first: each secondary block valid, disjoint, allowed beside the primary, within the quota. */
function checkSecondaryBlocks(entry: VpcShapeInput, ctx: VpcContext, add: Add): FieldBlock[] {
  const blocks: FieldBlock[] = [{ field: `${ctx.field}.cidr`, block: ctx.primary }];
  for (const [i, cidr] of (entry.secondaryCidrs ?? []).entries()) {
    const field = `${ctx.field}.secondaryCidrs[${i}]`;
    const checked = checkVpcCidr(cidr, field, 28, SECONDARY_WHY);
    if ("problem" in checked) {
      add(checked.problem);
      continue;
    }
    const own = blocks.find((b) => overlaps(b.block, checked.block));
    if (own) {
      add(
        `${field} "${checked.block.cidr}" overlaps ${own.field} "${own.block.cidr}": the blocks of a VPC must not overlap, pick another range`,
      );
      continue;
    }
    const restricted = restrictionFor(ctx.primary, checked.block);
    if (restricted) {
      add(
        `${field} "${checked.block.cidr}" lies in ${restricted}, which AWS does not associate with a VPC whose primary block ${ctx.field}.cidr is "${ctx.primary.cidr}" (IPv4 CIDR block association restrictions): ${fixForRange(ctx.primary)}`,
      );
      continue;
    }
    if (ctx.azs !== undefined && secondarySubnetPrefix(checked.block.prefix, ctx.azs) === undefined) {
      add(
        `${field} "${checked.block.cidr}" is too small for a private subnet in each of ${ctx.azs} AZ${ctx.azs > 1 ? "s" : ""} (AWS's smallest subnet is /28): use a larger block or fewer AZs`,
      );
      continue;
    }
    blocks.push({ field, block: checked.block });
  }
  const tenRule = tenSlashFifteen(blocks);
  if (tenRule) add(tenRule);
  if (ctx.blocksQuota !== undefined && blocks.length > ctx.blocksQuota) {
    add(blocksQuotaProblem(ctx.field, blocks.length, ctx.blocksQuota));
  }
  return blocks;
}

/** The VPN connections: public device addresses, usable ASNs, static routes outside the VPC, within the propagation limit. */
function checkVpnConnections(
  entry: VpcShapeInput,
  ctx: VpcContext,
  blocks: readonly FieldBlock[],
  add: Add,
): Pick<VpcShape, "staticRoutes" | "customerGateways"> {
  const staticRoutes: StaticRoute[] = [];
  const customerGateways: { key: string; field: string }[] = [];
  const distinctRoutes = new Set<string>();
  const byIp = new Map<string, string>();
  for (const [name, vpn] of Object.entries(entry.vpnConnections ?? {})) {
    const field = `${ctx.field}.vpnConnections.${name}`;
    const ip = parseIpv4Address(vpn.ip, `${field}.ip`);
    const sameDevice = byIp.get(vpn.ip);
    if ("problem" in ip) add(ip.problem);
    else if (sameDevice) {
      add(
        `${field}.ip "${vpn.ip}" is also ${sameDevice}.ip: AWS refuses a second connection from one VPN gateway to the same device address (InvalidCustomerGateway.DuplicateIpAddress): keep one connection per device`,
      );
    } else {
      byIp.set(vpn.ip, field);
      const range = NOT_PUBLIC_IPV4_RANGES.find((r) => contains(blockOf(r.cidr), ip.block));
      if (range) {
        add(
          `${field}.ip ${preview(vpn.ip)} is not a public address (${range.cidr}, ${range.what}): give the public IPv4 address of your VPN device, or of the NAT device in front of it`,
        );
      }
    }
    const asn = vpn.asn ?? CUSTOMER_GATEWAY_ASN.default;
    const reserved = RESERVED_CUSTOMER_GATEWAY_ASNS.find(
      (r) => r.asn === asn && (r.region === undefined || r.region === ctx.region),
    );
    if (reserved) {
      add(
        `${field}.asn ${asn} is reserved by AWS ${reserved.region ? `in ${reserved.region}` : "in every region"}: use your network's own ASN, or a private one from 64,512 to 65,534`,
      );
    } else if (vpn.staticRoutes === undefined && asn === AMAZON_SIDE_ASN_DEFAULT) {
      add(
        `${field}.asn ${asn} is the ASN of the Amazon side of the VPN gateway, and BGP needs two different ones: use another ASN (${CUSTOMER_GATEWAY_ASN.default}, the default, is free), or list staticRoutes for static routing`,
      );
    }
    customerGateways.push({ key: `${ctx.region}|${ctx.account ?? ""}|${vpn.ip}|${asn}`, field });
    const seen = new Map<string, string>();
    for (const [i, cidr] of (vpn.staticRoutes ?? []).entries()) {
      const routeField = `${field}.staticRoutes[${i}]`;
      const parsed = parseIpv4Cidr(cidr, routeField);
      if ("problem" in parsed) {
        add(parsed.problem);
        continue;
      }
      const twice = seen.get(parsed.block.cidr);
      if (twice) {
        add(`${routeField} "${parsed.block.cidr}" repeats ${twice}: list each block once`);
        continue;
      }
      seen.set(parsed.block.cidr, routeField);
      const own = blocks.find((b) => overlaps(b.block, parsed.block));
      if (own) {
        add(
          `${routeField} "${parsed.block.cidr}" overlaps ${own.field} "${own.block.cidr}", the VPC's own block: the VPC's local route would win, so route only your network's blocks over the VPN`,
        );
        continue;
      }
      distinctRoutes.add(parsed.block.cidr);
      staticRoutes.push({ field: routeField, block: parsed.block, connection: name });
    }
  }
  if (distinctRoutes.size > PROPAGATED_ROUTES_PER_ROUTE_TABLE_MAX) {
    add(
      `${ctx.field}.vpnConnections have ${formatCount(distinctRoutes.size)} distinct static routes, which reach each private route table by propagation: AWS takes at most ${PROPAGATED_ROUTES_PER_ROUTE_TABLE_MAX} propagated routes per route table (a hard limit): summarize them into fewer, larger blocks, or use BGP and advertise a default route`,
    );
  }
  return { staticRoutes, customerGateways };
}

/** The range a secondary block may not come from given the VPC's primary block, or undefined. */
function restrictionFor(primary: Block, secondary: Block): string | undefined {
  const row =
    SECONDARY_BLOCK_RESTRICTIONS.find((r) => r.primary !== "other" && contains(blockOf(r.primary), primary)) ??
    SECONDARY_BLOCK_RESTRICTIONS.find((r) => r.primary === "other")!;
  return row.restricted.find((cidr) => contains(blockOf(cidr), secondary));
}

function fixForRange(primary: Block): string {
  const row = SECONDARY_BLOCK_RESTRICTIONS.find((r) => r.primary !== "other" && contains(blockOf(r.primary), primary));
  if (!row) return "use a publicly routable block or one from 100.64.0.0/10";
  if (row.primary === "198.19.0.0/16") return "use a publicly routable block or one from 100.64.0.0/10";
  return `use another block from ${row.primary}, or one from 100.64.0.0/10`;
}

/** AWS's rule that a VPC with a block in 10.0.0.0/15 takes no secondary block from 10.0.0.0/16. */
function tenSlashFifteen(blocks: readonly FieldBlock[]): string | undefined {
  const fifteen = blockOf(TEN_SLASH_FIFTEEN_RULE.any);
  const sixteen = blockOf(TEN_SLASH_FIFTEEN_RULE.noSecondaryFrom);
  for (const secondary of blocks.slice(1)) {
    if (!contains(sixteen, secondary.block)) continue;
    const other = blocks.find((b) => b !== secondary && contains(fifteen, b.block));
    if (other) {
      return `${secondary.field} "${secondary.block.cidr}" lies in ${TEN_SLASH_FIFTEEN_RULE.noSecondaryFrom}, and ${other.field} "${other.block.cidr}" in ${TEN_SLASH_FIFTEEN_RULE.any}: AWS associates no block from ${TEN_SLASH_FIFTEEN_RULE.noSecondaryFrom} with such a VPC (IPv4 CIDR block association restrictions): use a block outside ${TEN_SLASH_FIFTEEN_RULE.any}`;
    }
  }
  return undefined;
}

function blocksQuotaProblem(field: string, n: number, limit: number): string {
  const q = IPV4_BLOCKS_PER_VPC_QUOTA;
  return limit < q.max
    ? `${field} has ${n} IPv4 blocks (cidr and secondaryCidrs), over the quota of ${limit} IPv4 CIDR blocks per VPC (AWS's default is ${q.default}): request an increase of "${q.name}" (${q.code}) in Service Quotas, up to ${q.max}, and set "ipv4BlocksPerVpc" to it, or list fewer secondaryCidrs`
    : `${field} has ${n} IPv4 blocks, over AWS's ceiling of ${q.max} IPv4 CIDR blocks per VPC: list fewer secondaryCidrs`;
}

/** The instance family of a type ("m3" of "m3.medium"). */
function familyOf(instanceType: string): string {
  return instanceType.split(".")[0];
}

/**
 * The problem with giving the ping instances IPv6 addresses when `instanceType` is of a family
 * without IPv6; `ipv6Fields` names the VPCs that have IPv6 (e.g. "vpcs[0] (a)").
 */
export function ipv6InstanceTypeProblem(instanceType: string, ipv6Fields: readonly string[]): string | undefined {
  if (ipv6Fields.length === 0 || !NO_IPV6_INSTANCE_FAMILIES.includes(familyOf(instanceType))) return undefined;
  const which =
    ipv6Fields.length > 3
      ? `${ipv6Fields.slice(0, 3).join(", ")} and ${ipv6Fields.length - 3} more`
      : ipv6Fields.join(", ");
  return `instanceType ${preview(instanceType)} is a previous generation type without IPv6 (AWS supports IPv6 on current generation types and on C3, R3 and I2 only), but ${which} ${ipv6Fields.length > 1 ? "have" : "has"} ipv6: use a current generation type such as "t3.nano", or turn ipv6 off`;
}

/** Where two VPCs' blocks overlap, as a problem; `peeredBy` says which entry peers them. */
export function blocksOverlapProblem(a: FieldBlock, b: FieldBlock, peeredBy: string): string {
  const index = (f: FieldBlock) => Number(/^vpcs\[(\d+)\]/.exec(f.field)?.[1] ?? 0);
  const [first, second] = index(a) <= index(b) ? [a, b] : [b, a];
  const secondary = first.field.includes("secondaryCidrs") || second.field.includes("secondaryCidrs");
  const why = secondary
    ? "AWS refuses a peering when any block of one VPC overlaps any block of the other"
    : "peered VPCs need disjoint ranges";
  return `${second.field} "${second.block.cidr}" overlaps ${first.field} "${first.block.cidr}" (${peeredBy} peers them; ${why}): change one of the blocks`;
}

/** A block of a VPC's peer, with the peer's name and the config entry that peers them. */
export interface PeerBlock extends FieldBlock {
  /** The peer's name. */
  readonly peer: string;
  /** The entry that peers the VPC with this peer, e.g. "peerings.spokes[1]". */
  readonly peeredBy: string;
}

/**
 * The problem with one VPC peered with two VPCs whose blocks overlap: its route tables get a route
 * to each peer's block, two to one destination when the blocks are equal (AWS refuses the second,
 * RouteAlreadyExists) and, when one holds the other, a more specific route that takes the shared
 * addresses to one peer only. `vpc` names the VPC as "vpcs[0] (\"hub\")".
 */
export function peersOverlapProblem(vpc: string, a: PeerBlock, b: PeerBlock): string {
  const index = (f: FieldBlock) => Number(/^vpcs\[(\d+)\]/.exec(f.field)?.[1] ?? 0);
  const [first, second] = index(a) <= index(b) ? [a, b] : [b, a];
  const [outer, inner] = first.block.prefix <= second.block.prefix ? [first, second] : [second, first];
  const routes =
    first.block.cidr === second.block.cidr
      ? `its route tables would get two routes to ${first.block.cidr}, and AWS refuses the second (RouteAlreadyExists)`
      : `its route tables would send ${inner.block.cidr}, which lies in ${outer.block.cidr}, ` +
        `to ${preview(inner.peer)} only (the more specific route wins)`;
  const peers = `${preview(first.peer)} (${first.peeredBy}) and ${preview(second.peer)} (${second.peeredBy})`;
  const blocks = `${first.field} "${first.block.cidr}" and ${second.field} "${second.block.cidr}"`;
  return `${vpc} is peered with ${peers}, whose blocks ${blocks} overlap: ${routes}: give the peers different CIDRs`;
}

/** The first pair of overlapping blocks of two VPCs, or undefined. */
export function firstOverlap(a: VpcShape, b: VpcShape): [FieldBlock, FieldBlock] | undefined {
  for (const x of a.blocks) for (const y of b.blocks) if (overlaps(x.block, y.block)) return [x, y];
  return undefined;
}

/** The problem with a VPN static route of `vpc` that overlaps a block of its peer. */
export function staticRouteOverlapProblem(route: StaticRoute, peerBlock: FieldBlock, peeredBy: string): string {
  return `${route.field} "${route.block.cidr}" overlaps ${peerBlock.field} "${peerBlock.block.cidr}" of a peered VPC (${peeredBy} peers them): the two routes would compete in the route table, and a peer cannot use this VPN anyway (no edge-to-edge routing): route only your network's blocks over the VPN`;
}

/**
 * For each static route, one block of another VPC it overlaps, among `blocks` (every block of
 * every VPC, pairwise disjoint between VPCs): sorted once, then two binary searches per route.
 */
export function staticRouteOverlaps<T extends { readonly owner: string; readonly block: Block }>(
  routes: readonly (StaticRoute & { readonly owner: string })[],
  blocks: readonly T[],
): [StaticRoute & { readonly owner: string }, T][] {
  const sorted = [...blocks].sort((x, y) => x.block.start - y.block.start);
  const found: [StaticRoute & { readonly owner: string }, T][] = [];
  for (const route of routes) {
    // The first block that ends at or after the route's start (ends are ordered like starts).
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid].block.end < route.block.start) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < sorted.length && sorted[i].block.start <= route.block.end; i++) {
      if (sorted[i].owner !== route.owner) {
        found.push([route, sorted[i]]);
        break;
      }
    }
  }
  return found;
}

/** Customer gateways that two VPN entries would share: AWS makes one gateway of identical (ip, asn) requests. */
export function sharedCustomerGatewayProblem(field: string, first: string): string {
  return `${field} has the same ip and asn as ${first}: AWS makes one customer gateway of both, and two connections to it from one region would share it: give one of them another asn, or keep one entry`;
}

/** How many routes the app puts into each private route table of a VPC, by IP version. */
export interface RouteCount {
  /** The default route to a NAT gateway (0 or 1) plus one route per IPv4 block of each peer. */
  readonly ipv4: number;
  /** The default route to the egress-only internet gateway (0 or 1) plus one route per peer with IPv6 too. */
  readonly ipv6: number;
}

/** The routes of one private route table from its VPC's defaults and peer counts. */
export function privateRoutes(
  natGateways: NatMode | undefined,
  ipv6: boolean,
  peerIpv4Blocks: number,
  peerIpv6Blocks: number,
): RouteCount {
  return { ipv4: (natGateways === "none" ? 0 : 1) + peerIpv4Blocks, ipv6: ipv6 ? 1 + peerIpv6Blocks : 0 };
}

/** The problems of a VPC whose private route tables need more routes than the quota: IPv4 and IPv6 apart, as AWS counts them. */
export function routesProblems(
  name: string,
  azs: number,
  routes: RouteCount,
  natGateways: NatMode | undefined,
  limit: number,
): string[] {
  const q = ROUTES_PER_ROUTE_TABLE_QUOTA;
  return (["ipv4", "ipv6"] as const).flatMap((family) => {
    const n = routes[family];
    if (n <= limit) return [];
    const defaults = family === "ipv4" ? (natGateways === "none" ? 0 : 1) : 1;
    const tables =
      Array.from({ length: Math.min(azs, 3) }, (_, az) => `${name}-private-${az}`).join(", ") +
      (azs > 3 ? ", ..." : "");
    const what = `VPC ${preview(name)}: each private route table (${tables}) needs ${formatCount(n)} ${family === "ipv4" ? "IPv4" : "IPv6"} routes (${defaults > 0 ? `a default route to the ${family === "ipv4" ? "NAT" : "egress-only internet"} gateway and ` : ""}${formatCount(n - defaults)} to its peers' blocks)`;
    return [
      limit < q.max
        ? `${what}, over the quota of ${formatCount(limit)} routes per route table (AWS's default is ${q.default}): request an increase of "${q.name}" (${q.code}) in Service Quotas, up to ${formatCount(q.max)}, and set "routesPerRouteTable" to it`
        : `${what}, over AWS's ceiling of ${formatCount(q.max)} routes per route table: peer it with fewer VPCs, or use a Transit Gateway`,
    ];
  });
}

/** The IPv4 blocks of a VPC: its primary block, then its secondary blocks. */
export function ipv4Blocks(vpc: VpcConfig): string[] {
  return [vpc.cidr, ...(vpc.secondaryCidrs ?? [])];
}

/** The SSM interface endpoints are built for a VPC: with natGateways "none" unless ssmEndpoints is false. */
export function hasSsmEndpoints(config: PeeringConfig): boolean {
  return config.natGateways === "none" && config.ssmEndpoints !== false;
}

function defaultQuotaWarning(q: AwsDefaultQuota, what: string, n: number): string {
  return `${formatCount(n)} ${what}: more than AWS's default quota "${q.name}" (${q.code}, service ${q.service}) of ${q.default}; the apply fails unless your account's quota is higher: check it, or request an increase, in Service Quotas`;
}

/**
 * Warnings for a valid config: counts past AWS's adjustable default quotas, which AWS only
 * enforces at apply time and accounts often have raised, and instances no one can manage.
 */
export function configWarnings(config: PeeringConfig): string[] {
  const warnings: string[] = [];
  // AWS counts these quotas per account and region.
  const byRegion = new Map<string, VpcConfig[]>();
  for (const vpc of config.vpcs) {
    const where = vpc.account === undefined ? vpc.region : `${vpc.region} (account ${preview(vpc.account)})`;
    byRegion.set(where, [...(byRegion.get(where) ?? []), vpc]);
  }
  for (const [region, vpcs] of byRegion) {
    if (vpcs.length > VPCS_PER_REGION.default)
      warnings.push(defaultQuotaWarning(VPCS_PER_REGION, `VPCs in ${region}`, vpcs.length));
    const natAzs = vpcs.map((v) => natGatewayCount(config.natGateways, v.maxAzs));
    const eips = natAzs.reduce((sum, n) => sum + n, 0);
    if (eips > EIPS_PER_REGION.default)
      warnings.push(defaultQuotaWarning(EIPS_PER_REGION, `Elastic IPs (one per NAT gateway) in ${region}`, eips));
    const inFirstAz = natAzs.filter((n) => n > 0).length;
    if (inFirstAz > NAT_GATEWAYS_PER_AZ.default) {
      warnings.push(defaultQuotaWarning(NAT_GATEWAYS_PER_AZ, `NAT gateways in the first AZ of ${region}`, inFirstAz));
    }
    const withVpn = vpcs.filter((v) => Object.keys(v.vpnConnections ?? {}).length > 0);
    if (withVpn.length > VGWS_PER_REGION.default)
      warnings.push(defaultQuotaWarning(VGWS_PER_REGION, `VPN gateways in ${region}`, withVpn.length));
    const connections = withVpn.reduce((sum, v) => sum + Object.keys(v.vpnConnections ?? {}).length, 0);
    if (connections > VPN_CONNECTIONS_PER_REGION.default)
      warnings.push(defaultQuotaWarning(VPN_CONNECTIONS_PER_REGION, `VPN connections in ${region}`, connections));
    for (const vpc of withVpn) {
      const n = Object.keys(vpc.vpnConnections ?? {}).length;
      if (n > VPN_CONNECTIONS_PER_VGW.default)
        warnings.push(
          defaultQuotaWarning(
            VPN_CONNECTIONS_PER_VGW,
            `VPN connections on the VPN gateway of VPC ${preview(vpc.name)}`,
            n,
          ),
        );
    }
  }
  if (config.natGateways === "none" && config.ssmEndpoints === false) {
    const names = config.vpcs.map((v) => v.name);
    const shown = names.length > 5 ? `${names.slice(0, 5).join(", ")} and ${names.length - 5} more` : names.join(", ");
    warnings.push(
      `the instances of ${shown} cannot reach Systems Manager: natGateways is "none" and ssmEndpoints is false, so there is neither a NAT gateway nor an SSM endpoint, and npm run ping cannot run commands on them: set ssmEndpoints to true (or leave it out)`,
    );
  }
  return warnings;
}

/** NAT gateways of a VPC with `azs` AZs. */
function natGatewayCount(mode: NatMode, azs: number): number {
  return mode === "per-az" ? azs : mode === "single" ? 1 : 0;
}
