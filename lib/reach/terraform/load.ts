import { preview, tooDeep, tooDeepMessage } from "../../core/json-limits";
import {
  ModelBuilder,
  NACL_RULE_NUMBERS,
  defaultNetworkAclKey,
  defaultRouteTableKey,
  defaultSecurityGroupKey,
  newVpcDefaults,
} from "../build";
import { type Cidr, cidrInside, parseCidr } from "../cidr";
import type { GatewayKind, Model, NaclRule, Route, RouteTarget, StackDocument, Vpc } from "../model";
import { ReachInputError } from "../model";
import { Attributes, type Slot, present } from "./attributes";
import { isRecord } from "../../core/records";
import { own } from "./stack";
import { AccountRef, CidrValue, type RawResource, ResourceRef, Resolver } from "./resolve";
import { checkBlocks } from "./dynamic";
import { SecurityGroups } from "./security-groups";
import { TRANSIT_TYPES, readTransit } from "./transit";

/**
 * The Terraform loader: reads the resources of Terraform JSON documents, evaluates the attributes the
 * analysis needs, and hands AWS entities to the loader-agnostic ModelBuilder. Pure: no file access.
 */
export function terraformModel(documents: readonly StackDocument[]): Model {
  for (const doc of documents) {
    const where = tooDeep(doc.json);
    if (where !== undefined)
      throw new ReachInputError(
        `${tooDeepMessage(doc.file, where)}; no Terraform configuration nests like this: fix the file`,
      );
  }
  return new TerraformLoader(documents).load();
}

/** The resource types the Terraform loader reads (every other type is left alone). */
export const MODELED: ReadonlySet<string> = new Set([
  "aws_vpc",
  "aws_vpc_ipv4_cidr_block_association",
  "aws_subnet",
  "aws_route_table",
  "aws_route",
  "aws_route_table_association",
  "aws_default_route_table",
  "aws_main_route_table_association",
  "aws_vpc_peering_connection",
  "aws_vpc_peering_connection_accepter",
  "aws_security_group",
  "aws_security_group_rule",
  "aws_vpc_security_group_ingress_rule",
  "aws_vpc_security_group_egress_rule",
  "aws_default_security_group",
  "aws_network_acl",
  "aws_network_acl_rule",
  "aws_network_acl_association",
  "aws_default_network_acl",
  "aws_instance",
  "aws_internet_gateway",
  "aws_nat_gateway",
  "aws_vpn_gateway",
  "aws_vpn_connection",
  "aws_vpn_connection_route",
  "aws_vpn_gateway_route_propagation",
  ...TRANSIT_TYPES,
]);

const GATEWAY_OF_TYPE: ReadonlyMap<string, GatewayKind> = new Map([
  ["aws_internet_gateway", "internet gateway"],
  ["aws_nat_gateway", "NAT gateway"],
  ["aws_vpn_gateway", "VPN gateway"],
  ["aws_egress_only_internet_gateway", "egress-only internet gateway"],
  ["aws_ec2_transit_gateway", "transit gateway"],
  ["aws_network_interface", "network interface"],
  ["aws_vpc_endpoint", "VPC endpoint"],
]);

const ROUTE_TARGETS: readonly (readonly [string, GatewayKind])[] = [
  ["gateway_id", "gateway"],
  ["nat_gateway_id", "NAT gateway"],
  ["egress_only_gateway_id", "egress-only internet gateway"],
  ["transit_gateway_id", "transit gateway"],
  ["network_interface_id", "network interface"],
  ["vpc_endpoint_id", "VPC endpoint"],
  ["carrier_gateway_id", "gateway"],
  ["local_gateway_id", "gateway"],
  ["core_network_arn", "gateway"],
];

/** Longest tag value AWS stores. */
const TAG_VALUE_LENGTH = 256;

class TerraformLoader {
  private readonly resolver: Resolver;
  private readonly read: Attributes;
  private readonly builder = new ModelBuilder();
  private readonly byType = new Map<string, RawResource[]>();
  private readonly groups: SecurityGroups;

