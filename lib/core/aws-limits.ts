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
export const PEERING_QUOTA: AwsQuota = {
  name: "Active VPC peering connections per VPC",
  code: "L-7E9ECCDB",
  default: 50,
  max: 125,
};
/**
 * Inbound or outbound rules per security group: counted per direction, and apart for IPv4 and
 * IPv6; this quota times "Security groups per network interface" may not pass 1,000.
 */
export const RULES_PER_SECURITY_GROUP_QUOTA: AwsQuota = {
  name: "Inbound or outbound rules per security group",
  code: "L-0EA8095F",
  default: 60,
  max: 1000,
};

/**
 * Routes per route table (non-propagated routes): counted apart for IPv4 and IPv6, local routes
 * not included; AWS grants up to 1,000.
 */
export const ROUTES_PER_ROUTE_TABLE_QUOTA: AwsQuota = {
  name: "Routes per route table",
  code: "L-93826ACB",
  default: 50,
  max: 1000,
};
/** IPv4 CIDR blocks per VPC: the primary block and every secondary block. */
export const IPV4_BLOCKS_PER_VPC_QUOTA: AwsQuota = {
  name: "IPv4 CIDR blocks per VPC",
  code: "L-83CA0A9D",
  default: 5,
  max: 50,
};
/**
 * BGP advertised routes per route table (propagated routes): a hard limit. A VPN's static routes
 * reach the route tables by propagation, so they count here, not against ROUTES_PER_ROUTE_TABLE_QUOTA.
 */
export const PROPAGATED_ROUTES_PER_ROUTE_TABLE_MAX = 100;

/** An adjustable quota the app only warns about: AWS reports it at apply time, and accounts often have it raised. */
export interface AwsDefaultQuota {
  /** The name in the Service Quotas console. */
  readonly name: string;
  /** The service it is listed under in the Service Quotas console. */
  readonly service: string;
  /** The quota code in the Service Quotas console. */
  readonly code: string;
  /** What every account starts with. */
  readonly default: number;
}

const VPC_SERVICE = "Amazon Virtual Private Cloud (Amazon VPC)";
const EC2_SERVICE = "Amazon Elastic Compute Cloud (Amazon EC2)";
/** VPCs per Region (internet gateways per Region follow it). */
export const VPCS_PER_REGION: AwsDefaultQuota = {
  name: "VPCs per Region",
  service: VPC_SERVICE,
  code: "L-F678F1CE",
  default: 5,
};
/** Elastic IP addresses per Region: each NAT gateway holds one. */
export const EIPS_PER_REGION: AwsDefaultQuota = {
  name: "EC2-VPC Elastic IPs",
  service: EC2_SERVICE,
  code: "L-0263D0A3",
  default: 5,
};
/** NAT gateways per Availability Zone. */
export const NAT_GATEWAYS_PER_AZ: AwsDefaultQuota = {
  name: "NAT gateways per Availability Zone",
  service: VPC_SERVICE,
  code: "L-FE5A380F",
  default: 5,
};

/** Virtual private gateways per Region: one per VPC with VPN connections. */
export const VGWS_PER_REGION: AwsDefaultQuota = {
  name: "Virtual private gateways per region",
  service: EC2_SERVICE,
  code: "L-7029FAB6",
  default: 5,
};
/** Site-to-Site VPN connections per virtual private gateway. */
export const VPN_CONNECTIONS_PER_VGW: AwsDefaultQuota = {
  name: "VPN connections per VGW",
  service: EC2_SERVICE,
  code: "L-B91E5754",
  default: 10,
};
/** Site-to-Site VPN connections per Region. */
export const VPN_CONNECTIONS_PER_REGION: AwsDefaultQuota = {
  name: "VPN connections per region",
  service: EC2_SERVICE,
  code: "L-3E6EC3A3",
  default: 50,
};

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
export const ROLE_ARN_PATTERN =
  /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/((?:[\w+=,.@-]+\/)*)([\w+=,.@-]{1,64})$/;

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

/**
 * Instance families that cannot have an IPv6 address: "IPv6 is supported on all current generation
 * instance types and the C3, R3, and I2 previous generation instance types" (Amazon EC2 User
 * Guide), so the other previous generation families are refused.
 */
export const NO_IPV6_INSTANCE_FAMILIES: readonly string[] = [
  "c1",
  "cc2",
  "cg1",
  "cr1",
  "g2",
  "hi1",
  "hs1",
  "m1",
  "m2",
  "m3",
  "t1",
];

/** The prefix length of an Amazon-provided VPC IPv6 block. */
export const VPC_IPV6_PREFIX = 56;
/** The prefix length of a subnet's IPv6 block. */
export const SUBNET_IPV6_PREFIX = 64;

/**
 * A VPC's secondary IPv4 blocks, as the Amazon VPC User Guide's "IPv4 CIDR block association
 * restrictions" table has them: by the range of the VPC's primary block, the ranges a secondary
 * block may not come from. RFC 1918 ranges do not mix, 198.19.0.0/16 mixes with none of them, and
 * a VPC whose primary block is public (or in 100.64.0.0/10: "other") takes no private range at all.
 */
