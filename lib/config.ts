import { z } from "zod";
import {
  CUSTOMER_GATEWAY_ASN,
  IPV4_BLOCKS_PER_VPC_QUOTA,
  PEERING_QUOTA,
  PROPAGATED_ROUTES_PER_ROUTE_TABLE_MAX,
  REGION_PATTERN,
  ROUTES_PER_ROUTE_TABLE_QUOTA,
  RULES_PER_SECURITY_GROUP_QUOTA,
} from "./aws-limits";
import { MAX_CONFIG_BYTES, MAX_LISTED_PROBLEMS, parseJsonBytes, preview, readBounded, typeName } from "./config-input";

import { checkPeeringStacks, DEFAULT_MAX_PEERING_STACK_RESOURCES, DEFAULT_PEERING_SHARDS, MAX_PEERING_SHARDS } from "./peering-shards";
import { accountOfRoleArn, AccountConfig, accountsSchema, checkPlacements, crossPartitionProblem, PLACEMENT_FIXES, vpcPlacementKeys } from "./placement";
import { subnetPrefix } from "./subnets";
import {
  blocksOverlapProblem,
  checkVpcShape,
  PeerBlock,
  peersOverlapProblem,
  firstOverlap,
  ipv6InstanceTypeProblem,
  privateRoutes,
  routesProblems,
  sharedCustomerGatewayProblem,
  staticRouteOverlapProblem,
  staticRouteOverlaps,
  VpcShape,
} from "./shape-checks";
import { describePeeringsShape, fullMesh, HubConfig, peeringEntries, PEERINGS_FIX, peeringsSchema, resolvePeerings } from "./topology";
import { checkVpcCidr, overlappingPartners, SMALLEST_VPC_PREFIX } from "./vpc-cidr";
import { resolveTransitGateways, TRANSIT_FIXES, transitAttachmentsSchema, TransitGatewayConfig, transitGatewaysSchema } from "./config/transit";
import { checkTransit } from "./config/transit-checks";

export { MAX_LISTED_PROBLEMS };
export { fullMesh };
export type { AccountConfig, HubConfig };

const COUNT_FORMAT = new Intl.NumberFormat("en-US");
/** A count with thousands separators: 12,345. */
function count(n: number): string {
  return COUNT_FORMAT.format(n);
}

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
/** Set by the npm scripts once they have printed the config's warnings, so that the app does not print them again. */
export const WARNINGS_SHOWN_ENV = "PEERING_WARNINGS_SHOWN";

/** Longest Terraform Cloud workspace name (Terraform Cloud's limit). */
export const WORKSPACE_NAME_MAX = 90;
/** Longest stack id, which follows the workspace prefix in a workspace name. */
const LONGEST_STACK_ID = "reachability".length;

const NAME_PATTERN = /^[a-z][a-z0-9-]{0,30}$/;
const NAT_MODES = ["per-az", "single", "none"] as const;
/** Terraform Cloud organization and workspace names: letters, digits, '-' and '_'. */
const TFC_NAME = /^[A-Za-z0-9_-]*$/;

const azCount = z.number().int().min(1).max(MAX_AZS_LIMIT);
const quota = (q: { default: number; max: number }) => z.number().int().min(1).max(q.max).default(q.default);

const vpnConnectionSchema = z
  .object({
    ip: z.string().describe('Public IPv4 address of the customer gateway device (or of the NAT in front of it), e.g. "203.0.113.12"'),
    asn: z
      .number()
      .int()
      .min(CUSTOMER_GATEWAY_ASN.min)
      .max(CUSTOMER_GATEWAY_ASN.max)
      .optional()
      .describe(`BGP ASN of the customer gateway (default ${CUSTOMER_GATEWAY_ASN.default})`),
    staticRoutes: z
      .array(z.string())
      .min(1)
      .max(PROPAGATED_ROUTES_PER_ROUTE_TABLE_MAX)
      .optional()
      .describe("IPv4 blocks of your network routed over this connection (static routing); without it the connection uses BGP"),
  })
  .strict();

const vpcSchema = z
  .object({
    name: z.string().regex(NAME_PATTERN).describe("Name of the VPC: lowercase letters, digits and '-'; used in resource ids and tags"),
    cidr: z.string().describe(`IPv4 block of the VPC, /16 to /${SMALLEST_VPC_PREFIX}, e.g. "10.0.0.0/24"`),
    maxAzs: azCount.optional().describe("AZs of this VPC, overriding the top-level maxAzs"),
    ipv6: z.boolean().optional().describe("Give this VPC an Amazon-provided IPv6 /56, overriding the top-level ipv6"),
    secondaryCidrs: z
      .array(z.string())
      .max(IPV4_BLOCKS_PER_VPC_QUOTA.max - 1)
      .optional()
      .describe("More IPv4 blocks of the VPC (/16 to /28), each with a private subnet per AZ"),
    vpnConnections: z
      .record(z.string().regex(NAME_PATTERN), vpnConnectionSchema)
      .optional()
      .describe("Site-to-Site VPN connections by name: a VPN gateway on the VPC and a customer gateway and connection per entry"),
    ...vpcPlacementKeys,
    transitAttachments: transitAttachmentsSchema,
  })
  .strict();

