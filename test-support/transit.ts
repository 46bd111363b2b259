/**
 * Hand-written Terraform JSON with transit gateways, for reach's tests: VPCs with one instance each,
 * transit gateways, attachments, route tables and routes, in aws provider 5.100.0's attribute names
 * (a test runs `terraform validate` over them).
 */

/** A Terraform JSON document being built. */
export interface TgwDoc {
  provider: { aws: Record<string, unknown>[] };
  resource: Record<string, Record<string, Record<string, unknown>>>;
}

/** "${...}" interpolation of a reference. */
export const ref = (expression: string): string => `\${${expression}}`;

/** A document with a provider for eu-west-1, and one aliased "west" for us-west-2. */
export function tgwDoc(): TgwDoc {
  return { provider: { aws: [{ region: "eu-west-1" }, { alias: "west", region: "us-west-2" }] }, resource: {} };
}

/** Adds (or replaces) a resource. */
export function put(doc: TgwDoc, type: string, name: string, body: Record<string, unknown>): TgwDoc {
  doc.resource[type] = { ...(doc.resource[type] ?? {}), [name]: body };
  return doc;
}

/** Changes some attributes of a resource. */
export function patch(doc: TgwDoc, type: string, name: string, changes: Record<string, unknown>): TgwDoc {
  doc.resource[type][name] = { ...doc.resource[type][name], ...changes };
  return doc;
}

/** Every attribute of an inline security group rule, empty: Terraform JSON needs them all in a rule block. */
export const NO_RULE = {
  description: null,
  cidr_blocks: [],
  ipv6_cidr_blocks: [],
  prefix_list_ids: [],
  security_groups: [],
  self: false,
};

/** Where a VPC goes. */
export interface VpcOptions {
  /** @default "eu-west-1a" */
  readonly zone?: string;
  /** An AWS-assigned IPv6 block for the VPC, a /64 of it for its subnet, and an IPv6 address for the instance. */
  readonly ipv6?: boolean;
  /** "aws.west" for us-west-2. */
  readonly provider?: string;
}

/**
 * Adds VPC `name` (10.<octet>.0.0/16) with subnet `name` (10.<octet>.1.0/24) in one zone, a route
 * table associated with it, a security group allowing ICMP from 10.0.0.0/8 (and ICMPv6 from ::/0),
 * and an instance 10.<octet>.1.10 in it.
 */
export function vpc(doc: TgwDoc, name: string, octet: number, options: VpcOptions = {}): TgwDoc {
  const provider = options.provider ? { provider: options.provider } : {};
  const zone = options.zone ?? (options.provider === "aws.west" ? "us-west-2a" : "eu-west-1a");
  put(doc, "aws_vpc", name, {
    cidr_block: `10.${octet}.0.0/16`,
    ...(options.ipv6 ? { assign_generated_ipv6_cidr_block: true } : {}),
    ...provider,
  });
  put(doc, "aws_subnet", name, {
    vpc_id: ref(`aws_vpc.${name}.id`),
    cidr_block: `10.${octet}.1.0/24`,
    availability_zone: zone,
    ...(options.ipv6
      ? {
          ipv6_cidr_block: ref(`cidrsubnet(aws_vpc.${name}.ipv6_cidr_block, 8, 1)`),
          assign_ipv6_address_on_creation: true,
        }
      : {}),
    ...provider,
  });
  put(doc, "aws_route_table", name, { vpc_id: ref(`aws_vpc.${name}.id`), ...provider });
  put(doc, "aws_route_table_association", name, {
    subnet_id: ref(`aws_subnet.${name}.id`),
    route_table_id: ref(`aws_route_table.${name}.id`),
    ...provider,
  });
  put(doc, "aws_security_group", name, {
    vpc_id: ref(`aws_vpc.${name}.id`),
    ingress: [
      { ...NO_RULE, protocol: "icmp", from_port: -1, to_port: -1, cidr_blocks: ["10.0.0.0/8"] },
      { ...NO_RULE, protocol: "icmpv6", from_port: -1, to_port: -1, ipv6_cidr_blocks: ["::/0"] },
    ],
    egress: [
      { ...NO_RULE, protocol: "-1", from_port: 0, to_port: 0, cidr_blocks: ["0.0.0.0/0"], ipv6_cidr_blocks: ["::/0"] },
    ],
    ...provider,
  });
  put(doc, "aws_instance", name, {
    ami: "ami-0123456789abcdef0",
    instance_type: "t3.micro",
    subnet_id: ref(`aws_subnet.${name}.id`),
    vpc_security_group_ids: [ref(`aws_security_group.${name}.id`)],
    private_ip: `10.${octet}.1.10`,
    ...(options.ipv6 ? { ipv6_address_count: 1 } : {}),
    tags: { Name: name },
    ...provider,
  });
  return doc;
}

