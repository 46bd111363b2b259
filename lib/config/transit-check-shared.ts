/**
 * What the checks of transit gateways (transit-checks.ts) and of their peerings
 * (transit-peering-checks.ts) share: the gateways as the checks see them, and the helpers of their messages.
 */
import type { TransitGatewayQuota } from "../core/aws-limits";
import { preview } from "../core/json-input";
import type { Block } from "../plan/vpc-cidr";
import type { VpcShape } from "./shape-checks";

/** What the checks need of each VPC entry whose own checks passed. */
export interface TransitVpc {
  readonly index: number;
  readonly shape: VpcShape;
}

/** A segment as the checks see it. */
export interface Segment {
  readonly field: string;
  readonly name: string;
  readonly reaches: readonly string[];
  readonly isolated: boolean;
  readonly routes: readonly { readonly field: string; readonly block: Block; readonly vpc?: string }[];
}

/** A transit gateway whose own entry parsed, as the checks see it. */
export interface Gateway {
  readonly field: string;
  readonly name: string;
  /** Undefined when the entry's region is not one (reported), so that no VPC is held against it. */
  readonly region: string | undefined;
  /** The account name of its entry, when it names one. */
  readonly account: string | undefined;
  readonly segments: readonly Segment[];
  /** Attached VPCs (named in vpcs) with their segment, in config order. */
  readonly attached: { readonly vpc: string; readonly segment: string }[];
  /** How many summary routes each attached VPC's private route tables get instead of a route per reached block. */
  readonly summaryRoutes?: number;
  /** Whether the route tables keep a route per reached block beside the summary routes. */
  readonly routesPerBlock?: boolean;
}

/** Per VPC: the blocks its private route tables route to the transit gateways, and how many routes summary routes add or save. */
export interface TransitCounts {
  readonly ipv4: number;
  readonly ipv6: number;
  /** Summary routes less the specific routes they replace (in the route tables only). */
  readonly summaryDelta?: number;
}

/** What the gateway and peering checks add up as they go. */
export interface TransitTally {
  /** The attached VPCs with IPv6. */
  readonly ipv6: ReadonlySet<string>;
  /** Per VPC, what its private route tables send to the gateways. */
  readonly routed: Map<string, TransitCounts>;
  /** Pairs whose problem is already reported, so that it is reported once. */
  readonly reported: Set<string>;
  /** The automatic summary routes of gateways without `summaryRoutes`, by gateway name. */
  readonly summarized: Map<string, readonly string[]>;
}

/** What the checks across gateways and VPCs share. */
export interface TransitScope {
  readonly named: ReadonlyMap<string, number>;
  readonly usable: ReadonlyMap<string, TransitVpc>;
  readonly gateways: ReadonlyMap<string, Gateway>;
  /** Names of gateway entries that zod refused: their attachments are left unchecked, not reported again. */
  readonly broken: ReadonlySet<string>;
}

export function pairKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

export function quotaText(q: TransitGatewayQuota): string {
  return q.adjustable
    ? `"${q.name}", AWS's default, which this app checks; raising it in Service Quotas is not read from the config yet`
    : `"${q.name}", which AWS does not raise`;
}

export function listed(names: readonly string[], none: string): string {
  if (names.length === 0) return none;
  const shown = names.slice(0, 5).map((n) => preview(n));
  return names.length > 5 ? `${shown.join(", ")} (or another of the ${names.length})` : shown.join(", ");
}
