/**
 * Generates the `terraform test` file of a synthesized app: a mocked AWS provider per alias, and
 * per stack one run that applies it as a module, with fake cross-stack outputs with recognizable
 * ids ("vpc-a", "rtb-a-private-0", ...) and assertions that say how the config should be wired.
 * Expectations come from the config; resource addresses come from the construct handles, never
 * from hashed names.
 */
import { TerraformResource, TerraformStack } from "cdktf";
import { DataAwsAvailabilityZones } from "@cdktf/provider-aws/lib/data-aws-availability-zones";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { EgressOnlyInternetGateway } from "@cdktf/provider-aws/lib/egress-only-internet-gateway";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { Ec2TransitGatewayRoute } from "@cdktf/provider-aws/lib/ec2-transit-gateway-route";
import { Ec2TransitGatewayRouteTableAssociation } from "@cdktf/provider-aws/lib/ec2-transit-gateway-route-table-association";
import { Ec2TransitGatewayRouteTablePropagation } from "@cdktf/provider-aws/lib/ec2-transit-gateway-route-table-propagation";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { SecurityGroupRule } from "@cdktf/provider-aws/lib/security-group-rule";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { VpcPeeringConnectionOptions } from "@cdktf/provider-aws/lib/vpc-peering-connection-options";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IConstruct } from "constructs";
import { PeeringConfig, peersOf, resolvesDns, VpcConfig } from "../lib/config";
import { segmentReaches, withTransitPeers } from "../lib/config/transit";
import { PeeringVpc } from "../lib/constructs/peering-vpc";
import { accountOf, Placement, placementKey, placementOf, providerAlias, sameAccount } from "../lib/config/placement";
import { hasSsmEndpoints, ipv4Blocks } from "../lib/config/shape-checks";
import { endpointServiceName } from "../lib/constructs/ssm-endpoints";
import { ipv6SubnetNetnum, planSecondarySubnets, planSubnets } from "../lib/plan/subnets";

import { allStacks, PeeringStack, AppStacks, TransitStack } from "../stacks";

/** The fake ids the network stack's resources get when another stack reads them from its state. */
export const FAKE = {
  vpc: (vpc: string) => `vpc-${vpc}`,
  internetGateway: (vpc: string) => `igw-${vpc}`,
  subnet: (vpc: string, tier: "public" | "private", az: number) => `subnet-${vpc}-${tier}-${az}`,
  routeTable: (vpc: string, tier: "public" | "private", az: number) => `rtb-${vpc}-${tier}-${az}`,
  natGateway: (vpc: string, index: number) => `nat-${vpc}-${index}`,
  /** A VPC's Amazon-provided /56: a distinct documentation-range block per VPC (2001:db8::/32, RFC 3849). */
  ipv6Block: (config: PeeringConfig, vpc: string) =>
    `2001:db8:0:${(config.vpcs.findIndex((v) => v.name === vpc) + 1).toString(16)}00::/56`,
};

/** What the mocked data sources return. */
export const MOCK = {
  /** The AMI the parameter holds in a region: each region's is different, so an instance shows which region's it got. */
  ami: (region: string) => `ami-0mocked${region.replace(/-/g, "")}`,
  partition: "aws",
  /** The credentials' own account, as the mocked caller identity reports it. */
  account: "111111111111",
  /** Zone names of a region: `<region>a`, `<region>b`, ... */
  availabilityZones: (region: string, count: number) =>
    Array.from({ length: count }, (_, i) => `${region}${String.fromCharCode(97 + i)}`),
};

/**
 * Each mocked provider stamps what it creates with its region and account, in a computed
 * attribute (the mock sets only those): `<region>:<account id>`, inside the ARN as AWS writes
 * one, or as a whole in the attributes below. An assertion on the stamp proves which provider
 * created a resource, which nothing else in a mocked apply shows.
 */
const STAMPED: Readonly<Record<string, "arn" | "origin" | "accept_status" | "id" | "network_interface_id">> = {
  aws_vpc: "arn",
  aws_subnet: "arn",
  aws_route_table: "arn",
  aws_internet_gateway: "arn",
  aws_eip: "arn",
  aws_nat_gateway: "network_interface_id",
  aws_default_security_group: "arn",
  aws_security_group: "arn",
  aws_vpc_security_group_ingress_rule: "arn",
  aws_vpc_security_group_egress_rule: "arn",
  aws_instance: "arn",
  aws_iam_role: "arn",
  aws_iam_instance_profile: "arn",
  aws_route: "origin",
  aws_vpc_peering_connection: "accept_status",
  aws_vpc_peering_connection_accepter: "accept_status",
  aws_vpc_peering_connection_options: "id",
  // RAM validates the ARNs of a share and of the gateway it shares.
  aws_ec2_transit_gateway: "arn",
  aws_ram_resource_share: "arn",
};

/** The stamp of a placement: `<region>:<account id>`, the mocked own account when it names none. */
function stamp(config: PeeringConfig, p: Placement): string {
  return `${p.region}:${accountOf(config, p)?.accountId ?? MOCK.account}`;
}

/** The value a mocked provider gives a stamped attribute. */
function stampValue(attribute: string, mark: string): string {
  return attribute === "arn"
    ? `arn:aws:mock:${mark}:mock`
    : attribute === "network_interface_id"
      ? `eni-${mark}`
      : mark;
}

/** A condition that a resource carries a placement's stamp. */
function stamped(resource: TerraformResource, mark: string): string {
  const attribute = STAMPED[resource.terraformResourceType];
  if (!attribute) throw new Error(`no stamp for ${resource.terraformResourceType}: add it to STAMPED`);
  return `${address(resource)}.${attribute} == ${hcl(stampValue(attribute, mark))}`;
}

const REMOTE_STATE_PREFIX = "cross-stack-reference-input-";

/** `type.name` of a resource: its address in the stack's Terraform. */
export function address(resource: TerraformResource): string {
  return `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
}

/** An HCL literal for a JSON-like value, objects one key a line; template sequences in strings are escaped. */
export function hcl(value: unknown, indent = ""): string {
  if (typeof value === "string") return JSON.stringify(value).replace(/\$\{/g, "$${").replace(/%\{/g, "%%{");
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map((v) => hcl(v, indent)).join(", ")}]`;
  const inner = `${indent}  `;
  const entries = Object.entries(value as Record<string, unknown>).map(
    ([k, v]) => `${inner}${JSON.stringify(k)} = ${hcl(v, inner)}\n`,
  );
  return entries.length === 0 ? "{}" : `{\n${entries.join("")}${indent}}`;
}

/** The resources of a type below a construct, in construct order. */
function all<T extends IConstruct>(scope: IConstruct, type: abstract new (...args: never[]) => T): T[] {
  return scope.node.findAll().filter((c): c is T => c instanceof type);
}

