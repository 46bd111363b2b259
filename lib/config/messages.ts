/**
 * A config's problems in words: the ConfigError that carries them, the counter that puts only the
 * first MAX_LISTED_PROBLEMS into words, and zod's issues turned into messages that name the field,
 * the value and the fix.
 */
import { z } from "zod";
import {
  CUSTOMER_GATEWAY_ASN,
  IPV4_BLOCKS_PER_VPC_QUOTA,
  PEERING_QUOTA,
  PROPAGATED_ROUTES_PER_ROUTE_TABLE_MAX,
  ROUTES_PER_ROUTE_TABLE_QUOTA,
  RULES_PER_SECURITY_GROUP_QUOTA,
} from "../core/aws-limits";
import { MAX_LISTED_PROBLEMS, preview, typeName } from "../core/json-input";
import { formatCount } from "../core/text";
import { MAX_PEERING_SHARDS } from "../plan/peering-shards";
import { MAX_NETWORK_CELLS, MAX_UNSPLIT_VPCS } from "../plan/cells";
import { MAX_AZS_LIMIT } from "./defaults";
import { PLACEMENT_FIXES } from "./placement";
import { configSchema, DEFAULT_STATE_KEY_PREFIX, LONGEST_STACK_ID, WORKSPACE_NAME_MAX } from "./schema";
import { describePeeringsShape, PEERINGS_FIX } from "./topology";
import { TRANSIT_FIXES } from "./transit";
import { TRANSIT_PEERING_FIXES } from "./transit-peering";
import { NAT_MODES } from "./types";

/**
 * Thrown for a config that AWS or this app would reject. `problems` holds the first
 * MAX_LISTED_PROBLEMS problems, `total` counts them all; the message lists the former and says how
 * many more there are.
 */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(
    readonly source: string,
    problems: readonly string[],
    readonly total = problems.length,
  ) {
    const listed = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => `  - ${p}`);
    const more = total - listed.length;
    if (more > 0) listed.push(`  ... and ${formatCount(more)} more`);
    super(`Invalid peering config (${source}):\n${listed.join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems.slice(0, MAX_LISTED_PROBLEMS);
  }
}

/**
 * The bytes of the config file PEERING_CONFIG names, read once (a pipe or /dev/stdin works), or
 * undefined when the variable is unset and the built-in default applies. `name` is the file name
 * as messages show it.

/**
 * The problems found, of which only the first MAX_LISTED_PROBLEMS are put into words: a config
 * with a million problems costs a count, not a million messages.
 */
export class Problems {
  readonly listed: string[] = [];
  total = 0;

  /** Counts a problem; `describe` runs only if the problem will be listed. */
  add(describe: string | (() => string)): void {
    this.total++;
    if (this.listed.length < MAX_LISTED_PROBLEMS)
      this.listed.push(typeof describe === "string" ? describe : describe());
  }
}

const VPC_EXAMPLE = '{"name": "a", "cidr": "10.0.0.0/24"}';
const FIXES: Record<string, string> = {
  $schema: "use the path or URL of schema/peering-config.schema.json, or remove the key",
  region: 'use an AWS region code such as "eu-west-1"',
  maxAzs: `use a whole number from 1 to ${MAX_AZS_LIMIT}`,
  natGateways: `use one of ${NAT_MODES.map((m) => `"${m}"`).join(", ")}`,
  instanceType: 'use an EC2 instance type such as "t3.nano"',
  vpcs: `list at least one VPC as ${VPC_EXAMPLE}`,
  name: "use 1 to 31 characters: lowercase letters, digits and '-', starting with a letter",
  cidr: 'use an IPv4 network in CIDR notation such as "10.0.0.0/24"',
  peerings: PEERINGS_FIX,
  dnsResolution: "use true or false",
  ...PLACEMENT_FIXES,
  terraformCloud: 'write {"organization": "<your organization>"}, optionally with "workspacePrefix" and "hostname"',
  organization: `use your Terraform Cloud organization's name: 1 to ${WORKSPACE_NAME_MAX} letters, digits, '-' and '_'`,
  workspacePrefix: `use at most ${WORKSPACE_NAME_MAX - LONGEST_STACK_ID} letters, digits, '-' and '_' (a workspace name, <workspacePrefix><stack>, has at most ${WORKSPACE_NAME_MAX} characters)`,
  hostname:
    'use a host name such as "app.terraform.io": letters, digits and \'-\' between dots, optionally with ":port"',
  reachabilityAnalyzer: "use true or false",
  backend: 'use {"s3": {"bucket": "my-state-bucket"}}',
  s3: 'use {"bucket": "my-state-bucket"} with optional "keyPrefix", "region", "lockfile" and "dynamodbTable"',
  bucket:
    "use an S3 bucket name: 3 to 63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit",
  keyPrefix: `use path segments of letters, digits and !_.*'()- separated by single '/', not starting with '/', such as "${DEFAULT_STATE_KEY_PREFIX}"`,
  lockfile: "use true (lock with an S3 lock object) or false",
  dynamodbTable: "use a DynamoDB table name: 3 to 255 letters, digits, '_', '-' and '.'",
  peeringQuota: `use your account's quota of active peerings per VPC: a whole number from 1 to ${PEERING_QUOTA.max}`,
  rulesPerSecurityGroup: `use your account's quota of inbound or outbound rules per security group: a whole number from 1 to ${formatCount(RULES_PER_SECURITY_GROUP_QUOTA.max)}`,
  routesPerRouteTable: `use your account's quota of routes per route table: a whole number from 1 to ${formatCount(ROUTES_PER_ROUTE_TABLE_QUOTA.max)}`,
  ipv4BlocksPerVpc: `use your account's quota of IPv4 CIDR blocks per VPC: a whole number from 1 to ${IPV4_BLOCKS_PER_VPC_QUOTA.max}`,
  ipv6: "use true (an Amazon-provided IPv6 /56, a /64 per subnet) or false",
  ssmEndpoints: 'use true (SSM interface endpoints where natGateways is "none") or false',
  secondaryCidrs: `list at most ${IPV4_BLOCKS_PER_VPC_QUOTA.max - 1} IPv4 blocks such as ["10.1.0.0/16"]`,
  vpnConnections: 'write an object of named connections such as {"office": {"ip": "203.0.113.12"}}',
  ip: 'use the public IPv4 address of your VPN device, such as "203.0.113.12"',
  asn: `use a whole number from ${CUSTOMER_GATEWAY_ASN.min} to ${formatCount(CUSTOMER_GATEWAY_ASN.max)}: your network's ASN, or a private one from 64,512 to 65,534`,
  staticRoutes: `list 1 to ${PROPAGATED_ROUTES_PER_ROUTE_TABLE_MAX} IPv4 blocks of your network such as ["192.168.0.0/16"], or leave staticRoutes out for BGP`,
  maxPeeringStackResources: "use a whole number of resources, at least 1",
  peeringShards: `use a whole number of stacks from 2 to ${MAX_PEERING_SHARDS}`,
  networkCells: `use a whole number of cells from 2 to ${MAX_NETWORK_CELLS}, or leave networkCells out to split only networks of more than ${MAX_UNSPLIT_VPCS} VPCs`,
  ...TRANSIT_FIXES,
  ...TRANSIT_PEERING_FIXES,
};

