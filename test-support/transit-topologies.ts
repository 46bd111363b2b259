/**
 * Random transit gateway networks as Terraform JSON, for the differential test of reach against rehearse.
 *
 * Two to four VPCs (10.<k+1>.0.0/16, disjoint, some with IPv6) with one or two subnets in two Availability
 * Zones (now and then one without a zone), sometimes a subnet of their own for the attachment; one or two
 * transit gateways in one region, with their default route table on or off and up to two more route tables
 * ("segments"); each VPC attached to none, one or both gateways, through some of its subnets, with or
 * without ipv6_support and appliance mode; every attachment associated with one table (or the default one)
 * and propagating into some tables, so that segments reach some others and isolate their own members;
 * static routes to attachments (also of the other gateway) and blackhole routes, longer and shorter than
 * the propagated blocks; the two gateways peered (accepted or not) with static routes across; VPC routes to
 * the gateways as a summary, per VPC or missing; network ACLs that deny a peer on an instance's subnet or on
 * an attachment subnet; security groups that admit all of 10.0.0.0/8 or only the VPC itself.
 */
import fc from "fast-check";
import type { Model } from "../lib/reach";
import type { MeasuredPair } from "../lib/rehearse/rehearse";
import { transitRoutes } from "../lib/reach/transit";
import type { TerraformJson } from "./topologies";
import { type TgwDoc, attachmentId, put, ref, tgwDoc } from "./transit";

const ZONES = ["eu-west-1a", "eu-west-1b", undefined] as const;

/** A VPC of a transit topology. */
export interface TransitVpcShape {
  readonly ipv6: boolean;
  /** Per subnet: its zone (index into ZONES) and how many instances it holds. */
  readonly subnets: readonly { readonly zone: number; readonly instances: number }[];
  /** A subnet of its own (zone a, no instance) for the attachments. */
  readonly attachmentSubnet: boolean;
  /** The security group admits ICMP from all of 10.0.0.0/8 (else from the VPC's own block only). */
  readonly openGroup: boolean;
  /** "summary": 10.0.0.0/8 to the first attached gateway; "each": each other VPC's block to a gateway; "none". */
  readonly routes: "summary" | "each" | "none";
}

/** An attachment of VPC `vpc` to gateway `gateway`. */
export interface TransitAttachmentShape {
  readonly vpc: number;
  readonly gateway: number;
  /** Bit k: subnet k of the VPC is in subnet_ids (the attachment subnet counts as the last one). */
  readonly subnets: number;
  readonly ipv6: boolean;
  readonly appliance: boolean;
  /** The table it is associated with: 0 the default table (where the gateway has one), k > 0 custom table k - 1. */
  readonly table: number;
  /** Bit k: it propagates into table k (0 the default table). */
  readonly propagates: number;
}

/** A static route: `destination` picks among the VPC blocks, subnets, 10.0.0.0/8 and a /32 of an instance. */
export interface TransitStaticShape {
  readonly gateway: number;
  readonly table: number;
  readonly destination: number;
  /** 0: blackhole; 1: the peering attachment; k > 1: attachment k - 2. */
  readonly target: number;
}

/** A whole transit topology. */
export interface TransitTopology {
  readonly vpcs: readonly TransitVpcShape[];
  /** Per gateway: default route table association and propagation on, and how many more route tables. */
  readonly gateways: readonly { readonly defaults: boolean; readonly tables: number }[];
  readonly attachments: readonly TransitAttachmentShape[];
  readonly statics: readonly TransitStaticShape[];
  /** Whether the two gateways are peered, and whether the peering is accepted. */
  readonly peering: "none" | "accepted" | "pending";
  /** Static routes in every table of each gateway to the other gateway's attached VPCs through the peering. */
  readonly peeringRoutes: boolean;
  /** A network ACL denying one peer's block: on subnet `subnet` (attachment subnets included) of VPC `vpc`. */
  readonly acl?: { readonly vpc: number; readonly subnet: number; readonly peer: number; readonly egress: boolean };
}