/** An HCL tuple of the resources' addresses, to filter with a for expression. */
function tuple(resources: readonly TerraformResource[]): string {
  return `[${resources.map(address).join(", ")}]`;
}

/**
 * A condition that the strings produced by `expr` (a tuple-valued HCL expression) are exactly
 * `expected`, as a set and without duplicates.
 */
function sameStrings(expr: string, expected: readonly string[]): string {
  return sameValues(
    expr,
    expected.map((e) => hcl(e)),
  );
}

/** A condition that the values produced by `expr` are exactly those of the HCL expressions `expected`, as a set. */
function sameValues(expr: string, expected: readonly string[]): string {
  if (expected.length === 0) return `length(${expr}) == 0`;
  return `length(${expr}) == ${expected.length} && toset(${expr}) == toset([${expected.join(", ")}])`;
}

class Assertions {
  private readonly list: { condition: string; message: string }[] = [];

  add(condition: string, message: string): void {
    this.list.push({ condition, message });
  }

  render(): string {
    return this.list
      .map(
        ({ condition, message }) =>
          `  assert {\n    condition     = ${condition}\n    error_message = ${hcl(message)}\n  }`,
      )
      .join("\n");
  }

  get size(): number {
    return this.list.length;
  }
}

/** Fake ids (and IPv6 blocks) of the network stack's resources, by `type.name.attribute` reference. */
function fakeIds(config: PeeringConfig, stacks: AppStacks): Map<string, string> {
  const ids = new Map<string, string>();
  const put = (resource: TerraformResource, fake: string) => ids.set(`${address(resource)}.id`, fake);
  for (const [name, v] of stacks.network.vpcs) {
    put(v.vpc, FAKE.vpc(name));
    if (v.ipv6CidrBlock) ids.set(`${address(v.vpc)}.ipv6_cidr_block`, FAKE.ipv6Block(config, name));
    put(v.internetGateway, FAKE.internetGateway(name));
    v.publicSubnets.forEach((s, az) => put(s, FAKE.subnet(name, "public", az)));
    v.privateSubnets.forEach((s, az) => put(s, FAKE.subnet(name, "private", az)));
    v.publicRouteTables.forEach((t, az) => put(t, FAKE.routeTable(name, "public", az)));
    v.privateRouteTables.forEach((t, az) => put(t, FAKE.routeTable(name, "private", az)));
    v.natGateways.forEach((n, i) => put(n, FAKE.natGateway(name, i)));
  }
  return ids;
}

interface StackJson {
  data?: { terraform_remote_state?: Record<string, unknown> };
  output?: Record<string, { value?: unknown }>;
}

/**
 * `override_data` blocks giving every output a stack reads from another stack's state a fake
 * value: the fake id of the resource the producer's output points at. Throws when a stack reads
 * an output its producer does not declare (mocks would hide that; a real apply would not).
 */
function remoteStateOverrides(stack: TerraformStack, config: PeeringConfig, stacks: AppStacks): string {
  const byId = new Map<string, TerraformStack>(allStacks(stacks).map((s) => [s.node.id, s]));
  const ids = fakeIds(config, stacks);
  const json = stack.toTerraform() as StackJson;
  const text = JSON.stringify(json);
  return Object.keys(json.data?.terraform_remote_state ?? {})
    .map((source) => {
      const producerId = source.startsWith(REMOTE_STATE_PREFIX) ? source.slice(REMOTE_STATE_PREFIX.length) : source;
      const producer = byId.get(producerId);
      const declared = producer ? ((producer.toTerraform() as StackJson).output ?? {}) : {};
      const pattern = new RegExp(
        `data\\.terraform_remote_state\\.${source.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.outputs\\.([\\w-]+)`,
        "g",
      );
      const used = [...new Set([...text.matchAll(pattern)].map((m) => m[1]))].sort();
      const outputs: Record<string, string> = {};
      for (const name of used) {
        if (!(name in declared)) {
          throw new Error(
            `stack "${stack.node.id}" reads output "${name}" of ${producer ? `stack "${producerId}"` : `unknown stack "${producerId}"`}, which does not declare it`,
          );
        }
        const value = declared[name].value;
        const ref = typeof value === "string" ? /^\$\{([\w-]+\.[\w-]+\.[\w]+)\}$/.exec(value)?.[1] : undefined;
        outputs[name] = (ref && ids.get(ref)) ?? `fake-${name}`;
      }
      return [
        "override_data {",
        `  target = data.terraform_remote_state.${source}`,
        `  values = {`,
        `    outputs = ${hcl(outputs, "    ")}`,
        "  }",
        "}",
      ].join("\n");
    })
    .join("\n\n");
}

/**
 * `override_resource` blocks giving each IPv6 VPC of the network stack the fake /56 AWS would
 * assign, so that its subnets' `cidrsubnet` has a real block to cut (the mock would make up a string),
 * and its provider's stamp, which the override would otherwise replace.
 */
function ipv6BlockOverrides(config: PeeringConfig, stacks: AppStacks): string {
  const byName = new Map(config.vpcs.map((v) => [v.name, v]));
  return [...stacks.network.vpcs]
    .filter(([, v]) => v.ipv6CidrBlock)
    .map(([name, v]) => {
      const mark = stampValue(STAMPED.aws_vpc, stamp(config, placementOf(byName.get(name)!)));
      const values = `{ ipv6_cidr_block = ${hcl(FAKE.ipv6Block(config, name))}, ${STAMPED.aws_vpc} = ${hcl(mark)} }`;
      return ["override_resource {", `  target = ${address(v.vpc)}`, `  values = ${values}`, "}"].join("\n");
    })
    .join("\n\n");
}

/** The AZs the mocked AZ data sources return: as many as the widest VPC asks for, at least 3. */
function mockedAzCount(config: PeeringConfig): number {
  return Math.max(3, ...config.vpcs.map((v) => v.maxAzs));
}

/**
 * A `mock_provider "aws"` block per provider of the stacks (one per alias), each with its region's
 * data, and a stamp on every resource type of the stacks it could create.
 */
