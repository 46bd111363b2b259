/**
 * The transit gateway networks `npm run bench` measures: n VPCs attached to one transit gateway in
 * three segments, as examples/transit-gateway.json has them (shared reaches prod and dev; prod and
 * dev reach shared only, dev's VPCs not even one another), every VPC in 2 AZs.
 */
import { parseConfig } from "../lib/config";
import { transitReachable } from "../lib/config/transit";
import { manyVpcs } from "../test-support/configs";

/** The sizes measured. */
export const TRANSIT_SIZES = [125, 1000] as const;

/** The three segments, and which a VPC is in: by its index, round the three in turn. */
const SEGMENTS = ["shared", "prod", "dev"] as const;

/** The config of a transit gateway network of `n` VPCs, with AWS's ceiling of rules per security group. */
export function transitNetworkConfig(n: number): Record<string, unknown> {
  return {
    maxAzs: 2,
    natGateways: "single",
    peeringQuota: 125,
    rulesPerSecurityGroup: 1000,
    transitGateways: [
      {
        name: "hub",
        segments: [
          { name: "shared", reaches: ["prod", "dev"] },
          { name: "prod", reaches: ["shared"] },
          { name: "dev", reaches: ["shared"], isolated: true },
        ],
      },
    ],
    vpcs: manyVpcs(n).map((v, i) => ({ ...v, transitAttachments: { hub: SEGMENTS[i % SEGMENTS.length] } })),
    peerings: [],
  };
}

/**
 * What the app makes of a network of `n` (transitNetworkConfig): the summary blocks its VPC route
 * tables send to the gateway (automatic, as a route per reached VPC passes AWS's default quota of 50
 * routes per table), and the reached VPC blocks its instances admit (each counts as a rule to AWS).
 */
export function transitRoutes(n: number): { summaries: readonly string[]; rules: number } {
  const config = parseConfig(transitNetworkConfig(n));
  const rules = config.vpcs.reduce((sum, v) => sum + transitReachable(config, v.name).length, 0);
  return { summaries: config.transitGateways![0].summaryRoutes ?? [], rules };
}
