import { type Cidr, type Family, type GeneratedBlock, familyBits, formatAddress, parseCidr } from "./cidr";
import {
  type Association,
  type Finding,
  type Gateway,
  type Instance,
  type Model,
  type NaclRule,
  type NetworkAcl,
  type Peering,
  type PeeringAccepter,
  ReachInputError,
  type Route,
  type RouteTable,
  type SecurityGroup,
  type SgRule,
  type Subnet,
  type Vpc,
  type VpcBlock,
} from "./model";

/**
 * The loader-agnostic half of reach: it assembles the Model from the entities a loader reads (the
 * Terraform loader from Terraform JSON; a live loader could from EC2's Describe calls) and, in build(),
 * checks that the model holds together, so that the analysis never meets a dangling key or an
 * impossible number. It knows AWS, not Terraform: no expressions, no resource types.
 */
export class ModelBuilder {
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
  private readonly warnings: Finding[] = [];
  private readonly extraBlocks = new Map<string, VpcBlock[]>();
  private readonly extraRoutes = new Map<string, Route[]>();
  private readonly extraSgRules = new Map<string, SgRule[]>();
  private readonly extraNaclRules = new Map<string, NaclRule[]>();
  private readonly extraAccepters = new Map<string, PeeringAccepter[]>();

  /** A VPC with its primary blocks. */
  addVpc(vpc: Vpc): void {
    add(this.vpcs, vpc, "VPC");
  }

  /** A further block of a VPC (a CIDR block association). */
  addVpcBlock(vpc: string, block: VpcBlock): void {
    need(this.vpcs, vpc, "VPC", block.source);
    append(this.extraBlocks, vpc, [block]);
  }

  addSubnet(subnet: Subnet): void {
    add(this.subnets, subnet, "subnet");
  }

  addGateway(gateway: Gateway): void {
    add(this.gateways, gateway, "gateway");
  }

  addRouteTable(table: RouteTable): void {
    add(this.routeTables, table, "route table");
  }

  /** Replaces a route table's label and own routes (an adopted default table); added routes stay. */
  replaceRouteTable(table: RouteTable): void {
    need(this.routeTables, table.address, "route table", table.label);
    this.routeTables.set(table.address, table);
  }

  /** Routes declared apart from their table. */
  addRoutes(table: string, routes: readonly Route[]): void {
    need(this.routeTables, table, "route table", routes[0]?.source ?? table);
    append(this.extraRoutes, table, routes);
  }

  addPeering(peering: Peering): void {
    add(this.peerings, peering, "peering connection");
  }

  /** An accepter of a peering connection. */
  addAccepter(peering: string, accepter: PeeringAccepter): void {
    need(this.peerings, peering, "peering connection", accepter.address);
    append(this.extraAccepters, peering, [accepter]);
  }

  addSecurityGroup(group: SecurityGroup): void {
    add(this.securityGroups, group, "security group");
  }

  /** Replaces a security group's label and own rules (an adopted default group); added rules stay. */
  replaceSecurityGroup(group: SecurityGroup): void {
    need(this.securityGroups, group.address, "security group", group.label);
    this.securityGroups.set(group.address, group);
  }

  /** Rules declared apart from their group. */
  addSgRules(group: string, rules: readonly SgRule[]): void {
    need(this.securityGroups, group, "security group", rules[0]?.source ?? group);
    append(this.extraSgRules, group, rules);
  }

  addNetworkAcl(acl: NetworkAcl): void {
    add(this.networkAcls, acl, "network ACL");
  }

  /** Replaces a network ACL's label and own rules (an adopted default ACL); added rules stay. */
  replaceNetworkAcl(acl: NetworkAcl): void {
    need(this.networkAcls, acl.address, "network ACL", acl.label);
    this.networkAcls.set(acl.address, acl);
  }

  /** Entries declared apart from their ACL. */
  addNaclRules(acl: string, rules: readonly NaclRule[]): void {
    need(this.networkAcls, acl, "network ACL", rules[0]?.source ?? acl);
    append(this.extraNaclRules, acl, rules);
  }

  /** A subnet's explicit route table. */
  addRouteTableAssociation(association: Association): void {
    this.routeTableAssociations.push(association);
  }