function mockProviders(config: PeeringConfig, stacks: readonly TerraformStack[]): string {
  const byAlias = new Map<string, AwsProvider>();
  for (const stack of stacks) {
    for (const c of stack.node.findAll())
      if (c instanceof AwsProvider && !byAlias.has(c.alias ?? "")) byAlias.set(c.alias ?? "", c);
  }
  const types = [
    ...new Set(
      stacks.flatMap((stack) =>
        stack.node
          .findAll()
          .flatMap((c) =>
            c instanceof TerraformResource && STAMPED[c.terraformResourceType] ? [c.terraformResourceType] : [],
          ),
      ),
    ),
  ].sort();
  return [...byAlias.values()]
    .map((provider) => {
      const alias = provider.alias;
      const region = provider.region ?? config.region;
      const roles = provider.assumeRole;
      const role = Array.isArray(roles) ? roles[0]?.roleArn : undefined;
      const account = role ? /:iam::(\d{12}):/.exec(role)?.[1] : undefined;
      const mark = `${region}:${account ?? MOCK.account}`;
      const names = MOCK.availabilityZones(region, mockedAzCount(config));
      return [
        'mock_provider "aws" {',
        ...(alias ? [`  alias = ${hcl(alias)}`] : []),
        '  mock_data "aws_availability_zones" {',
        `    defaults = { names = ${hcl(names)}, zone_ids = ${hcl(names.map((_, i) => `${region}-az${i + 1}`))} }`,
        "  }",
        '  mock_data "aws_ssm_parameter" {',
        `    defaults = { insecure_value = ${hcl(MOCK.ami(region))}, value = ${hcl(MOCK.ami(region))}, type = "String" }`,
        "  }",
        '  mock_data "aws_partition" {',
        `    defaults = { partition = ${hcl(MOCK.partition)}, dns_suffix = "amazonaws.com" }`,
        "  }",
        '  mock_data "aws_caller_identity" {',
        `    defaults = { account_id = ${hcl(account ?? MOCK.account)} }`,
        "  }",
        ...types.flatMap((type) => [
          `  mock_resource ${hcl(type)} {`,
          `    defaults = { ${STAMPED[type]} = ${hcl(stampValue(STAMPED[type], mark))} }`,
          "  }",
        ]),
        "}",
      ].join("\n");
    })
    .join("\n\n");
}

/** One assertion that every stamped resource below `scope` was created by the provider of `placement`. */
function placedAssertion(
  config: PeeringConfig,
  scope: IConstruct,
  placement: Placement,
  what: string,
  a: Assertions,
): void {
  const mark = stamp(config, placement);
  const resources = all(scope, TerraformResource).filter((r) => STAMPED[r.terraformResourceType]);
  if (resources.length === 0) return;
  a.add(
    `alltrue([${resources.map((r) => stamped(r, mark)).join(", ")}])`,
    `every resource of ${what} should be created in ${placement.region} by ${placement.account === undefined ? "the credentials' own account" : `account ${placement.account}`} (${mark})`,
  );
}

function networkAssertions(config: PeeringConfig, stacks: AppStacks, a: Assertions): void {
  const { network } = stacks;
  const routes = tuple(all(network, Route));
  const associations = tuple(all(network, RouteTableAssociation));
  const natGateways = all(network, NatGateway);
  const nats = tuple(natGateways);
  const eips = tuple(all(network, Eip));

  if (natGateways.length > 0) {
    a.add(
      `alltrue([for n in ${nats} : contains([for e in ${eips} : e.allocation_id], n.allocation_id)])`,
      `every NAT gateway should use one of the stack's Elastic IPs`,
    );
  }
  for (const cfg of config.vpcs) {
    const name = cfg.name;
    const v = network.vpcs.get(name);
    if (!v) throw new Error(`network stack has no VPC "${name}"`);
    const plan = planSubnets(cfg.cidr, cfg.maxAzs)!;
    const zones = MOCK.availabilityZones(cfg.region, mockedAzCount(config));
    placedAssertion(config, v, placementOf(cfg), `VPC ${name}`, a);
    for (const [what, list] of [
      ["public subnets", v.publicSubnets],
      ["private subnets", v.privateSubnets],
      ["public route tables", v.publicRouteTables],
      ["private route tables", v.privateRouteTables],
    ] as const) {
      if (list.length !== cfg.maxAzs)
        throw new Error(`VPC "${name}" has ${list.length} ${what}, the config asks for one per AZ (${cfg.maxAzs})`);
    }
    const vpc = address(v.vpc);
    a.add(`${vpc}.cidr_block == ${hcl(cfg.cidr)}`, `VPC ${name} should have the block ${cfg.cidr}`);
    a.add(
      `${vpc}.enable_dns_support == true && ${vpc}.enable_dns_hostnames == true`,
      `VPC ${name} should have DNS support and DNS host names on`,
    );
    a.add(
      `${address(v.internetGateway)}.vpc_id == ${vpc}.id`,
      `the internet gateway of ${name} should be attached to VPC ${name}`,
    );

    const sgs = all(v, DefaultSecurityGroup);
    if (sgs.length !== 1) throw new Error(`VPC "${name}" has ${sgs.length} default security groups, expected 1`);
    const sg = address(sgs[0]);
    a.add(`${sg}.vpc_id == ${vpc}.id`, `the default security group of ${name} should belong to VPC ${name}`);
    // The mock leaves unconfigured rule sets empty, so this fails only if the stack configures rules.
    a.add(
      `length(${sg}.ingress) == 0 && length(${sg}.egress) == 0`,
      `the default security group of ${name} should have no ingress and no egress rules`,
    );

    networkShapeAssertions(config, cfg, v, { routes, associations, zones }, a);

    const publicIds = v.publicSubnets.map((s) => `${address(s)}.id`);
    const natsInVpc = `[for n in ${nats} : n.id if contains([${publicIds.join(", ")}], n.subnet_id)]`;
    const expectedNats = config.natGateways === "per-az" ? cfg.maxAzs : config.natGateways === "single" ? 1 : 0;
    a.add(
      `length(${natsInVpc}) == ${expectedNats}`,
      `VPC ${name} should have ${expectedNats} NAT gateway(s) (natGateways "${config.natGateways}", ${cfg.maxAzs} AZ(s))`,
    );

    for (let az = 0; az < cfg.maxAzs; az++) {
      for (const tier of ["public", "private"] as const) {
        const subnet = address((tier === "public" ? v.publicSubnets : v.privateSubnets)[az]);
        const table = address((tier === "public" ? v.publicRouteTables : v.privateRouteTables)[az]);
        const cidr = tier === "public" ? plan[az].public : plan[az].private;
        a.add(
          `${subnet}.vpc_id == ${vpc}.id && ${subnet}.cidr_block == ${hcl(cidr)} && ${subnet}.availability_zone == ${hcl(zones[az])}`,
          `the ${tier} subnet ${az} of ${name} should be ${cidr} in ${zones[az]}, in VPC ${name}`,
        );
        // Unset is false in AWS (the mock applies no provider-side defaults, so it stays null).
        a.add(
          tier === "public" ? `${subnet}.map_public_ip_on_launch == true` : `${subnet}.map_public_ip_on_launch != true`,
          `the ${tier} subnet ${az} of ${name} should ${tier === "public" ? "" : "not "}map public IPs on launch`,
        );
        a.add(`${table}.vpc_id == ${vpc}.id`, `the ${tier} route table ${az} of ${name} should belong to VPC ${name}`);
        // A private route table also serves the AZ's subnets of the secondary blocks.
        const served = [
          subnet,
          ...(tier === "private" ? v.secondarySubnets.filter((_, i) => i % cfg.maxAzs === az).map(address) : []),
        ];
        a.add(
          sameValues(
            `[for x in ${associations} : x.subnet_id if x.route_table_id == ${table}.id]`,
            served.map((x) => `${x}.id`),
          ),
          `the ${tier} route table ${az} of ${name} should be associated with exactly the ${tier} subnet ${az}${served.length > 1 ? " and the secondary blocks' private subnets of that AZ" : ""}`,
        );
        const defaults = (attr: string) =>
          `[for r in ${routes} : r.${attr} if r.route_table_id == ${table}.id && r.destination_cidr_block == "0.0.0.0/0"]`;
        if (tier === "public") {
          a.add(
            `${defaults("gateway_id")} == [${address(v.internetGateway)}.id]`,
            `the public route table ${az} of ${name} should have one default route, to its internet gateway`,
          );
          continue;
        }
        const natAz = config.natGateways === "per-az" ? az : config.natGateways === "single" ? 0 : undefined;
        if (natAz === undefined) {
          a.add(
            `length(${defaults("id")}) == 0`,
            `the private route table ${az} of ${name} should have no default route (natGateways "none")`,
          );
        } else {
          a.add(
            `${defaults("nat_gateway_id")} == [for n in ${nats} : n.id if n.subnet_id == ${publicIds[natAz]}]`,
            `the private route table ${az} of ${name} should have one default route, to the NAT gateway in public subnet ${natAz} (natGateways "${config.natGateways}")`,
          );
        }
      }
    }
  }
}

