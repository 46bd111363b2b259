import * as fs from "fs";
import * as path from "path";
import { ConfigError, DEFAULT_CONFIG, parseConfig } from "../lib/config";
import { PROJECT_ROOT } from "../lib/core/paths";

const EXAMPLES = path.join(PROJECT_ROOT, "examples");

/** Every example config shipped in examples/, by path, in name order. */
export const EXAMPLE_PATHS = fs
  .readdirSync(EXAMPLES)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => path.join(EXAMPLES, f));

/** Every example config: its file name and its JSON. */
export const EXAMPLES_BY_NAME: readonly { readonly name: string; readonly raw: ReturnType<typeof example> }[] =
  EXAMPLE_PATHS.map((p) => ({
    name: `examples/${path.basename(p)}`,
    raw: example(path.basename(p)),
  }));

export function example(file: string): { vpcs: { name: string; cidr: string }[]; [key: string]: unknown } {
  return JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), "utf8"));
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

/** examples/ipv6.json: web and api with IPv6, legacy without, fully meshed. */
export const IPV6_CONFIG = example("ipv6.json");

/** examples/secondary-cidrs.json: app (two secondary blocks) peered with data (one) and with ops. */
export const SECONDARY_CIDRS_CONFIG = example("secondary-cidrs.json");

/** examples/no-nat-endpoints.json: no NAT gateways, SSM interface endpoints in both VPCs. */
export const NO_NAT_ENDPOINTS_CONFIG = example("no-nat-endpoints.json");

/** examples/vpn.json: hub with a static and a BGP VPN connection, peered with spoke. */
export const VPN_CONFIG = example("vpn.json");

/** A copy of the built-in default with some keys replaced. */
export function defaultWith(changes: Record<string, unknown>): Record<string, unknown> {
  return { ...structuredClone(DEFAULT_CONFIG), ...changes };
}

/**
 * Keys a full mesh of more than 50 VPCs needs beyond its VPCs: the AWS quotas it exceeds by
 * default, raised as far as AWS allows. Add a key here when the config learns to check another
 * quota.
 */
export const LARGE_MESH_KEYS: Readonly<Record<string, unknown>> = {
  peeringQuota: 125,
  rulesPerSecurityGroup: 1000,
  routesPerRouteTable: 1000,
};

/** A full mesh of `n` VPCs (manyVpcs), with LARGE_MESH_KEYS when it has more than 50. */
export function fullMeshConfig(n: number): Record<string, unknown> {
  return { vpcs: manyVpcs(n), peerings: "full-mesh", ...(n > 50 ? LARGE_MESH_KEYS : {}) };
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

/** The error parseConfig throws for `raw`; fails the test when it accepts it. */
export function errorOf(raw: unknown): ConfigError {
  try {
    parseConfig(raw);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("expected the config to be rejected");
}

/** The problems a rejected config's error lists (the first MAX_LISTED_PROBLEMS). */
export function problemsOf(raw: unknown): string[] {
  return [...errorOf(raw).problems];
}

/** The problems parseConfig finds in `raw`, none when it accepts it; any other exception fails the test. */
export function problemsIfAny(raw: unknown): string[] {
  try {
    parseConfig(raw);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
}
