import * as fs from "fs";
import { IPv4CidrRange } from "ip-num";
import { z } from "zod";
import { PEERING_QUOTA_DEFAULT, PEERING_QUOTA_MAX, REGION_PATTERN, VPC_PREFIX_MAX, VPC_PREFIX_MIN } from "./aws-limits";
import { checkPeeringStacks, DEFAULT_MAX_PEERING_STACK_RESOURCES, DEFAULT_PEERING_SHARDS, MAX_PEERING_SHARDS } from "./peering-shards";
import { planSubnets } from "./subnets";

/** The seed's region, used when the config names none. */
export const DEFAULT_REGION = "eu-west-1";
/** How many availability zones each VPC spans unless the config says otherwise. */
export const DEFAULT_MAX_AZS = 1;
/** Where NAT gateways go unless the config says otherwise. */
export const DEFAULT_NAT_GATEWAYS = "per-az";
/** The instance type of the seed's bastion hosts. */
export const DEFAULT_INSTANCE_TYPE = "t3.nano";
/** Most AZs a VPC may span: the largest AWS regions have six. */
export const MAX_AZS_LIMIT = 6;

/** The environment variable that names the config file. */
export const CONFIG_ENV = "PEERING_CONFIG";

const NAME_PATTERN = /^[a-z][a-z0-9-]{0,30}$/;
const NAT_MODES = ["per-az", "single", "none"] as const;

const azCount = z.number().int().min(1).max(MAX_AZS_LIMIT);

const vpcSchema = z
  .object({
    name: z.string().regex(NAME_PATTERN).describe("Name of the VPC: lowercase letters, digits and '-'; used in resource ids and tags"),
    cidr: z.string().describe('IPv4 block of the VPC, /16 to /28, e.g. "10.0.0.0/24"'),
    maxAzs: azCount.optional().describe("AZs of this VPC, overriding the top-level maxAzs"),
  })
  .strict();

const terraformCloudSchema = z
  .object({
    organization: z.string().min(1).describe("Terraform Cloud organization"),
    workspacePrefix: z.string().regex(/^[A-Za-z0-9_-]*$/).default("peering-").describe("Workspace names are <workspacePrefix><stack>"),
    hostname: z.string().min(1).optional().describe("Terraform Enterprise host, if not app.terraform.io"),
  })
  .strict();

/** The JSON config as zod checks its shape: keys, types and enums. */
export const configSchema = z
  .object({
    $schema: z.string().optional().describe("Path or URL of this JSON Schema, for editors"),
    region: z.string().regex(REGION_PATTERN).default(DEFAULT_REGION).describe("AWS region of every resource"),
    maxAzs: azCount.default(DEFAULT_MAX_AZS).describe("How many AZs each VPC spans with a public and a private subnet"),
    natGateways: z.enum(NAT_MODES).default(DEFAULT_NAT_GATEWAYS).describe("NAT gateways: one per AZ, one per VPC, or none"),
    instanceType: z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/).default(DEFAULT_INSTANCE_TYPE).describe("EC2 instance type of the ping instances"),
    vpcs: z.array(vpcSchema).min(1).describe("The VPCs, one ping instance each"),
    peerings: z
      .union([z.literal("full-mesh"), z.array(z.tuple([z.string(), z.string()]))])
      .default([])
      .describe('Peered pairs as [requester, accepter] VPC names, or "full-mesh"'),
    terraformCloud: terraformCloudSchema
      .optional()
      .describe("Keep state in Terraform Cloud workspaces named <workspacePrefix><stack> instead of local files"),
    peeringQuota: z
      .number()
      .int()
      .min(1)
      .max(PEERING_QUOTA_MAX)
      .default(PEERING_QUOTA_DEFAULT)
      .describe("Your account's quota of active peerings per VPC (AWS default 50, at most 125)"),
    maxPeeringStackResources: z
      .number()
      .int()
      .min(1)
      .default(DEFAULT_MAX_PEERING_STACK_RESOURCES)
      .describe("Most resources one peering stack holds; peerings that need more are split into peeringShards stacks"),
    peeringShards: z
      .number()
      .int()
      .min(2)
      .max(MAX_PEERING_SHARDS)
      .default(DEFAULT_PEERING_SHARDS)
      .describe("How many stacks (peering-00, peering-01, ...) hold the peerings once they do not fit one stack"),
  })
  .strict();