/**
 * The network shapes of one VPC: IPv6 (the VPC's /56, each subnet's /64 by its place in the plan,
 * the egress-only gateway and both ::/0 routes), secondary blocks (association, a private subnet
 * per AZ), the VPN (gateway, customer gateways, connections, static routes, propagation into every
 * private route table) and the SSM endpoints; and their absence where the config has none.
 */
function networkShapeAssertions(
  config: PeeringConfig,
  cfg: VpcConfig,
  v: PeeringVpc,
  shared: { readonly routes: string; readonly associations: string; readonly zones: readonly string[] },
  a: Assertions,
): void {
  const { name } = cfg;
  const vpc = address(v.vpc);
  const eigws = all(v, EgressOnlyInternetGateway);
  const defaults6 = (table: string, attr: string) =>
    `[for r in ${shared.routes} : r.${attr} if r.route_table_id == ${table}.id && r.destination_ipv6_cidr_block == "::/0"]`;
  if (cfg.ipv6) {
    if (eigws.length !== 1)
      throw new Error(`VPC "${name}" has ${eigws.length} egress-only internet gateways, expected 1`);
    const eigw = address(eigws[0]);
    a.add(`${vpc}.assign_generated_ipv6_cidr_block == true`, `VPC ${name} should have an Amazon-provided IPv6 block`);
    a.add(
      `${eigw}.vpc_id == ${vpc}.id`,
      `the egress-only internet gateway of ${name} should be attached to VPC ${name}`,
    );
    for (let az = 0; az < cfg.maxAzs; az++) {
      for (const tier of ["public", "private"] as const) {
        const subnet = address((tier === "public" ? v.publicSubnets : v.privateSubnets)[az]);
        const table = address((tier === "public" ? v.publicRouteTables : v.privateRouteTables)[az]);
        const netnum = ipv6SubnetNetnum(tier, az);
        a.add(
          `${subnet}.ipv6_cidr_block == cidrsubnet(${vpc}.ipv6_cidr_block, 8, ${netnum})`,
          `the ${tier} subnet ${az} of ${name} should have /64 number ${netnum} of the VPC's IPv6 block`,
        );
        if (tier === "private") {
          a.add(
            `${subnet}.assign_ipv6_address_on_creation == true`,
            `the private subnet ${az} of ${name} should give instances an IPv6 address at launch`,
          );
          a.add(
            `${defaults6(table, "egress_only_gateway_id")} == [${eigw}.id]`,
            `the private route table ${az} of ${name} should send ::/0 to its egress-only internet gateway`,
          );
        } else {
          a.add(
            `${defaults6(table, "gateway_id")} == [${address(v.internetGateway)}.id]`,
            `the public route table ${az} of ${name} should send ::/0 to its internet gateway`,
          );
        }
      }
    }
  } else {
    if (eigws.length !== 0) throw new Error(`VPC "${name}" has an egress-only internet gateway but no IPv6`);
    a.add(`${vpc}.assign_generated_ipv6_cidr_block != true`, `VPC ${name} should have no IPv6 block (ipv6 is off)`);
    for (const subnet of [...v.publicSubnets, ...v.privateSubnets]) {
      a.add(
        `${address(subnet)}.ipv6_cidr_block == null`,
        `the subnet ${subnet.node.id} of ${name} should have no IPv6 block`,
      );
    }
    for (const table of [...v.publicRouteTables, ...v.privateRouteTables]) {
      a.add(
        `length(${defaults6(address(table), "id")}) == 0`,
        `the route table ${table.node.id} of ${name} should have no ::/0 route (ipv6 is off)`,
      );
    }
  }

  const secondary = cfg.secondaryCidrs ?? [];
  if (v.cidrBlockAssociations.length !== secondary.length)
    throw new Error(
      `VPC "${name}" has ${v.cidrBlockAssociations.length} block associations, the config lists ${secondary.length}`,
    );
  secondary.forEach((block, i) => {
    const association = address(v.cidrBlockAssociations[i]);
    a.add(
      `${association}.vpc_id == ${vpc}.id && ${association}.cidr_block == ${hcl(block)}`,
      `VPC ${name} should have the secondary block ${block}`,
    );
    planSecondarySubnets(block, cfg.maxAzs)!.forEach((cidr, az) => {
      const subnet = address(v.secondarySubnets[i * cfg.maxAzs + az]);
      a.add(
        `${subnet}.vpc_id == ${vpc}.id && ${subnet}.cidr_block == ${hcl(cidr)} && ${subnet}.availability_zone == ${hcl(shared.zones[az])} && ${subnet}.map_public_ip_on_launch != true`,
        `the private subnet ${az} of ${name}'s block ${block} should be ${cidr} in ${shared.zones[az]}, in VPC ${name}, without public IPs`,
      );
    });
  });

  const connections = Object.entries(cfg.vpnConnections ?? {});
  if (connections.length === 0) {
    if (v.vpn) throw new Error(`VPC "${name}" has a VPN gateway but no vpnConnections`);
  } else {
    const vpn = v.vpn;
    if (!vpn) throw new Error(`VPC "${name}" has vpnConnections but no VPN gateway`);
    const vgw = address(vpn.vpnGateway);
    a.add(`${vgw}.vpc_id == ${vpc}.id`, `the VPN gateway of ${name} should be attached to VPC ${name}`);
    a.add(
      sameValues(
        `[for p in ${tuple(vpn.propagations)} : p.route_table_id if p.vpn_gateway_id == ${vgw}.id]`,
        v.privateRouteTables.map((t) => `${address(t)}.id`),
      ),
      `the VPN gateway of ${name} should propagate its routes into exactly the private route tables of ${name}`,
    );
    for (const [connectionName, c] of connections) {
      const handles = vpn.connections.get(connectionName);
      if (!handles) throw new Error(`VPC "${name}" has no VPN connection "${connectionName}"`);
      const cgw = address(handles.customerGateway);
      const connection = address(handles.connection);
      a.add(
        `${cgw}.ip_address == ${hcl(c.ip)} && ${cgw}.bgp_asn == ${hcl(String(c.asn))} && ${cgw}.type == "ipsec.1"`,
        `the customer gateway of ${name}'s VPN ${connectionName} should be ${c.ip}, ASN ${c.asn}`,
      );
      a.add(
        `${connection}.vpn_gateway_id == ${vgw}.id && ${connection}.customer_gateway_id == ${cgw}.id && ${connection}.static_routes_only == ${c.staticRoutes !== undefined}`,
        `the VPN connection ${connectionName} of ${name} should join its VPN gateway to its customer gateway, ${c.staticRoutes ? "with static routes" : "with BGP"}`,
      );
      a.add(
        sameStrings(
          `[for r in ${tuple(vpn.connections.get(connectionName)!.routes)} : r.destination_cidr_block if r.vpn_connection_id == ${connection}.id]`,
          c.staticRoutes ?? [],
        ),
        `the VPN connection ${connectionName} of ${name} should route exactly ${c.staticRoutes?.join(", ") ?? "nothing (BGP)"}`,
      );
    }
  }

  if (hasSsmEndpoints(config)) {
    const ssm = v.ssmEndpoints;
    if (!ssm)
      throw new Error(`VPC "${name}" has no SSM endpoints, though natGateways is "none" and ssmEndpoints is on`);
    const sg = address(ssm.securityGroup);
    for (const [service, endpoint] of ssm.endpoints) {
      const e = address(endpoint);
      a.add(
        `${e}.vpc_id == ${vpc}.id && ${e}.service_name == ${hcl(endpointServiceName(cfg.region, service))} && ${e}.vpc_endpoint_type == "Interface" && ${e}.private_dns_enabled == true`,
        `VPC ${name} should have an interface endpoint for ${service} with private DNS`,
      );
      a.add(
        sameValues(
          `${e}.subnet_ids`,
          v.privateSubnets.map((x) => `${address(x)}.id`),
        ),
        `the ${service} endpoint of ${name} should be in every private subnet of ${name}`,
      );
      a.add(
        `${e}.security_group_ids == toset([${sg}.id])`,
        `the ${service} endpoint of ${name} should have its endpoint security group only`,
      );
    }
    const rules = tuple(all(ssm, VpcSecurityGroupIngressRule));
    a.add(
      sameStrings(
        `[for r in ${rules} : r.cidr_ipv4 if r.security_group_id == ${sg}.id && r.ip_protocol == "tcp" && r.from_port == 443 && r.to_port == 443]`,
        ipv4Blocks(cfg),
      ),
      `the SSM endpoints' security group of ${name} should admit HTTPS from exactly the VPC's blocks: ${ipv4Blocks(cfg).join(", ")}`,
    );
    a.add(`${sg}.vpc_id == ${vpc}.id`, `the SSM endpoints' security group of ${name} should be in VPC ${name}`);
  } else if (all(v, VpcEndpoint).length > 0) {
    throw new Error(`VPC "${name}" has VPC endpoints, but the config asks for none`);
  }
}

