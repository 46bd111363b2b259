/**
 * The config's transit gateways: the zod schema of the top-level `transitGateways` and of each VPC's
 * `transitAttachments`, the resolved shape, and what the segments mean (who reaches whom, which VPC
 * propagates into which segment's route table). The checks across the config are in transit-checks.ts.
 *
 * A segment is one transit gateway route table. A VPC attached in segment S is associated with S's
 * table; its blocks are propagated into the tables of the segments that reach S, and into S's own
 * unless S is isolated. So a VPC of S reaches a VPC of T exactly when T is in S's `reaches`, or
 * S = T and S is not isolated; the checks make `reaches` mutual, so that every reply has a route.
 */
import { z } from "zod";
import { SUMMARY_ROUTES_FIX, summaryRoutesSchema } from "./transit-summary";
import type {
  PeeringConfig,
  TransitGatewayConfig,
  TransitPeeringConfig,
  TransitPeeringSide,
  TransitSegmentConfig,
  TransitSegmentPair,
  VpcConfig,
} from "./types";
import { transitAccountKeys } from "./transit-peering";

export type { TransitGatewayConfig, TransitRouteConfig, TransitSegmentConfig } from "./types";

/** Names of transit gateways and segments: as VPC names. */
const NAME = /^[a-z][a-z0-9-]{0,30}$/;

/** The ASN AWS gives a transit gateway's Amazon side unless told otherwise. */
export const DEFAULT_AMAZON_SIDE_ASN = 64512;
/** AWS's private ASN ranges for a transit gateway's Amazon side. */
export const AMAZON_SIDE_ASN_RANGES = [
  [64512, 65534],
  [4200000000, 4294967294],
] as const;

const routeSchema = z
  .object({
    destination: z.string().describe('IPv4 block the route matches, e.g. "192.168.0.0/16"'),
    vpc: z
      .string()
      .regex(NAME)
      .optional()
      .describe("Send what matches to this VPC's attachment (a VPC attached to this transit gateway)"),
    blackhole: z.boolean().optional().describe("Drop what matches (set true instead of vpc)"),
  })
  .strict();

const segmentSchema = z
  .object({
    name: z
      .string()
      .regex(NAME)
      .describe("Name of the segment (one transit gateway route table): lowercase letters, digits and '-'"),
    reaches: z
      .array(z.string())
      .default([])
      .describe(
        "Other segments of this transit gateway whose VPCs this segment's VPCs reach; each must list this one back",
      ),
    isolated: z.boolean().default(false).describe("Members of this segment do not reach each other"),
    routes: z
      .array(routeSchema)
      .default([])
      .describe("Static routes of the segment's route table: to a VPC attachment, or a blackhole"),
  })
  .strict();

const transitGatewaySchema = z
  .object({
    name: z
      .string()
      .regex(NAME)
      .describe("Name of the transit gateway: lowercase letters, digits and '-'; used in resource ids and tags"),
    region: z
      .string()
      .optional()
      .describe("AWS region of the transit gateway (default: the config's region); its VPCs must be in it"),
    amazonSideAsn: z
      .number()
      .int()
      .optional()
      .describe(
        `BGP ASN of the Amazon side: 64512 to 65534 or 4200000000 to 4294967294 (default ${DEFAULT_AMAZON_SIDE_ASN})`,
      ),
    ...transitAccountKeys,
    segments: z.array(segmentSchema).min(1).describe("The segments, each a route table of the transit gateway"),
    summaryRoutes: summaryRoutesSchema,
    routesPerBlock: z
      .boolean()
      .optional()
      .describe(
        "With summaryRoutes: a route per reached VPC block too, beside the summary routes (the stage of a migration before its summary routes go)",
      ),
  })
  .strict();

/** The top-level `transitGateways` key. */
export const transitGatewaysSchema = z
  .array(transitGatewaySchema)
  .optional()
  .describe("Transit gateways, each with segments (route tables) that say which attached VPCs reach which");

/** A VPC's `transitAttachments` key. */
export const transitAttachmentsSchema = z
  .record(z.string().regex(NAME), z.string().regex(NAME))
  .optional()
  .describe('The transit gateways this VPC is attached to, by name, each with the VPC\'s segment: {"hub": "prod"}');

