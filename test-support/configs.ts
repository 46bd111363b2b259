import * as fs from "fs";
import * as path from "path";
import { DEFAULT_CONFIG } from "../lib/config";

/** The example configs shipped in examples/. */
export const EXAMPLE_PATHS = ["full-mesh.json", "three-vpcs.json"].map((f) => path.join(__dirname, "..", "examples", f));

function example(file: string): { vpcs: { name: string; cidr: string }[]; [key: string]: unknown } {
  return JSON.parse(fs.readFileSync(path.join(__dirname, "..", "examples", file), "utf8"));
}

/** The larger end-to-end config (examples/full-mesh.json): four VPCs, full mesh, two AZs, one NAT gateway per VPC. */
export const FULL_MESH_CONFIG = example("full-mesh.json");

/** examples/three-vpcs.json: "shared" peered with "app" and with "data", which are not peered with each other. */
export const THREE_VPCS_CONFIG = example("three-vpcs.json");

/**
 * The full-mesh example split into peering stacks: its six peerings (five resources each) do not
 * fit a stack of ten resources, so they go to four shards, peering-00 to peering-03, one of them empty.
 */
export const SHARDED_MESH_CONFIG = { ...FULL_MESH_CONFIG, maxPeeringStackResources: 10, peeringShards: 4 };

/** A copy of the built-in default with some keys replaced. */
export function defaultWith(changes: Record<string, unknown>): Record<string, unknown> {
  return { ...structuredClone(DEFAULT_CONFIG), ...changes };
}

/** `n` VPCs named v0..v(n-1) with disjoint /24 blocks. */
export function manyVpcs(n: number): { name: string; cidr: string }[] {
  return Array.from({ length: n }, (_, i) => ({ name: `v${i}`, cidr: `10.${Math.floor(i / 256)}.${i % 256}.0/24` }));
}
