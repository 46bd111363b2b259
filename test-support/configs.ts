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

/** A copy of the built-in default with some keys replaced. */
export function defaultWith(changes: Record<string, unknown>): Record<string, unknown> {
  return { ...structuredClone(DEFAULT_CONFIG), ...changes };
}

/** `n` VPCs named v0..v(n-1) with disjoint /24 blocks. */
export function manyVpcs(n: number): { name: string; cidr: string }[] {
  return Array.from({ length: n }, (_, i) => ({ name: `v${i}`, cidr: `10.${Math.floor(i / 256)}.${i % 256}.0/24` }));
}

/** `env` without PEERING_CONFIG, so a command uses the built-in default (set but empty is an error). */
export function withoutConfig(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { PEERING_CONFIG: _unset, ...rest } = env;
  return rest;
}