/** How NAT gateways are laid out: one per AZ, one per VPC, or none. */
export type NatMode = (typeof NAT_MODES)[number];

/** One VPC of a validated config, with its AZ count resolved. */
export interface VpcConfig {
  /** Name from the config: lowercase, used in construct ids and tags. */
  readonly name: string;
  /** IPv4 block of the VPC, e.g. "10.0.0.0/24". */
  readonly cidr: string;
  /** How many AZs get a public and a private subnet. */
  readonly maxAzs: number;
}

/** A validated config with every default filled in and peerings spelled out as pairs. */
export interface PeeringConfig {
  /** AWS region of every resource. */
  readonly region: string;
  /** Where NAT gateways go. */
  readonly natGateways: NatMode;
  /** EC2 instance type of the test instances. */
  readonly instanceType: string;
  /** The VPCs, in config order. */
  readonly vpcs: readonly VpcConfig[];
  /** Peered pairs as [requester, accepter] names, full mesh expanded. */
  readonly peerings: readonly (readonly [string, string])[];
  /** Terraform Cloud organization and workspace naming; local state files when absent. */
  readonly terraformCloud?: TerraformCloudConfig;
  /** Most resources one peering stack holds (see lib/peering-shards.ts). */
  readonly maxPeeringStackResources: number;
  /** How many stacks hold the peerings once they do not fit one. */
  readonly peeringShards: number;
}

/** Where the stacks keep their state in Terraform Cloud: one workspace per stack. */
export interface TerraformCloudConfig {
  /** The organization that owns the workspaces. */
  readonly organization: string;
  /** Prefix of the workspace names: `<prefix><stack>`, e.g. "peering-network". */
  readonly workspacePrefix: string;
  /**
   * Terraform Enterprise host name.
   * @default "app.terraform.io"
   */
  readonly hostname?: string;
}

/** The built-in default: the seed's two peered VPCs in eu-west-1, one AZ each. */
export const DEFAULT_CONFIG = {
  region: DEFAULT_REGION,
  maxAzs: DEFAULT_MAX_AZS,
  natGateways: DEFAULT_NAT_GATEWAYS,
  vpcs: [
    { name: "a", cidr: "10.0.0.0/24" },
    { name: "b", cidr: "10.0.1.0/24" },
  ],
  peerings: [["a", "b"]],
};

/** Thrown for a config that AWS or this app would reject; the message lists every problem. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid peering config (${source}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Reads the config named by PEERING_CONFIG, or the built-in default when it is unset. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): PeeringConfig {
  const file = env[CONFIG_ENV];
  if (!file) return parseConfig(DEFAULT_CONFIG, "built-in default");
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new ConfigError(file, [`${CONFIG_ENV} "${file}" cannot be read (${(e as Error).message}): point it at a JSON config file`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(file, [`the file is not valid JSON (${(e as Error).message}): fix the syntax`]);
  }
  return parseConfig(raw, file);
}

/** Checks raw JSON data and returns the resolved config, or throws one ConfigError listing every problem. */
export function parseConfig(raw: unknown, source = "config"): PeeringConfig {
  const parsed = configSchema.safeParse(raw);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => describeIssue(issue, raw));
  problems.push(...checkSemantics(raw));
  if (!parsed.success || problems.length > 0) throw new ConfigError(source, problems);
  const data = parsed.data;
  const vpcs = data.vpcs.map((v) => ({ name: v.name, cidr: v.cidr, maxAzs: v.maxAzs ?? data.maxAzs }));
  const config: PeeringConfig = {
    region: data.region,
    natGateways: data.natGateways,
    instanceType: data.instanceType,
    vpcs,
    peerings: data.peerings === "full-mesh" ? fullMesh(vpcs.map((v) => v.name)) : data.peerings,
    terraformCloud: data.terraformCloud,
    maxPeeringStackResources: data.maxPeeringStackResources,
    peeringShards: data.peeringShards,
  };
  const stackProblems = checkPeeringStacks(config);
  if (stackProblems.length > 0) throw new ConfigError(source, stackProblems);
  return config;
}

