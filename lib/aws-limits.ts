/**
 * AWS limits that both the config checks and reach enforce, in one place so that the app and the
 * analysis of its output can never disagree.
 */

/** AWS's default quota of active VPC peering connections per VPC. */
export const PEERING_QUOTA_DEFAULT = 50;
/** AWS's hard ceiling for that quota, reachable only through a quota increase. */
export const PEERING_QUOTA_MAX = 125;
/** Shortest VPC IPv4 prefix AWS accepts. */
export const VPC_PREFIX_MIN = 16;
/** Longest VPC IPv4 prefix AWS accepts. */
export const VPC_PREFIX_MAX = 28;
/** AWS's smallest subnet. */
export const MIN_SUBNET_PREFIX = 28;
/** AWS region names, e.g. "eu-west-1", "us-gov-west-1", "cn-north-1". */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;
