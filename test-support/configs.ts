import { DEFAULT_CONFIG } from "../lib/config";

/** The config of the larger end-to-end checks: four VPCs, full mesh, two AZs, one NAT gateway per VPC. */
export const FULL_MESH_CONFIG = {
  region: "eu-west-1",
  maxAzs: 2,
  natGateways: "single",
  vpcs: [
    { name: "a", cidr: "10.0.0.0/24" },
    { name: "b", cidr: "10.0.1.0/24" },
    { name: "c", cidr: "10.0.2.0/24" },
    { name: "d", cidr: "10.0.3.0/24" },
  ],
  peerings: "full-mesh",
};

/** A copy of the built-in default with some keys replaced. */
export function defaultWith(changes: Record<string, unknown>): Record<string, unknown> {
  return { ...structuredClone(DEFAULT_CONFIG), ...changes };
}

/** `n` VPCs named v0..v(n-1) with disjoint /24 blocks. */
export function manyVpcs(n: number): { name: string; cidr: string }[] {
  return Array.from({ length: n }, (_, i) => ({ name: `v${i}`, cidr: `10.${Math.floor(i / 256)}.${i % 256}.0/24` }));
}