function instancesAssertions(config: PeeringConfig, stacks: AppStacks, a: Assertions): void {
  const { instances } = stacks;
  const ingress = tuple(all(instances, VpcSecurityGroupIngressRule));
  const egress = tuple(all(instances, VpcSecurityGroupEgressRule));
  const grouped = tuple(all(instances, SecurityGroupRule));
  const attachments = tuple(all(instances, IamRolePolicyAttachment));
  const ssmPolicy = `arn:${MOCK.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`;

  for (const cfg of config.vpcs) {
    const name = cfg.name;
    const handle = instances.instances.get(name);
    if (!handle) throw new Error(`instances stack has no instance for VPC "${name}"`);
    const sg = address(handle.securityGroup);
    const instance = address(handle.instance);
    const role = address(handle.role);
    const profiles = all(handle, IamInstanceProfile);
    if (profiles.length !== 1)
      throw new Error(`the instance of "${name}" has ${profiles.length} instance profiles, expected 1`);
    const profile = address(profiles[0]);
    // Its peers and the VPCs its transit gateway segments reach: the instances stack admits both.
    const peers = withTransitPeers(config, name, peersOf(config, name)).flatMap((p: VpcConfig) => ipv4Blocks(p));
    const peers6 = cfg.ipv6
      ? withTransitPeers(config, name, peersOf(config, name))
          .filter((p) => p.ipv6)
          .map((p) => FAKE.ipv6Block(config, p.name))
      : [];
    // A sharded mesh admits all peers with one aws_security_group_rule per IP version (PingInstanceProps.groupedRules).
    const isGrouped = all(handle, SecurityGroupRule).length > 0;
    const orEmpty = (list: string) => `(${list} == null ? [] : ${list})`;
    const rules = (what: string, family: "ipv4" | "ipv6" = "ipv4") =>
      isGrouped
        ? `flatten([for r in ${grouped} : ${what} if r.security_group_id == ${sg}.id && r.type == "ingress" && r.${family === "ipv4" ? "cidr_blocks" : "ipv6_cidr_blocks"} != null])`
        : `[for r in ${ingress} : ${what} if r.security_group_id == ${sg}.id && r.cidr_${family} != null]`;
    const [protocol, cidr, cidr6] = isGrouped
      ? ["protocol", "r.cidr_blocks", "r.ipv6_cidr_blocks"]
      : ["ip_protocol", "r.cidr_ipv4", "r.cidr_ipv6"];

    a.add(`${sg}.vpc_id == ${hcl(FAKE.vpc(name))}`, `the ping security group of ${name} should be in VPC ${name}`);
    a.add(
      sameStrings(rules(cidr), peers),
      `the ping security group of ${name} should admit exactly its peers' blocks: ${peers.join(", ") || "none"}`,
    );
    a.add(
      `alltrue(${rules(`r.${protocol} == "icmp" && r.from_port == 8 && r.to_port == -1`)})`,
      `every IPv4 ingress rule of the ping security group of ${name} should admit ICMP echo requests only (icmp, type 8)`,
    );
    a.add(
      sameStrings(rules(cidr6, "ipv6"), peers6),
      `the ping security group of ${name} should admit exactly the IPv6 blocks of its peers that have IPv6 too: ${peers6.join(", ") || "none"}`,
    );
    if (peers6.length > 0) {
      a.add(
        `alltrue(${rules(`r.${protocol} == "icmpv6" && r.from_port == 128 && r.to_port == -1`, "ipv6")})`,
        `every IPv6 ingress rule of the ping security group of ${name} should admit ICMPv6 echo requests only (icmpv6, type 128)`,
      );
    }
    if (isGrouped) {
      a.add(
        `[for r in ${grouped} : "\${r.protocol} \${join(",", concat(${orEmpty("r.cidr_blocks")}, ${orEmpty("r.ipv6_cidr_blocks")}))}" if r.security_group_id == ${sg}.id && r.type == "egress"] == [${hcl(cfg.ipv6 ? "-1 0.0.0.0/0,::/0" : "-1 0.0.0.0/0")}]`,
        `the ping security group of ${name} should have one egress rule, allowing everything out${cfg.ipv6 ? " over IPv4 and IPv6" : ""}`,
      );
    } else {
      a.add(
        sameStrings(
          `[for r in ${egress} : "\${r.ip_protocol} \${coalesce(r.cidr_ipv4, r.cidr_ipv6)}" if r.security_group_id == ${sg}.id]`,
          cfg.ipv6 ? ["-1 0.0.0.0/0", "-1 ::/0"] : ["-1 0.0.0.0/0"],
        ),
        `the ping security group of ${name} should have one egress rule per IP version, allowing everything out`,
      );
    }
    if (cfg.ipv6) a.add(`${instance}.ipv6_address_count == 1`, `the instance of ${name} should have one IPv6 address`);
    a.add(
      `${instance}.subnet_id == ${hcl(FAKE.subnet(name, "private", 0))}`,
      `the instance of ${name} should be in the first private subnet of ${name}`,
    );
    a.add(
      `${instance}.vpc_security_group_ids == toset([${sg}.id])`,
      `the instance of ${name} should have its ping security group only`,
    );
    a.add(`${instance}.associate_public_ip_address == false`, `the instance of ${name} should have no public IP`);
    a.add(
      `${instance}.metadata_options[0].http_tokens == "required"`,
      `the instance of ${name} should require IMDSv2 tokens`,
    );
    a.add(
      `${instance}.root_block_device[0].encrypted == true`,
      `the root volume of the instance of ${name} should be encrypted`,
    );
    a.add(
      `${instance}.ami == ${hcl(MOCK.ami(cfg.region))}`,
      `the instance of ${name} should use the AMI from SSM in ${cfg.region}`,
    );
    placedAssertion(config, handle, placementOf(cfg), `the instance of ${name}`, a);
    a.add(
      `${instance}.instance_type == ${hcl(config.instanceType)}`,
      `the instance of ${name} should be a ${config.instanceType}`,
    );
    a.add(
      `${instance}.iam_instance_profile == ${profile}.name && ${profile}.role == ${role}.name`,
      `the instance of ${name} should run with its own role`,
    );
    a.add(
      `[for x in ${attachments} : x.policy_arn if x.role == ${role}.name] == [${hcl(ssmPolicy)}]`,
      `the role of ${name} should have exactly the AmazonSSMManagedInstanceCore policy of the partition`,
    );
  }
}