/** The VPCs peered with `name`, in config order of the peerings. */
export function peersOf(config: PeeringConfig, name: string): VpcConfig[] {
  const byName = new Map(config.vpcs.map((v) => [v.name, v]));
  return config.peerings.flatMap(([a, b]) => (a === name ? [byName.get(b)!] : b === name ? [byName.get(a)!] : []));
}

/** Every unordered pair of names, in list order. */
export function fullMesh(names: readonly string[]): [string, string][] {
  return names.flatMap((a, i) => names.slice(i + 1).map((b): [string, string] => [a, b]));
}

const FIXES: Record<string, string> = {
  region: 'use an AWS region code such as "eu-west-1"',
  maxAzs: `use a whole number from 1 to ${MAX_AZS_LIMIT}`,
  natGateways: `use one of ${NAT_MODES.map((m) => `"${m}"`).join(", ")}`,
  instanceType: 'use an EC2 instance type such as "t3.nano"',
  vpcs: 'list at least one VPC as {"name": "a", "cidr": "10.0.0.0/24"}',
  name: "use 1 to 31 characters: lowercase letters, digits and '-', starting with a letter",
  cidr: 'use an IPv4 network in CIDR notation such as "10.0.0.0/24"',
  peerings: 'use "full-mesh" or a list of name pairs such as [["a", "b"]]',
  organization: "name your Terraform Cloud organization",
  workspacePrefix: "use letters, digits, '-' and '_' only",
  hostname: 'use a host name such as "app.terraform.io"',
  peeringQuota: `use your account's quota of active peerings per VPC: a whole number from 1 to ${PEERING_QUOTA_MAX}`,
  maxPeeringStackResources: "use a whole number of resources, at least 1",
  peeringShards: `use a whole number of stacks from 2 to ${MAX_PEERING_SHARDS}`,
};

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const field = formatPath(issue.path);
  if (issue.code === "unrecognized_keys") {
    const where = field ? `${field} has` : "the config has";
    return `${where} unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}: remove ${issue.keys.length > 1 ? "them" : "it"} (allowed: ${allowedKeys(issue.path).join(", ")})`;
  }
  const value = valueAt(raw, issue.path);
  const shown = value === undefined ? "is missing" : `is ${JSON.stringify(value)}`;
  const key = [...issue.path].reverse().find((p) => typeof p === "string");
  const fix = (typeof key === "string" && FIXES[key]) || FIXES[String(issue.path[0])] || issue.message;
  return `${field} ${shown}: ${fix}`;
}

