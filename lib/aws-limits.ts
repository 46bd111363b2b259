/**
 * AWS limits that both the config checks and reach enforce, in one place so that the app and the
 * analysis of its output can never disagree. Quotas carry the name and code AWS's Service Quotas
 * console lists them under, so every message can say exactly which quota to raise.
 */

/** An adjustable AWS quota: its default, the most AWS grants, and where to ask for more. */
export interface AwsQuota {
  /** The name in the Service Quotas console (service "Amazon Virtual Private Cloud (Amazon VPC)"). */
  readonly name: string;
  /** The quota code in the Service Quotas console. */
  readonly code: string;
  /** What every account starts with. */
  readonly default: number;
  /** The highest value AWS grants on request. */
  readonly max: number;
}

/** Active VPC peering connections per VPC. */
export const PEERING_QUOTA: AwsQuota = { name: "Active VPC peering connections per VPC", code: "L-7E9ECCDB", default: 50, max: 125 };
/**
 * Inbound or outbound rules per security group: counted per direction, and apart for IPv4 and
 * IPv6; this quota times "Security groups per network interface" may not pass 1,000.
 */
export const RULES_PER_SECURITY_GROUP_QUOTA: AwsQuota = { name: "Inbound or outbound rules per security group", code: "L-0EA8095F", default: 60, max: 1000 };

/** AWS's default quota of active VPC peering connections per VPC. */
export const PEERING_QUOTA_DEFAULT = PEERING_QUOTA.default;
/** AWS's hard ceiling for that quota, reachable only through a quota increase. */
export const PEERING_QUOTA_MAX = PEERING_QUOTA.max;
/** Shortest VPC IPv4 prefix AWS accepts. */
export const VPC_PREFIX_MIN = 16;
/** Longest VPC IPv4 prefix AWS accepts. */
export const VPC_PREFIX_MAX = 28;
/** AWS's smallest subnet. */
export const MIN_SUBNET_PREFIX = 28;
/** AWS region names, e.g. "eu-west-1", "us-gov-west-1", "cn-north-1". */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * The AWS regions the config may name, by partition (AWS's endpoints list; the ISO partitions are
 * left out). A region AWS opens later needs a line here. VPC peering never crosses a partition.
 */
export const AWS_REGIONS: Readonly<Record<string, readonly string[]>> = {
  aws: [
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
  ],
  "aws-cn": ["cn-north-1", "cn-northwest-1"],
  "aws-us-gov": ["us-gov-east-1", "us-gov-west-1"],
};

/** The partition of a region AWS_REGIONS lists ("aws", "aws-cn", "aws-us-gov"), else undefined. */
export function partitionOf(region: string): string | undefined {
  return Object.keys(AWS_REGIONS).find((partition) => AWS_REGIONS[partition].includes(region));
}

/**
 * An IAM role ARN: partition, 12-digit account id, and the role's path and name (IAM allows
 * letters, digits and +=,.@_- in both; a name has at most 64 characters).
 */
export const ROLE_ARN_PATTERN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/((?:[\w+=,.@-]+\/)*)([\w+=,.@-]{1,64})$/;

/**
 * IPv4 ranges AWS does not allow as VPC blocks: the special-purpose ranges of RFC 6890 that the
 * Amazon VPC User Guide ("VPC CIDR blocks") names or that no host may use as its own address.
 */
export const VPC_RESERVED_RANGES: readonly { readonly cidr: string; readonly what: string }[] = [
  { cidr: "0.0.0.0/8", what: '"this network", RFC 6890' },
  { cidr: "127.0.0.0/8", what: "loopback" },
  { cidr: "169.254.0.0/16", what: "link-local, RFC 3927; AWS keeps it for instance metadata and DNS" },
  { cidr: "224.0.0.0/4", what: "multicast" },
  { cidr: "240.0.0.0/4", what: "reserved for future use, with the broadcast address 255.255.255.255" },
];

/** Security group rules as AWS counts them against its quota: one per CIDR block, IPv4 and IPv6 apart. */
export function countRules(cidrs: readonly string[]): { readonly ipv4: number; readonly ipv6: number } {
  const ipv6 = cidrs.filter((c) => c.includes(":")).length;
  return { ipv4: cidrs.length - ipv6, ipv6 };
}