/** Assertions for one peering stack: the whole mesh's, or one shard's peerings. */
function peeringAssertions(config: PeeringConfig, peering: PeeringStack, a: Assertions): void {
  const byName = new Map(config.vpcs.map((v) => [v.name, v]));
  const allRoutes = all(peering, Route);
  const routes = tuple(allRoutes);
  const allOptions = all(peering, VpcPeeringConnectionOptions);
  const held = config.peerings.filter(([r, acc]) => peering.peerings.has(`${r}_${acc}`));
  if (held.length !== peering.peerings.size)
    throw new Error(`peering stack "${peering.node.id}" holds peerings the config does not have`);
  /** The active-peering ids (accepter's or connection's) of the peerings with DNS resolution. */
  const dnsActive: string[] = [];

  for (const [requester, accepter] of held) {
    const key = `${requester}_${accepter}`;
    const handle = peering.peerings.get(key)!;
    const connection = address(handle.connection);
    const from = placementOf(byName.get(requester)!);
    const to = placementOf(byName.get(accepter)!);
    const crossRegion = from.region !== to.region;
    const crossAccount = !sameAccount(config, from, to);
    const where = `${key} peering (${requester} in ${stamp(config, from)}, ${accepter} in ${stamp(config, to)})`;
    a.add(
      `${connection}.vpc_id == ${hcl(FAKE.vpc(requester))} && ${connection}.peer_vpc_id == ${hcl(FAKE.vpc(accepter))} && ${stamped(handle.connection, stamp(config, from))}`,
      `the ${where} should be requested by VPC ${requester}, for VPC ${accepter}, with the requester's provider`,
    );
    let active = `${connection}.id`;
    if (!crossRegion && !crossAccount) {
      if (handle.accepterConnection)
        throw new Error(`peering ${key} within one account and region has an accepter resource`);
      a.add(
        `${connection}.auto_accept == true`,
        `the ${where} should be accepted automatically, within one account and region`,
      );
    } else {
      if (!handle.accepterConnection)
        throw new Error(`peering ${key} across regions or accounts has no accepter resource`);
      const accepted = address(handle.accepterConnection);
      active = `${accepted}.id`;
      const owner = crossAccount ? (accountOf(config, to)?.accountId ?? MOCK.account) : undefined;
      // Unset, peer_region and peer_owner_id are computed (the mock makes up values): stacks.test.ts checks they are left out.
      a.add(
        [
          `${connection}.auto_accept != true`,
          ...(crossRegion ? [`${connection}.peer_region == ${hcl(to.region)}`] : []),
          ...(owner ? [`${connection}.peer_owner_id == ${hcl(owner)}`] : []),
        ].join(" && "),
        `the ${where} should be requested${crossRegion ? ` with peer_region ${to.region}` : ""}${owner ? ` with peer_owner_id ${owner}` : ""}, not auto-accepted`,
      );
      a.add(
        `${accepted}.vpc_peering_connection_id == ${connection}.id && ${accepted}.auto_accept == true && ${stamped(handle.accepterConnection, stamp(config, to))} && ${accepted}.tags.Name == ${connection}.tags.Name`,
        `the ${where} should be accepted by an accepter resource with the accepter's provider, tagged as the request`,
      );
    }
    for (const [side, name, peer, list, placement] of [
      ["requester", requester, accepter, handle.requesterRoutes, from],
      ["accepter", accepter, requester, handle.accepterRoutes, to],
    ] as const) {
      const azs = byName.get(name)!.maxAzs;
      if (list.length !== azs)
        throw new Error(`peering ${key} has ${list.length} ${side} routes, expected one per AZ of ${name} (${azs})`);
      const destination = byName.get(peer)!.cidr;
      list.forEach((route, az) => {
        const r = address(route);
        const table = FAKE.routeTable(name, "private", az);
        a.add(
          `${r}.vpc_peering_connection_id == ${active} && ${r}.route_table_id == ${hcl(table)} && ${r}.destination_cidr_block == ${hcl(destination)} && ${stamped(route, stamp(config, placement))}`,
          `the ${side} route ${az} of ${key} should send ${destination} from ${table} through the ${key} peering once it is active, with the ${side}'s provider`,
        );
      });
    }
    // Every other block: the peer's secondary blocks, and its IPv6 block where both have IPv6.
    for (const route of handle.routes) {
      if (handle.requesterRoutes.includes(route.route) || handle.accepterRoutes.includes(route.route)) continue;
      const [own, other, placement] =
        route.side === "requester" ? [requester, accepter, from] : [accepter, requester, to];
      const r = address(route.route);
      const table = FAKE.routeTable(own, "private", route.az);
      const destination = route.family === "ipv4" ? route.destination : FAKE.ipv6Block(config, other);
      const attribute = route.family === "ipv4" ? "destination_cidr_block" : "destination_ipv6_cidr_block";
      a.add(
        `${r}.vpc_peering_connection_id == ${active} && ${r}.route_table_id == ${hcl(table)} && ${r}.${attribute} == ${hcl(destination)} && ${stamped(route.route, stamp(config, placement))}`,
        `the ${route.side} route ${route.az} of ${key} to ${other}'s ${route.family === "ipv4" ? `block ${destination}` : `IPv6 block ${destination}`} should leave ${table} through the ${key} peering once it is active, with the ${route.side}'s provider`,
      );
    }
    const dns = resolvesDns(config, requester, accepter);
    const options = handle.options.map(address);
    if (dns) dnsActive.push(active);
    if (!dns) {
      if (options.length > 0) throw new Error(`peering ${key} has DNS options the config does not ask for`);
      continue;
    }
    const allow = (o: string, side: string) => `${o}.${side}[0].allow_remote_vpc_dns_resolution == true`;
    if (!crossRegion && !crossAccount) {
      if (options.length !== 1) throw new Error(`peering ${key} has ${options.length} options resources, expected 1`);
      a.add(
        `${options[0]}.vpc_peering_connection_id == ${active} && ${allow(options[0], "requester")} && ${allow(options[0], "accepter")} && ${stamped(handle.options[0], stamp(config, from))}`,
        `the ${where} should let both sides resolve each other's DNS names, set once it is active`,
      );
    } else {
      if (options.length !== 2)
        throw new Error(`peering ${key} has ${options.length} options resources, expected one per side`);
      a.add(
        `${options[0]}.vpc_peering_connection_id == ${active} && ${allow(options[0], "requester")} && length(${options[0]}.accepter) == 0 && ${stamped(handle.options[0], stamp(config, from))}`,
        `the ${where} should let the requester resolve the accepter's DNS names, set with the requester's provider after the accepter accepted`,
      );
      a.add(
        `${options[1]}.vpc_peering_connection_id == ${active} && ${allow(options[1], "accepter")} && length(${options[1]}.requester) == 0 && ${stamped(handle.options[1], stamp(config, to))}`,
        `the ${where} should let the accepter resolve the requester's DNS names, set with the accepter's provider after it accepted`,
      );
    }
  }
  if (allOptions.length > 0) {
    a.add(
      `toset([for o in ${tuple(allOptions)} : o.vpc_peering_connection_id]) == toset([${dnsActive.join(", ")}])`,
      `exactly the peerings that ask for DNS resolution should have DNS options: ${dnsActive.length} of ${held.length}`,
    );
  }
  // Whole-stack view: each private route table reaches exactly the blocks, IPv4 and IPv6, of the
  // peers it is peered with in this stack. (Terraform rejects conditions that reference nothing,
  // so this needs at least one route.)
  if (allRoutes.length === 0) return;
  const inStack = { ...config, peerings: held };
  for (const cfg of config.vpcs) {
    const peers = peersOf(inStack, cfg.name).flatMap((p) => ipv4Blocks(p));
    const peers6 = cfg.ipv6
      ? peersOf(inStack, cfg.name)
          .filter((p) => p.ipv6)
          .map((p) => FAKE.ipv6Block(config, p.name))
      : [];
    for (let az = 0; az < cfg.maxAzs; az++) {
      const table = FAKE.routeTable(cfg.name, "private", az);
      a.add(
        sameStrings(
          `[for r in ${routes} : r.destination_cidr_block if r.route_table_id == ${hcl(table)} && r.destination_cidr_block != null]`,
          peers,
        ),
        `${table} should route exactly its peers' blocks: ${peers.join(", ") || "none"}`,
      );
      a.add(
        sameStrings(
          `[for r in ${routes} : r.destination_ipv6_cidr_block if r.route_table_id == ${hcl(table)} && r.destination_ipv6_cidr_block != null]`,
          peers6,
        ),
        `${table} should route exactly the IPv6 blocks of its peers that have IPv6 too: ${peers6.join(", ") || "none"}`,
      );
    }
  }
}

