import { IPv4, IPv4CidrRange } from "ip-num";
import { MIN_SUBNET_PREFIX } from "../core/aws-limits";
import { planSubnets } from "./subnets";

/** The prefix of a transit gateway attachment subnet: AWS recommends a /28 of its own per AZ. */
export const TRANSIT_SUBNET_PREFIX = MIN_SUBNET_PREFIX;

/**
 * The attachment subnets of a VPC attached to a transit gateway, one /28 per AZ, cut from the end of
 * the primary block backwards (AZ 0 gets the last /28), while the public and private subnets grow
 * from its start: adding a transit gateway, or an AZ, moves no existing subnet. Undefined when the
 * two would meet, or when the VPC has no room for its subnets at all.
 */
export function planTransitSubnets(vpcCidr: string, azs: number): string[] | undefined {
  const planned = planSubnets(vpcCidr, azs);
  if (!planned) return undefined;
  const vpc = IPv4CidrRange.fromCidr(vpcCidr);
  const last = IPv4CidrRange.fromCidr(planned[planned.length - 1].private)
    .getLast()
    .getValue();
  const size = 1n << BigInt(32 - TRANSIT_SUBNET_PREFIX);
  const end = vpc.getLast().getValue() + 1n;
  const starts = Array.from({ length: azs }, (_, az) => end - BigInt(az + 1) * size);
  if (starts[azs - 1] <= last) return undefined;
  return starts.map((start) => `${new IPv4(start).toString()}/${TRANSIT_SUBNET_PREFIX}`);
}

/**
 * The netnum of an attachment subnet's /64 in its VPC's /56 (`cidrsubnet(vpc_ipv6_block, 8, netnum)`):
 * from the last one backwards, as the IPv4 blocks, away from the public and private subnets' netnums.
 */
export function transitIpv6Netnum(az: number): number {
  return 255 - az;
}
