/**
 * The world the mocked `terraform test` runs in: fake ids for what one stack reads from another's
 * state, stamped per placement, and one mocked aws provider per alias with the data it returns.
 */
import { TerraformResource, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { PeeringConfig } from "../../lib/config";
import { accountOf, Placement, placementOf } from "../../lib/config/placement";

import { allStacks, AppStacks, NetworkStack } from "../../stacks";
import { Assertions, REMOTE_STATE_PREFIX, address, all, hcl } from "./hcl";
import { IConstruct } from "constructs";

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
export const STAMPED: Readonly<Record<string, "arn" | "origin" | "accept_status" | "id" | "network_interface_id">> = {
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
export function stamp(config: PeeringConfig, p: Placement): string {
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
export function stamped(resource: TerraformResource, mark: string): string {
  const attribute = STAMPED[resource.terraformResourceType];
  if (!attribute) throw new Error(`no stamp for ${resource.terraformResourceType}: add it to STAMPED`);
  return `${address(resource)}.${attribute} == ${hcl(stampValue(attribute, mark))}`;
}

/** Fake ids (and IPv6 blocks) of the network stack's resources, by `type.name.attribute` reference. */
function fakeIds(config: PeeringConfig, stacks: AppStacks): Map<string, string> {
  const ids = new Map<string, string>();
  const put = (resource: TerraformResource, fake: string) => ids.set(`${address(resource)}.id`, fake);
  for (const [name, v] of stacks.vpcs.vpcs) {
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
export function remoteStateOverrides(stack: TerraformStack, config: PeeringConfig, stacks: AppStacks): string {
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
export function ipv6BlockOverrides(config: PeeringConfig, network: NetworkStack): string {
  const byName = new Map(config.vpcs.map((v) => [v.name, v]));
  return [...network.vpcs]
    .filter(([, v]) => v.ipv6CidrBlock)
    .map(([name, v]) => {
      const mark = stampValue(STAMPED.aws_vpc, stamp(config, placementOf(byName.get(name)!)));
      const values = `{ ipv6_cidr_block = ${hcl(FAKE.ipv6Block(config, name))}, ${STAMPED.aws_vpc} = ${hcl(mark)} }`;
      return ["override_resource {", `  target = ${address(v.vpc)}`, `  values = ${values}`, "}"].join("\n");
    })
    .join("\n\n");
}

/** The AZs the mocked AZ data sources return: as many as the widest VPC asks for, at least 3. */
export function mockedAzCount(config: PeeringConfig): number {
  return Math.max(3, ...config.vpcs.map((v) => v.maxAzs));
}

/**
 * A `mock_provider "aws"` block per provider of the stacks (one per alias), each with its region's
 * data, and a stamp on every resource type of the stacks it could create.
 */
export function mockProviders(config: PeeringConfig, stacks: readonly TerraformStack[]): string {
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
export function placedAssertion(
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
