/**
 * The constructs layer: one cdktf construct and its Props a file, each owning its resources and
 * exposing typed handles — the VPC (`PeeringVpc`), the ping instance, the peering connection with its
 * routes, the Site-to-Site VPN, the SSM endpoints, the Reachability Analyzer paths, and the providers of
 * a stack. Construct ids are API: changing one replaces live resources. Imports core, plan and config.
 */
export * from "./peering-vpc";
export * from "./ping-instance";
export * from "./reachability-analyzer";
export * from "./site-to-site-vpn";
export * from "./ssm-endpoints";
export * from "./stack-providers";
export * from "./vpc-peering";