export function describeIssue(issue: z.core.$ZodIssue, raw: unknown, problems: Problems): void {
  const path = issue.path;
  if (issue.code === "unrecognized_keys") {
    problems.add(() => {
      const field = formatPath(path);
      const where = field ? `${field} has` : "the config has";
      const keys =
        issue.keys.slice(0, 5).map(preview).join(", ") +
        (issue.keys.length > 5 ? ` and ${issue.keys.length - 5} more` : "");
      const allowed = allowedKeys(path, raw);
      const them = issue.keys.length > 1 ? "them" : "it";
      const list = allowed.length > 0 ? ` (allowed: ${allowed.join(", ")})` : "";
      return `${where} unknown key${issue.keys.length > 1 ? "s" : ""} ${keys}: remove ${them}${list}`;
    });
    return;
  }
  if (issue.code === "invalid_key" && path[0] === "vpcs" && path[2] === "vpnConnections") {
    problems.add(() => connectionNameProblem(formatPath(path.slice(0, -1)), String(path[path.length - 1])));
    return;
  }
  const value = valueAt(raw, path);
  if (path.length === 0) {
    problems.add(
      () =>
        `the config is ${preview(value)} (${typeName(value)}): write a JSON object such as {"vpcs": [${VPC_EXAMPLE}]}`,
    );
  } else if (issue.code === "invalid_union" && path.length === 1 && path[0] === "peerings") {
    describePeeringsShape(value, (d) => problems.add(d));
  } else if (issue.code === "invalid_key" && path[0] === "accounts" && path.length === 2) {
    problems.add(() => accountNameProblem(String(path[1])));
  } else {
    problems.add(() => {
      const shown =
        value === undefined
          ? "is missing"
          : `is ${preview(value)}${issue.code === "invalid_type" ? ` (${typeName(value)})` : ""}`;
      return `${formatPath(path)} ${shown}: ${fixFor(path) ?? issue.message}`;
    });
  }
}

