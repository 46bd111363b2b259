/**
 * The config layer: a peering config from its source to the validated, resolved PeeringConfig the
 * app builds. `schema` is its JSON shape (zod, whence the JSON Schema), `load` reads and validates it,
 * `messages` puts problems into words (field, value, fix), `checks` holds what the shape cannot say
 * (names, overlaps, placements, quotas; with shape-checks, topology and placement for the parts),
 * `defaults` and `resolve` fill in what a config leaves out, and `types` is the result. It imports
 * only the core and plan layers; everything above imports it from here.
 */
export { MAX_LISTED_PROBLEMS } from "../core/json-input";
export {
  DEFAULT_CONFIG,
  DEFAULT_INSTANCE_TYPE,
  DEFAULT_MAX_AZS,
  DEFAULT_NAT_GATEWAYS,
  DEFAULT_REGION,
  MAX_AZS_LIMIT,
} from "./defaults";
export { CONFIG_ENV, configFromBytes, loadConfig, parseConfig, readConfigSource, WARNINGS_SHOWN_ENV } from "./load";
export { ConfigError } from "./messages";
export { peersOf, resolvesDns } from "./resolve";
export { configSchema, DEFAULT_STATE_KEY_PREFIX, WORKSPACE_NAME_MAX } from "./schema";
export { fullMesh } from "./topology";
export * from "./types";