/**
 * A plan in a region with one AZ fewer than the widest VPC asks for: the AZ data source's
 * postcondition must fail it, rather than let element() wrap around and reuse an AZ.
 * `lead` is what the run block starts with (the module it runs, the overrides it needs).
 */
function tooFewAzsRun(config: PeeringConfig, stacks: AppStacks, name: string, lead: readonly string[]): string {
  const widest = config.vpcs.reduce((w, v) => (v.maxAzs > w.maxAzs ? v : w));
  const placement = placementOf(widest);
  const alias = providerAlias(config, placement);
  const azs = all(stacks.network, DataAwsAvailabilityZones);
  const placements = new Set(config.vpcs.map((v) => placementKey(placementOf(v))));
  if (azs.length !== placements.size)
    throw new Error(
      `network stack has ${azs.length} availability zone data sources, expected one per account and region (${placements.size})`,
    );
  const source = azs.find((d) => (d.provider as AwsProvider | undefined)?.alias === alias);
  if (!source)
    throw new Error(
      `network stack has no availability zone data source for ${placement.region}${alias ? ` (provider ${alias})` : ""}`,
    );
  const needed = widest.maxAzs;
  const names = MOCK.availabilityZones(placement.region, needed - 1);
  const target = `data.aws_availability_zones.${source.friendlyUniqueId}`;
  return [
    `run ${hcl(name)} {`,
    "  command = plan",
    ...lead,
    "  override_data {",
    `    target = ${target}`,
    `    values = { names = ${hcl(names)}, zone_ids = ${hcl(names.map((_, i) => `${placement.region}-az${i + 1}`))} }`,
    "  }",
    `  expect_failures = [${target}]`,
    "}",
  ].join("\n");
}