/** At most this many instances in a topology. */
const MAX_INSTANCES = 5;

const n = fc.nat(15);
const vpcShape = fc.record({
  ipv6: fc.constantFrom(true, true, true, false, false),
  subnets: fc.array(
    fc.record({ zone: fc.constantFrom(0, 0, 0, 1, 1, 1, 1, 2), instances: fc.constantFrom(0, 1, 1, 1, 2) }),
    {
      minLength: 1,
      maxLength: 2,
    },
  ),
  attachmentSubnet: fc.boolean(),
  openGroup: fc.constantFrom(true, true, true, false),
  routes: fc.constantFrom<TransitVpcShape["routes"]>(
    "summary",
    "summary",
    "summary",
    "each",
    "each",
    "each",
    "each",
    "none",
  ),
});

/** Random transit topologies: 2–4 VPCs, 1–2 gateways, attachments, segments, static and blackhole routes. */
export const transitTopologies: fc.Arbitrary<TransitTopology> = fc
  .record({
    vpcs: fc.array(vpcShape, { minLength: 2, maxLength: 4 }),
    gateways: fc
      .constantFrom(1, 2, 2)
      .chain((count) =>
        fc.array(fc.record({ defaults: fc.boolean(), tables: fc.nat(2) }), { minLength: count, maxLength: count }),
      ),
    attachments: fc.array(
      fc.record({
        vpc: n,
        gateway: n,
        subnets: fc.constantFrom(7, 7, 7, 7, 1, 2, 3, 4, 5, 6),
        ipv6: fc.constantFrom(true, true, true, false),
        appliance: fc.constantFrom(false, false, false, true),
        table: n,
        propagates: fc.constantFrom(7, 7, 7, 0, 1, 2, 3, 4, 5, 6),
      }),
      { minLength: 4, maxLength: 6 },
    ),
    peeringRoutes: fc.constantFrom(true, true, true, false),
    statics: fc.array(fc.record({ gateway: n, table: n, destination: n, target: n }), { maxLength: 4 }),
    peering: fc.constantFrom<TransitTopology["peering"]>("accepted", "accepted", "accepted", "pending", "none"),
    acl: fc.option(fc.record({ vpc: n, subnet: n, peer: n, egress: fc.boolean() }), { nil: undefined }),
  })
  .map((t) => ({ ...t, ...(t.acl === undefined ? { acl: undefined } : {}) }));

interface Built {
  readonly name: string;
  readonly block: string;
  /** Subnet resource names: the instance subnets, then the attachment subnet. */
  readonly subnets: readonly string[];
  readonly instances: readonly string[];
}

