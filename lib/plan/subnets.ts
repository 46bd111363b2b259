import { IPv4, IPv4CidrRange } from "ip-num";
import { MIN_SUBNET_PREFIX } from "../core/aws-limits";

/** The seed's subnet size: a /27 per subnet whenever the VPC has room. */
export const PREFERRED_SUBNET_PREFIX = 27;

/** The public and private subnet of one availability zone. */
export interface AzSubnets {
  /** Index of the AZ in the region's list of available zones. */
  readonly az: number;
  /** CIDR of the public subnet, e.g. "10.0.0.0/27". */
  readonly public: string;
  /** CIDR of the private subnet, e.g. "10.0.0.32/27". */
  readonly private: string;
}

/**
 * The prefix of the subnets of a VPC with prefix `vpcPrefix` that spans `azs` AZs: /27 as in the
 * seed, or the largest that fits 2 × azs subnets. Undefined when even /28s (AWS's smallest) do not fit.
 */
export function subnetPrefix(vpcPrefix: number, azs: number): number | undefined {
  const prefix = Math.max(PREFERRED_SUBNET_PREFIX, vpcPrefix + Math.ceil(Math.log2(2 * azs)));
  return prefix > MIN_SUBNET_PREFIX ? undefined : prefix;
}

/**
 * Carves a public and a private subnet per AZ out of a VPC block, in the order
 * public-0, private-0, public-1, private-1, ... so that adding an AZ never moves an
 * existing subnet. Subnets are /27 as in the seed, or the largest size that fits.
 * Returns undefined when even /28 subnets do not fit.
 */
export function planSubnets(vpcCidr: string, azs: number): AzSubnets[] | undefined {
  const vpc = IPv4CidrRange.fromCidr(vpcCidr);
  const prefix = subnetPrefix(Number(vpc.cidrPrefix.getValue()), azs);
  if (prefix === undefined) return undefined;
  const first = vpc.getFirst().getValue();
  const size = 1n << BigInt(32 - prefix);
  const block = (i: number) => `${new IPv4(first + BigInt(i) * size).toString()}/${prefix}`;
  return Array.from({ length: azs }, (_, az) => ({ az, public: block(2 * az), private: block(2 * az + 1) }));
}

/**
 * The prefix of the private subnets cut from a secondary block with prefix `blockPrefix`, one per
 * AZ: /27 as in the seed, or the largest that fits `azs` of them. Undefined when /28s do not fit.
 */
export function secondarySubnetPrefix(blockPrefix: number, azs: number): number | undefined {
  const prefix = Math.max(PREFERRED_SUBNET_PREFIX, blockPrefix + Math.ceil(Math.log2(azs)));
  return prefix > MIN_SUBNET_PREFIX ? undefined : prefix;
}

/**
 * One private subnet per AZ from a VPC's secondary block, in AZ order from the block's start, so
 * adding an AZ never moves one. Undefined when even /28 subnets do not fit.
 */
export function planSecondarySubnets(blockCidr: string, azs: number): string[] | undefined {
  const block = IPv4CidrRange.fromCidr(blockCidr);
  const prefix = secondarySubnetPrefix(Number(block.cidrPrefix.getValue()), azs);
  if (prefix === undefined) return undefined;
  const first = block.getFirst().getValue();
  const size = 1n << BigInt(32 - prefix);
  return Array.from({ length: azs }, (_, az) => `${new IPv4(first + BigInt(az) * size).toString()}/${prefix}`);
}

/**
 * The netnum of a subnet's /64 in its VPC's /56 (`cidrsubnet(vpc_ipv6_block, 8, netnum)`): its
 * position in the order public-0, private-0, public-1, private-1, ..., so that adding IPv6 or an AZ
 * never moves one.
 */
export function ipv6SubnetNetnum(tier: "public" | "private", az: number): number {
  return 2 * az + (tier === "private" ? 1 : 0);
}