const terraformCloudSchema = z
  .object({
    organization: z.string().min(1).max(WORKSPACE_NAME_MAX).regex(TFC_NAME).describe("Terraform Cloud organization: letters, digits, '-' and '_'"),
    workspacePrefix: z
      .string()
      .max(WORKSPACE_NAME_MAX - LONGEST_STACK_ID)
      .regex(TFC_NAME)
      .default("peering-")
      .describe("Workspace names are <workspacePrefix><stack>: letters, digits, '-' and '_'"),
    hostname: z.string().refine(isHostname).optional().describe("Terraform Enterprise host name (optionally :port), if not app.terraform.io"),
  })
  .strict();

/** S3 bucket names: 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit. */
const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** Key prefixes: path segments of S3's safe characters, no leading "/" and no "//". */
const KEY_PREFIX_PATTERN = /^(?:[A-Za-z0-9!_.*'()-]+\/)*[A-Za-z0-9!_.*'()-]*$/;
/** DynamoDB table names. */
const TABLE_PATTERN = /^[A-Za-z0-9_.-]{3,255}$/;
/** Where state objects go in the bucket unless the config says otherwise. */
export const DEFAULT_STATE_KEY_PREFIX = "peering/";

const s3BackendSchema = z
  .object({
    bucket: z.string().regex(BUCKET_PATTERN).describe("S3 bucket holding the state objects"),
    keyPrefix: z
      .string()
      .regex(KEY_PREFIX_PATTERN)
      .default(DEFAULT_STATE_KEY_PREFIX)
      .describe("Each stack's state is the object <keyPrefix><stack>.tfstate"),
    region: z.string().regex(REGION_PATTERN).optional().describe("Region of the bucket (default: the config's region)"),
    lockfile: z.boolean().default(true).describe("Lock the state with an S3 lock object beside it (Terraform's use_lockfile)"),
    dynamodbTable: z.string().regex(TABLE_PATTERN).optional().describe("DynamoDB table for state locking, for Terraform before 1.10"),
  })
  .strict();

const backendSchema = z.object({ s3: s3BackendSchema.describe("Keep state in an S3 bucket") }).strict();

/** The JSON config as zod checks its shape: keys, types and enums. */
export const configSchema = z
  .object({
    $schema: z.string().optional().describe("Path or URL of this JSON Schema, for editors"),
    region: z.string().max(32).regex(REGION_PATTERN).default(DEFAULT_REGION).describe("AWS region of every VPC that names none, and of the stacks' default provider"),
    maxAzs: azCount.default(DEFAULT_MAX_AZS).describe("How many AZs each VPC spans with a public and a private subnet"),
    natGateways: z.enum(NAT_MODES).default(DEFAULT_NAT_GATEWAYS).describe("NAT gateways: one per AZ, one per VPC, or none"),
    instanceType: z
      .string()
      .max(64)
      .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/)
      .default(DEFAULT_INSTANCE_TYPE)
      .describe("EC2 instance type of the ping instances"),
    vpcs: z.array(vpcSchema).min(1).describe("The VPCs, one ping instance each"),
    peerings: peeringsSchema,
    transitGateways: transitGatewaysSchema,
    dnsResolution: z
      .boolean()
      .default(false)
      .describe("Every peering lets each side resolve the other's public DNS host names to private addresses (a pair object's dnsResolution overrides it)"),
    accounts: accountsSchema,
    terraformCloud: terraformCloudSchema
      .optional()
      .describe("Keep state in Terraform Cloud workspaces named <workspacePrefix><stack> instead of local files"),
    backend: backendSchema.optional().describe("Keep state in an S3 bucket instead of local files"),
    peeringQuota: quota(PEERING_QUOTA).describe(
      `Your account's quota "${PEERING_QUOTA.name}" (AWS default ${PEERING_QUOTA.default}, at most ${PEERING_QUOTA.max})`,
    ),
    rulesPerSecurityGroup: quota(RULES_PER_SECURITY_GROUP_QUOTA).describe(
      `Your account's quota "${RULES_PER_SECURITY_GROUP_QUOTA.name}" (AWS default ${RULES_PER_SECURITY_GROUP_QUOTA.default}, at most ${count(RULES_PER_SECURITY_GROUP_QUOTA.max)})`,
    ),
    reachabilityAnalyzer: z
      .boolean()
      .default(false)
      .describe("Add a stack in which AWS Reachability Analyzer checks every same-region pair of instances ($0.10 per analysis, n(n-1) analyses)"),
    ipv6: z.boolean().default(false).describe("Give every VPC an Amazon-provided IPv6 /56 unless its own ipv6 says otherwise"),
    ssmEndpoints: z
      .boolean()
      .default(true)
      .describe('With natGateways "none": interface endpoints for ssm, ssmmessages and ec2messages in every VPC, so the instances stay managed'),
    routesPerRouteTable: quota(ROUTES_PER_ROUTE_TABLE_QUOTA).describe(
      `Your account's quota "${ROUTES_PER_ROUTE_TABLE_QUOTA.name}" (AWS default ${ROUTES_PER_ROUTE_TABLE_QUOTA.default}, at most ${count(ROUTES_PER_ROUTE_TABLE_QUOTA.max)})`,
    ),
    ipv4BlocksPerVpc: quota(IPV4_BLOCKS_PER_VPC_QUOTA).describe(
      `Your account's quota "${IPV4_BLOCKS_PER_VPC_QUOTA.name}" (AWS default ${IPV4_BLOCKS_PER_VPC_QUOTA.default}, at most ${IPV4_BLOCKS_PER_VPC_QUOTA.max})`,
    ),
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

/** A DNS host name of letters, digits and '-' labels, optionally with a port, as Terraform's service discovery accepts. */
function isHostname(value: string): boolean {
  const m = /^([^:]{1,253})(?::(\d{1,5}))?$/.exec(value);
  if (!m || (m[2] !== undefined && (Number(m[2]) < 1 || Number(m[2]) > 65535))) return false;
  return m[1].split(".").every((label) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));
}

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
  /** AWS region of the VPC. */
  readonly region: string;
  /**
   * Name of the account (in the config's `accounts`) that owns the VPC.
   * @default - the credentials' own account
   */
  readonly account?: string;
  /**
   * Whether the VPC gets an Amazon-provided IPv6 /56, a /64 per subnet and an egress-only internet gateway.
   * @default false
   */
  readonly ipv6?: boolean;
  /**
   * Secondary IPv4 blocks, each with a private subnet per AZ.
   * @default - none
   */
  readonly secondaryCidrs?: readonly string[];
  /**
   * Site-to-Site VPN connections by name.
   * @default - none
   */
  readonly vpnConnections?: Readonly<Record<string, VpnConnectionConfig>>;
}