/** The Terraform JSON of a transit topology. */
export function toTransitTerraform(t: TransitTopology): TerraformJson {
  const doc = tgwDoc();
  let left = MAX_INSTANCES;
  const vpcs: Built[] = t.vpcs.map((v, k) => {
    const name = `v${k}`;
    const block = `10.${k + 1}.0.0/16`;
    put(doc, "aws_vpc", name, { cidr_block: block, ...(v.ipv6 ? { assign_generated_ipv6_cidr_block: true } : {}) });
    const subnets: string[] = [];
    const instances: string[] = [];
    const shapes = [...v.subnets.map((s) => ({ ...s, attachment: false }))];
    if (v.attachmentSubnet) shapes.push({ zone: 0, instances: 0, attachment: true });
    shapes.forEach((s, j) => {
      const subnet = `${name}s${j}`;
      const zone = ZONES[s.zone % ZONES.length];
      put(doc, "aws_subnet", subnet, {
        vpc_id: ref(`aws_vpc.${name}.id`),
        cidr_block: `10.${k + 1}.${s.attachment ? 200 : j}.0/24`,
        ...(zone === undefined ? {} : { availability_zone: zone }),
        ...(v.ipv6 ? { ipv6_cidr_block: ref(`cidrsubnet(aws_vpc.${name}.ipv6_cidr_block, 8, ${j})`) } : {}),
      });
      subnets.push(subnet);
      for (let i = 0; i < s.instances && left > 0; i++, left--) {
        const instance = `${subnet}i${i}`;
        put(doc, "aws_instance", instance, {
          ami: "ami-0123456789abcdef0",
          instance_type: "t3.nano",
          subnet_id: ref(`aws_subnet.${subnet}.id`),
          vpc_security_group_ids: [ref(`aws_security_group.${name}.id`)],
          ...(v.ipv6 ? { ipv6_address_count: 1 } : {}),
        });
        instances.push(instance);
      }
    });
    const rule = { description: null, prefix_list_ids: [], security_groups: [], self: false };
    put(doc, "aws_security_group", name, {
      vpc_id: ref(`aws_vpc.${name}.id`),
      ingress: [
        {
          ...rule,
          protocol: "icmp",
          from_port: -1,
          to_port: -1,
          cidr_blocks: [v.openGroup ? "10.0.0.0/8" : block],
          ipv6_cidr_blocks: [],
        },
        { ...rule, protocol: "58", from_port: -1, to_port: -1, cidr_blocks: [], ipv6_cidr_blocks: ["::/0"] },
      ],
      egress: [
        { ...rule, protocol: "-1", from_port: 0, to_port: 0, cidr_blocks: ["0.0.0.0/0"], ipv6_cidr_blocks: ["::/0"] },
      ],
    });
    put(doc, "aws_route_table", name, { vpc_id: ref(`aws_vpc.${name}.id`) });
    for (const subnet of subnets)
      put(doc, "aws_route_table_association", subnet, {
        subnet_id: ref(`aws_subnet.${subnet}.id`),
        route_table_id: ref(`aws_route_table.${name}.id`),
      });
    return { name, block, subnets, instances };
  });
  const gateways = t.gateways.map((g, k) => {
    const name = `g${k}`;
    const defaults = g.defaults ? "enable" : "disable";
    put(doc, "aws_ec2_transit_gateway", name, {
      default_route_table_association: defaults,
      default_route_table_propagation: defaults,
      tags: { Name: name },
    });
    const tables = [
      ...(g.defaults ? [`aws_ec2_transit_gateway.${name}.association_default_route_table_id`] : []),
      ...Array.from({ length: g.tables }, (_, j) => `aws_ec2_transit_gateway_route_table.${name}t${j}.id`),
    ];
    for (let j = 0; j < g.tables; j++)
      put(doc, "aws_ec2_transit_gateway_route_table", `${name}t${j}`, {
        transit_gateway_id: ref(`aws_ec2_transit_gateway.${name}.id`),
        tags: { Name: `${name}-segment-${j}` },
      });
    return { name, defaults: g.defaults, tables };
  });
  const attachments = attachAll(doc, t, vpcs, gateways);
  const peering = gateways.length === 2 && t.peering !== "none" ? peer(doc, t.peering === "accepted", gateways) : [];
  const destinations = [
    ...vpcs.map((v) => v.block),
    ...vpcs.map((v) => v.block.replace(/\.0\.0\/16$/, ".0.0/24")),
    "10.0.0.0/8",
    "10.1.0.0/17",
  ];
  const routed = new Set<string>();
  if (peering.length === 2 && t.peeringRoutes)
    gateways.forEach((g, k) => {
      // What arrives over the peering is routed by its table (the default one, else the first): propagate into it.
      const into = g.tables[0];
      for (const a of attachments.filter((x) => x.gateway === k)) {
        const body = doc.resource.aws_ec2_transit_gateway_vpc_attachment[a.address];
        const already = g.defaults ? body.transit_gateway_default_route_table_propagation === true : false;
        const explicit = doc.resource.aws_ec2_transit_gateway_route_table_propagation?.[`${a.address}_0`];
        if (into === undefined || already || explicit) continue;
        put(doc, "aws_ec2_transit_gateway_route_table_propagation", `${a.address}_0`, {
          transit_gateway_attachment_id: attachmentId(a.address),
          transit_gateway_route_table_id: ref(into),
        });
      }
      const far = new Set(attachments.filter((a) => a.gateway !== k).map((a) => a.vpc));
      for (const vpc of attachments.filter((a) => a.gateway === k).map((a) => a.vpc)) far.delete(vpc);
      for (const table of g.tables)
        for (const vpc of far) {
          routed.add(`${table} ${vpcs[vpc].block}`);
          put(doc, "aws_ec2_transit_gateway_route", `${g.name}_over_${routed.size}`, {
            destination_cidr_block: vpcs[vpc].block,
            transit_gateway_route_table_id: ref(table),
            transit_gateway_attachment_id: attachmentId(peering[k]),
          });
        }
    });
  t.statics.forEach((s, k) => {
    const gateway = gateways[s.gateway % gateways.length];
    if (gateway.tables.length === 0) return;
    const table = gateway.tables[s.table % gateway.tables.length];
    const destination = destinations[s.destination % destinations.length];
    if (routed.has(`${table} ${destination}`)) return;
    routed.add(`${table} ${destination}`);
    // Mostly an attachment of the table's own gateway; now and then one of the other gateway, which AWS refuses.
    const own = attachments.filter((a) => a.gateway === gateways.indexOf(gateway)).map((a) => a.address);
    const targets = [
      undefined,
      peering[gateways.indexOf(gateway)],
      ...own,
      ...own,
      ...attachments.map((a) => a.address),
    ];
    const target = targets[s.target % targets.length];
    put(doc, "aws_ec2_transit_gateway_route", `r${k}`, {
      destination_cidr_block: destination,
      transit_gateway_route_table_id: ref(table),
      ...(target === undefined ? { blackhole: true } : { transit_gateway_attachment_id: attachmentId(target) }),
    });
  });
  vpcRoutes(doc, t, vpcs, attachments);
  if (t.acl) denyPeer(doc, t.acl, vpcs);
  return doc as unknown as TerraformJson;
}

