/**
 * The transit gateway networks `npm run bench` measures: n VPCs attached to one transit gateway in
 * three segments, as examples/transit-gateway.json has them (shared reaches prod and dev; prod and
 * dev reach shared only, dev's VPCs not even one another), every VPC in 2 AZs.
 */
import { manyVpcs } from "../test-support/configs";

/** The sizes measured. */
export const TRANSIT_SIZES = [125, 1000] as const;

/** The three segments, and which a VPC is in: by its index, round the three in turn. */
const SEGMENTS = ["shared", "prod", "dev"] as const;

/** The config of a transit gateway network of `n` VPCs, with the quota keys at AWS's ceilings. */
export function transitNetworkConfig(n: number): Record<string, unknown> {
  return {
    maxAzs: 2,
    natGateways: "single",
    peeringQuota: 125,
    rulesPerSecurityGroup: 1000,
    routesPerRouteTable: 1000,
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
 * What the app writes for a network of `n` (transitNetworkConfig): a route to each reached VPC's
 * block in each of a VPC's 2 private route tables, and a ping rule per reached VPC; `perTable` is
 * the most routes of one route table, its default route included.
 */
export function transitRoutes(n: number): { routes: number; rules: number; perTable: number } {
  const members = SEGMENTS.map((_, s) => Math.floor(n / SEGMENTS.length) + (s < n % SEGMENTS.length ? 1 : 0));
  const [shared, prod, dev] = members;
  const reached = [shared - 1 + prod + dev, shared + prod - 1, shared];
  const rules = members.reduce((sum, m, s) => sum + m * reached[s], 0);
  return { routes: rules * 2, rules, perTable: Math.max(...reached) + 1 };
}