  constructor(documents: readonly StackDocument[]) {
    this.resolver = new Resolver(documents, generatedPool(documents));
    this.read = new Attributes(this.resolver);
    this.groups = new SecurityGroups(this.resolver, this.read, this.builder);
    for (const res of this.resolver.resources()) {
      if (!MODELED.has(res.type)) continue;
      for (const meta of ["count", "for_each"]) {
        if (present(own(res.body, meta))) {
          throw new ReachInputError(
            `${res.address}: uses "${meta}"; reach reads resources one by one: synthesize without ${meta} (e.g. a loop in the cdktf app)`,
          );
        }
      }
      checkBlocks(res);
      let list = this.byType.get(res.type);
      if (!list) this.byType.set(res.type, (list = []));
      list.push(res);
    }
  }

  load(): Model {
    this.each("aws_vpc", (res) => this.vpc(res));
    this.each("aws_vpc_ipv4_cidr_block_association", (res) => this.blockAssociation(res));
    this.each("aws_subnet", (res) => this.subnet(res));
    for (const type of ["aws_internet_gateway", "aws_nat_gateway", "aws_vpn_gateway"])
      this.each(type, (res) => this.gateway(res));
    this.each("aws_route_table", (res) => this.routeTable(res));
    this.each("aws_default_route_table", (res) => this.defaultRouteTable(res));
    this.each("aws_route", (res) => this.route(res));
    this.vpnPropagations();
    this.each("aws_route_table_association", (res) => this.routeTableAssociation(res));
    this.each("aws_main_route_table_association", (res) => this.mainRouteTableAssociation(res));
    this.each("aws_vpc_peering_connection", (res) => this.peering(res));
    this.each("aws_vpc_peering_connection_accepter", (res) => this.accepter(res));
    this.each("aws_security_group", (res) => this.groups.group(res));
    this.each("aws_default_security_group", (res) => this.groups.defaultGroup(res));
    for (const type of [
      "aws_security_group_rule",
      "aws_vpc_security_group_ingress_rule",
      "aws_vpc_security_group_egress_rule",
    ]) {
      this.each(type, (res) => this.groups.standaloneRule(res));
    }
    this.groups.warnFightingRules();
    this.each("aws_network_acl", (res) => this.networkAcl(res));
    this.each("aws_default_network_acl", (res) => this.defaultNetworkAcl(res));
    this.each("aws_network_acl_rule", (res) => this.standaloneNaclRule(res));
    this.each("aws_network_acl_association", (res) => this.naclAssociation(res));
    this.each("aws_instance", (res) => this.instance(res));
    const model = this.builder.build(this.resolver.generated);
    if (!TRANSIT_TYPES.some((type) => this.byType.has(type))) return model;
    const transit = readTransit({
      resolver: this.resolver,
      read: this.read,
      resources: (type) => this.byType.get(type) ?? [],
      hasSubnet: (key) => model.subnets.has(key),
      hasVpc: (key) => model.vpcs.has(key),
    });
    return { ...model, transit };
  }

  private each(type: string, load: (res: RawResource) => void): void {
    for (const res of this.byType.get(type) ?? []) load(res);
  }

  private vpc(res: RawResource): void {
    const cidr = this.read.cidr(this.read.slot(res, "cidr_block"), "ipv4");
    if (!cidr) {
      throw new ReachInputError(
        `${res.address}: has no cidr_block; reach needs a literal or computable IPv4 block (IPAM-allocated blocks are not modeled)`,
      );
    }
    const ipv6 = this.read.cidr(this.read.slot(res, "ipv6_cidr_block"), "ipv6") ?? this.generatedIpv6(res);
    const vpc: Vpc = {
      address: res.address,
      stack: res.stack,
      region: this.resolver.region(res),
      account: this.resolver.account(res),
      ipv4: [{ cidr, source: res.address }],
      ipv6: ipv6 ? [{ cidr: ipv6, source: res.address }] : [],
    };
    this.builder.addVpc(vpc);
    const defaults = newVpcDefaults(vpc);
    this.builder.addRouteTable(defaults.routeTable);
    this.builder.addSecurityGroup(defaults.securityGroup);
    this.builder.addNetworkAcl(defaults.networkAcl);
  }

  private generatedIpv6(res: RawResource): Cidr | undefined {
    if (!this.read.bool(this.read.slot(res, "assign_generated_ipv6_cidr_block"))) return undefined;
    const value = this.read.guarded(this.read.slot(res, "ipv6_cidr_block"), () =>
      this.resolver.resourceAttribute(res.stack, res.type, res.name, "ipv6_cidr_block"),
    );
    return value instanceof CidrValue ? value.cidr : undefined;
  }

