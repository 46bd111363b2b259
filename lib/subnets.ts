import { IPv4, IPv4CidrRange } from "ip-num";
import { MIN_SUBNET_PREFIX } from "./aws-limits";

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
 * Carves a public and a private subnet per AZ out of a VPC block, in the order
 * public-0, private-0, public-1, private-1, ... so that adding an AZ never moves an
 * existing subnet. Subnets are /27 as in the seed, or the largest size that fits.
 * Returns undefined when even /28 subnets do not fit.
 */
export function planSubnets(vpcCidr: string, azs: number): AzSubnets[] | undefined {
  const vpc = IPv4CidrRange.fromCidr(vpcCidr);
  const vpcPrefix = Number(vpc.cidrPrefix.getValue());
  const bits = Math.ceil(Math.log2(2 * azs));
  const prefix = Math.max(PREFERRED_SUBNET_PREFIX, vpcPrefix + bits);
  if (prefix > MIN_SUBNET_PREFIX) return undefined;
  // The n-th block of that size from the start of the VPC (only the ones needed: a /16 holds 2,048 /27s).
  const first = vpc.getFirst().getValue();
  const block = (n: number) => `${IPv4.fromNumber(first + (BigInt(n) << BigInt(32 - prefix))).toString()}/${prefix}`;
  return Array.from({ length: azs }, (_, az) => ({ az, public: block(2 * az), private: block(2 * az + 1) }));
}
