import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join, resolve as resolvePath } from "node:path";
import { type Cidr, type Family, cidrInside, parseAddress, parseCidr } from "./cidr";
import type {
  Association,
  Finding,
  Gateway,
  GatewayKind,
  Instance,
  Model,
  NaclRule,
  NetworkAcl,
  Peering,
  PeeringAccepter,
  Route,
  RouteTable,
  RouteTarget,
  SecurityGroup,
  SgRule,
  StackDocument,
  Subnet,
  Vpc,
} from "./model";
import { ReachInputError } from "./model";
import { CidrValue, type RawResource, ResourceRef, Resolver, type Value, describeFailure, isRecord } from "./resolve";

/** Reads and resolves Terraform JSON: cdk.tf.json files, stack directories or cdktf.out directories. */
export function loadTerraform(paths: readonly string[]): Model {
  return buildModel(readDocuments(paths));
}

/** Reads the Terraform JSON documents behind each path, one per stack. */
export function readDocuments(paths: readonly string[]): StackDocument[] {
  if (paths.length === 0)
    throw new ReachInputError("no PATH given; pass a cdk.tf.json, a stack directory or a cdktf.out directory");
  return paths.flatMap((path) => readPath(resolvePath(path)));
}

function readPath(path: string): StackDocument[] {
  if (!existsSync(path)) {
    throw new ReachInputError(
      `${path}: no such file or directory; pass a cdk.tf.json, a stack directory or a cdktf.out directory`
    );
  }
  if (statSync(path).isFile()) return [readJsonFile(path, undefined)];
  const manifest = join(path, "manifest.json");
  if (existsSync(manifest)) {
    const json = parseJson(manifest);
    if (!isRecord(json) || !isRecord(json.stacks))
      throw new ReachInputError(`${manifest}: has no "stacks" object; is this a cdktf.out directory?`);
    return Object.entries(json.stacks)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, stack]) => {
        const file =
          isRecord(stack) && typeof stack.synthesizedStackPath === "string"
            ? stack.synthesizedStackPath
            : join("stacks", name, "cdk.tf.json");
        return readJsonFile(join(path, file), name);
      });
  }
  const stacksDir = join(path, "stacks");
  if (existsSync(stacksDir) && statSync(stacksDir).isDirectory()) {
    return readdirSync(stacksDir)
      .sort()
      .filter((name) => statSync(join(stacksDir, name)).isDirectory())
      .flatMap((name) => readPath(join(stacksDir, name)));
  }
  const files = readdirSync(path).sort();
  const jsonFiles = files.filter((f) => f.endsWith(".tf.json"));
  if (jsonFiles.length === 0) {
    const hcl = files.filter((f) => f.endsWith(".tf"));
    throw new ReachInputError(
      hcl.length > 0
        ? `${path}: has only HCL (${hcl.join(
            ", "
          )}); reach reads Terraform JSON: synthesize with cdktf (cdk.tf.json) or convert the files to .tf.json`
        : `${path}: has no cdk.tf.json, *.tf.json or manifest.json; pass a cdk.tf.json, a stack directory or a cdktf.out directory`
    );
  }
  const docs = jsonFiles.map((f) => readJsonFile(join(path, f), undefined));
  if (docs.length === 1) return docs;
  return [{ stack: docs[0].stack, file: path, json: mergeDocuments(docs.map((d) => d.json)) }];
}

function readJsonFile(file: string, stack: string | undefined): StackDocument {
  if (file.endsWith(".tf")) {
    throw new ReachInputError(
      `${file}: is HCL; reach reads Terraform JSON: synthesize with cdktf (cdk.tf.json) or convert it to .tf.json`
    );
  }
  const json = parseJson(file);
  const meta = isRecord(json) && isRecord(json["//"]) && isRecord(json["//"].metadata) ? json["//"].metadata : {};
  const name =
    stack ??
    (typeof meta.stackName === "string"
      ? meta.stackName
      : basename(file) === "cdk.tf.json"
      ? basename(dirname(file))
      : basename(file).replace(/(\.tf)?\.json$/, ""));
  return { stack: name, file, json };
}

function parseJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ReachInputError(`${file}: cannot be read (${(error as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ReachInputError(`${file}: is not valid JSON (${(error as Error).message})`);
  }
}

function mergeDocuments(docs: readonly unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const doc of docs) {
    if (!isRecord(doc)) continue;
    for (const [section, body] of Object.entries(doc)) {
      const prev = out[section];
      if (section === "provider" && isRecord(prev) && isRecord(body)) {
        const aws = [prev.aws, body.aws].flat().filter((p) => p !== undefined);
        out[section] = { ...prev, ...body, aws };
      } else if ((section === "resource" || section === "data") && isRecord(prev) && isRecord(body)) {
        const merged: Record<string, unknown> = { ...prev };
        for (const [type, byName] of Object.entries(body)) {
          merged[type] = { ...(isRecord(prev[type]) ? prev[type] : {}), ...(isRecord(byName) ? byName : {}) };
        }
        out[section] = merged;
      } else if (isRecord(prev) && isRecord(body)) {
        out[section] = { ...prev, ...body };
      } else {
        out[section] = body;
      }
    }
  }
  return out;
}

const MODELED = new Set([
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
]);

type Kind = "vpc" | "subnet" | "route table" | "security group" | "network ACL" | "peering connection" | "instance";

const KIND_OF_TYPE: Readonly<Record<string, Kind>> = {
  aws_vpc: "vpc",
  aws_subnet: "subnet",
  aws_route_table: "route table",
  aws_default_route_table: "route table",
  aws_security_group: "security group",
  aws_default_security_group: "security group",
  aws_network_acl: "network ACL",
  aws_default_network_acl: "network ACL",
  aws_vpc_peering_connection: "peering connection",
  aws_vpc_peering_connection_accepter: "peering connection",
  aws_instance: "instance",
};

const GATEWAY_OF_TYPE: Readonly<Record<string, GatewayKind>> = {
  aws_internet_gateway: "internet gateway",
  aws_nat_gateway: "NAT gateway",
  aws_vpn_gateway: "VPN gateway",
  aws_egress_only_internet_gateway: "egress-only internet gateway",
  aws_ec2_transit_gateway: "transit gateway",
  aws_network_interface: "network interface",
  aws_vpc_endpoint: "VPC endpoint",
};

const ROUTE_TARGETS: Readonly<Record<string, GatewayKind>> = {
  gateway_id: "gateway",
  nat_gateway_id: "NAT gateway",
  egress_only_gateway_id: "egress-only internet gateway",
  transit_gateway_id: "transit gateway",
  network_interface_id: "network interface",
  vpc_endpoint_id: "VPC endpoint",
  carrier_gateway_id: "gateway",
  local_gateway_id: "gateway",
  core_network_arn: "gateway",
};

const PROTOCOLS: Readonly<Record<string, number>> = { all: -1, icmp: 1, tcp: 6, udp: 17, icmpv6: 58, "ipv6-icmp": 58 };

interface Slot {
  readonly res: RawResource;
  readonly label: string;
  readonly raw: unknown;
}

/** Builds the typed model from Terraform JSON documents (pure: no file access). */
export function buildModel(documents: readonly StackDocument[]): Model {
  return new ModelBuilder(documents).build();
}

class ModelBuilder {
  private readonly resolver: Resolver;
  private readonly warnings: Finding[] = [];
  private readonly byType = new Map<string, RawResource[]>();
  private readonly vpcs = new Map<string, Vpc>();
  private readonly subnets = new Map<string, Subnet>();
  private readonly routeTables = new Map<string, RouteTable>();
  private readonly peerings = new Map<string, Peering>();
  private readonly gateways = new Map<string, Gateway>();
  private readonly securityGroups = new Map<string, SecurityGroup>();
  private readonly networkAcls = new Map<string, NetworkAcl>();
  private readonly instances = new Map<string, Instance>();
  private readonly routeTableAssociations: Association[] = [];
  private readonly mainRouteTableAssociations: Association[] = [];
  private readonly networkAclAssociations: Association[] = [];

  constructor(documents: readonly StackDocument[]) {
    this.resolver = new Resolver(documents, generatedPool(documents));
    for (const res of this.resolver.resources()) {
      if (!MODELED.has(res.type)) continue;
      for (const meta of ["count", "for_each"]) {
        if (res.body[meta] !== undefined) {
          throw new ReachInputError(
            `${res.address}: uses "${meta}"; reach reads resources one by one: synthesize without ${meta} (e.g. a loop in the cdktf app)`
          );
        }
      }
      this.byType.set(res.type, [...(this.byType.get(res.type) ?? []), res]);
    }
  }

  build(): Model {
    this.each("aws_vpc", (res) => this.vpc(res));
    this.each("aws_vpc_ipv4_cidr_block_association", (res) => this.blockAssociation(res));
    this.each("aws_subnet", (res) => this.subnet(res));
    for (const type of ["aws_internet_gateway", "aws_nat_gateway", "aws_vpn_gateway"])
      this.each(type, (res) => this.gateway(res));
    this.each("aws_route_table", (res) => this.routeTable(res));
    this.each("aws_default_route_table", (res) => this.defaultRouteTable(res));
    this.each("aws_route", (res) => this.route(res));
    this.each("aws_route_table_association", (res) => this.routeTableAssociation(res));
    this.each("aws_main_route_table_association", (res) => this.mainRouteTableAssociation(res));
    this.each("aws_vpc_peering_connection", (res) => this.peering(res));
    this.each("aws_vpc_peering_connection_accepter", (res) => this.accepter(res));
    this.each("aws_security_group", (res) => this.securityGroup(res));
    this.each("aws_default_security_group", (res) => this.defaultSecurityGroup(res));
    for (const type of [
      "aws_security_group_rule",
      "aws_vpc_security_group_ingress_rule",
      "aws_vpc_security_group_egress_rule",
    ]) {
      this.each(type, (res) => this.standaloneSgRule(res));
    }
    this.each("aws_network_acl", (res) => this.networkAcl(res));
    this.each("aws_default_network_acl", (res) => this.defaultNetworkAcl(res));
    this.each("aws_network_acl_rule", (res) => this.standaloneNaclRule(res));
    this.each("aws_network_acl_association", (res) => this.naclAssociation(res));
    this.each("aws_instance", (res) => this.instance(res));
    return {
      vpcs: this.vpcs,
      subnets: this.subnets,
      routeTables: this.routeTables,
      peerings: this.peerings,
      gateways: this.gateways,
      securityGroups: this.securityGroups,
      networkAcls: this.networkAcls,
      instances: this.instances,
      routeTableAssociations: this.routeTableAssociations,
      mainRouteTableAssociations: this.mainRouteTableAssociations,
      networkAclAssociations: this.networkAclAssociations,
      generated: this.resolver.generated,
      warnings: this.warnings,
    };
  }

  private each(type: string, build: (res: RawResource) => void): void {
    for (const res of this.byType.get(type) ?? []) build(res);
  }

  private vpc(res: RawResource): void {
    const cidr = this.cidr(this.slot(res, "cidr_block"), "ipv4");
    if (!cidr) {
      throw new ReachInputError(
        `${res.address}: has no cidr_block; reach needs a literal or computable IPv4 block (IPAM-allocated blocks are not modeled)`
      );
    }
    const ipv6 = this.cidr(this.slot(res, "ipv6_cidr_block"), "ipv6") ?? this.generatedIpv6(res);
    const vpc: Vpc = {
      address: res.address,
      stack: res.stack,
      region: this.resolver.region(res),
      ipv4: [{ cidr, source: res.address }],
      ipv6: ipv6 ? [{ cidr: ipv6, source: res.address }] : [],
    };
    this.vpcs.set(res.address, vpc);
    this.routeTables.set(`${res.address}.default_route_table`, {
      address: `${res.address}.default_route_table`,
      label: `the default route table of ${res.address}`,
      vpc: res.address,
      routes: [],
    });
    const any = (family: Family): Cidr => parseCidr(family === "ipv4" ? "0.0.0.0/0" : "::/0") as Cidr;
    const families: Family[] = ipv6 ? ["ipv4", "ipv6"] : ["ipv4"];
    const source = "AWS's default rule";
    this.securityGroups.set(`${res.address}.default_security_group`, {
      address: `${res.address}.default_security_group`,
      label: `the default security group of ${res.address}`,
      vpc: res.address,
      region: vpc.region,
      rules: [
        {
          source,
          egress: false,
          protocol: -1,
          fromPort: -1,
          toPort: -1,
          cidrs: [],
          groups: [`${res.address}.default_security_group`],
          self: true,
        },
        ...families.map((f) => ({
          source,
          egress: true,
          protocol: -1,
          fromPort: -1,
          toPort: -1,
          cidrs: [any(f)],
          groups: [],
          self: false,
        })),
      ],
    });
    this.networkAcls.set(`${res.address}.default_network_acl`, {
      address: `${res.address}.default_network_acl`,
      label: `the default network ACL of ${res.address}`,
      vpc: res.address,
      rules: families.flatMap((f, i) =>
        [false, true].map((egress) => ({
          source,
          egress,
          ruleNo: 100 + i,
          allow: true,
          protocol: -1,
          cidr: any(f),
          icmpType: -1,
          icmpCode: -1,
        }))
      ),
    });
  }

  private generatedIpv6(res: RawResource): Cidr | undefined {
    if (!this.bool(this.slot(res, "assign_generated_ipv6_cidr_block"))) return undefined;
    const value = this.guarded(this.slot(res, "ipv6_cidr_block"), () =>
      this.resolver.resourceAttribute(res.stack, res.type, res.name, "ipv6_cidr_block")
    );
    return value instanceof CidrValue ? value.cidr : undefined;
  }

  private blockAssociation(res: RawResource): void {
    const vpcKey = this.entity(this.slot(res, "vpc_id"), "vpc", false);
    const cidr = this.cidr(this.slot(res, "cidr_block"), "ipv4");
    const vpc = vpcKey ? this.vpcs.get(vpcKey) : undefined;
    if (!vpc || !cidr) throw new ReachInputError(`${res.address}: needs vpc_id and a literal or computable cidr_block`);
    this.vpcs.set(vpc.address, { ...vpc, ipv4: [...vpc.ipv4, { cidr, source: res.address }] });
  }

  private subnet(res: RawResource): void {
    this.subnets.set(res.address, {
      address: res.address,
      vpc: this.requiredEntity(res, "vpc_id", "vpc"),
      ipv4: this.cidr(this.slot(res, "cidr_block"), "ipv4"),
      ipv6: this.cidr(this.slot(res, "ipv6_cidr_block"), "ipv6"),
      assignIpv6OnCreation: this.bool(this.slot(res, "assign_ipv6_address_on_creation")),
    });
  }

  private gateway(res: RawResource): void {
    const kind = GATEWAY_OF_TYPE[res.type];
    let vpc: string | undefined;
    if (res.type === "aws_nat_gateway") {
      const subnet = this.entity(this.slot(res, "subnet_id"), "subnet", true);
      vpc = subnet ? this.subnets.get(subnet)?.vpc : undefined;
    } else {
      vpc = this.entity(this.slot(res, "vpc_id"), "vpc", true);
    }
    this.gateways.set(res.address, { address: res.address, kind, vpc: vpc && this.vpcs.has(vpc) ? vpc : undefined });
  }

  private routeTable(res: RawResource): void {
    this.routeTables.set(res.address, {
      address: res.address,
      label: res.address,
      vpc: this.requiredEntity(res, "vpc_id", "vpc"),
      routes: this.blocks(res, "route").flatMap((block) => this.routeOf(block, "cidr_block", "ipv6_cidr_block")),
    });
  }

  private defaultRouteTable(res: RawResource): void {
    const key = this.requiredEntity(res, "default_route_table_id", "route table");
    const table = this.routeTables.get(key);
    if (!table)
      throw new ReachInputError(
        `${res.address}: default_route_table_id must refer to an aws_vpc's default_route_table_id`
      );
    const routes = this.blocks(res, "route").flatMap((block) => this.routeOf(block, "cidr_block", "ipv6_cidr_block"));
    this.routeTables.set(key, { ...table, label: res.address, routes: [...table.routes, ...routes] });
  }

  private route(res: RawResource): void {
    const key = this.entity(this.slot(res, "route_table_id"), "route table", true);
    const table = key ? this.routeTables.get(key) : undefined;
    if (!table) return;
    const routes = this.routeOf(
      { res, label: "", raw: res.body },
      "destination_cidr_block",
      "destination_ipv6_cidr_block"
    );
    this.routeTables.set(table.address, { ...table, routes: [...table.routes, ...routes] });
  }

  private routeOf(block: Slot, ipv4Field: string, ipv6Field: string): Route[] {
    const body = isRecord(block.raw) ? block.raw : {};
    const source = block.label ? `${block.res.address} ${block.label}` : block.res.address;
    const destination =
      this.cidr(this.field(block, ipv4Field), "ipv4") ?? this.cidr(this.field(block, ipv6Field), "ipv6");
    if (!destination) {
      if (present(body.destination_prefix_list_id)) {
        this.warnings.push({
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
    if (present(body.vpc_peering_connection_id)) {
      const peering = this.entity(this.field(block, "vpc_peering_connection_id"), "peering connection", true);
      return { kind: "peering", peering: peering ?? "" };
    }
    if (body.gateway_id === "local") return { kind: "local" };
    for (const [field, kind] of Object.entries(ROUTE_TARGETS)) {
      if (!present(body[field])) continue;
      let value: Value;
      try {
        value = this.resolver.evaluate(block.res.stack, body[field]);
      } catch {
        value = String(body[field]);
      }
      if (value instanceof ResourceRef) {
        const address = this.resolver.address(value.stack, value.type, value.name);
        return { kind: "gateway", gateway: address, gatewayKind: GATEWAY_OF_TYPE[value.type] ?? kind };
      }
      const text = String(value);
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
    if (!present(res.body.subnet_id)) return;
    const subnet = this.entity(this.slot(res, "subnet_id"), "subnet", true);
    if (!subnet || !this.subnets.has(subnet)) return;
    const table = this.requiredEntity(res, "route_table_id", "route table");
    this.routeTableAssociations.push({ source: res.address, from: subnet, to: table });
  }

  private mainRouteTableAssociation(res: RawResource): void {
    const vpc = this.requiredEntity(res, "vpc_id", "vpc");
    this.mainRouteTableAssociations.push({
      source: res.address,
      from: vpc,
      to: this.requiredEntity(res, "route_table_id", "route table"),
    });
  }

  private peering(res: RawResource): void {
    const region = this.resolver.region(res);
    const peerRegion = this.string(this.slot(res, "peer_region"));
    const owner = this.value(this.slot(res, "peer_owner_id"));
    this.peerings.set(res.address, {
      address: res.address,
      region,
      requesterVpc: this.requiredEntity(res, "vpc_id", "vpc", true),
      accepterVpc: this.requiredEntity(res, "peer_vpc_id", "vpc", true),
      peerRegion: peerRegion ?? region,
      peerRegionSet: peerRegion !== undefined,
      peerOwnerId: typeof owner === "string" ? owner : undefined,
      autoAccept: this.bool(this.slot(res, "auto_accept")),
      accepters: [],
    });
  }

  private accepter(res: RawResource): void {
    const key = this.entity(this.slot(res, "vpc_peering_connection_id"), "peering connection", true);
    const peering = key ? this.peerings.get(key) : undefined;
    if (!peering) return;
    const accepter: PeeringAccepter = {
      address: res.address,
      region: this.resolver.region(res),
      autoAccept: this.bool(this.slot(res, "auto_accept")),
    };
    this.peerings.set(peering.address, { ...peering, accepters: [...peering.accepters, accepter] });
  }

  private securityGroup(res: RawResource): void {
    const vpc = present(res.body.vpc_id) ? this.requiredEntity(res, "vpc_id", "vpc") : undefined;
    this.securityGroups.set(res.address, {
      address: res.address,
      label: res.address,
      vpc,
      region: this.resolver.region(res),
      rules: this.inlineSgRules(res),
    });
  }

  private defaultSecurityGroup(res: RawResource): void {
    const vpc = this.requiredEntity(res, "vpc_id", "vpc");
    const key = `${vpc}.default_security_group`;
    const group = this.securityGroups.get(key);
    if (!group) throw new ReachInputError(`${res.address}: vpc_id must refer to an aws_vpc`);
    this.securityGroups.set(key, { ...group, label: res.address, rules: this.inlineSgRules(res) });
  }

  private inlineSgRules(res: RawResource): SgRule[] {
    return (["ingress", "egress"] as const).flatMap((direction) =>
      this.blocks(res, direction).map((block) => this.sgRule(block, direction === "egress", res.address))
    );
  }

  private standaloneSgRule(res: RawResource): void {
    const key = this.entity(this.slot(res, "security_group_id"), "security group", true);
    const group = key ? this.securityGroups.get(key) : undefined;
    if (!group) return;
    const egress =
      res.type === "aws_vpc_security_group_egress_rule" ||
      (res.type === "aws_security_group_rule" && this.string(this.slot(res, "type")) === "egress");
    const rule = this.sgRule({ res, label: "", raw: res.body }, egress, group.address);
    this.securityGroups.set(group.address, { ...group, rules: [...group.rules, rule] });
  }

  private sgRule(block: Slot, egress: boolean, group: string): SgRule {
    const body = isRecord(block.raw) ? block.raw : {};
    const source = block.label ? `${block.res.address} ${block.label}` : block.res.address;
    const protocolField = present(body.ip_protocol) ? "ip_protocol" : "protocol";
    const cidrs = [
      ...this.cidrs(this.field(block, "cidr_blocks"), "ipv4"),
      ...this.cidrs(this.field(block, "ipv6_cidr_blocks"), "ipv6"),
      ...[this.cidr(this.field(block, "cidr_ipv4"), "ipv4"), this.cidr(this.field(block, "cidr_ipv6"), "ipv6")].filter(
        (c): c is Cidr => c !== undefined
      ),
    ];
    const groups = ["security_groups", "source_security_group_id", "referenced_security_group_id"].flatMap((field) =>
      this.entities(this.field(block, field), "security group", true)
    );
    if (present(body.prefix_list_ids) || present(body.prefix_list_id)) {
      this.warnings.push({
        resource: source,
        message: "prefix lists are not modeled; their part of this rule matches no instance",
      });
    }
    const self = this.bool(this.field(block, "self"));
    return {
      source,
      egress,
      protocol: this.protocol(this.field(block, protocolField)),
      fromPort: this.number(this.field(block, "from_port")) ?? -1,
      toPort: this.number(this.field(block, "to_port")) ?? -1,
      cidrs,
      groups: self ? [...groups, group] : groups,
      self,
    };
  }

  private networkAcl(res: RawResource): void {
    const vpc = this.requiredEntity(res, "vpc_id", "vpc");
    this.networkAcls.set(res.address, {
      address: res.address,
      label: res.address,
      vpc,
      rules: this.inlineNaclRules(res),
    });
    this.naclSubnets(res, res.address);
  }

  private defaultNetworkAcl(res: RawResource): void {
    const key = this.requiredEntity(res, "default_network_acl_id", "network ACL");
    const acl = this.networkAcls.get(key);
    if (!acl)
      throw new ReachInputError(
        `${res.address}: default_network_acl_id must refer to an aws_vpc's default_network_acl_id`
      );
    this.networkAcls.set(key, { ...acl, label: res.address, rules: this.inlineNaclRules(res) });
    this.naclSubnets(res, key);
  }

  private naclSubnets(res: RawResource, acl: string): void {
    for (const subnet of this.entities(this.slot(res, "subnet_ids"), "subnet", true)) {
      if (this.subnets.has(subnet)) this.networkAclAssociations.push({ source: res.address, from: subnet, to: acl });
    }
  }

  private inlineNaclRules(res: RawResource): NaclRule[] {
    return (["ingress", "egress"] as const).flatMap((direction) =>
      this.blocks(res, direction).map((block) => this.naclRule(block, direction === "egress", "rule_no", "action"))
    );
  }

  private standaloneNaclRule(res: RawResource): void {
    const key = this.entity(this.slot(res, "network_acl_id"), "network ACL", true);
    const acl = key ? this.networkAcls.get(key) : undefined;
    if (!acl) return;
    const rule = this.naclRule(
      { res, label: "", raw: res.body },
      this.bool(this.slot(res, "egress")),
      "rule_number",
      "rule_action"
    );
    this.networkAcls.set(acl.address, { ...acl, rules: [...acl.rules, rule] });
  }

  private naclRule(block: Slot, egress: boolean, numberField: string, actionField: string): NaclRule {
    const source = block.label ? `${block.res.address} ${block.label}` : block.res.address;
    const cidr =
      this.cidr(this.field(block, "cidr_block"), "ipv4") ?? this.cidr(this.field(block, "ipv6_cidr_block"), "ipv6");
    const ruleNo = this.number(this.field(block, numberField));
    const action = this.string(this.field(block, actionField))?.toLowerCase();
    if (!cidr || ruleNo === undefined || (action !== "allow" && action !== "deny")) {
      throw new ReachInputError(
        `${source}: a network ACL rule needs ${numberField}, ${actionField} (allow or deny) and cidr_block or ipv6_cidr_block`
      );
    }
    return {
      source,
      egress,
      ruleNo,
      allow: action === "allow",
      protocol: this.protocol(this.field(block, "protocol")),
      cidr,
      icmpType: this.number(this.field(block, "icmp_type")) ?? 0,
      icmpCode: this.number(this.field(block, "icmp_code")) ?? 0,
    };
  }

  private naclAssociation(res: RawResource): void {
    const subnet = this.entity(this.slot(res, "subnet_id"), "subnet", true);
    if (!subnet || !this.subnets.has(subnet)) return;
    this.networkAclAssociations.push({
      source: res.address,
      from: subnet,
      to: this.requiredEntity(res, "network_acl_id", "network ACL"),
    });
  }

  private instance(res: RawResource): void {
    if (!present(res.body.subnet_id)) {
      throw new ReachInputError(
        `${res.address}: has no subnet_id; reach places instances by subnet_id (default-VPC placement and separate network interfaces are not modeled)`
      );
    }
    const subnetKey = this.requiredEntity(res, "subnet_id", "subnet");
    const subnet = this.subnets.get(subnetKey);
    if (!subnet)
      throw new ReachInputError(`${res.address}: subnet_id must refer to an aws_subnet in the loaded configuration`);
    const groups = [
      ...this.entities(this.slot(res, "vpc_security_group_ids"), "security group", false),
      ...this.entities(this.slot(res, "security_groups"), "security group", false),
    ];
    const ipv6Addresses = this.addresses(this.slot(res, "ipv6_addresses"), "ipv6");
    const ipv6Count = this.number(this.slot(res, "ipv6_address_count")) ?? 0;
    const fixedIpv4 = this.addresses(this.slot(res, "private_ip"), "ipv4")[0];
    this.instances.set(res.address, {
      address: res.address,
      stack: res.stack,
      subnet: subnetKey,
      securityGroups: groups.length > 0 ? groups : [`${subnet.vpc}.default_security_group`],
      ipv4: fixedIpv4,
      ipv6: ipv6Addresses[0],
      wantsIpv6:
        ipv6Addresses.length > 0 || ipv6Count > 0 || (subnet.assignIpv6OnCreation && subnet.ipv6 !== undefined),
      tags: this.tags(res),
    });
  }

  private tags(res: RawResource): Record<string, string> {
    const raw = res.body.tags;
    if (!isRecord(raw)) return {};
    const tags: Record<string, string> = {};
    for (const [key, value] of Object.entries(raw)) {
      try {
        const evaluated = this.resolver.evaluate(res.stack, value);
        tags[key] = typeof evaluated === "string" ? evaluated : JSON.stringify(value);
      } catch {
        tags[key] = String(value);
      }
    }
    return tags;
  }

  private slot(res: RawResource, name: string): Slot {
    return { res, label: name, raw: res.body[name] };
  }

  private field(block: Slot, name: string): Slot {
    const body = isRecord(block.raw) ? block.raw : {};
    return { res: block.res, label: block.label ? `${block.label}.${name}` : name, raw: body[name] };
  }

  private blocks(res: RawResource, name: string): Slot[] {
    const raw = res.body[name];
    if (!present(raw)) return [];
    const list = Array.isArray(raw) ? raw : [raw];
    return list.map((item, i) => {
      if (!isRecord(item))
        throw new ReachInputError(`${res.address}: ${name}[${i}] must be an object (a nested block)`);
      return { res, label: `${name}[${i}]`, raw: item };
    });
  }

  private value(slot: Slot): Value {
    if (!present(slot.raw)) return null;
    return this.guarded(slot, () => this.resolver.evaluate(slot.res.stack, slot.raw));
  }

  private guarded(slot: Slot, evaluate: () => Value): Value {
    try {
      return evaluate();
    } catch (error) {
      throw describeFailure(slot.res.address, slot.label, slot.raw, error);
    }
  }

  private string(slot: Slot): string | undefined {
    const value = this.value(slot);
    if (value === null) return undefined;
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return String(value);
    throw this.wrongType(slot, "a string");
  }

  private bool(slot: Slot): boolean {
    const value = this.value(slot);
    if (value === null) return false;
    if (value === true || value === "true") return true;
    if (value === false || value === "false") return false;
    throw this.wrongType(slot, "true or false");
  }

  private number(slot: Slot): number | undefined {
    const value = this.value(slot);
    if (value === null) return undefined;
    if (typeof value === "number") return value;
    if (typeof value === "string" && /^-?[0-9]+$/.test(value)) return Number(value);
    throw this.wrongType(slot, "a number");
  }

  private protocol(slot: Slot): number {
    const text = this.string(slot)?.toLowerCase();
    if (text === undefined) throw this.wrongType(slot, "an IP protocol");
    if (/^-?[0-9]+$/.test(text)) return Number(text);
    const number = PROTOCOLS[text];
    if (number === undefined)
      throw this.wrongType(slot, `an IP protocol name (${Object.keys(PROTOCOLS).join(", ")}) or number`);
    return number;
  }

  private cidr(slot: Slot, family: Family): Cidr | undefined {
    const value = this.value(slot);
    if (value === null || value === "") return undefined;
    const cidr = value instanceof CidrValue ? value.cidr : typeof value === "string" ? parseCidr(value) : undefined;
    if (cidr === undefined) throw this.wrongType(slot, "a CIDR block");
    if (typeof cidr === "string")
      throw new ReachInputError(`${slot.res.address}: ${slot.label}: ${cidr}; fix the block`);
    if (cidr.family !== family) throw this.wrongType(slot, `an ${family === "ipv4" ? "IPv4" : "IPv6"} CIDR block`);
    return cidr;
  }

  private cidrs(slot: Slot, family: Family): Cidr[] {
    const value = this.value(slot);
    if (value === null) return [];
    if (!Array.isArray(value)) throw this.wrongType(slot, "a list of CIDR blocks");
    return (value as readonly Value[]).map(
      (item, i) => this.cidr({ ...slot, label: `${slot.label}[${i}]`, raw: rawItem(slot.raw, i, item) }, family) as Cidr
    );
  }

  private addresses(slot: Slot, family: Family): bigint[] {
    const value = this.value(slot);
    if (value === null) return [];
    const items = Array.isArray(value) ? (value as readonly Value[]) : [value];
    return items.map((item) => {
      const parsed =
        item instanceof CidrValue && item.cidr.first === item.cidr.last
          ? { family: item.cidr.family, value: item.cidr.first }
          : typeof item === "string"
          ? parseAddress(item)
          : undefined;
      if (!parsed || parsed.family !== family)
        throw this.wrongType(slot, `${family === "ipv4" ? "an IPv4" : "IPv6"} address`);
      return parsed.value;
    });
  }

  private entity(slot: Slot, kind: Kind, allowExternal: boolean): string | undefined {
    const value = this.value(slot);
    if (value === null || value === "") return undefined;
    return this.entityOf(slot, value, kind, allowExternal);
  }

  private entities(slot: Slot, kind: Kind, allowExternal: boolean): string[] {
    const value = this.value(slot);
    if (value === null) return [];
    const items = Array.isArray(value) ? (value as readonly Value[]) : [value];
    return items.map((item) => this.entityOf(slot, item, kind, allowExternal));
  }

  private requiredEntity(res: RawResource, attribute: string, kind: Kind, allowExternal = false): string {
    const key = this.entity(this.slot(res, attribute), kind, allowExternal);
    if (key === undefined) throw new ReachInputError(`${res.address}: needs ${attribute} (a ${kind})`);
    return key;
  }

  private entityOf(slot: Slot, value: Value, kind: Kind, allowExternal: boolean): string {
    if (typeof value === "string" && allowExternal) return value;
    if (!(value instanceof ResourceRef)) {
      throw new ReachInputError(
        `${slot.res.address}: ${slot.label} = ${JSON.stringify(
          slot.raw
        )} is not a reference to a ${kind} declared in the loaded configuration; reach needs the ${kind} itself (declare it, or load the stack that declares it)`
      );
    }
    const [key, actual] = this.canonical(slot, value);
    if (actual !== kind) {
      throw new ReachInputError(
        `${slot.res.address}: ${slot.label} = ${JSON.stringify(slot.raw)} refers to a ${
          actual ?? value.type
        }, expected a ${kind}`
      );
    }
    return key;
  }

  private canonical(slot: Slot, ref: ResourceRef): [string, Kind | undefined] {
    const address = this.resolver.address(ref.stack, ref.type, ref.name);
    const follow = (attribute: string, kind: Kind): string => {
      const value = this.guarded(slot, () => this.resolver.resourceAttribute(ref.stack, ref.type, ref.name, attribute));
      return this.entityOf({ ...slot, label: `${slot.label} → ${address}.${attribute}` }, value, kind, false);
    };
    if (ref.type === "aws_vpc") {
      if (ref.attr === "default_route_table_id" || ref.attr === "main_route_table_id")
        return [`${address}.default_route_table`, "route table"];
      if (ref.attr === "default_security_group_id") return [`${address}.default_security_group`, "security group"];
      if (ref.attr === "default_network_acl_id") return [`${address}.default_network_acl`, "network ACL"];
    }
    if (ref.type === "aws_default_route_table") return [follow("default_route_table_id", "route table"), "route table"];
    if (ref.type === "aws_default_network_acl") return [follow("default_network_acl_id", "network ACL"), "network ACL"];
    if (ref.type === "aws_default_security_group")
      return [`${follow("vpc_id", "vpc")}.default_security_group`, "security group"];
    if (ref.type === "aws_vpc_peering_connection_accepter")
      return [follow("vpc_peering_connection_id", "peering connection"), "peering connection"];
    return [address, KIND_OF_TYPE[ref.type]];
  }

  private wrongType(slot: Slot, expected: string): ReachInputError {
    return new ReachInputError(
      `${slot.res.address}: ${slot.label} = ${JSON.stringify(slot.raw)} is not ${expected}; fix the value`
    );
  }
}

function present(raw: unknown): boolean {
  return raw !== undefined && raw !== null;
}

function rawItem(raw: unknown, index: number, fallback: Value): unknown {
  return Array.isArray(raw) ? raw[index] : fallback;
}

const POOL_CANDIDATES = Array.from(
  { length: 16 },
  (_, i) => parseCidr(`3fff:${(0xff00 - i * 0x100).toString(16)}::/32`) as Cidr
);

function generatedPool(documents: readonly StackDocument[]): bigint {
  const literals: Cidr[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === "string") {
      for (const match of value.match(/[0-9a-fA-F:]*:[0-9a-fA-F:]+(\/[0-9]+)?/g) ?? []) {
        const cidr = parseCidr(match.includes("/") ? match : `${match}/128`);
        if (typeof cidr !== "string") literals.push(cidr);
      }
    } else if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (isRecord(value)) {
      Object.values(value).forEach(visit);
    }
  };
  documents.forEach((doc) => visit(doc.json));
  const pool = POOL_CANDIDATES.find((candidate) => !literals.some((literal) => cidrInside(literal, candidate)));
  if (!pool) {
    throw new ReachInputError(
      "the configuration uses IPv6 blocks all over 3fff:f000::/20; reach needs a free /32 there to stand in for AWS-assigned IPv6 blocks"
    );
  }
  return pool.first;
}