  private blockAssociation(res: RawResource): void {
    const vpcKey = this.read.entity(this.read.slot(res, "vpc_id"), "vpc", false);
    const cidr = this.read.cidr(this.read.slot(res, "cidr_block"), "ipv4");
    if (!vpcKey || !cidr || !this.builder.vpc(vpcKey))
      throw new ReachInputError(`${res.address}: needs vpc_id and a literal or computable cidr_block`);
    this.builder.addVpcBlock(vpcKey, { cidr, source: res.address });
  }

  private subnet(res: RawResource): void {
    this.builder.addSubnet({
      address: res.address,
      vpc: this.read.requiredEntity(res, "vpc_id", "vpc"),
      ipv4: this.read.cidr(this.read.slot(res, "cidr_block"), "ipv4"),
      ipv6: this.read.cidr(this.read.slot(res, "ipv6_cidr_block"), "ipv6"),
      assignIpv6OnCreation: this.read.bool(this.read.slot(res, "assign_ipv6_address_on_creation")),
    });
  }

  private gateway(res: RawResource): void {
    const kind = GATEWAY_OF_TYPE.get(res.type) ?? "gateway";
    let vpc: string | undefined;
    if (res.type === "aws_nat_gateway") {
      const subnet = this.read.entity(this.read.slot(res, "subnet_id"), "subnet", true);
      vpc = subnet ? this.builder.subnet(subnet)?.vpc : undefined;
    } else {
      vpc = this.read.entity(this.read.slot(res, "vpc_id"), "vpc", true);
    }
    this.builder.addGateway({ address: res.address, kind, vpc: vpc && this.builder.vpc(vpc) ? vpc : undefined });
  }

  private routeTable(res: RawResource): void {
    this.builder.addRouteTable({
      address: res.address,
      label: res.address,
      vpc: this.read.requiredEntity(res, "vpc_id", "vpc"),
      routes: this.read.blocks(res, "route").flatMap((block) => this.routeOf(block, "cidr_block", "ipv6_cidr_block")),
    });
  }

  private defaultRouteTable(res: RawResource): void {
    const key = this.read.requiredEntity(res, "default_route_table_id", "route table");
    const table = this.builder.routeTable(key);
    if (!table || key !== defaultRouteTableKey(table.vpc))
      throw new ReachInputError(
        `${res.address}: default_route_table_id must refer to an aws_vpc's default_route_table_id`,
      );
    // Terraform removes every route of the adopted table that the resource does not declare.
    const routes = this.read
      .blocks(res, "route")
      .flatMap((block) => this.routeOf(block, "cidr_block", "ipv6_cidr_block"));
    this.builder.replaceRouteTable({ ...table, label: res.address, routes });
  }

  private route(res: RawResource): void {
    const key = this.read.entity(this.read.slot(res, "route_table_id"), "route table", true);
    if (!key || !this.builder.routeTable(key)) return;
    const routes = this.routeOf(
      { res, label: "", raw: res.body },
      "destination_cidr_block",
      "destination_ipv6_cidr_block",
    );
    if (routes.length > 0) this.builder.addRoutes(key, routes);
  }

  /**
   * The static routes of VPN connections (aws_vpn_connection_route), put by their VPN gateway into
   * each route table it propagates to. Connections of one gateway with the same static route (a
   * redundant pair, as AWS's VPN routing guide describes) give the table one propagated route. Routes
   * a connection learns over BGP are not known before deploy: they are not modeled.
   */
  private vpnPropagations(): void {
    const referenced = (res: RawResource, field: string): string | undefined => {
      const value = this.read.bestEffort(res, own(res.body, field));
      return value instanceof ResourceRef ? this.resolver.address(value.stack, value.type, value.name) : undefined;
    };
    const gatewayOf = new Map<string, string>();
    this.each("aws_vpn_connection", (res) => {
      const gateway = referenced(res, "vpn_gateway_id");
      if (gateway) gatewayOf.set(res.address, gateway);
    });
    const staticRoutes = new Map<string, RawResource[]>();
    this.each("aws_vpn_connection_route", (res) => {
      const connection = referenced(res, "vpn_connection_id");
      const gateway = connection === undefined ? undefined : gatewayOf.get(connection);
      if (gateway) staticRoutes.set(gateway, [...(staticRoutes.get(gateway) ?? []), res]);
    });
    this.each("aws_vpn_gateway_route_propagation", (res) => {
      const gateway = referenced(res, "vpn_gateway_id");
      const table = this.read.entity(this.read.slot(res, "route_table_id"), "route table", true);
      if (!gateway || !table || !this.builder.routeTable(table)) return;
      const byDestination = new Map<string, { destination: Route["destination"]; sources: string[] }>();
      for (const route of staticRoutes.get(gateway) ?? []) {
        const destination = this.read.cidr(this.read.slot(route, "destination_cidr_block"), "ipv4");
        if (!destination) continue;
        const seen = byDestination.get(destination.text);
        if (seen) seen.sources.push(route.address);
        else byDestination.set(destination.text, { destination, sources: [route.address] });
      }
      const routes = [...byDestination.values()].map(({ destination, sources }): Route => ({
        source: `${sources.join(", ")} (propagated by ${res.address})`,
        destination,
        target: { kind: "gateway", gateway, gatewayKind: "VPN gateway" },
      }));
      if (routes.length > 0) this.builder.addRoutes(table, routes);
    });
  }