function allowedKeys(path: readonly PropertyKey[]): string[] {
  const shape = path.length === 0 ? configSchema.shape : path[0] === "vpcs" ? vpcSchema.shape : terraformCloudSchema.shape;
  return Object.keys(shape);
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i > 0 ? "." : ""}${String(p)}`)).join("");
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let node: unknown = raw;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** Checks AWS would make at apply time (or that would break our stacks), run on whatever parts of the input are usable. */
function checkSemantics(raw: unknown): string[] {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return [];
  const root = raw as Record<string, unknown>;
  const problems: string[] = [];
  const defaultAzs = azCount.safeParse(root.maxAzs ?? DEFAULT_MAX_AZS);
  const rawVpcs = Array.isArray(root.vpcs) ? root.vpcs : [];
  // span: the block's first and last address, so that a full mesh's n²/2 overlap checks are two comparisons each.
  const vpcs = new Map<string, { index: number; cidr?: IPv4CidrRange; span?: readonly [bigint, bigint] }>();

  rawVpcs.forEach((entry, index) => {
    const vpc = vpcSchema.safeParse(entry);
    if (!vpc.success) return;
    const { name, cidr, maxAzs } = vpc.data;
    const field = `vpcs[${index}]`;
    const range = checkCidr(cidr, `${field}.cidr`, problems);
    const first = vpcs.get(name);
    if (first) {
      problems.push(`${field}.name "${name}" is already used by vpcs[${first.index}]: give every VPC its own name`);
      return;
    }
    vpcs.set(name, { index, cidr: range, span: range && [range.getFirst().getValue(), range.getLast().getValue()] });
    const azs = maxAzs ?? (defaultAzs.success ? defaultAzs.data : undefined);
    if (range && azs !== undefined && !planSubnets(cidr, azs)) {
      problems.push(
        `${field}.cidr "${cidr}" is too small for a public and a private subnet in each of ${azs} AZ${azs > 1 ? "s" : ""} (AWS's smallest subnet is /28): use a larger block or fewer AZs`,
      );
    }
  });

  const quota = z.number().int().min(1).max(PEERING_QUOTA_MAX).safeParse(root.peeringQuota ?? PEERING_QUOTA_DEFAULT);
  const pairs = rawPairs(root.peerings, [...vpcs.keys()]);
  const seen = new Map<string, string>();
  const count = new Map<string, number>();
  for (const { field, pair } of pairs) {
    const [a, b] = pair;
    const unknown = [a, b].filter((n) => !vpcs.has(n));
    for (const name of unknown) {
      problems.push(`${field} names VPC "${name}", which is not in vpcs: use one of ${[...vpcs.keys()].map((n) => `"${n}"`).join(", ")}`);
    }
    if (unknown.length > 0) continue;
    if (a === b) {
      problems.push(`${field} peers "${a}" with itself: a peering joins two different VPCs`);
      continue;
    }
    const key = [a, b].sort().join("\u0000");
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problems.push(`${field} ${JSON.stringify(pair)} repeats ${earlier}: AWS allows one peering per pair of VPCs, remove one`);
      continue;
    }
    seen.set(key, field);
    const va = vpcs.get(a)!;
    const vb = vpcs.get(b)!;
    if (va.cidr && vb.cidr && va.span && vb.span && va.span[0] <= vb.span[1] && vb.span[0] <= va.span[1]) {
      problems.push(
        `vpcs[${vb.index}].cidr "${vb.cidr.toCidrString()}" overlaps vpcs[${va.index}].cidr "${va.cidr.toCidrString()}" (${field} peers them; peered VPCs need disjoint ranges): change one of the blocks`,
      );
    }
    for (const name of [a, b]) count.set(name, (count.get(name) ?? 0) + 1);
  }
  if (!quota.success) return problems;
  for (const [name, n] of count) {
    if (n > quota.data) {
      problems.push(
        quota.data < PEERING_QUOTA_MAX
          ? `VPC "${name}" has ${n} peerings, over the quota of ${quota.data} active peerings per VPC (AWS's default is ${PEERING_QUOTA_DEFAULT}): request a quota increase from AWS (up to ${PEERING_QUOTA_MAX}) and set "peeringQuota" to it, or use a Transit Gateway`
          : `VPC "${name}" has ${n} peerings, over AWS's hard limit of ${PEERING_QUOTA_MAX} active peerings per VPC: use a Transit Gateway for this many`,
      );
    }
  }
  return problems;
}

/** The peerings worth checking, each with the config field to blame. */
function rawPairs(peerings: unknown, names: string[]): { field: string; pair: [string, string] }[] {
  if (peerings === "full-mesh") return fullMesh(names).map((pair) => ({ field: 'peerings "full-mesh"', pair }));
  if (!Array.isArray(peerings)) return [];
  return peerings.flatMap((pair, index) =>
    Array.isArray(pair) && pair.length === 2 && pair.every((n) => typeof n === "string")
      ? [{ field: `peerings[${index}]`, pair: pair as [string, string] }]
      : [],
  );
}

function checkCidr(cidr: string, field: string, problems: string[]): IPv4CidrRange | undefined {
  let range: IPv4CidrRange;
  try {
    range = IPv4CidrRange.fromCidr(cidr);
  } catch {
    problems.push(`${field} "${cidr}" is not an IPv4 CIDR block: ${FIXES.cidr}`);
    return undefined;
  }
  const prefix = Number(range.cidrPrefix.getValue());
  const network = `${range.getFirst().toString()}/${prefix}`;
  if (network !== cidr) {
    problems.push(`${field} "${cidr}" is not a network address (host bits are set): use "${network}"`);
    return undefined;
  }
  if (prefix < VPC_PREFIX_MIN || prefix > VPC_PREFIX_MAX) {
    problems.push(`${field} "${cidr}" has prefix /${prefix}: AWS accepts VPC blocks from /${VPC_PREFIX_MIN} to /${VPC_PREFIX_MAX}`);
    return undefined;
  }
  return range;
}