export function connectionNameProblem(field: string, name: string): string {
  const fix = "name each connection with 1 to 31 lowercase letters, digits and '-', starting with a letter";
  return `${field} has the name ${preview(name)}: ${fix}`;
}

export function accountNameProblem(name: string): string {
  const fix = "name each account with 1 to 31 characters: lowercase letters, digits and '-', starting with a letter";
  return `accounts has the key ${preview(name)}: ${fix}`;
}

/** Whether `value` is an object with an own `__proto__` key, which zod's records pass over without a word. */
export function hasProtoKey(value: unknown): boolean {
  return value !== null && typeof value === "object" && Object.prototype.hasOwnProperty.call(value, "__proto__");
}

function fixFor(path: readonly PropertyKey[]): string | undefined {
  const last = path[path.length - 1];
  if (typeof last === "number" && path[0] === "vpcs" && path.length === 2)
    return `write each VPC as an object such as ${VPC_EXAMPLE}`;
  // A segment pair's requester and accepter are segment names, not the peering's sides.
  if (path.includes("segmentPairs")) return FIXES.segmentPairs;
  const key = [...path].reverse().find((p) => typeof p === "string");
  return (typeof key === "string" && FIXES[key]) || FIXES[String(path[0])];
}

/**
 * The keys the object schema at `path` allows, found by walking the schema down the path: through
 * optional, default and pipe wrappers, object keys, array and tuple items, record values and union
 * options (the option that fits the value there, so a hub object and a pair object each name their own).
 */
function allowedKeys(path: readonly PropertyKey[], raw: unknown): string[] {
  const found = objectSchemaAt(configSchema, path, raw);
  return found ? Object.keys(found._zod.def.shape) : [];
}

function objectSchemaAt(
  schema: z.core.$ZodType,
  path: readonly PropertyKey[],
  value: unknown,
): z.core.$ZodObject | undefined {
  const def = schema._zod.def;
  if (def.type === "optional" || def.type === "default" || def.type === "nullable" || def.type === "readonly") {
    return objectSchemaAt((def as z.core.$ZodOptionalDef).innerType, path, value);
  }
  if (def.type === "pipe") return objectSchemaAt((def as z.core.$ZodPipeDef).in, path, value);
  if (def.type === "union") {
    const options = (def as z.core.$ZodUnionDef).options;
    const fits = options
      .map((o) => objectSchemaAt(o, path, value))
      .filter((o): o is z.core.$ZodObject => o !== undefined);
    return fits.find((o) => path.length > 0 || keysFit(o, value)) ?? fits[0];
  }
  if (path.length === 0) return def.type === "object" ? (schema as z.core.$ZodObject) : undefined;
  const [key, ...rest] = path;
  const next = valueAt(value, [key]);
  if (def.type === "object") {
    const shape = (def as z.core.$ZodObjectDef).shape;
    const known = typeof key === "string" && Object.prototype.hasOwnProperty.call(shape, key);
    return known ? objectSchemaAt(shape[key], rest, next) : undefined;
  }
  if (def.type === "array" && typeof key === "number") {
    return objectSchemaAt((def as z.core.$ZodArrayDef).element, rest, next);
  }
  if (def.type === "tuple" && typeof key === "number") {
    const item = (def as z.core.$ZodTupleDef).items[key];
    return item ? objectSchemaAt(item, rest, next) : undefined;
  }
  if (def.type === "record" && typeof key === "string") {
    return objectSchemaAt((def as z.core.$ZodRecordDef).valueType, rest, next);
  }
  return undefined;
}

/** Whether `value` is an object with a key the object schema knows (so that, of a union's objects, it is meant). */
function keysFit(schema: z.core.$ZodObject, value: unknown): boolean {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const shape = schema._zod.def.shape;
  return Object.keys(value).some((k) => Object.prototype.hasOwnProperty.call(shape, k));
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i > 0 ? "." : ""}${String(p)}`)).join("");
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let node: unknown = raw;
  for (const key of path) {
    if (node === null || typeof node !== "object" || !Object.prototype.hasOwnProperty.call(node, key)) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}