/** Indents every non-empty line of an HCL text by two spaces, to nest it in a run block. */
function nested(text: string): string[] {
  return text === "" ? [] : text.split("\n").map((line) => (line === "" ? line : `  ${line}`));
}

/**
 * The `*.tftest.hcl` text proving in one `terraform test` that every stack of `stacks` wires
 * `config` as intended: one mocked provider per alias for all stacks, and per stack a run
 * named after it (`network`, `instances`, `peering-00`, ...) that applies the module at
 * `sourceOf(stack)` with its fake cross-stack outputs, plus the network stack's plan in a region
 * with too few AZs. One process loads the aws provider's schema once for every stack.
 */
export function tftestForAll(
  config: PeeringConfig,
  stacks: AppStacks,
  sourceOf: (stackId: string) => string,
): StacksTest {
  const every = allStacks(stacks);
  const assertions: Record<string, number> = {};
  const runs = every.flatMap((stack) => {
    const id = stack.node.id;
    const a = new Assertions();
    if (stack === stacks.network) networkAssertions(config, stacks, a);
    else if (stack === stacks.instances) instancesAssertions(config, stacks, a);
    else if (stack instanceof PeeringStack) peeringAssertions(config, stack, a);
    else if (stack instanceof TransitStack) transitAssertions(config, stack, a);
    assertions[id] = a.size;
    const overrides = [
      remoteStateOverrides(stack, config, stacks),
      ...(stack === stacks.network ? [ipv6BlockOverrides(config, stacks)] : []),
    ]
      .filter((o) => o !== "")
      .join("\n\n");
    const lead = ["  module {", `    source = ${hcl(sourceOf(id))}`, "  }", ...nested(overrides)];
    return [
      [`run ${hcl(id)} {`, "  command = apply", ...lead, ...(a.size > 0 ? ["", a.render()] : []), "}"].join("\n"),
      ...(stack === stacks.network
        ? [tooFewAzsRun(config, stacks, `${id}-fails-the-plan-when-the-region-has-too-few-azs`, lead)]
        : []),
    ];
  });
  const text = [
    "# Generated by test-support/tftest.ts: a mocked apply of every stack.",
    mockProviders(config, every),
    ...runs,
    "",
  ].join("\n\n");
  return { text, runs: runs.length, assertions };
}

/**
 * The transit stack's wiring: each gateway's default route table off, each attachment in its VPC and
 * associated with its segment's table, each propagation into a table of a segment that reaches the
 * attachment's, and each VPC route in a private route table of its VPC through the gateway.
 */
function transitAssertions(config: PeeringConfig, stack: TransitStack, a: Assertions): void {
  for (const gateway of config.transitGateways ?? []) {
    const made = stack.gateways.get(gateway.name)!;
    const tgw = address(made.gateway);
    a.add(
      `${tgw}.default_route_table_association == "disable" && ${tgw}.default_route_table_propagation == "disable"`,
      `${gateway.name} should have its default route table off`,
    );
    for (const { vpc, segment } of gateway.attachments) {
      const attachment = address(made.attachments.get(vpc)!);
      const table = address(made.routeTables.get(segment)!);
      a.add(
        `${attachment}.vpc_id == ${hcl(FAKE.vpc(vpc))} && ${attachment}.transit_gateway_id == ${tgw}.id`,
        `the attachment of ${vpc} should join VPC ${vpc} to ${gateway.name}`,
      );
      const associations = tuple(all(made, Ec2TransitGatewayRouteTableAssociation));
      a.add(
        `[for r in ${associations} : r.transit_gateway_route_table_id if r.transit_gateway_attachment_id == ${attachment}.id] == [${table}.id]`,
        `${vpc} should be associated with the route table of segment ${segment} only`,
      );
      const reaching = gateway.segments
        .filter((s) => segmentReaches(gateway.segments, s.name, segment))
        .map((s) => `${address(made.routeTables.get(s.name)!)}.id`);
      const propagations = tuple(all(made, Ec2TransitGatewayRouteTablePropagation));
      a.add(
        `toset([for r in ${propagations} : r.transit_gateway_route_table_id if r.transit_gateway_attachment_id == ${attachment}.id]) == toset([${reaching.join(", ")}])`,
        `${vpc} should be propagated into the tables of the segments that reach ${segment}`,
      );
    }
    const routes = all(made, Route);
    if (routes.length > 0) {
      const tables = config.vpcs.flatMap((v) =>
        Array.from({ length: v.maxAzs }, (_, az) => hcl(FAKE.routeTable(v.name, "private", az))),
      );
      a.add(
        `alltrue([for r in ${tuple(routes)} : r.transit_gateway_id == ${tgw}.id && contains([${tables.join(", ")}], r.route_table_id)])`,
        `every VPC route of ${gateway.name} should go through it from a private route table`,
      );
    }
  }
  for (const [key, peering] of stack.peerings) {
    const accepted = `${address(peering.accepter)}.transit_gateway_attachment_id`;
    const associations = tuple(all(peering, Ec2TransitGatewayRouteTableAssociation));
    a.add(
      `length(${associations}) == 2 && alltrue([for r in ${associations} : r.transit_gateway_attachment_id == ${accepted}])`,
      `the peering ${key} should be associated with a route table on each side once accepted`,
    );
    const statics = all(peering, Ec2TransitGatewayRoute);
    if (statics.length > 0)
      a.add(
        `alltrue([for r in ${tuple(statics)} : r.transit_gateway_attachment_id == ${accepted}])`,
        `every static route of the peering ${key} should go through it`,
      );
  }
}

/** A generated test file of every stack. */
export interface StacksTest {
  /** The `*.tftest.hcl` text. */
  readonly text: string;
  /** How many run blocks it holds: `terraform test` must report as many passed. */
  readonly runs: number;
  /** Assertions in each stack's run, by stack id. */
  readonly assertions: Readonly<Record<string, number>>;
}

/** A `*.tftest.hcl` text that only plans one stack against the mocked provider, asserting nothing: what `npm run bench` times. */
export function planTestFor(stackId: string, config: PeeringConfig, stacks: AppStacks): string {
  const stack = allStacks(stacks).find((s) => s.node.id === stackId);
  if (!stack) throw new Error(`no stack "${stackId}"`);
  const overrides = remoteStateOverrides(stack, config, stacks);
  return [
    `# Generated by test-support/tftest.ts: a mocked plan of the "${stackId}" stack.`,
    mockProviders(config, [stack]),
    ...(overrides ? [overrides] : []),
    'run "plan" {\n  command = plan\n}',
    "",
  ].join("\n\n");
}