interface Attached {
  readonly vpc: number;
  readonly gateway: number;
  /** The attachment as attachmentId takes it: "<gateway>_<vpc>". */
  readonly address: string;
}

function attachAll(
  doc: TgwDoc,
  t: TransitTopology,
  vpcs: readonly Built[],
  gateways: readonly { name: string; defaults: boolean; tables: readonly string[] }[],
): Attached[] {
  const out: Attached[] = [];
  t.attachments.forEach((a, index) => {
    // Mostly attachment k attaches VPC k, to the gateways in turn; now and then any VPC to any gateway.
    const vpc = (a.vpc < 12 ? index : a.vpc) % vpcs.length;
    const gateway = (a.gateway < 8 ? index : a.gateway) % gateways.length;
    if (out.some((o) => o.vpc === vpc && o.gateway === gateway)) return;
    const v = vpcs[vpc];
    const g = gateways[gateway];
    const address = `${g.name}_${v.name}`;
    const subnets = v.subnets.filter((_, j) => (a.subnets >> j) & 1);
    // One subnet per zone, as AWS requires: the first of each zone (subnets without a zone are kept).
    const zones = new Set<string>();
    const chosen = (subnets.length > 0 ? subnets : [v.subnets[0]]).filter((s) => {
      const zone = doc.resource.aws_subnet[s].availability_zone as string | undefined;
      if (zone === undefined) return true;
      if (zones.has(zone)) return false;
      zones.add(zone);
      return true;
    });
    const table = g.tables.length === 0 ? undefined : g.tables[a.table % g.tables.length];
    const onDefault = g.defaults && table === g.tables[0];
    put(doc, "aws_ec2_transit_gateway_vpc_attachment", address, {
      transit_gateway_id: ref(`aws_ec2_transit_gateway.${g.name}.id`),
      vpc_id: ref(`aws_vpc.${v.name}.id`),
      subnet_ids: chosen.map((s) => ref(`aws_subnet.${s}.id`)),
      transit_gateway_default_route_table_association: onDefault,
      transit_gateway_default_route_table_propagation: g.defaults && (a.propagates & 1) === 1,
      ...(a.ipv6 ? { ipv6_support: "enable" } : {}),
      ...(a.appliance ? { appliance_mode_support: "enable" } : {}),
      tags: { Name: `${g.name}-${v.name}` },
    });
    if (table !== undefined && !onDefault)
      put(doc, "aws_ec2_transit_gateway_route_table_association", address, {
        transit_gateway_attachment_id: attachmentId(address),
        transit_gateway_route_table_id: ref(table),
      });
    g.tables.forEach((into, k) => {
      if (g.defaults && k === 0) return;
      if (((a.propagates >> k) & 1) === 1)
        put(doc, "aws_ec2_transit_gateway_route_table_propagation", `${address}_${k}`, {
          transit_gateway_attachment_id: attachmentId(address),
          transit_gateway_route_table_id: ref(into),
        });
    });
    out.push({ vpc, gateway, address });
  });
  return out;
}