  private routeOf(block: Slot, ipv4Field: string, ipv6Field: string): Route[] {
    const body = isRecord(block.raw) ? block.raw : {};
    const source = block.label ? `${block.res.address} ${block.label}` : block.res.address;
    const destination =
      this.read.cidr(this.read.field(block, ipv4Field), "ipv4") ??
      this.read.cidr(this.read.field(block, ipv6Field), "ipv6");
    if (!destination) {
      if (present(own(body, "destination_prefix_list_id"))) {
        this.builder.warn({
          resource: source,
          message: "routes to prefix lists are not modeled; this route is ignored",
        });
        return [];
      }
      throw new ReachInputError(`${source}: has no destination CIDR (${ipv4Field} or ${ipv6Field})`);
    }
    return [{ source, destination, target: this.routeTarget(block, body) }];
  }

  private routeTarget(block: Slot, body: Readonly<Record<string, unknown>>): RouteTarget {
    if (present(own(body, "vpc_peering_connection_id"))) {
      const peering = this.read.entity(this.read.field(block, "vpc_peering_connection_id"), "peering connection", true);
      return { kind: "peering", peering: peering ?? "" };
    }
    if (own(body, "gateway_id") === "local") return { kind: "local" };
    for (const [field, kind] of ROUTE_TARGETS) {
      const raw = own(body, field);
      if (!present(raw)) continue;
      const value = this.read.bestEffort(block.res, raw, block.scope);
      if (value instanceof ResourceRef) {
        const address = this.resolver.address(value.stack, value.type, value.name);
        return { kind: "gateway", gateway: address, gatewayKind: GATEWAY_OF_TYPE.get(value.type) ?? kind };
      }
      const text = typeof value === "string" ? value : typeof raw === "string" ? raw : preview(raw);
      const literalKind: GatewayKind = text.startsWith("igw-")
        ? "internet gateway"
        : text.startsWith("vgw-")
          ? "VPN gateway"
          : kind;
      return { kind: "gateway", gateway: text, gatewayKind: literalKind };
    }
    throw new ReachInputError(`${block.res.address}${block.label ? " " + block.label : ""}: has no route target`);
  }

  private routeTableAssociation(res: RawResource): void {
    if (!present(own(res.body, "subnet_id"))) return;
    const subnet = this.read.entity(this.read.slot(res, "subnet_id"), "subnet", true);
    if (!subnet || !this.builder.subnet(subnet)) return;
    const table = this.read.requiredEntity(res, "route_table_id", "route table");
    this.builder.addRouteTableAssociation({ source: res.address, from: subnet, to: table });
  }

  private mainRouteTableAssociation(res: RawResource): void {
    const vpc = this.read.requiredEntity(res, "vpc_id", "vpc");
    this.builder.addMainRouteTableAssociation({
      source: res.address,
      from: vpc,
      to: this.read.requiredEntity(res, "route_table_id", "route table"),
    });
  }

