/**
 * The config's JSON shape as a zod schema, from which the JSON Schema (schema/) and the shape errors
 * come; what the shape cannot say (names, overlaps, quotas) is in checks.ts.
 */
import { z } from "zod";
import { formatCount } from "../core/text";
import {
  CUSTOMER_GATEWAY_ASN,
  IPV4_BLOCKS_PER_VPC_QUOTA,
  PEERING_QUOTA,
  PROPAGATED_ROUTES_PER_ROUTE_TABLE_MAX,
  REGION_PATTERN,
  ROUTES_PER_ROUTE_TABLE_QUOTA,
  RULES_PER_SECURITY_GROUP_QUOTA,
} from "../core/aws-limits";
import {
  DEFAULT_MAX_PEERING_STACK_RESOURCES,
  DEFAULT_PEERING_SHARDS,
  MAX_PEERING_SHARDS,
} from "../plan/peering-shards";
import { SMALLEST_VPC_PREFIX } from "../plan/vpc-cidr";
import { DEFAULT_NETWORK_CELLS, MAX_NETWORK_CELLS, MAX_UNSPLIT_VPCS } from "../plan/cells";
import {
  DEFAULT_INSTANCE_TYPE,
  DEFAULT_MAX_AZS,
  DEFAULT_NAT_GATEWAYS,
  DEFAULT_REGION,
  MAX_AZS_LIMIT,
} from "./defaults";
import { accountsSchema, vpcPlacementKeys } from "./placement";
import { peeringsSchema } from "./topology";
import { transitAttachmentsSchema, transitGatewaysSchema } from "./transit";
import { transitPeeringsSchema } from "./transit-peering";
import { NAT_MODES } from "./types";

/** Longest Terraform Cloud workspace name (Terraform Cloud's limit). */
export const WORKSPACE_NAME_MAX = 90;
/** Longest stack id, which follows the workspace prefix in a workspace name. */
export const LONGEST_STACK_ID = "reachability".length;

export const NAME_PATTERN = /^[a-z][a-z0-9-]{0,30}$/;
/** Terraform Cloud organization and workspace names: letters, digits, '-' and '_'. */
const TFC_NAME = /^[A-Za-z0-9_-]*$/;

/** A VPC's AZ count. */
export const azCount = z.number().int().min(1).max(MAX_AZS_LIMIT);
/** An AWS quota the config may raise: a whole number up to its ceiling, AWS's default unless given. */
export const quota = (q: { default: number; max: number }) => z.number().int().min(1).max(q.max).default(q.default);

const vpnConnectionSchema = z
  .object({
    ip: z
      .string()
      .describe(
        'Public IPv4 address of the customer gateway device (or of the NAT in front of it), e.g. "203.0.113.12"',
      ),
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
      .describe(
        "IPv4 blocks of your network routed over this connection (static routing); without it the connection uses BGP",
      ),
  })
  .strict();

export const vpcSchema = z
  .object({
    name: z
      .string()
      .regex(NAME_PATTERN)
      .describe("Name of the VPC: lowercase letters, digits and '-'; used in resource ids and tags"),
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
      .describe(
        "Site-to-Site VPN connections by name: a VPN gateway on the VPC and a customer gateway and connection per entry",
      ),
    ...vpcPlacementKeys,
    transitAttachments: transitAttachmentsSchema,
  })
  .strict();

const terraformCloudSchema = z
  .object({
    organization: z
      .string()
      .min(1)
      .max(WORKSPACE_NAME_MAX)
      .regex(TFC_NAME)
      .describe("Terraform Cloud organization: letters, digits, '-' and '_'"),
    workspacePrefix: z
      .string()
      .max(WORKSPACE_NAME_MAX - LONGEST_STACK_ID)
      .regex(TFC_NAME)
      .default("peering-")
      .describe("Workspace names are <workspacePrefix><stack>: letters, digits, '-' and '_'"),
    hostname: z
      .string()
      .refine(isHostname)
      .optional()
      .describe("Terraform Enterprise host name (optionally :port), if not app.terraform.io"),
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
    lockfile: z
      .boolean()
      .default(true)
      .describe("Lock the state with an S3 lock object beside it (Terraform's use_lockfile)"),
    dynamodbTable: z
      .string()
      .regex(TABLE_PATTERN)
      .optional()
      .describe("DynamoDB table for state locking, for Terraform before 1.10"),
  })
  .strict();

