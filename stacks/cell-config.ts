import { PeeringConfig } from "../lib/config";

/**
 * The config with only the VPCs `names` (in config order), what a cell's stack builds; the config
 * itself when `names` is undefined. Only `vpcs` changes: peers, gateways and the other cells'
 * VPCs are still read from the whole config.
 */
export function cellConfig(config: PeeringConfig, names: readonly string[] | undefined): PeeringConfig {
  if (names === undefined) return config;
  const wanted = new Set(names);
  return { ...config, vpcs: config.vpcs.filter((v) => wanted.has(v.name)) };
}