  /** A VPC's main route table; the last one of a VPC wins. */
  addMainRouteTableAssociation(association: Association): void {
    this.mainRouteTableAssociations.push(association);
  }

  /** A subnet's network ACL. */
  addNetworkAclAssociation(association: Association): void {
    this.networkAclAssociations.push(association);
  }

  addInstance(instance: Instance): void {
    add(this.instances, instance, "instance");
  }

  warn(finding: Finding): void {
    this.warnings.push(finding);
  }

  vpc(key: string): Vpc | undefined {
    return this.vpcs.get(key);
  }

  subnet(key: string): Subnet | undefined {
    return this.subnets.get(key);
  }

  routeTable(key: string): RouteTable | undefined {
    return this.routeTables.get(key);
  }

  peering(key: string): Peering | undefined {
    return this.peerings.get(key);
  }

  securityGroup(key: string): SecurityGroup | undefined {
    return this.securityGroups.get(key);
  }

  networkAcl(key: string): NetworkAcl | undefined {
    return this.networkAcls.get(key);
  }

  /** The model, once every reference in it resolves and every number is one AWS accepts. */
  build(generated: readonly GeneratedBlock[] = []): Model {
    const vpcs = merge(this.vpcs, this.extraBlocks, (vpc, blocks) => ({
      ...vpc,
      ipv4: [...vpc.ipv4, ...blocks.filter((b) => b.cidr.family === "ipv4")],
      ipv6: [...vpc.ipv6, ...blocks.filter((b) => b.cidr.family === "ipv6")],
    }));
    const model: Model = {
      vpcs,
      subnets: this.subnets,
      routeTables: merge(this.routeTables, this.extraRoutes, (t, routes) => ({
        ...t,
        routes: [...t.routes, ...routes],
      })),
      peerings: merge(this.peerings, this.extraAccepters, (p, accepters) => ({
        ...p,
        accepters: [...p.accepters, ...accepters],
      })),
      gateways: this.gateways,
      securityGroups: merge(this.securityGroups, this.extraSgRules, (g, rules) => ({
        ...g,
        rules: [...g.rules, ...rules],
      })),
      networkAcls: merge(this.networkAcls, this.extraNaclRules, (a, rules) => ({
        ...a,
        rules: [...a.rules, ...rules],
      })),
      instances: this.instances,
      routeTableAssociations: this.routeTableAssociations,
      mainRouteTableAssociations: this.mainRouteTableAssociations,
      networkAclAssociations: this.networkAclAssociations,
      generated,
      warnings: this.warnings,
    };
    validateModel(model);
    return model;
  }
}

/** The key of a VPC's default route table while nothing else names it. */
export function defaultRouteTableKey(vpc: string): string {
  return `${vpc}.default_route_table`;
}

/** The key of a VPC's default security group. */
export function defaultSecurityGroupKey(vpc: string): string {
  return `${vpc}.default_security_group`;
}

/** The key of a VPC's default network ACL. */
export function defaultNetworkAclKey(vpc: string): string {
  return `${vpc}.default_network_acl`;
}

const EVERYWHERE: Readonly<Record<Family, Cidr>> = {
  ipv4: parseCidr("0.0.0.0/0") as Cidr,
  ipv6: parseCidr("::/0") as Cidr,
};

/**
 * What AWS creates with a new VPC: a main route table with only the local routes, a default security
 * group that admits its own members and lets everything out, and a default network ACL that allows all.
 * A loader that reads a VPC before it exists (from Terraform) adds these; a live loader reads the real ones.
 */
export function newVpcDefaults(vpc: Vpc): {
  readonly routeTable: RouteTable;
  readonly securityGroup: SecurityGroup;
  readonly networkAcl: NetworkAcl;
} {
  const any = (family: Family): Cidr => EVERYWHERE[family];
  const families: Family[] = vpc.ipv6.length > 0 ? ["ipv4", "ipv6"] : ["ipv4"];
  const source = "AWS's default rule";
  const group = defaultSecurityGroupKey(vpc.address);
  return {
    routeTable: {
      address: defaultRouteTableKey(vpc.address),
      label: `the default route table of ${vpc.address}`,
      vpc: vpc.address,
      routes: [],
    },
    securityGroup: {
      address: group,
      label: `the default security group of ${vpc.address}`,
      vpc: vpc.address,
      region: vpc.region,
      rules: [
        { source, egress: false, protocol: -1, fromPort: -1, toPort: -1, cidrs: [], groups: [group], self: true },
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
    },
    networkAcl: {
      address: defaultNetworkAclKey(vpc.address),
      label: `the default network ACL of ${vpc.address}`,
      vpc: vpc.address,
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
        })),
      ),
    },
  };
}