/** The fixes of the transit keys, by key, for the config's messages. */
export const TRANSIT_FIXES: Readonly<Record<string, string>> = {
  transitGateways: 'list transit gateways such as [{"name": "hub", "segments": [{"name": "prod"}]}]',
  transitAttachments:
    'write the transit gateways the VPC is attached to with its segment on each, such as {"hub": "prod"}',
  amazonSideAsn:
    "use a private ASN from 64512 to 65534 or 4200000000 to 4294967294, or leave amazonSideAsn out for 64512",
  segments: 'list at least one segment such as {"name": "prod", "reaches": ["shared"]}',
  reaches: 'list names of other segments of the same transit gateway, such as ["shared"]',
  isolated: "use true (members do not reach each other) or false",
  routes:
    'list static routes such as {"destination": "192.168.0.0/16", "vpc": "shared"} or {"destination": "10.99.0.0/16", "blackhole": true}',
  destination: 'use an IPv4 network in CIDR notation such as "192.168.0.0/16"',
  vpc: "name a VPC of vpcs that is attached to this transit gateway",
  blackhole: "use true (drop what matches) or leave it out and name a vpc",
  summaryRoutes: SUMMARY_ROUTES_FIX,
  routesPerBlock: "use true (a route per reached block beside the summary routes) or leave it out",
};

type TransitInput = z.output<typeof transitGatewaysSchema>;
type AttachmentsInput = z.output<typeof transitAttachmentsSchema>;

/**
 * The transit gateways of a config that passed every check, with regions and ASNs filled in and
 * the VPCs' `transitAttachments` gathered per gateway; undefined when the config has none.
 */
export function resolveTransitGateways(
  input: TransitInput,
  vpcs: readonly { readonly name: string; readonly transitAttachments?: AttachmentsInput }[],
  region: string,
  automaticSummaries: ReadonlyMap<string, readonly string[]> = new Map(),
): TransitGatewayConfig[] | undefined {
  if (!input || input.length === 0) return undefined;
  return input.map((tgw) => ({
    name: tgw.name,
    region: tgw.region ?? region,
    amazonSideAsn: tgw.amazonSideAsn ?? DEFAULT_AMAZON_SIDE_ASN,
    ...(tgw.account !== undefined ? { account: tgw.account } : {}),
    ...(tgw.shareOutsideOrganization ? { shareOutsideOrganization: true } : {}),
    segments: tgw.segments.map((s) => ({
      name: s.name,
      reaches: s.reaches,
      isolated: s.isolated,
      routes: s.routes.map((r) => ({
        destination: r.destination,
        ...(r.vpc ? { vpc: r.vpc } : {}),
        blackhole: r.blackhole === true,
      })),
    })),
    ...(tgw.summaryRoutes?.length
      ? { summaryRoutes: tgw.summaryRoutes }
      : automaticSummaries.has(tgw.name)
        ? { summaryRoutes: automaticSummaries.get(tgw.name)! }
        : {}),
    ...(tgw.routesPerBlock ? { routesPerBlock: true } : {}),
    attachments: vpcs.flatMap((v) => {
      const segment = v.transitAttachments?.[tgw.name];
      return segment === undefined ? [] : [{ vpc: v.name, segment }];
    }),
  }));
}

/** Whether a VPC in segment `from` reaches a VPC in segment `to` of the same transit gateway. */
export function segmentReaches(
  segments: readonly Pick<TransitSegmentConfig, "name" | "reaches" | "isolated">[],
  from: string,
  to: string,
): boolean {
  const segment = segments.find((s) => s.name === from);
  if (!segment) return false;
  return from === to ? !segment.isolated : segment.reaches.includes(to);
}

/**
 * The VPCs whose blocks are propagated into each segment's route table, by segment name: the members
 * of the segments it reaches, and its own members unless it is isolated.
 */
export function propagatedInto(tgw: TransitGatewayConfig): Map<string, string[]> {
  return new Map(
    tgw.segments.map((s) => [
      s.name,
      tgw.attachments.filter((a) => segmentReaches(tgw.segments, s.name, a.segment)).map((a) => a.vpc),
    ]),
  );
}

/**
 * The VPCs `name` reaches through a transit gateway, with the gateway that carries each, in config
 * order of the VPCs; each VPC once (the checks refuse a VPC reached through two gateways).
 */
export function transitReachable(config: PeeringConfig, name: string): { vpc: VpcConfig; gateway: string }[] {
  let byVpc = REACHABLE.get(config);
  if (!byVpc) REACHABLE.set(config, (byVpc = new Map()));
  let reached = byVpc.get(name);
  if (!reached) byVpc.set(name, (reached = reachableFrom(config, name)));
  return reached;
}

/** transitReachable's answers by config and VPC: check asks for every ordered pair. */
const REACHABLE = new WeakMap<PeeringConfig, Map<string, { vpc: VpcConfig; gateway: string }[]>>();

