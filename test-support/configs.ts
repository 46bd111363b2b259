import * as fs from "fs";
import * as path from "path";
import { DEFAULT_CONFIG } from "../lib/config";

const EXAMPLES = path.join(__dirname, "..", "examples");

/** Every example config shipped in examples/, by path, in name order. */
export const EXAMPLE_PATHS = fs
  .readdirSync(EXAMPLES)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => path.join(EXAMPLES, f));

/** Every example config: its file name and its JSON. */
export const EXAMPLES_BY_NAME: readonly { readonly name: string; readonly raw: ReturnType<typeof example> }[] = EXAMPLE_PATHS.map((p) => ({
  name: `examples/${path.basename(p)}`,
  raw: example(path.basename(p)),
}));

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
