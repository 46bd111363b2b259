/**
 * The nested block types of every resource type the Terraform loader reads, as the aws provider's
 * schema declares them (`terraform providers schema -json`, hashicorp/aws 5.100.0), and what reach
 * does with each: reads it, ignores it (it changes nothing reach decides, with the reason), or
 * refuses it. `__tests__/reach/blocks.test.ts` holds this table against the schema's block types in
 * `__tests__/fixtures/reach/aws-block-types.json` (`node scripts/run.cjs scripts/reach-block-types` writes it).
 */

import { isRecord } from "../../core/records";

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
  aws_ec2_transit_gateway: { timeouts },
  aws_ec2_transit_gateway_vpc_attachment: {},
  aws_ec2_transit_gateway_vpc_attachment_accepter: {},
  aws_ec2_transit_gateway_route_table: {},
  aws_ec2_transit_gateway_route_table_association: {},
  aws_ec2_transit_gateway_route_table_propagation: {},
  aws_ec2_transit_gateway_route: {},
  aws_ec2_transit_gateway_peering_attachment: {
    options: {
      nesting: "block",
      use: "refused",
      why: "dynamic routing between transit gateways is not modeled (reach reads static transit routes)",
    },
  },
  aws_ec2_transit_gateway_peering_attachment_accepter: {},
  aws_ram_resource_share: { timeouts },
  aws_ram_resource_association: {},
  aws_ram_principal_association: {},
  aws_ram_resource_share_accepter: { timeouts },
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

/** A block of the provider's schema as the fixture keeps it: the names of its nested block types, nested. */
export interface SchemaBlock {
  readonly block_types: Readonly<Record<string, SchemaBlock>>;
}

/** A resource type's schema as the fixture keeps it, with the attributes a configuration may set as blocks. */
export interface SchemaResource extends SchemaBlock {
  /** Attributes the configuration may set whose type is a list or set of objects (block syntax works for them). */
  readonly object_attributes: readonly string[];
}

/** What `scripts/reach-block-types.ts` keeps of the aws provider's schema, by resource type. */
export type SchemaBlocks = Readonly<Record<string, SchemaResource>>;

/** The block types (and object attributes) of `types` in the JSON of `terraform providers schema -json`. */
export function trimSchema(schema: unknown, types: readonly string[]): SchemaBlocks {
  const providers = isRecord(schema) && isRecord(schema.provider_schemas) ? schema.provider_schemas : {};
  const aws = providers["registry.terraform.io/hashicorp/aws"];
  const resources = isRecord(aws) && isRecord(aws.resource_schemas) ? aws.resource_schemas : {};
  const blockOf = (block: unknown): SchemaBlock => {
    const nested = isRecord(block) && isRecord(block.block_types) ? block.block_types : {};
    return {
      block_types: Object.fromEntries(
        Object.keys(nested)
          .sort()
          .map((name) => {
            const type = nested[name];
            return [name, blockOf(isRecord(type) ? type.block : undefined)];
          }),
      ),
    };
  };
  return Object.fromEntries(
    types.map((type) => {
      const resource = resources[type];
      if (!isRecord(resource) || !isRecord(resource.block))
        throw new Error(`the aws provider's schema has no resource type ${type}`);
      const attributes = isRecord(resource.block.attributes) ? resource.block.attributes : {};
      const objectAttributes = Object.keys(attributes)
        .filter((name) => {
          const attribute = attributes[name];
          if (!isRecord(attribute) || !(attribute.optional === true || attribute.required === true)) return false;
          const t = attribute.type;
          return Array.isArray(t) && (t[0] === "list" || t[0] === "set") && Array.isArray(t[1]) && t[1][0] === "object";
        })
        .sort();
      return [type, { ...blockOf(resource.block), object_attributes: objectAttributes }];
    }),
  );
}