function reachableFrom(config: PeeringConfig, name: string): { vpc: VpcConfig; gateway: string }[] {
  const found = new Map<string, string>();
  for (const tgw of config.transitGateways ?? []) {
    const mine = tgw.attachments.find((a) => a.vpc === name);
    if (!mine) continue;
    for (const other of tgw.attachments) {
      if (other.vpc !== name && !found.has(other.vpc) && segmentReaches(tgw.segments, mine.segment, other.segment))
        found.set(other.vpc, tgw.name);
    }
    for (const { vpc } of acrossPeerings(config, tgw, mine.segment))
      if (vpc !== name && !found.has(vpc)) found.set(vpc, tgw.name);
  }
  return config.vpcs.filter((v) => found.has(v.name)).map((vpc) => ({ vpc, gateway: found.get(vpc.name)! }));
}

/** The VPCs `name` pings: its peers (`peers`, in their order), then the VPCs it reaches through a transit gateway only. */
export function withTransitPeers(config: PeeringConfig, name: string, peers: readonly VpcConfig[]): VpcConfig[] {
  if (!config.transitGateways) return [...peers];
  const peered = new Set(peers.map((p) => p.name));
  return [
    ...peers,
    ...transitReachable(config, name)
      .filter((r) => !peered.has(r.vpc.name))
      .map((r) => r.vpc),
  ];
}

/** One peering as one of its gateways sees it: its own side, the far side, and whether it requested it. */
export interface PeeringView {
  readonly peering: TransitPeeringConfig;
  readonly here: TransitPeeringSide;
  readonly there: TransitPeeringSide;
  readonly requester: boolean;
  /** The far side's gateway. */
  readonly peer: TransitGatewayConfig;
}

/** The peerings of the gateway, in config order, as it sees them. */
export function peeringsOfGateway(config: PeeringConfig, gateway: string): PeeringView[] {
  const byName = new Map((config.transitGateways ?? []).map((g) => [g.name, g]));
  return (config.transitPeerings ?? []).flatMap((peering): PeeringView[] => {
    const { requester, accepter } = peering;
    if (requester.gateway === gateway)
      return [{ peering, here: requester, there: accepter, requester: true, peer: byName.get(accepter.gateway)! }];
    if (accepter.gateway === gateway)
      return [{ peering, here: accepter, there: requester, requester: false, peer: byName.get(requester.gateway)! }];
    return [];
  });
}

/**
 * The VPCs that members of `segment` of `gateway` reach across its peerings, with the peering that
 * carries each (peeringJoins says which).
 */
export function acrossPeerings(
  config: PeeringConfig,
  gateway: TransitGatewayConfig,
  segment: string,
): { vpc: string; view: PeeringView }[] {
  return peeringsOfGateway(config, gateway.name).flatMap((view) =>
    view.peer.attachments
      .filter((a) =>
        peeringJoins(
          view.peering.segmentPairs,
          view.requester,
          { segments: gateway.segments, segment: view.here.segment },
          { segments: view.peer.segments, segment: view.there.segment },
          segment,
          a.segment,
        ),
      )
      .map((a) => ({ vpc: a.vpc, view })),
  );
}

/** One side of a peering as peeringJoins sees it: its gateway's segments and the peering's segment there. */
interface JoinSide {
  readonly segments: readonly Pick<TransitSegmentConfig, "name" | "reaches" | "isolated">[];
  readonly segment?: string;
}

/**
 * Whether a member of segment `from` here reaches a member of segment `to` there across a peering.
 * With segment pairs, exactly when (from, to) is a pair, read from this side (`requester`: whether
 * here is the requester). Else the peering is a member of its segment on each side: `from` must
 * reach the peering's segment here, and the peering's segment there must reach `to`.
 */
export function peeringJoins(
  pairs: readonly TransitSegmentPair[] | undefined,
  requester: boolean,
  here: JoinSide,
  there: JoinSide,
  from: string,
  to: string,
): boolean {
  if (pairs)
    return pairs.some((p) =>
      requester ? p.requester === from && p.accepter === to : p.accepter === from && p.requester === to,
    );
  if (here.segment === undefined || there.segment === undefined) return false;
  return segmentReaches(here.segments, from, here.segment) && segmentReaches(there.segments, there.segment, to);
}

/**
 * The segments of this side that a peering with segment pairs joins (`requester`: whether this side
 * requested it): their members propagate into the peering's own route table here.
 */
export function pairedSegments(pairs: readonly TransitSegmentPair[], requester: boolean): string[] {
  return [...new Set(pairs.map((p) => (requester ? p.requester : p.accepter)))];
}
