/**
 * The plan layer: the address math and stack planning the config's checks and the constructs share —
 * VPC blocks and their overlaps, each VPC's subnets, and which peering stack holds each peering. Pure
 * functions of numbers and names, below the config (they take no config), importing only the core.
 */
export * from "./peering-shards";
export * from "./subnets";
export * from "./vpc-cidr";
export * from "./cells";