  private peering(res: RawResource): void {
    const region = this.resolver.region(res);
    const account = this.resolver.account(res);
    const peerRegion = this.read.string(this.read.slot(res, "peer_region"));
    const owner = this.read.value(this.read.slot(res, "peer_owner_id"));
    this.builder.addPeering({
      address: res.address,
      region,
      requesterVpc: this.read.requiredEntity(res, "vpc_id", "vpc", true),
      accepterVpc: this.read.requiredEntity(res, "peer_vpc_id", "vpc", true),
      peerRegion: peerRegion ?? region,
      peerRegionSet: peerRegion !== undefined,
      peerOwnerId: typeof owner === "string" ? owner : undefined,
      account,
      peerAccount:
        owner === null
          ? account
          : typeof owner === "string"
            ? owner
            : owner instanceof AccountRef
              ? this.resolver.callerAccount(owner)
              : undefined,
      autoAccept: this.read.bool(this.read.slot(res, "auto_accept")),
      accepters: [],
    });
  }

  private accepter(res: RawResource): void {
    const key = this.read.entity(this.read.slot(res, "vpc_peering_connection_id"), "peering connection", true);
    if (!key || !this.builder.peering(key)) return;
    this.builder.addAccepter(key, {
      address: res.address,
      region: this.resolver.region(res),
      account: this.resolver.account(res),
      autoAccept: this.read.bool(this.read.slot(res, "auto_accept")),
    });
  }

  private networkAcl(res: RawResource): void {
    const vpc = this.read.requiredEntity(res, "vpc_id", "vpc");
    this.builder.addNetworkAcl({ address: res.address, label: res.address, vpc, rules: this.inlineNaclRules(res) });
    this.naclSubnets(res, res.address);
  }

  private defaultNetworkAcl(res: RawResource): void {
    const key = this.read.requiredEntity(res, "default_network_acl_id", "network ACL");
    const acl = this.builder.networkAcl(key);
    if (!acl || key !== defaultNetworkAclKey(acl.vpc))
      throw new ReachInputError(
        `${res.address}: default_network_acl_id must refer to an aws_vpc's default_network_acl_id`,
      );
    // Terraform removes every entry of the adopted ACL that the resource does not declare.
    this.builder.replaceNetworkAcl({ ...acl, label: res.address, rules: this.inlineNaclRules(res) });
    this.naclSubnets(res, key);
  }

  private naclSubnets(res: RawResource, acl: string): void {
    for (const subnet of this.read.entities(this.read.slot(res, "subnet_ids"), "subnet", true)) {
      if (this.builder.subnet(subnet))
        this.builder.addNetworkAclAssociation({ source: res.address, from: subnet, to: acl });
    }
  }

  private inlineNaclRules(res: RawResource): NaclRule[] {
    return (["ingress", "egress"] as const).flatMap((direction) =>
      this.read
        .blocks(res, direction)
        .map((block) => this.naclRule(block, direction === "egress", "rule_no", "action")),
    );
  }

  private standaloneNaclRule(res: RawResource): void {
    const key = this.read.entity(this.read.slot(res, "network_acl_id"), "network ACL", true);
    const acl = key ? this.builder.networkAcl(key) : undefined;
    if (!acl) return;
    const rule = this.naclRule(
      { res, label: "", raw: res.body },
      this.read.bool(this.read.slot(res, "egress")),
      "rule_number",
      "rule_action",
    );
    this.builder.addNaclRules(acl.address, [rule]);
  }

  private naclRule(block: Slot, egress: boolean, numberField: string, actionField: string): NaclRule {
    const source = block.label ? `${block.res.address} ${block.label}` : block.res.address;
    const cidr =
      this.read.cidr(this.read.field(block, "cidr_block"), "ipv4") ??
      this.read.cidr(this.read.field(block, "ipv6_cidr_block"), "ipv6");
    const ruleNo = this.read.integer(this.read.field(block, numberField), NACL_RULE_NUMBERS.min, NACL_RULE_NUMBERS.max);
    const action = this.read.string(this.read.field(block, actionField))?.toLowerCase();
    if (!cidr || ruleNo === undefined || (action !== "allow" && action !== "deny")) {
      throw new ReachInputError(
        `${source}: a network ACL rule needs ${numberField}, ${actionField} (allow or deny) and cidr_block or ipv6_cidr_block`,
      );
    }
    return {
      source,
      egress,
      ruleNo,
      allow: action === "allow",
      protocol: this.read.protocol(this.read.field(block, "protocol")),
      cidr,
      icmpType: this.read.integer(this.read.field(block, "icmp_type"), -1, 255) ?? 0,
      icmpCode: this.read.integer(this.read.field(block, "icmp_code"), -1, 255) ?? 0,
    };
  }