/** Peers g0 with g1 (one region); returns the attachment each side routes to (the accepter stands for it on g1). */
function peer(doc: TgwDoc, accepted: boolean, gateways: readonly { name: string; defaults: boolean }[]): string[] {
  const attachment = "aws_ec2_transit_gateway_peering_attachment.g0g1";
  const accepter = "aws_ec2_transit_gateway_peering_attachment_accepter.g0g1";
  put(doc, "aws_ec2_transit_gateway_peering_attachment", "g0g1", {
    transit_gateway_id: ref("aws_ec2_transit_gateway.g0.id"),
    peer_transit_gateway_id: ref("aws_ec2_transit_gateway.g1.id"),
    peer_region: "eu-west-1",
    tags: { Name: "g0-g1" },
  });
  if (accepted)
    put(doc, "aws_ec2_transit_gateway_peering_attachment_accepter", "g0g1", {
      transit_gateway_attachment_id: ref(`${attachment}.id`),
    });
  const sides = [attachment, accepted ? accepter : attachment];
  gateways.forEach((g, k) => {
    if (g.defaults || doc.resource.aws_ec2_transit_gateway_route_table?.[`${g.name}t0`] === undefined) return;
    put(doc, "aws_ec2_transit_gateway_route_table_association", `peering_${g.name}`, {
      transit_gateway_attachment_id: attachmentId(sides[k]),
      transit_gateway_route_table_id: ref(`aws_ec2_transit_gateway_route_table.${g.name}t0.id`),
    });
  });
  return sides;
}

function vpcRoutes(doc: TgwDoc, t: TransitTopology, vpcs: readonly Built[], attachments: readonly Attached[]): void {
  vpcs.forEach((v, k) => {
    const shape = t.vpcs[k];
    const own = attachments.filter((a) => a.vpc === k);
    const gateway = (i: number): number => (own.length === 0 ? i % t.gateways.length : own[i % own.length].gateway);
    const route = (name: string, cidr: string, g: number): void => {
      put(doc, "aws_route", `${v.name}${name}`, {
        route_table_id: ref(`aws_route_table.${v.name}.id`),
        [cidr.includes(":") ? "destination_ipv6_cidr_block" : "destination_cidr_block"]: cidr,
        transit_gateway_id: ref(`aws_ec2_transit_gateway.g${g}.id`),
      });
    };
    if (shape.routes === "summary") route("sum", "10.0.0.0/8", gateway(0));
    if (shape.routes === "each")
      vpcs.forEach((o, j) => {
        if (j !== k) route(`to${j}`, o.block, gateway(j));
      });
    if (shape.ipv6 && shape.routes !== "none") route("six", "::/0", gateway(k));
  });
}