/** Lowest and highest number a network ACL entry may have (32767 is AWS's final deny-all). */
export const NACL_RULE_NUMBERS = { min: 1, max: 32766 } as const;

/**
 * Checks what the analysis relies on: every key a subnet, instance, association or route table holds
 * resolves; every subnet finds its route table and network ACL; every CIDR, address and number is one
 * AWS could hold. Throws a ReachInputError naming the first entity that breaks this.
 */
export function validateModel(model: Model): void {
  for (const [key, entity] of entries(model)) {
    if (key !== entity.address) fail(entity.address, `is stored under the key ${key}`);
  }
  for (const vpc of model.vpcs.values()) {
    if (vpc.ipv4.length === 0) fail(vpc.address, "has no IPv4 block");
    for (const block of [...vpc.ipv4, ...vpc.ipv6]) checkCidr(block.source, "a VPC block", block.cidr);
    for (const block of vpc.ipv4)
      if (block.cidr.family !== "ipv4") fail(block.source, `lists ${block.cidr.text} as an IPv4 block`);
    for (const block of vpc.ipv6)
      if (block.cidr.family !== "ipv6") fail(block.source, `lists ${block.cidr.text} as an IPv6 block`);
  }
  for (const subnet of model.subnets.values()) {
    if (!model.vpcs.has(subnet.vpc)) fail(subnet.address, `is in ${subnet.vpc}, which is not a VPC of the model`);
    for (const [family, block] of [
      ["ipv4", subnet.ipv4],
      ["ipv6", subnet.ipv6],
    ] as const) {
      if (block === undefined) continue;
      checkCidr(subnet.address, `its ${family} block`, block);
      if (block.family !== family) fail(subnet.address, `has ${block.text} as its ${family} block`);
    }
  }
  for (const table of model.routeTables.values()) {
    for (const route of table.routes) checkCidr(route.source, "the route's destination", route.destination);
  }
  for (const [list, targets, what] of [
    [model.routeTableAssociations, model.routeTables, "route table"],
    [model.networkAclAssociations, model.networkAcls, "network ACL"],
  ] as const) {
    for (const a of list) {
      if (!model.subnets.has(a.from)) fail(a.source, `associates ${a.from}, which is not a subnet of the model`);
      if (!targets.has(a.to)) fail(a.source, `associates ${a.from} with ${a.to}, which is not a ${what} of the model`);
    }
  }
  for (const a of model.mainRouteTableAssociations) {
    if (!model.vpcs.has(a.from))
      fail(a.source, `makes ${a.to} the main table of ${a.from}, which is not a VPC of the model`);
    if (!model.routeTables.has(a.to))
      fail(a.source, `names ${a.to} as main route table, which is not a route table of the model`);
  }
  const explicitTables = new Set(model.routeTableAssociations.map((a) => a.from));
  const mainTables = new Set(model.mainRouteTableAssociations.map((a) => a.from));
  const explicitAcls = new Set(model.networkAclAssociations.map((a) => a.from));
  for (const subnet of model.subnets.values()) {
    if (
      !explicitTables.has(subnet.address) &&
      !mainTables.has(subnet.vpc) &&
      !model.routeTables.has(defaultRouteTableKey(subnet.vpc))
    )
      fail(subnet.address, `has no route table: neither its own, nor a main table of ${subnet.vpc}`);
    if (!explicitAcls.has(subnet.address) && !model.networkAcls.has(defaultNetworkAclKey(subnet.vpc)))
      fail(subnet.address, `has no network ACL: neither its own, nor the default ACL of ${subnet.vpc}`);
  }
  for (const group of model.securityGroups.values()) {
    for (const rule of group.rules) {
      checkInteger(rule.source, "protocol", rule.protocol, -1, 255);
      checkInteger(rule.source, "from_port", rule.fromPort, -1, 65535);
      checkInteger(rule.source, "to_port", rule.toPort, -1, 65535);
      for (const cidr of rule.cidrs) checkCidr(rule.source, "a CIDR of the rule", cidr);
    }
  }
  for (const acl of model.networkAcls.values()) {
    for (const rule of acl.rules) {
      checkInteger(rule.source, "rule number", rule.ruleNo, NACL_RULE_NUMBERS.min, NACL_RULE_NUMBERS.max);
      checkInteger(rule.source, "protocol", rule.protocol, -1, 255);
      checkInteger(rule.source, "icmp_type", rule.icmpType, -1, 255);
      checkInteger(rule.source, "icmp_code", rule.icmpCode, -1, 255);
      checkCidr(rule.source, "the rule's CIDR", rule.cidr);
    }
  }
  for (const instance of model.instances.values()) {
    const subnet = model.subnets.get(instance.subnet);
    if (!subnet) fail(instance.address, `is in ${instance.subnet}, which is not a subnet of the model`);
    for (const group of instance.securityGroups) {
      if (!model.securityGroups.has(group))
        fail(instance.address, `uses ${group}, which is not a security group of the model`);
    }
    for (const [family, address] of [
      ["ipv4", instance.ipv4],
      ["ipv6", instance.ipv6],
    ] as const) {
      if (address !== undefined && !addressFits(family, address))
        fail(instance.address, `has ${address} as its ${family} address, which is no ${family} address`);
    }
  }
}