/** Adds a subnet `name` to VPC `vpcName` (10.<octet>.<third>.0/24 in `zone`). */
export function subnet(doc: TgwDoc, name: string, vpcName: string, cidr: string, zone: string): TgwDoc {
  const provider = doc.resource.aws_vpc[vpcName].provider;
  return put(doc, "aws_subnet", name, {
    vpc_id: ref(`aws_vpc.${vpcName}.id`),
    cidr_block: cidr,
    availability_zone: zone,
    ...(provider ? { provider } : {}),
  });
}

/** Adds transit gateway `name`, its default route table association and propagation on or off. */
export function tgw(doc: TgwDoc, name: string, defaults: "enable" | "disable" = "enable", provider?: string): TgwDoc {
  return put(doc, "aws_ec2_transit_gateway", name, {
    default_route_table_association: defaults,
    default_route_table_propagation: defaults,
    tags: { Name: name },
    ...(provider ? { provider } : {}),
  });
}

/** How a VPC is attached. */
export interface AttachOptions {
  /** The subnets in subnet_ids. @default [the VPC's own subnet] */
  readonly subnets?: readonly string[];
  /** transit_gateway_default_route_table_association and _propagation. @default true */
  readonly defaults?: boolean;
  readonly ipv6?: boolean;
}

/** Attaches VPC `vpcName` to transit gateway `gateway` as aws_ec2_transit_gateway_vpc_attachment `<gateway>_<vpc>`. */
export function attach(doc: TgwDoc, gateway: string, vpcName: string, options: AttachOptions = {}): TgwDoc {
  const provider = doc.resource.aws_vpc[vpcName].provider;
  return put(doc, "aws_ec2_transit_gateway_vpc_attachment", `${gateway}_${vpcName}`, {
    transit_gateway_id: ref(`aws_ec2_transit_gateway.${gateway}.id`),
    vpc_id: ref(`aws_vpc.${vpcName}.id`),
    subnet_ids: (options.subnets ?? [vpcName]).map((s) => ref(`aws_subnet.${s}.id`)),
    transit_gateway_default_route_table_association: options.defaults ?? true,
    transit_gateway_default_route_table_propagation: options.defaults ?? true,
    ...(options.ipv6 ? { ipv6_support: "enable" } : {}),
    tags: { Name: `${gateway}-${vpcName}` },
    ...(provider ? { provider } : {}),
  });
}

/** Routes `cidr` of VPC `vpcName`'s route table to transit gateway `gateway` (an aws_route). */
export function vpcRoute(doc: TgwDoc, vpcName: string, cidr: string, gateway: string, name?: string): TgwDoc {
  const provider = doc.resource.aws_vpc[vpcName].provider;
  const v6 = cidr.includes(":");
  return put(doc, "aws_route", name ?? `${vpcName}_${cidr.replace(/[./:]/g, "_")}`, {
    route_table_id: ref(`aws_route_table.${vpcName}.id`),
    [v6 ? "destination_ipv6_cidr_block" : "destination_cidr_block"]: cidr,
    transit_gateway_id: ref(`aws_ec2_transit_gateway.${gateway}.id`),
    depends_on: [`aws_ec2_transit_gateway_vpc_attachment.${gateway}_${vpcName}`],
    ...(provider ? { provider } : {}),
  });
}