export const SECONDARY_BLOCK_RESTRICTIONS: readonly {
  readonly primary: string;
  readonly restricted: readonly string[];
}[] = [
  { primary: "10.0.0.0/8", restricted: ["172.16.0.0/12", "192.168.0.0/16", "198.19.0.0/16"] },
  { primary: "172.16.0.0/12", restricted: ["10.0.0.0/8", "192.168.0.0/16", "172.31.0.0/16", "198.19.0.0/16"] },
  { primary: "192.168.0.0/16", restricted: ["10.0.0.0/8", "172.16.0.0/12", "198.19.0.0/16"] },
  { primary: "198.19.0.0/16", restricted: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] },
  { primary: "other", restricted: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "198.19.0.0/16"] },
];
/** The same table's one rule across blocks: with any block in 10.0.0.0/15, no secondary block may come from 10.0.0.0/16. */
export const TEN_SLASH_FIFTEEN_RULE = { any: "10.0.0.0/15", noSecondaryFrom: "10.0.0.0/16" } as const;

/** Customer gateway BGP ASNs AWS accepts (CreateCustomerGateway's BgpAsn), and the one AWS assumes when none is given. */
export const CUSTOMER_GATEWAY_ASN = { min: 1, max: 2_147_483_647, default: 65000 } as const;
/** The ASN of the Amazon side of a virtual private gateway unless one is chosen; BGP needs the customer side to differ. */
export const AMAZON_SIDE_ASN_DEFAULT = 64512;
/** ASNs CreateCustomerGateway refuses, with the regions where (undefined: every region). */
export const RESERVED_CUSTOMER_GATEWAY_ASNS: readonly { readonly asn: number; readonly region?: string }[] = [
  { asn: 7224 },
  { asn: 9059, region: "eu-west-1" },
  { asn: 10124, region: "ap-northeast-1" },
  { asn: 17943, region: "ap-southeast-1" },
];
/**
 * IPv4 ranges that are no customer gateway's public address: "this network", private (RFC 1918),
 * shared (RFC 6598), loopback, link-local, multicast and reserved.
 */
export const NOT_PUBLIC_IPV4_RANGES: readonly { readonly cidr: string; readonly what: string }[] = [
  { cidr: "0.0.0.0/8", what: '"this network"' },
  { cidr: "10.0.0.0/8", what: "private, RFC 1918" },
  { cidr: "100.64.0.0/10", what: "shared address space (carrier-grade NAT), RFC 6598" },
  { cidr: "127.0.0.0/8", what: "loopback" },
  { cidr: "169.254.0.0/16", what: "link-local" },
  { cidr: "172.16.0.0/12", what: "private, RFC 1918" },
  { cidr: "192.168.0.0/16", what: "private, RFC 1918" },
  { cidr: "224.0.0.0/4", what: "multicast" },
  { cidr: "240.0.0.0/4", what: "reserved" },
];
/** Interface endpoints the SSM agent needs when there is no NAT gateway (AWS Systems Manager User Guide). */
export const SSM_ENDPOINT_SERVICES = ["ssm", "ssmmessages", "ec2messages"] as const;

/** Where AWS lists the transit gateway quotas below. */
export const TRANSIT_GATEWAY_QUOTAS_SOURCE = "https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-quotas.html";

/** A transit gateway quota as the Transit Gateway guide lists it: adjustable ones may be raised on request. */
export interface TransitGatewayQuota {
  /** The name in the Transit Gateway guide's quota tables. */
  readonly name: string;
  /** What every account starts with. */
  readonly default: number;
  /** Whether AWS raises it on request. */
  readonly adjustable: boolean;
}

/** Attachments (VPC and peering) per transit gateway. */
export const ATTACHMENTS_PER_TRANSIT_GATEWAY: TransitGatewayQuota = {
  name: "Attachments per transit gateway",
  default: 5000,
  adjustable: false,
};
/** Transit gateway attachments per VPC: how many transit gateways one VPC can be attached to. */
export const TRANSIT_GATEWAY_ATTACHMENTS_PER_VPC: TransitGatewayQuota = {
  name: "Transit gateway attachments per VPC",
  default: 5,
  adjustable: false,
};
/** Route tables per transit gateway, its default route table included. */
export const ROUTE_TABLES_PER_TRANSIT_GATEWAY: TransitGatewayQuota = {
  name: "Transit gateway route tables per transit gateway",
  default: 20,
  adjustable: true,
};
/** Routes, static and propagated, across all route tables of one transit gateway. */
export const ROUTES_PER_TRANSIT_GATEWAY: TransitGatewayQuota = {
  name: "Total combined routes (dynamic and static) across all route tables for a single transit gateway",
  default: 10000,
  adjustable: true,
};
/** Peering attachments per transit gateway. */
export const PEERING_ATTACHMENTS_PER_TRANSIT_GATEWAY: TransitGatewayQuota = {
  name: "Peering attachments per transit gateway",
  default: 50,
  adjustable: true,
};
/**
 * Peering attachments of one transit gateway in pendingAcceptance at once: from its creation until
 * the accepter transit gateway's owner accepts it ("remains in this state indefinitely until it's
 * either accepted or rejected", Transit Gateway guide). Counted on both gateways of a peering.
 */
export const PENDING_PEERING_ATTACHMENTS_PER_TRANSIT_GATEWAY: TransitGatewayQuota = {
  name: "Pending peering attachments per transit gateway",
  default: 10,
  adjustable: true,
};
/** Peering attachments between one pair of transit gateways. */
export const PEERING_ATTACHMENTS_BETWEEN_TWO_TRANSIT_GATEWAYS: TransitGatewayQuota = {
  name: "Peering attachments between two transit gateways",
  default: 1,
  adjustable: false,
};
