/**
 * The nested block types of every resource type the Terraform loader reads, as the aws provider's
 * schema declares them (`terraform providers schema -json`, hashicorp/aws 5.100.0), and what reach
 * does with each: reads it, ignores it (it changes nothing reach decides, with the reason), or
 * refuses it. `__tests__/reach/blocks.test.ts` holds this table against the schema's block types in
 * `__tests__/fixtures/reach/aws-block-types.json` (`node scripts/run.cjs scripts/reach-block-types` writes it).
 */

/** What reach does with a nested block type. */
export type BlockUse =
  | { readonly use: "read" }
  | { readonly use: "ignored"; readonly why: string }
  | { readonly use: "refused"; readonly why: string };

/**
 * One nested block type: `block` as the schema nests it (a block type), or `attribute` for the
 * provider's attributes as blocks (a set of objects that also takes block syntax and `dynamic`).
 */
export type BlockType = BlockUse & {
  readonly nesting: "block" | "attribute";
  /** Its own nested block types. @default - none */
  readonly blocks?: Readonly<Record<string, BlockType>>;
};

const READ = { use: "read" } as const;
const timeouts: BlockType = { nesting: "block", use: "ignored", why: "how long Terraform waits" };
const ignored = (why: string, blocks?: Readonly<Record<string, BlockType>>): BlockType => ({
  nesting: "block",
  use: "ignored",
  why,
  ...(blocks ? { blocks } : {}),
});
const read = (nesting: "block" | "attribute"): BlockType => ({ ...READ, nesting });
const peeringOptions = ignored("peering options (DNS resolution) change no route or rule");
const tunnelLog = ignored("VPN tunnel logging", {
  cloudwatch_log_options: ignored("VPN tunnel logging"),
});

/** The nested block types of each resource type the Terraform loader reads, from the provider's schema. */
export const BLOCK_TYPES: Readonly<Record<string, Readonly<Record<string, BlockType>>>> = {
  aws_vpc: {},
  aws_vpc_ipv4_cidr_block_association: { timeouts },
  aws_subnet: { timeouts },
  aws_route_table: { route: read("attribute"), timeouts },
  aws_route: { timeouts },
  aws_route_table_association: { timeouts },
  aws_default_route_table: { route: read("attribute"), timeouts },
  aws_main_route_table_association: { timeouts },
  aws_vpc_peering_connection: { accepter: peeringOptions, requester: peeringOptions, timeouts },
  aws_vpc_peering_connection_accepter: { accepter: peeringOptions, requester: peeringOptions, timeouts },
  aws_security_group: { ingress: read("attribute"), egress: read("attribute"), timeouts },
  aws_security_group_rule: { timeouts },
  aws_vpc_security_group_ingress_rule: {},
  aws_vpc_security_group_egress_rule: {},
  aws_default_security_group: { ingress: read("attribute"), egress: read("attribute") },
  aws_network_acl: { ingress: read("attribute"), egress: read("attribute") },
  aws_network_acl_rule: {},
  aws_network_acl_association: {},
  aws_default_network_acl: { ingress: read("block"), egress: read("block") },
  aws_instance: {
    capacity_reservation_specification: ignored("capacity reservations place no address", {
      capacity_reservation_target: ignored("capacity reservations place no address"),
    }),
    cpu_options: ignored("CPU options"),
    credit_specification: ignored("CPU credits"),
    ebs_block_device: ignored("volumes"),
    enclave_options: ignored("Nitro Enclaves"),
    ephemeral_block_device: ignored("volumes"),
    instance_market_options: ignored("spot pricing", { spot_options: ignored("spot pricing") }),
    launch_template: {
      nesting: "block",
      use: "refused",
      why: "a launch template can set the subnet, security groups and network interfaces, which reach cannot see",
    },
    maintenance_options: ignored("instance recovery"),
    metadata_options: ignored("the instance metadata service"),
    network_interface: {
      nesting: "block",
      use: "refused",
      why: "instances on separate network interfaces are not modeled: give the instance subnet_id and security groups",
    },
    private_dns_name_options: ignored("DNS names"),
    root_block_device: ignored("volumes"),
    timeouts,
  },
  aws_internet_gateway: { timeouts },
  aws_nat_gateway: { timeouts },
  aws_vpn_gateway: {},
  aws_vpn_connection: { tunnel1_log_options: tunnelLog, tunnel2_log_options: tunnelLog },
  aws_vpn_connection_route: {},
  aws_vpn_gateway_route_propagation: { timeouts },
};

/**
 * The blocks every resource may hold whatever its type (meta-arguments): `lifecycle` and
 * `connection` change nothing reach decides; a provisioner runs commands that may.
 */
export const META_BLOCKS: Readonly<Record<string, BlockType>> = {
  lifecycle: ignored("when Terraform replaces or keeps a resource, not what it creates"),
  connection: ignored("how provisioners connect"),
  provisioner: {
    nesting: "block",
    use: "refused",
    why: "a provisioner runs commands that may change the network, which reach cannot see",
  },
};

/** The block type `name` of a resource type, including the meta-argument blocks; undefined for an argument. */
export function blockType(type: string, name: string): BlockType | undefined {
  const own = BLOCK_TYPES[type];
  if (own && Object.hasOwn(own, name)) return own[name];
  return Object.hasOwn(META_BLOCKS, name) ? META_BLOCKS[name] : undefined;
}