  private naclAssociation(res: RawResource): void {
    const subnet = this.read.entity(this.read.slot(res, "subnet_id"), "subnet", true);
    if (!subnet || !this.builder.subnet(subnet)) return;
    this.builder.addNetworkAclAssociation({
      source: res.address,
      from: subnet,
      to: this.read.requiredEntity(res, "network_acl_id", "network ACL"),
    });
  }

  private instance(res: RawResource): void {
    if (!present(own(res.body, "subnet_id"))) {
      throw new ReachInputError(
        `${res.address}: has no subnet_id; reach places instances by subnet_id (default-VPC placement and separate network interfaces are not modeled)`,
      );
    }
    const subnetKey = this.read.requiredEntity(res, "subnet_id", "subnet");
    const subnet = this.builder.subnet(subnetKey);
    if (!subnet)
      throw new ReachInputError(`${res.address}: subnet_id must refer to an aws_subnet in the loaded configuration`);
    const groups = [
      ...this.read.entities(this.read.slot(res, "vpc_security_group_ids"), "security group", false),
      ...this.read.entities(this.read.slot(res, "security_groups"), "security group", false),
    ];
    const ipv6Addresses = this.read.addresses(this.read.slot(res, "ipv6_addresses"), "ipv6");
    const ipv6Count = this.read.integer(this.read.slot(res, "ipv6_address_count"), 0, Number.MAX_SAFE_INTEGER) ?? 0;
    const fixedIpv4 = this.read.addresses(this.read.slot(res, "private_ip"), "ipv4")[0];
    this.builder.addInstance({
      address: res.address,
      stack: res.stack,
      subnet: subnetKey,
      securityGroups: groups.length > 0 ? groups : [defaultSecurityGroupKey(subnet.vpc)],
      ipv4: fixedIpv4,
      ipv6: ipv6Addresses[0],
      wantsIpv6:
        ipv6Addresses.length > 0 || ipv6Count > 0 || (subnet.assignIpv6OnCreation && subnet.ipv6 !== undefined),
      tags: this.tags(res),
    });
  }

  private tags(res: RawResource): Record<string, string> {
    const raw = own(res.body, "tags");
    if (!isRecord(raw)) return {};
    const tags: Record<string, string> = {};
    for (const [key, value] of Object.entries(raw)) {
      if (key === "//") continue;
      const evaluated = this.read.bestEffort(res, value);
      const text =
        typeof evaluated === "string" || typeof evaluated === "number" || typeof evaluated === "boolean"
          ? String(evaluated)
          : typeof value === "string"
            ? value
            : preview(value);
      tags[key] = text.length > TAG_VALUE_LENGTH ? `${text.slice(0, TAG_VALUE_LENGTH - 1)}…` : text;
    }
    return tags;
  }
}

const POOL_CANDIDATES = Array.from(
  { length: 16 },
  (_, i) => parseCidr(`3fff:${(0xff00 - i * 0x100).toString(16)}::/32`) as Cidr,
);

/** Runs of hex digits and colons, with a prefix length after them; linear in the text. */
const IPV6_LIKE = /[0-9a-fA-F:]+(\/[0-9]+)?/g;

/** A /32 for AWS-assigned IPv6 blocks that no IPv6 literal of the documents falls into. */
function generatedPool(documents: readonly StackDocument[]): bigint {
  const literals: Cidr[] = [];
  const pending: unknown[] = documents.map((doc) => doc.json);
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === "string") {
      if (!value.includes(":")) continue;
      for (const match of value.match(IPV6_LIKE) ?? []) {
        if (!match.includes(":")) continue;
        const cidr = parseCidr(match.includes("/") ? match : `${match}/128`);
        if (typeof cidr !== "string") literals.push(cidr);
      }
    } else if (Array.isArray(value)) {
      for (const item of value) pending.push(item);
    } else if (isRecord(value)) {
      for (const item of Object.values(value)) pending.push(item);
    }
  }
  const pool = POOL_CANDIDATES.find((candidate) => !literals.some((literal) => cidrInside(literal, candidate)));
  if (!pool) {
    throw new ReachInputError(
      "the configuration uses IPv6 blocks all over 3fff:f000::/20; reach needs a free /32 there to stand in for AWS-assigned IPv6 blocks",
    );
  }
  return pool.first;
}