/** Whether a number is an address of a family. */
export function addressFits(family: Family, value: bigint): boolean {
  return value >= 0n && value < 1n << BigInt(familyBits(family));
}

function checkCidr(source: string, what: string, cidr: Cidr): void {
  const bits = cidr.family === "ipv4" || cidr.family === "ipv6" ? familyBits(cidr.family) : undefined;
  const ok =
    bits !== undefined &&
    Number.isInteger(cidr.prefix) &&
    cidr.prefix >= 0 &&
    cidr.prefix <= bits &&
    addressFits(cidr.family, cidr.first) &&
    cidr.first % (1n << BigInt(bits - cidr.prefix)) === 0n &&
    cidr.last === cidr.first + (1n << BigInt(bits - cidr.prefix)) - 1n;
  if (!ok) {
    const shown =
      bits !== undefined && addressFits(cidr.family, cidr.first)
        ? formatAddress(cidr.family, cidr.first)
        : String(cidr.first);
    fail(source, `${what} (${cidr.text}, from ${shown}, /${cidr.prefix}) is not a CIDR block`);
  }
}

function checkInteger(source: string, what: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max)
    fail(source, `${what} ${value} is not a whole number from ${min} to ${max}`);
}

function fail(source: string, message: string): never {
  throw new ReachInputError(`${source}: ${message}`);
}

function entries(model: Model): [string, { readonly address: string }][] {
  return [
    model.vpcs,
    model.subnets,
    model.routeTables,
    model.peerings,
    model.gateways,
    model.securityGroups,
    model.networkAcls,
    model.instances,
  ].flatMap((map) => [...map.entries()]);
}

function add<T extends { readonly address: string }>(map: Map<string, T>, entity: T, what: string): void {
  if (map.has(entity.address)) fail(entity.address, `is declared twice (as a ${what})`);
  map.set(entity.address, entity);
}

function need(map: ReadonlyMap<string, unknown>, key: string, what: string, source: string): void {
  if (!map.has(key)) fail(source, `refers to ${key}, which is not a ${what} of the model`);
}

function append<T>(map: Map<string, T[]>, key: string, items: readonly T[]): void {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  for (const item of items) list.push(item);
}

function merge<T, U>(
  base: ReadonlyMap<string, T>,
  extra: ReadonlyMap<string, readonly U[]>,
  combine: (item: T, extra: readonly U[]) => T,
): Map<string, T> {
  const out = new Map<string, T>();
  for (const [key, item] of base) {
    const more = extra.get(key);
    out.set(key, more ? combine(item, more) : item);
  }
  return out;
}