/** Adds route table `name` of transit gateway `gateway`. */
export function tgwTable(doc: TgwDoc, name: string, gateway: string, provider?: string): TgwDoc {
  return put(doc, "aws_ec2_transit_gateway_route_table", name, {
    transit_gateway_id: ref(`aws_ec2_transit_gateway.${gateway}.id`),
    tags: { Name: name },
    ...(provider ? { provider } : {}),
  });
}

/** A reference to an attachment: a VPC attachment `<gateway>_<vpc>`, or a peering attachment (or accepter). */
export function attachmentId(attachment: string): string {
  return attachment.startsWith("aws_")
    ? ref(`${attachment}.id`)
    : ref(`aws_ec2_transit_gateway_vpc_attachment.${attachment}.id`);
}

/** Associates an attachment with a route table (an address like aws_ec2_transit_gateway.hub.association_default_route_table_id, or a table name). */
export function associate(doc: TgwDoc, name: string, attachment: string, table: string, provider?: string): TgwDoc {
  return put(doc, "aws_ec2_transit_gateway_route_table_association", name, {
    transit_gateway_attachment_id: attachmentId(attachment),
    transit_gateway_route_table_id: tableId(table),
    ...(provider ? { provider } : {}),
  });
}

/** Propagates an attachment's routes into a route table. */
export function propagate(doc: TgwDoc, name: string, attachment: string, table: string, provider?: string): TgwDoc {
  return put(doc, "aws_ec2_transit_gateway_route_table_propagation", name, {
    transit_gateway_attachment_id: attachmentId(attachment),
    transit_gateway_route_table_id: tableId(table),
    ...(provider ? { provider } : {}),
  });
}

/** A static route in a transit gateway route table: to an attachment, or a blackhole when attachment is undefined. */
export function tgwRoute(
  doc: TgwDoc,
  name: string,
  table: string,
  cidr: string,
  attachment: string | undefined,
  provider?: string,
): TgwDoc {
  return put(doc, "aws_ec2_transit_gateway_route", name, {
    destination_cidr_block: cidr,
    transit_gateway_route_table_id: tableId(table),
    ...(attachment === undefined ? { blackhole: true } : { transit_gateway_attachment_id: attachmentId(attachment) }),
    ...(provider ? { provider } : {}),
  });
}

function tableId(table: string): string {
  return table.includes(".") ? ref(table) : ref(`aws_ec2_transit_gateway_route_table.${table}.id`);
}

/** Peers transit gateway `a` (eu-west-1) with `b` (us-west-2) as peering attachment `name`, accepted unless told. */
export function peerGateways(doc: TgwDoc, name: string, a: string, b: string, accepted = true): TgwDoc {
  put(doc, "aws_ec2_transit_gateway_peering_attachment", name, {
    transit_gateway_id: ref(`aws_ec2_transit_gateway.${a}.id`),
    peer_transit_gateway_id: ref(`aws_ec2_transit_gateway.${b}.id`),
    peer_region: "us-west-2",
    tags: { Name: name },
  });
  if (accepted)
    put(doc, "aws_ec2_transit_gateway_peering_attachment_accepter", name, {
      provider: "aws.west",
      transit_gateway_attachment_id: ref(`aws_ec2_transit_gateway_peering_attachment.${name}.id`),
    });
  return doc;
}

/**
 * Three VPCs on hub, each routing 10.0.0.0/8 to it: prod (10.1), dev (10.2), shared (10.3), the
 * default route table off; prod and dev associated with "spokes", shared with "shared"; prod and
 * dev propagate into "shared", shared into "spokes": prod and dev reach shared, not each other.
 */