const backendSchema = z.object({ s3: s3BackendSchema.describe("Keep state in an S3 bucket") }).strict();

/** The JSON config as zod checks its shape: keys, types and enums. */
export const configSchema = z
  .object({
    $schema: z.string().optional().describe("Path or URL of this JSON Schema, for editors"),
    region: z
      .string()
      .max(32)
      .regex(REGION_PATTERN)
      .default(DEFAULT_REGION)
      .describe("AWS region of every VPC that names none, and of the stacks' default provider"),
    maxAzs: azCount.default(DEFAULT_MAX_AZS).describe("How many AZs each VPC spans with a public and a private subnet"),
    natGateways: z
      .enum(NAT_MODES)
      .default(DEFAULT_NAT_GATEWAYS)
      .describe("NAT gateways: one per AZ, one per VPC, or none"),
    instanceType: z
      .string()
      .max(64)
      .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/)
      .default(DEFAULT_INSTANCE_TYPE)
      .describe("EC2 instance type of the ping instances"),
    vpcs: z.array(vpcSchema).min(1).describe("The VPCs, one ping instance each"),
    peerings: peeringsSchema,
    transitGateways: transitGatewaysSchema,
    transitPeerings: transitPeeringsSchema,
    dnsResolution: z
      .boolean()
      .default(false)
      .describe(
        "Every peering lets each side resolve the other's public DNS host names to private addresses (a pair object's dnsResolution overrides it)",
      ),
    accounts: accountsSchema,
    terraformCloud: terraformCloudSchema
      .optional()
      .describe("Keep state in Terraform Cloud workspaces named <workspacePrefix><stack> instead of local files"),
    backend: backendSchema.optional().describe("Keep state in an S3 bucket instead of local files"),
    peeringQuota: quota(PEERING_QUOTA).describe(
      `Your account's quota "${PEERING_QUOTA.name}" (AWS default ${PEERING_QUOTA.default}, at most ${PEERING_QUOTA.max})`,
    ),
    rulesPerSecurityGroup: quota(RULES_PER_SECURITY_GROUP_QUOTA).describe(
      `Your account's quota "${RULES_PER_SECURITY_GROUP_QUOTA.name}" (AWS default ${RULES_PER_SECURITY_GROUP_QUOTA.default}, at most ${formatCount(RULES_PER_SECURITY_GROUP_QUOTA.max)})`,
    ),
    reachabilityAnalyzer: z
      .boolean()
      .default(false)
      .describe(
        "Add a stack in which AWS Reachability Analyzer checks every same-region pair of instances ($0.10 per analysis, n(n-1) analyses)",
      ),
    ipv6: z
      .boolean()
      .default(false)
      .describe("Give every VPC an Amazon-provided IPv6 /56 unless its own ipv6 says otherwise"),
    ssmEndpoints: z
      .boolean()
      .default(true)
      .describe(
        'With natGateways "none": interface endpoints for ssm, ssmmessages and ec2messages in every VPC, so the instances stay managed',
      ),
    routesPerRouteTable: quota(ROUTES_PER_ROUTE_TABLE_QUOTA).describe(
      `Your account's quota "${ROUTES_PER_ROUTE_TABLE_QUOTA.name}" (AWS default ${ROUTES_PER_ROUTE_TABLE_QUOTA.default}, at most ${formatCount(ROUTES_PER_ROUTE_TABLE_QUOTA.max)})`,
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
    networkCells: z
      .number()
      .int()
      .min(2)
      .max(MAX_NETWORK_CELLS)
      .optional()
      .describe(
        `How many cells (stacks network-00, instances-00, transit-00, ...) hold the VPCs; unset, networks of more than ${MAX_UNSPLIT_VPCS} VPCs get ${DEFAULT_NETWORK_CELLS}`,
      ),
  })
  .strict();

/** A DNS host name of letters, digits and '-' labels, optionally with a port, as Terraform's service discovery accepts. */
function isHostname(value: string): boolean {
  const m = /^([^:]{1,253})(?::(\d{1,5}))?$/.exec(value);
  if (!m || (m[2] !== undefined && (Number(m[2]) < 1 || Number(m[2]) > 65535))) return false;
  return m[1].split(".").every((label) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));
}