function denyPeer(doc: TgwDoc, acl: NonNullable<TransitTopology["acl"]>, vpcs: readonly Built[]): void {
  const v = vpcs[acl.vpc % vpcs.length];
  const subnet = v.subnets[acl.subnet % v.subnets.length];
  const peer = vpcs[acl.peer % vpcs.length];
  const allow = (cidr: string, no: number): Record<string, unknown> => ({
    rule_no: no,
    action: "allow",
    protocol: "-1",
    from_port: 0,
    to_port: 0,
    [cidr.includes(":") ? "ipv6_cidr_block" : "cidr_block"]: cidr,
  });
  const deny = { ...allow(peer.block, 10), action: "deny" };
  const entries = (egress: boolean): Record<string, unknown>[] => [
    ...(egress === acl.egress ? [deny] : []),
    allow("0.0.0.0/0", 100),
    allow("::/0", 101),
  ];
  put(doc, "aws_network_acl", subnet, {
    vpc_id: ref(`aws_vpc.${v.name}.id`),
    subnet_ids: [ref(`aws_subnet.${subnet}.id`)],
    ingress: entries(false),
    egress: entries(true),
  });
}

/** The classes of transit network the generator must keep producing, read from reach's verdicts and the model. */
export const TRANSIT_CLASSES = [
  "a reply through a transit gateway",
  "an IPv6 reply through a transit gateway",
  "a reply across a transit gateway peering attachment",
  "a packet dropped by a transit gateway blackhole route",
  "a packet no transit gateway route table route matches",
  "a packet from an Availability Zone without an attachment subnet",
  "a packet dropped by an attachment subnet's network ACL",
  "IPv6 on an attachment without ipv6_support",
  "a static route hiding a propagated one",
  "a transit network AWS would reject",
] as const;

/** One of TRANSIT_CLASSES. */
export type TransitClass = (typeof TRANSIT_CLASSES)[number];

/** The classes of one checked transit topology. */
export function classifyTransit(model: Model, refused: boolean, pairs: readonly MeasuredPair[]): Set<TransitClass> {
  const found = new Set<TransitClass>();
  if (refused) return new Set(["a transit network AWS would reject"]);
  const net = model.transit;
  if (!net) return found;
  const vpcOf = (instance: string): string | undefined => {
    const key = [...model.instances.keys()].find((k) => instance.endsWith(k));
    const subnet = key === undefined ? undefined : model.instances.get(key)?.subnet;
    return subnet === undefined ? undefined : model.subnets.get(subnet)?.vpc;
  };
  const gatewaysOf = (vpc: string | undefined): Set<string> =>
    new Set([...net.vpcAttachments.values()].filter((a) => a.vpc === vpc).map((a) => a.gateway));
  for (const p of pairs) {
    if (!p.reachable) continue;
    const [a, b] = [vpcOf(p.from), vpcOf(p.to)];
    if (a === b) continue;
    found.add(p.protocol === "ipv6" ? "an IPv6 reply through a transit gateway" : "a reply through a transit gateway");
    const shared = [...gatewaysOf(a)].some((g) => gatewaysOf(b).has(g));
    if (!shared) found.add("a reply across a transit gateway peering attachment");
  }
  const says = (text: string): boolean => pairs.some((p) => p.reachReason?.includes(text) === true);
  if (says("is a blackhole route: the transit gateway drops"))
    found.add("a packet dropped by a transit gateway blackhole route");
  if (says("no route of the transit gateway route table"))
    found.add("a packet no transit gateway route table route matches");
  if (says("cannot reach the transit gateway") || says("sets no availability_zone"))
    found.add("a packet from an Availability Zone without an attachment subnet");
  if (says("transit gateway attachment subnet")) found.add("a packet dropped by an attachment subnet's network ACL");
  if (says("has ipv6_support disabled")) found.add("IPv6 on an attachment without ipv6_support");
  const routes = transitRoutes(model, net);
  if (
    routes.some(
      (r) =>
        !r.propagated &&
        routes.some((q) => q.propagated && q.routeTable === r.routeTable && q.destination.text === r.destination.text),
    )
  )
    found.add("a static route hiding a propagated one");
  return found;
}