export function segmented(): TgwDoc {
  const doc = tgwDoc();
  tgw(doc, "hub", "disable");
  tgwTable(doc, "spokes", "hub");
  tgwTable(doc, "shared", "hub");
  for (const [name, octet] of [
    ["prod", 1],
    ["dev", 2],
    ["shared", 3],
  ] as const) {
    vpc(doc, name, octet);
    attach(doc, "hub", name, { defaults: false });
    vpcRoute(doc, name, "10.0.0.0/8", "hub");
    associate(doc, `${name}`, `hub_${name}`, name === "shared" ? "shared" : "spokes");
    propagate(doc, `${name}`, `hub_${name}`, name === "shared" ? "spokes" : "shared");
  }
  return doc;
}

/** Two VPCs a (10.1) and b (10.2) on transit gateway hub with its default route table on. */
export function twoOnHub(options: { readonly ipv6?: boolean; readonly attachIpv6?: boolean } = {}): TgwDoc {
  const doc = tgwDoc();
  tgw(doc, "hub");
  vpc(doc, "a", 1, { ipv6: options.ipv6 });
  vpc(doc, "b", 2, { ipv6: options.ipv6 });
  for (const name of ["a", "b"]) {
    attach(doc, "hub", name, { ipv6: options.attachIpv6 });
    vpcRoute(doc, name, "10.0.0.0/8", "hub");
    if (options.ipv6) vpcRoute(doc, name, "::/0", "hub");
  }
  return doc;
}

/**
 * VPC a (10.1, eu-west-1) on hub and VPC b (10.2, us-west-2) on far, the gateways peered by
 * aws_ec2_transit_gateway_peering_attachment.hub_far; the default route tables on, without static
 * routes to the peering (add them with tgwRoute).
 */
export function peeredGateways(accepted = true): TgwDoc {
  const doc = tgwDoc();
  tgw(doc, "hub");
  tgw(doc, "far", "enable", "aws.west");
  vpc(doc, "a", 1);
  vpc(doc, "b", 2, { provider: "aws.west" });
  attach(doc, "hub", "a");
  attach(doc, "far", "b");
  vpcRoute(doc, "a", "10.0.0.0/8", "hub");
  vpcRoute(doc, "b", "10.0.0.0/8", "far");
  return peerGateways(doc, "hub_far", "hub", "far", accepted);
}

/** The static routes that make peeredGateways carry traffic both ways. */
export function peeringRoutes(doc: TgwDoc): TgwDoc {
  const peering = "aws_ec2_transit_gateway_peering_attachment.hub_far";
  const accepter = "aws_ec2_transit_gateway_peering_attachment_accepter.hub_far";
  tgwRoute(doc, "to_b", "aws_ec2_transit_gateway.hub.association_default_route_table_id", "10.2.0.0/16", peering);
  return tgwRoute(
    doc,
    "to_a",
    "aws_ec2_transit_gateway.far.association_default_route_table_id",
    "10.1.0.0/16",
    doc.resource.aws_ec2_transit_gateway_peering_attachment_accepter?.hub_far ? accepter : peering,
    "aws.west",
  );
}

/**
 * Every fixture above in one document, each fixture's resources renamed "f<i>_<name>" (and its
 * references with them), for one `terraform validate` over all of them.
 */
export function allFixtures(fixtures: readonly TgwDoc[]): Record<string, unknown> {
  const resource: Record<string, Record<string, unknown>> = {};
  fixtures.forEach((doc, i) => {
    let text = JSON.stringify(doc.resource);
    for (const [type, byName] of Object.entries(doc.resource))
      for (const name of Object.keys(byName))
        text = text.replace(new RegExp(`\\b${type}\\.${name}\\b`, "g"), `${type}.f${i}_${name}`);
    const renamed = JSON.parse(text) as TgwDoc["resource"];
    for (const [type, byName] of Object.entries(renamed))
      for (const [name, body] of Object.entries(byName)) (resource[type] ??= {})[`f${i}_${name}`] = body;
  });
  return {
    terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "5.100.0" } } },
    provider: tgwDoc().provider,
    resource,
  };
}