/** A Site-to-Site VPN connection of a VPC to a customer gateway. */
export interface VpnConnectionConfig {
  /** Public IPv4 address of the customer gateway device. */
  readonly ip: string;
  /** BGP ASN of the customer gateway. */
  readonly asn: number;
  /**
   * Blocks of the customer network routed over the connection (static routing).
   * @default - none: the connection uses BGP
   */
  readonly staticRoutes?: readonly string[];
}

/** A validated config with every default filled in and peerings spelled out as pairs. */
export interface PeeringConfig {
  /** AWS region of the VPCs that name none, and of each stack's default provider. */
  readonly region: string;
  /** Where NAT gateways go. */
  readonly natGateways: NatMode;
  /** EC2 instance type of the test instances. */
  readonly instanceType: string;
  /** The VPCs, in config order. */
  readonly vpcs: readonly VpcConfig[];
  /** Peered pairs as [requester, accepter] names, full mesh and hub and spoke expanded. */
  readonly peerings: readonly (readonly [string, string])[];
  /**
   * The peered pairs whose peering resolves DNS host names across, as [requester, accepter].
   * @default - none
   */
  readonly dnsResolution?: readonly (readonly [string, string])[];
  /**
   * Hub and spoke: the hub and its spokes, whose peerings `peerings` lists.
   * @default - none
   */
  readonly hub?: HubConfig;
  /**
   * Other AWS accounts by name, with the role to assume in each.
   * @default - none: every VPC in the credentials' own account
   */
  readonly accounts?: Readonly<Record<string, AccountConfig>>;
  /** Terraform Cloud organization and workspace naming; local state files when absent. */
  readonly terraformCloud?: TerraformCloudConfig;
  /**
   * Whether a `reachability` stack has AWS Reachability Analyzer check every same-region pair of instances.
   * @default false
   */
  readonly reachabilityAnalyzer?: boolean;
  /** An S3 bucket for the state; local state files when absent (never set together with terraformCloud). */
  readonly backend?: BackendConfig;
  /**
   * With natGateways "none", whether every VPC gets interface endpoints for SSM.
   * @default true
   */
  readonly ssmEndpoints?: boolean;
  /** Most resources one peering stack holds (see lib/peering-shards.ts). */
  readonly maxPeeringStackResources: number;
  /** How many stacks hold the peerings once they do not fit one. */
  readonly peeringShards: number;
  /** Transit gateways with their segments and attached VPCs (lib/config/transit.ts); absent when the config has none. */
  readonly transitGateways?: readonly TransitGatewayConfig[];
}

/** A Terraform backend other than Terraform Cloud. */
export interface BackendConfig {
  /** State objects in an S3 bucket. */
  readonly s3: S3BackendConfig;
}

/** Where the stacks keep their state in S3: one object per stack, `<keyPrefix><stack>.tfstate`. */
export interface S3BackendConfig {
  /** The bucket, which must exist before the first deploy. */
  readonly bucket: string;
  /** Prefix of the state object keys, e.g. "peering/" for "peering/network.tfstate". */
  readonly keyPrefix: string;
  /** Region of the bucket (the config's region unless it names another). */
  readonly region: string;
  /** Whether Terraform locks the state with a lock object beside it in the bucket. */
  readonly lockfile: boolean;
  /**
   * DynamoDB table for state locking.
   * @default - none
   */
  readonly dynamodbTable?: string;
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
    if (more > 0) listed.push(`  ... and ${count(more)} more`);
    super(`Invalid peering config (${source}):\n${listed.join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems.slice(0, MAX_LISTED_PROBLEMS);
  }
}

/**
 * The bytes of the config file PEERING_CONFIG names, read once (a pipe or /dev/stdin works), or
 * undefined when the variable is unset and the built-in default applies. `name` is the file name
 * as messages show it.
 */
export function readConfigSource(env: NodeJS.ProcessEnv = process.env): { file: string; name: string; bytes: Buffer } | undefined {
  const file = env[CONFIG_ENV];
  if (file === undefined) return undefined;
  if (file === "") {
    throw new ConfigError(`${CONFIG_ENV}=""`, [`${CONFIG_ENV} is set but empty: name a JSON config file, or unset it for the built-in default`]);
  }
  let read: { bytes: Buffer; truncated: boolean };
  try {
    read = readBounded(file);
  } catch (e) {
    const { code } = e as NodeJS.ErrnoException;
    const reasons: Record<string, string> = { ENOENT: "no such file", EISDIR: "it is a directory", EACCES: "permission denied", ENXIO: "it is a socket" };
    const why = (code && reasons[code]) ?? code ?? "read error";
    throw new ConfigError(sourceName(file), [`${CONFIG_ENV} ${preview(file)} cannot be read (${why}): point it at a JSON config file`]);
  }
  if (read.truncated) {
    throw new ConfigError(sourceName(file), [
      `the file is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB, far more than any peering config (20,000 VPCs take about 1 MiB): check that ${CONFIG_ENV} names the config`,
    ]);
  }
  return { file, name: sourceName(file), bytes: read.bytes };
}

/** The validated config in a config file's bytes; `source` names the file in messages. */
export function configFromBytes(bytes: Uint8Array, source: string): PeeringConfig {
  if (bytes.length === 0) {
    throw new ConfigError(source, ['the file is empty: write a JSON config such as {"vpcs": [{"name": "a", "cidr": "10.0.0.0/24"}]}']);
  }
  const parsed = parseJsonBytes(bytes);
  if ("problems" in parsed) throw new ConfigError(source, parsed.problems, parsed.total);
  return parseConfig(parsed.value, source);
}

/** Reads the config named by PEERING_CONFIG, or the built-in default when it is unset. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): PeeringConfig {
  const source = readConfigSource(env);
  return source ? configFromBytes(source.bytes, source.name) : parseConfig(DEFAULT_CONFIG, "built-in default");
}

/** A file name fit for the first line of a message: as it is when printable, else escaped and cut. */
function sourceName(file: string): string {
  return /^[\x20-\x7e]{1,200}$/.test(file) ? file : preview(file);
}

/** Checks raw JSON data and returns the resolved config, or throws one ConfigError with every problem counted. */
export function parseConfig(raw: unknown, source = "config"): PeeringConfig {
  const parsed = configSchema.safeParse(raw);
  const problems = new Problems();
  if (!parsed.success) for (const issue of parsed.error.issues) describeIssue(issue, raw, problems);
  checkSemantics(raw, problems);
  if (!parsed.success || problems.total > 0) throw new ConfigError(source, problems.listed, problems.total);
  const data = parsed.data;
  const vpcs = data.vpcs.map((v): VpcConfig => ({
    name: v.name,
    cidr: v.cidr,
    maxAzs: v.maxAzs ?? data.maxAzs,
    region: v.region ?? data.region,
    ...(v.account !== undefined ? { account: v.account } : {}),
    ...((v.ipv6 ?? data.ipv6) ? { ipv6: true } : {}),
    ...(v.secondaryCidrs?.length ? { secondaryCidrs: v.secondaryCidrs } : {}),
    ...(v.vpnConnections && Object.keys(v.vpnConnections).length > 0
      ? {
          vpnConnections: Object.fromEntries(
            Object.entries(v.vpnConnections).map(([name, c]) => [
              name,
              { ip: c.ip, asn: c.asn ?? CUSTOMER_GATEWAY_ASN.default, ...(c.staticRoutes ? { staticRoutes: c.staticRoutes } : {}) },
            ]),
          ),
        }
      : {}),
  }));
  const peerings = resolvePeerings(data.peerings, vpcs.map((v) => v.name), data.dnsResolution);
  const accounts = data.accounts && Object.keys(data.accounts).length > 0 ? data.accounts : undefined;
  const config: PeeringConfig = {
    region: data.region,
    natGateways: data.natGateways,
    instanceType: data.instanceType,
    vpcs,
    peerings: peerings.pairs,
    ...(peerings.dnsResolution.length > 0 ? { dnsResolution: peerings.dnsResolution } : {}),
    ...(peerings.hub ? { hub: peerings.hub } : {}),
    ...(accounts ? { accounts: Object.fromEntries(Object.entries(accounts).map(([name, a]) => [name, accountOfRoleArn(a.roleArn)])) } : {}),
    terraformCloud: data.terraformCloud,
    reachabilityAnalyzer: data.reachabilityAnalyzer,
    ssmEndpoints: data.ssmEndpoints,
    ...(data.backend ? { backend: { s3: { ...data.backend.s3, region: data.backend.s3.region ?? data.region } } } : {}),
    maxPeeringStackResources: data.maxPeeringStackResources,
    peeringShards: data.peeringShards,
    ...(data.transitGateways?.length ? { transitGateways: resolveTransitGateways(data.transitGateways, data.vpcs, data.region) } : {}),
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

/** Whether the peering of `a` and `b` (in either order) resolves DNS host names across. */
export function resolvesDns(config: PeeringConfig, a: string, b: string): boolean {
  return (config.dnsResolution ?? []).some(([x, y]) => (x === a && y === b) || (x === b && y === a));
}

/**
 * The problems found, of which only the first MAX_LISTED_PROBLEMS are put into words: a config
 * with a million problems costs a count, not a million messages.
 */
class Problems {
  readonly listed: string[] = [];
  total = 0;

  /** Counts a problem; `describe` runs only if the problem will be listed. */
  add(describe: string | (() => string)): void {
    this.total++;
    if (this.listed.length < MAX_LISTED_PROBLEMS) this.listed.push(typeof describe === "string" ? describe : describe());
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
  hostname: 'use a host name such as "app.terraform.io": letters, digits and \'-\' between dots, optionally with ":port"',
  reachabilityAnalyzer: "use true or false",
  backend: 'use {"s3": {"bucket": "my-state-bucket"}}',
  s3: 'use {"bucket": "my-state-bucket"} with optional "keyPrefix", "region", "lockfile" and "dynamodbTable"',
  bucket: "use an S3 bucket name: 3 to 63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit",
  keyPrefix: `use path segments of letters, digits and !_.*'()- separated by single '/', not starting with '/', such as "${DEFAULT_STATE_KEY_PREFIX}"`,
  lockfile: "use true (lock with an S3 lock object) or false",
  dynamodbTable: "use a DynamoDB table name: 3 to 255 letters, digits, '_', '-' and '.'",
  peeringQuota: `use your account's quota of active peerings per VPC: a whole number from 1 to ${PEERING_QUOTA.max}`,
  rulesPerSecurityGroup: `use your account's quota of inbound or outbound rules per security group: a whole number from 1 to ${count(RULES_PER_SECURITY_GROUP_QUOTA.max)}`,
  routesPerRouteTable: `use your account's quota of routes per route table: a whole number from 1 to ${count(ROUTES_PER_ROUTE_TABLE_QUOTA.max)}`,
  ipv4BlocksPerVpc: `use your account's quota of IPv4 CIDR blocks per VPC: a whole number from 1 to ${IPV4_BLOCKS_PER_VPC_QUOTA.max}`,
  ipv6: "use true (an Amazon-provided IPv6 /56, a /64 per subnet) or false",
  ssmEndpoints: 'use true (SSM interface endpoints where natGateways is "none") or false',
  secondaryCidrs: `list at most ${IPV4_BLOCKS_PER_VPC_QUOTA.max - 1} IPv4 blocks such as ["10.1.0.0/16"]`,
  vpnConnections: 'write an object of named connections such as {"office": {"ip": "203.0.113.12"}}',
  ip: 'use the public IPv4 address of your VPN device, such as "203.0.113.12"',
  asn: `use a whole number from ${CUSTOMER_GATEWAY_ASN.min} to ${count(CUSTOMER_GATEWAY_ASN.max)}: your network's ASN, or a private one from 64,512 to 65,534`,
  staticRoutes: `list 1 to ${PROPAGATED_ROUTES_PER_ROUTE_TABLE_MAX} IPv4 blocks of your network such as ["192.168.0.0/16"], or leave staticRoutes out for BGP`,
  maxPeeringStackResources: "use a whole number of resources, at least 1",
  peeringShards: `use a whole number of stacks from 2 to ${MAX_PEERING_SHARDS}`,
  ...TRANSIT_FIXES,
};

function describeIssue(issue: z.core.$ZodIssue, raw: unknown, problems: Problems): void {
  const path = issue.path;
  if (issue.code === "unrecognized_keys") {
    problems.add(() => {
      const field = formatPath(path);
      const where = field ? `${field} has` : "the config has";
      const keys = issue.keys.slice(0, 5).map(preview).join(", ") + (issue.keys.length > 5 ? ` and ${issue.keys.length - 5} more` : "");
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
    problems.add(() => `the config is ${preview(value)} (${typeName(value)}): write a JSON object such as {"vpcs": [${VPC_EXAMPLE}]}`);
  } else if (issue.code === "invalid_union" && path.length === 1 && path[0] === "peerings") {
    describePeeringsShape(value, (d) => problems.add(d));
  } else if (issue.code === "invalid_key" && path[0] === "accounts" && path.length === 2) {
    problems.add(() => accountNameProblem(String(path[1])));
  } else {
    problems.add(() => {
      const shown = value === undefined ? "is missing" : `is ${preview(value)}${issue.code === "invalid_type" ? ` (${typeName(value)})` : ""}`;
      return `${formatPath(path)} ${shown}: ${fixFor(path) ?? issue.message}`;
    });
  }
}

function connectionNameProblem(field: string, name: string): string {
  const fix = "name each connection with 1 to 31 lowercase letters, digits and '-', starting with a letter";
  return `${field} has the name ${preview(name)}: ${fix}`;
}

function accountNameProblem(name: string): string {
  const fix = "name each account with 1 to 31 characters: lowercase letters, digits and '-', starting with a letter";
  return `accounts has the key ${preview(name)}: ${fix}`;
}

/** Whether `value` is an object with an own `__proto__` key, which zod's records pass over without a word. */
function hasProtoKey(value: unknown): boolean {
  return value !== null && typeof value === "object" && Object.prototype.hasOwnProperty.call(value, "__proto__");
}

function fixFor(path: readonly PropertyKey[]): string | undefined {
  const last = path[path.length - 1];
  if (typeof last === "number" && path[0] === "vpcs" && path.length === 2) return `write each VPC as an object such as ${VPC_EXAMPLE}`;
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

/** A VPC whose entry is valid in itself, so that checks across VPCs can use it. */
interface UsableVpc {
  readonly index: number;
  readonly name: string;
  readonly shape: VpcShape;
}

/** What the quota counts need of every named VPC, usable or not. */
interface Counted {
  /** IPv4 blocks: the primary and each secondary. */
  readonly ipv4: number;
  /** Whether the VPC has IPv6. */
  readonly ipv6: boolean;
  /** AZs, hence private route tables. */
  readonly azs: number;
}

/** "a", "b", "c", "d", "e" and 12 more */
function someNames(names: ReadonlyMap<string, number>): string {
  const first: string[] = [];
  for (const name of names.keys()) {
    if (first.length === 5) break;
    first.push(preview(name));
  }
  return names.size > 5 ? `${first.join(", ")} (or another of the ${count(names.size)} VPCs)` : first.join(", ");
}

/**
 * Checks AWS would make at apply time (or that would break our stacks), run on whatever parts of
 * the input are usable. A VPC whose own entry is broken is reported once, by zod or here, and left
 * out of the checks between VPCs, so that it causes no second, misleading problem. Every check is
 * linear in the input, or n log n where blocks are sorted: a full mesh is never expanded into pairs.
 */
function checkSemantics(raw: unknown, problems: Problems): void {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return;
  const root = raw as Record<string, unknown>;
  if (root.backend !== undefined && root.terraformCloud !== undefined) {
    problems.add("backend and terraformCloud are both set: keep one, the state goes either to S3 or to Terraform Cloud");
  }
  const defaultAzs = azCount.safeParse(root.maxAzs ?? DEFAULT_MAX_AZS);
  const region = typeof root.region === "string" ? root.region : DEFAULT_REGION;
  const blocksQuota = quota(IPV4_BLOCKS_PER_VPC_QUOTA).safeParse(root.ipv4BlocksPerVpc);
  const entries: unknown[] = Array.isArray(root.vpcs) ? root.vpcs : [];
  /** Every name given to a VPC entry, valid or not, with the index of its first entry. */
  const named = new Map<string, number>();
  /** VPCs whose entries pass every check of their own, by name. */
  const usable = new Map<string, UsableVpc>();
  /** Block counts and IPv6 of each well-formed entry, for the quota counts. */
  const counted = new Map<string, Counted>();
  const ipv6Fields: string[] = [];

  // zod's records skip a "__proto__" key (no name pattern sees it), so these names are checked here.
  if (hasProtoKey(root.accounts)) problems.add(() => accountNameProblem("__proto__"));
  entries.forEach((entry, index) => {
    const vpc = entry !== null && typeof entry === "object" ? (entry as { vpnConnections?: unknown }) : {};
    if (hasProtoKey(vpc.vpnConnections)) {
      problems.add(() => connectionNameProblem(`vpcs[${index}].vpnConnections`, "__proto__"));
    }
  });
  entries.forEach((entry, index) => {
    const name = entry !== null && typeof entry === "object" ? (entry as Record<string, unknown>).name : undefined;
    if (typeof name !== "string") return;
    const first = named.get(name);
    if (first !== undefined) {
      problems.add(() => `vpcs[${index}].name ${preview(name)} is already used by vpcs[${first}]: give every VPC its own name`);
      return;
    }
    named.set(name, index);
    const vpc = vpcSchema.safeParse(entry);
    if (!vpc.success) return;
    const field = `vpcs[${index}]`;
    const azs = vpc.data.maxAzs ?? (defaultAzs.success ? defaultAzs.data : undefined);
    const ipv6 = vpc.data.ipv6 ?? root.ipv6 === true;
    if (ipv6) ipv6Fields.push(`${field} (${preview(name)})`);
    counted.set(name, { ipv4: 1 + (vpc.data.secondaryCidrs?.length ?? 0), ipv6, azs: azs ?? 1 });
    const checked = checkVpcCidr(vpc.data.cidr, `${field}.cidr`);
    if ("problem" in checked) {
      problems.add(checked.problem);
      return;
    }
    if (azs !== undefined && subnetPrefix(checked.block.prefix, azs) === undefined) {
      problems.add(
        () => `${field}.cidr ${preview(vpc.data.cidr)} is too small for a public and a private subnet in each of ${azs} AZ${azs > 1 ? "s" : ""} (AWS's smallest subnet is /28): use a larger block or fewer AZs`,
      );
    }
    const shape = checkVpcShape(vpc.data, { field, primary: checked.block, azs, region: vpc.data.region ?? region, account: vpc.data.account, blocksQuota: blocksQuota.success ? blocksQuota.data : undefined }, problems);
    if (shape) usable.set(name, { index, name, shape });
  });
  const instanceType = typeof root.instanceType === "string" ? root.instanceType : DEFAULT_INSTANCE_TYPE;
  const noIpv6 = ipv6InstanceTypeProblem(instanceType, ipv6Fields);
  if (noIpv6) problems.add(noIpv6);
  checkCustomerGateways(usable, problems);
  const placed = checkPlacements(root, (d) => problems.add(d));

  const peerCount = new Map<string, number>();
  /** Per VPC: IPv4 blocks and IPv6 blocks of its peers (IPv6 only where both sides have it). */
  const peerBlocks = new Map<string, { ipv4: number; ipv6: number }>();
  const addPeer = (name: string, peer: string) => {
    const mine = counted.get(name);
    const theirs = counted.get(peer);
    const sum = peerBlocks.get(name) ?? { ipv4: 0, ipv6: 0 };
    peerBlocks.set(name, { ipv4: sum.ipv4 + (theirs?.ipv4 ?? 1), ipv6: sum.ipv6 + (mine?.ipv6 && theirs?.ipv6 ? 1 : 0) });
  };

  if (root.peerings === "full-mesh") {
    const names = [...named.keys()];
    let ipv4 = 0;
    let ipv6 = 0;
    for (const name of names) {
      ipv4 += counted.get(name)?.ipv4 ?? 1;
      if (counted.get(name)?.ipv6) ipv6++;
    }
    for (const name of names) {
      const own = counted.get(name);
      peerCount.set(name, names.length - 1);
      peerBlocks.set(name, { ipv4: ipv4 - (own?.ipv4 ?? 1), ipv6: own?.ipv6 ? ipv6 - 1 : 0 });
    }
    const all = [...usable.values()].flatMap((v) => v.shape.blocks.map((b) => ({ ...b, owner: v.name })));
    for (const [a, b] of overlappingPartners(all)) problems.add(() => blocksOverlapProblem(a, b, 'peerings "full-mesh"'));
    const routes = [...usable.values()].flatMap((v) => v.shape.staticRoutes.map((r) => ({ ...r, owner: v.name })));
    for (const [route, block] of staticRouteOverlaps(routes, all)) problems.add(() => staticRouteOverlapProblem(route, block, 'peerings "full-mesh"'));
    const byPartition = new Map<string, string>();
    for (const [name, p] of placed) if (!byPartition.has(p.partition)) byPartition.set(p.partition, name);
    if (byPartition.size > 1) {
      const [a, b] = [...byPartition.values()];
      problems.add(() => crossPartitionProblem('peerings "full-mesh"', a, placed.get(a)!, b, placed.get(b)!)!);
    }
  } else {
    const seen = new Map<string, string>();
    /** Per usable VPC: the blocks of its usable peers, which its route tables route to. */
    const routedTo = new Map<string, PeerBlock[]>();
    for (const { field, requester: a, accepter: b } of peeringEntries(root.peerings, named, () => someNames(named), (d) => problems.add(d))) {
      const pair = [a, b];
      const unknown = [...new Set([a, b])].filter((n) => !named.has(n));
      for (const name of unknown) {
        problems.add(() => `${field} names VPC ${preview(name)}, which is not in vpcs: use one of ${someNames(named)}`);
      }
      if (unknown.length > 0) continue;
      if (a === b) {
        problems.add(() => `${field} peers ${preview(a)} with itself: a peering joins two different VPCs`);
        continue;
      }
      const key = a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        problems.add(() => `${field} ${preview(pair)} repeats ${earlier}: AWS allows one peering per pair of VPCs, remove one`);
        continue;
      }
      seen.set(key, field);
      for (const [name, peer] of [[a, b], [b, a]]) {
        peerCount.set(name, (peerCount.get(name) ?? 0) + 1);
        addPeer(name, peer);
      }
      const va = usable.get(a);
      const vb = usable.get(b);
      if (va && vb) {
        for (const [from, to] of [[va, vb], [vb, va]]) {
          const list = routedTo.get(from.name) ?? [];
          routedTo.set(from.name, list);
          for (const block of to.shape.blocks) list.push({ ...block, peer: to.name, peeredBy: field });
        }
        const overlap = firstOverlap(va.shape, vb.shape);
        if (overlap) problems.add(() => blocksOverlapProblem(overlap[0], overlap[1], field));
        for (const [from, to] of [[va, vb], [vb, va]]) {
          for (const route of from.shape.staticRoutes) {
            const hit = to.shape.blocks.find((block) => route.block.start <= block.block.end && block.block.start <= route.block.end);
            if (hit) problems.add(() => staticRouteOverlapProblem(route, hit, field));
          }
        }
      }
      const pa = placed.get(a);
      const pb = placed.get(b);
      const partitions = pa && pb && crossPartitionProblem(field, a, pa, b, pb);
      if (partitions) problems.add(() => partitions);
    }
    // A peer's own blocks are disjoint, so each overlap found here is between two peers.
    for (const [name, blocks] of routedTo) {
      const vpc = `vpcs[${usable.get(name)!.index}] (${preview(name)})`;
      for (const [x, y] of overlappingPartners(blocks)) problems.add(() => peersOverlapProblem(vpc, x, y));
    }
  }

  for (const [name, n] of checkTransit(root, named, usable, problems)) {
    peerBlocks.set(name, { ipv4: (peerBlocks.get(name)?.ipv4 ?? 0) + n.ipv4, ipv6: (peerBlocks.get(name)?.ipv6 ?? 0) + n.ipv6 });
  }
  const peeringQuota = quota(PEERING_QUOTA).safeParse(root.peeringQuota);
  if (peeringQuota.success) {
    for (const [name, n] of peerCount) {
      if (n > peeringQuota.data) problems.add(() => peeringQuotaProblem(name, n, peeringQuota.data));
    }
  }
  const rulesQuota = quota(RULES_PER_SECURITY_GROUP_QUOTA).safeParse(root.rulesPerSecurityGroup);
  if (rulesQuota.success) {
    // The reachability stack admits its analyser's TCP probe from the same IPv4 blocks as the ICMP rules.
    const perBlock = root.reachabilityAnalyzer === true ? 2 : 1;
    for (const [name, blocks] of peerBlocks) {
      for (const family of ["ipv4", "ipv6"] as const) {
        const n = blocks[family] * (family === "ipv4" ? perBlock : 1);
        if (n > rulesQuota.data) problems.add(() => rulesProblem(name, n, family, rulesQuota.data, family === "ipv4" ? perBlock : 1));
      }
    }
  }
  const routesQuota = quota(ROUTES_PER_ROUTE_TABLE_QUOTA).safeParse(root.routesPerRouteTable);
  const nat = NAT_MODES.find((m) => m === (root.natGateways ?? DEFAULT_NAT_GATEWAYS));
  if (routesQuota.success) {
    for (const [name, own] of counted) {
      const blocks = peerBlocks.get(name) ?? { ipv4: 0, ipv6: 0 };
      for (const problem of routesProblems(name, own.azs, privateRoutes(nat, own.ipv6, blocks.ipv4, blocks.ipv6), nat, routesQuota.data)) problems.add(problem);
    }
  }
}

/** Two VPN entries (in one region) that AWS would make one customer gateway of. */
function checkCustomerGateways(usable: ReadonlyMap<string, UsableVpc>, problems: Problems): void {
  const first = new Map<string, string>();
  for (const vpc of usable.values()) {
    for (const gateway of vpc.shape.customerGateways) {
      const earlier = first.get(gateway.key);
      if (earlier) problems.add(() => sharedCustomerGatewayProblem(gateway.field, earlier));
      else first.set(gateway.key, gateway.field);
    }
  }
}

function peeringQuotaProblem(name: string, n: number, limit: number): string {
  const q = PEERING_QUOTA;
  return limit < q.max
    ? `VPC ${preview(name)} has ${n} peerings, over the quota of ${limit} active peerings per VPC (AWS's default is ${q.default}): request an increase of "${q.name}" (${q.code}) in Service Quotas, up to ${q.max}, and set "peeringQuota" to it, or use a Transit Gateway`
    : `VPC ${preview(name)} has ${n} peerings, over AWS's hard limit of ${q.max} active peerings per VPC: use a Transit Gateway for this many`;
}

function rulesProblem(name: string, n: number, family: "ipv4" | "ipv6", limit: number, perBlock: number): string {
  const q = RULES_PER_SECURITY_GROUP_QUOTA;
  const each = perBlock === 1 ? "one per block of each peered VPC" : "per block of each peered VPC, one for ICMP and one for the Reachability Analyzer probe";
  const what = `VPC ${preview(name)}: its ping security group needs ${count(n)} inbound ${family === "ipv4" ? "IPv4" : "IPv6"} rules (${each})`;
  return limit < q.max
    ? `${what}, over the quota of ${count(limit)} inbound rules per security group (AWS's default is ${q.default}): request an increase of "${q.name}" (${q.code}) in Service Quotas, up to ${count(q.max)} divided by the security groups per network interface, and set "rulesPerSecurityGroup" to it`
    : `${what}, over AWS's ceiling of ${count(q.max)} rules per security group: peer it with fewer VPCs`;
}
