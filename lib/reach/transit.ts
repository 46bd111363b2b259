/**
 * Transit gateways as AWS documents them (Amazon VPC Transit Gateways guide): the entities a loader
 * reads, and the routing decision of a packet that a VPC route sends to a transit gateway. Pure: it
 * takes the model and an address set and returns where each part of the set goes.
 *
 * - A packet enters through the VPC attachment of the sending VPC, and only in an Availability Zone
 *   where that attachment has a subnet ("resources in Availability Zones where there is no transit
 *   gateway attachment cannot reach the transit gateway").
 * - It is routed by the one route table associated with the attachment it entered through: the most
 *   specific route wins, a static route beats a propagated one of the same prefix, a blackhole drops.
 * - Propagation puts the attached VPC's CIDR blocks in the propagating table (IPv6 blocks only when
 *   the attachment has ipv6_support enabled); peering attachments carry static routes only.
 * - Without appliance mode the transit gateway keeps a flow in the Availability Zone it came from
 *   and crosses zones only when the receiving attachment has no subnet there.
 */
import {
  type AddressSet,
  type Family,
  cidrOverlaps,
  cidrSet,
  emptySet,
  intersect,
  isEmpty,
  setOf,
  subtract,
  union,
} from "./cidr";
import type { Model, Subnet, Vpc } from "./model";
import type {
  TransitGateway,
  TransitPeeringAttachment,
  TransitRouteTable,
  TransitLink,
  TransitNetwork,
  TransitRoute,
  TransitVpcAttachment,
} from "./transit-model";

export type {
  TransitGateway,
  TransitVpcAttachment,
  TransitPeeringAttachment,
  TransitRouteTable,
  TransitLink,
  TransitStaticRoute,
  TransitNetwork,
  TransitRoute,
} from "./transit-model";

/** The key of a transit gateway's default route table (its association_default_route_table_id). */
export function defaultTransitRouteTableKey(gateway: string): string {
  return `${gateway}.association_default_route_table`;
}

/** An empty transit network. */
export function emptyTransitNetwork(): TransitNetwork {
  return {
    gateways: new Map(),
    vpcAttachments: new Map(),
    peeringAttachments: new Map(),
    routeTables: new Map(),
    associations: [],
    propagations: [],
    routes: [],
    subnetZones: new Map(),
  };
}

/** The gateways an attachment belongs to: one for a VPC attachment, both sides for a peering. */
export function gatewaysOf(net: TransitNetwork, attachment: string): readonly string[] {
  const vpc = net.vpcAttachments.get(attachment);
  if (vpc) return [vpc.gateway];
  const peering = net.peeringAttachments.get(attachment);
  return peering ? [peering.gateway, peering.peerGateway] : [];
}

/** The associations in effect: the explicit ones, and the default route table's where AWS makes them. */
export function effectiveAssociations(net: TransitNetwork): TransitLink[] {
  const out: TransitLink[] = [...net.associations];
  const replaced = (attachment: string, gateway: string): boolean =>
    net.associations.some(
      (a) =>
        a.attachment === attachment &&
        a.replaceExisting === true &&
        net.routeTables.get(a.routeTable)?.gateway === gateway,
    );
  const add = (attachment: string, gateway: string, source: string): void => {
    const tgw = net.gateways.get(gateway);
    if (!tgw?.defaultAssociation || replaced(attachment, gateway)) return;
    out.push({ source, attachment, routeTable: defaultTransitRouteTableKey(gateway) });
  };
  for (const att of net.vpcAttachments.values())
    if (att.defaultAssociation) add(att.address, att.gateway, `${att.address} (default association)`);
  for (const att of net.peeringAttachments.values()) {
    add(att.address, att.gateway, `${att.address} (default association)`);
    if (att.accepters.length > 0 || att.state !== undefined)
      add(att.address, att.peerGateway, `${att.accepters[0] ?? att.address} (default association)`);
  }
  return out;
}

/** The propagations in effect: the explicit ones, and the default route table's where AWS makes them. */
export function effectivePropagations(net: TransitNetwork): TransitLink[] {
  const out: TransitLink[] = [...net.propagations];
  for (const att of net.vpcAttachments.values()) {
    if (att.defaultPropagation && net.gateways.get(att.gateway)?.defaultPropagation)
      out.push({
        source: `${att.address} (default propagation)`,
        attachment: att.address,
        routeTable: defaultTransitRouteTableKey(att.gateway),
      });
  }
  return out;
}

/** Every route of every transit gateway route table, static and propagated. */
export function transitRoutes(model: Model, net: TransitNetwork): TransitRoute[] {
  const statics: TransitRoute[] = net.routes.map((r) => ({ ...r, propagated: false }));
  if (net.reportedRoutes) return [...net.reportedRoutes, ...statics];
  const propagated: TransitRoute[] = [];
  for (const link of effectivePropagations(net)) {
    const att = net.vpcAttachments.get(link.attachment);
    const vpc = att && model.vpcs.get(att.vpc);
    if (!att || !vpc) continue;
    const blocks = [...vpc.ipv4, ...(att.ipv6 ? vpc.ipv6 : [])];
    for (const block of blocks)
      propagated.push({
        source: `${link.source}: ${vpc.address}`,
        routeTable: link.routeTable,
        destination: block.cidr,
        attachment: att.address,
        blackhole: false,
        propagated: true,
      });
  }
  return [...propagated, ...statics];
}

/** A network ACL check a transit leg adds: the ACL of `subnets` (all must pass), on one end's address. */
export interface TransitAclCheck {
  readonly subnets: readonly Subnet[];
  /** true: outbound rules; false: inbound rules. */
  readonly egress: boolean;
  /** Whose address the rules match: the packet's sender (inbound) or its receiver (outbound). */
  readonly on: "sender" | "receiver";
}

/** How a delivered packet went through the transit gateway(s): what a security group reference across them depends on. */
export interface TransitVia {
  /** The gateway that delivered it into the receiving VPC. */
  readonly gateway: string;
  /** The sending VPC's attachment it entered through. */
  readonly entry: string;
  /** The receiving VPC's attachment it left through. */
  readonly exit: string;
  /** The transit gateway peering attachments it crossed, in order. */
  readonly peerings: readonly string[];
}

/** Where one part of the destination set goes through the transit gateway(s). */
export interface TransitOutcome {
  readonly set: AddressSet;
  readonly hops: readonly string[];
  readonly arrival: Vpc | undefined;
  /** Why it is dropped, when it is, with the pair's way of showing a set of addresses. */
  readonly drop: ((describe: Describe) => string) | undefined;
  readonly acls: readonly TransitAclCheck[];
  /** The attachment subnets the packet may leave the transit gateway through, in the receiving VPC. */
  readonly exits: readonly Subnet[];
  /** How it went, when it is delivered. */
  readonly via?: TransitVia;
}

/** What the walk needs from its caller. */
export interface TransitLeg {
  readonly family: Family;
  readonly vpc: Vpc;
  readonly subnet: Subnet;
  readonly gateway: string;
  readonly set: AddressSet;
  readonly prefix: string;
}

/** How a pair shows a set of addresses in its reasons (PairAnalysis.describe). */
export type Describe = (set: AddressSet) => string;

/** Transit gateway hops a packet may take before reach gives up on a loop. */
const MAX_TRANSIT_HOPS = 8;

/**
 * What the transit walks of one analysis share, made once each: every route table's routes in
 * effect, longest prefix first, by family; and each attachment's associations. A network of a
 * thousand attachments has a thousand routes in a table, and every pair walks one.
 */
export class TransitTables {
  private readonly ordered = new Map<string, TransitRoute[]>();
  private readonly splits = new Map<string, TableSplit>();
  /** The same splits by the set object: a pair's sets are mostly its ends' own, unnarrowed. */
  private readonly splitsBySet = new WeakMap<AddressSet, Map<string, TableSplit>>();
  private attachments?: Map<string, Map<string, TransitVpcAttachment>>;
  private readonly labels = new Map<TransitVpcAttachment, Map<string, string>>();
  private readonly walks = new WeakMap<AddressSet, Map<string, Map<string, TransitOutcome[]>>>();
  private byFamily?: Map<Family, TransitRoute[]>;
  private associations?: Map<string, TransitLink[]>;

  constructor(
    private readonly model: Model,
    private readonly net: TransitNetwork,
  ) {}

  /** The routes of `table` in effect for `family`, a static route in place of a propagated one of its prefix, longest prefix first. */
  routesOf(family: Family, table: string): TransitRoute[] {
    const key = `${family}\u0000${table}`;
    let found = this.ordered.get(key);
    if (!found) {
      this.byFamily ??= groupBy(transitRoutes(this.model, this.net), (r) => r.destination.family);
      const effective = new Map<string, TransitRoute>();
      for (const route of this.byFamily.get(family) ?? []) {
        if (route.routeTable !== table) continue;
        const held = effective.get(route.destination.text);
        if (!held || (held.propagated && !route.propagated)) effective.set(route.destination.text, route);
      }
      found = [...effective.values()].sort((a, b) => b.destination.prefix - a.destination.prefix);
      this.ordered.set(key, found);
    }
    return found;
  }

  /**
   * The parts of `set` each route of `table` takes, in the order AWS tries the routes (longest
   * prefix first), and what no route matches; made once per table and set, as every pair whose
   * destination is one instance's subnet walks the same table with the same set.
   */
  split(family: Family, table: string, set: AddressSet): TableSplit {
    let bySet = this.splitsBySet.get(set);
    if (!bySet) this.splitsBySet.set(set, (bySet = new Map()));
    const seen = bySet.get(table);
    if (seen) return seen;
    const key = `${family}\u0000${table}\u0000${setKey(set)}`;
    let found = this.splits.get(key);
    if (!found) {
      let remaining = set;
      const parts: { route: TransitRoute; matched: AddressSet }[] = [];
      for (const route of this.routesOf(family, table)) {
        if (isEmpty(remaining)) break;
        if (!remaining.ranges.some((r) => cidrOverlaps(r, route.destination))) continue;
        const matched = intersect(remaining, cidrSet(route.destination));
        if (isEmpty(matched)) continue;
        remaining = subtract(remaining, matched);
        parts.push({ route, matched });
      }
      found = { parts, remaining };
      this.splits.set(key, found);
    }
    bySet.set(table, found);
    return found;
  }

  /**
   * What `walk` makes of `set` from `table` on, made once per table, set, and `context` (the
   * sender's zone and the leg): the outcomes of a walk that starts at the table, their hops and
   * attachment ACLs from there.
   */
  walked(table: string, set: AddressSet, context: string, walk: () => TransitOutcome[]): readonly TransitOutcome[] {
    let bySet = this.walks.get(set);
    if (!bySet) this.walks.set(set, (bySet = new Map()));
    let byTable = bySet.get(table);
    if (!byTable) bySet.set(table, (byTable = new Map()));
    let found = byTable.get(context);
    if (!found) byTable.set(context, (found = walk()));
    return found;
  }

  /** An attachment's label as a hop of a leg (`prefix`: "" or "reply: "), made once each. */
  label(attachment: TransitVpcAttachment, prefix: string): string {
    let byPrefix = this.labels.get(attachment);
    if (!byPrefix) this.labels.set(attachment, (byPrefix = new Map()));
    let found = byPrefix.get(prefix);
    if (found === undefined) byPrefix.set(prefix, (found = `${prefix}${attachment.label}`));
    return found;
  }

  /** The attachment of `vpc` to `gateway`, if any. */
  attachmentOf(gateway: string, vpc: string): TransitVpcAttachment | undefined {
    if (!this.attachments) {
      this.attachments = new Map();
      for (const a of this.net.vpcAttachments.values()) {
        let byVpc = this.attachments.get(a.gateway);
        if (!byVpc) this.attachments.set(a.gateway, (byVpc = new Map()));
        if (!byVpc.has(a.vpc)) byVpc.set(a.vpc, a);
      }
    }
    return this.attachments.get(gateway)?.get(vpc);
  }

  /** The associations in effect of `attachment`. */
  associationsOf(attachment: string): readonly TransitLink[] {
    this.associations ??= groupBy(effectiveAssociations(this.net), (a) => a.attachment);
    return this.associations.get(attachment) ?? [];
  }
}

/** How a transit gateway route table splits a set of destinations (TransitTables.split). */
export interface TableSplit {
  /** Each route that matches part of the set, longest prefix first, with the part it takes. */
  readonly parts: readonly { readonly route: TransitRoute; readonly matched: AddressSet }[];
  /** What no route matches. */
  readonly remaining: AddressSet;
}

/** A set's ranges as text: the key of a set in a cache. */
export function setKey(set: AddressSet): string {
  return set.ranges.map((r) => `${r.first}-${r.last}`).join(",");
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const list = out.get(key(item));
    if (list) list.push(item);
    else out.set(key(item), [item]);
  }
  return out;
}

/** Routes a leg through the transit gateway a VPC route names; one outcome per part of the set. */
export function transitForward(
  model: Model,
  net: TransitNetwork,
  leg: TransitLeg,
  tables = new TransitTables(model, net),
): TransitOutcome[] {
  const gateway = net.gateways.get(leg.gateway) as TransitGateway;
  const base = { arrival: undefined, acls: [], exits: [] };
  const attachment = tables.attachmentOf(gateway.address, leg.vpc.address);
  if (!attachment)
    return [
      {
        ...base,
        set: leg.set,
        hops: [],
        drop: () =>
          `${gateway.label} has no VPC attachment to ${leg.vpc.address}: a route to a transit gateway carries traffic only from an attached VPC`,
      },
    ];
  const enter = tables.label(attachment, leg.prefix);
  if (leg.family === "ipv6" && !attachment.ipv6)
    return [
      {
        ...base,
        set: leg.set,
        hops: [enter],
        drop: () =>
          `${attachment.label} has ipv6_support disabled: IPv6 traffic does not enter the transit gateway through it`,
      },
    ];
  const subnets = attachment.subnets.map((s) => model.subnets.get(s)).filter((s): s is Subnet => s !== undefined);
  const zone = net.subnetZones.get(leg.subnet.address);
  const entry =
    subnets.find((s) => s.address === leg.subnet.address) ??
    subnets.find((s) => zone !== undefined && net.subnetZones.get(s.address) === zone);
  if (!entry) {
    const zones = subnets.map((s) => `${s.address} in ${zoneText(net.subnetZones.get(s.address))}`).join(", ");
    return [
      {
        ...base,
        set: leg.set,
        hops: [enter],
        drop: () =>
          zone === undefined
            ? `${leg.subnet.address} sets no availability_zone, so AWS picks one and reach cannot tell whether ${attachment.label} has a subnet there (its subnets: ${zones}); set availability_zone`
            : `${attachment.label} has no subnet in ${zoneText(zone)}, where ${leg.subnet.address} is (its subnets: ${zones}): resources in an Availability Zone without an attachment subnet cannot reach the transit gateway; add a subnet of that zone to subnet_ids`,
      },
    ];
  }
  const acls: TransitAclCheck[] = [{ subnets: [entry], egress: false, on: "sender" }];
  return new Walk(model, net, leg, zone, attachment.address, tables).port(
    gateway.address,
    attachment.address,
    leg.set,
    [enter],
    acls,
    [],
  );
}

function zoneText(zone: string | undefined): string {
  if (zone === undefined) return "an unknown Availability Zone";
  if (zone.startsWith("expr:")) return `the zone of ${zone.slice(zone.indexOf(":", 5) + 1)}`;
  return zone.replace(/^name:/, "").replace(/^id:/, "zone id ");
}

class Walk {
  constructor(
    private readonly model: Model,
    private readonly net: TransitNetwork,
    private readonly leg: TransitLeg,
    private readonly zone: string | undefined,
    private readonly entry: string,
    private readonly tables: TransitTables,
  ) {
    this.context = `${zone}\u0000${leg.prefix}`;
  }

  /** What besides the table and the set decides the walk from a table on: the sender's zone and the leg. */
  private readonly context: string;

  /** A packet entering `gateway` through `attachment`, having crossed `peerings` on the way. */
  port(
    gateway: string,
    attachment: string,
    set: AddressSet,
    hops: readonly string[],
    acls: readonly TransitAclCheck[],
    peerings: readonly string[],
  ): TransitOutcome[] {
    const depth = peerings.length;
    const { net, leg } = this;
    const tgw = net.gateways.get(gateway);
    const dropped = (hop: string[], why: () => string): TransitOutcome[] => [
      { set, hops: [...hops, ...hop], arrival: undefined, drop: why, acls, exits: [] },
    ];
    if (!tgw) return dropped([], () => `the transit gateway ${gateway} is outside the loaded configuration`);
    if (depth >= MAX_TRANSIT_HOPS)
      return dropped(
        [],
        () => `the transit gateways pass the packet on more than ${MAX_TRANSIT_HOPS} times: a routing loop`,
      );
    const association = this.tables
      .associationsOf(attachment)
      .find((a) => net.routeTables.get(a.routeTable)?.gateway === gateway);
    const name = this.attachmentLabel(attachment);
    if (!association)
      return dropped(
        [`${leg.prefix}${tgw.label}`],
        () =>
          `${name} is associated with no route table of ${tgw.label}: the transit gateway routes what enters through an attachment by the route table associated with it`,
      );
    const table = net.routeTables.get(association.routeTable) as TransitRouteTable;
    if (depth > 0) return this.routeBy(gateway, table, set, hops, acls, peerings);
    // What happens from the route table on depends on the table, the set, the zone and the leg
    // only: every VPC associated with the table shares it.
    const walked = this.tables.walked(table.address, set, this.context, () =>
      this.routeBy(gateway, table, set, [], [], []),
    );
    return walked.map((o) => ({
      ...o,
      hops: [...hops, ...o.hops],
      acls: [...acls, ...o.acls],
      ...(o.via ? { via: { ...o.via, entry: this.entry } } : {}),
    }));
  }

  /** A packet in `table` of `gateway`, having crossed `peerings` on the way. */
  private routeBy(
    gateway: string,
    table: TransitRouteTable,
    set: AddressSet,
    hops: readonly string[],
    acls: readonly TransitAclCheck[],
    peerings: readonly string[],
  ): TransitOutcome[] {
    const { leg } = this;
    const { parts, remaining } = this.tables.split(leg.family, table.address, set);
    const out: TransitOutcome[] = [];
    for (const { route, matched } of parts)
      out.push(...this.follow(gateway, table, route, matched, hops, acls, peerings));
    if (!isEmpty(remaining)) {
      const left = remaining;
      out.push({
        set: left,
        hops: [...hops, `${leg.prefix}${table.label}`],
        arrival: undefined,
        drop: (describe) => `no route of the transit gateway route table ${table.label} matches ${describe(left)}`,
        acls,
        exits: [],
      });
    }
    return out;
  }

  private follow(
    gateway: string,
    table: TransitRouteTable,
    route: TransitRoute,
    set: AddressSet,
    hops: readonly string[],
    acls: readonly TransitAclCheck[],
    peerings: readonly string[],
  ): TransitOutcome[] {
    const { net, model, leg } = this;
    const kind = route.propagated ? "propagated" : "static";
    const target = route.blackhole ? "blackhole" : this.attachmentLabel(route.attachment ?? "");
    const hop = `${leg.prefix}${table.label}: ${route.destination.text} → ${target} (${kind}, ${route.source})`;
    const path = [...hops, hop];
    const dropped = (why: () => string): TransitOutcome[] => [
      { set, hops: path, arrival: undefined, drop: why, acls, exits: [] },
    ];
    if (route.blackhole)
      return dropped(() => `${route.source} is a blackhole route: the transit gateway drops what it matches`);
    const attachment = route.attachment ?? "";
    const vpcAttachment = net.vpcAttachments.get(attachment);
    if (vpcAttachment) {
      if (vpcAttachment.gateway !== gateway)
        return dropped(() => `${vpcAttachment.label} is an attachment of ${vpcAttachment.gateway}, not of ${gateway}`);
      const vpc = model.vpcs.get(vpcAttachment.vpc);
      if (!vpc) return dropped(() => `${vpcAttachment.vpc} is outside the loaded configuration`);
      if (leg.family === "ipv6" && !vpcAttachment.ipv6)
        return dropped(
          () =>
            `${vpcAttachment.label} has ipv6_support disabled: IPv6 traffic does not leave the transit gateway through it`,
        );
      const inside = (leg.family === "ipv4" ? vpc.ipv4 : vpc.ipv6).reduce(
        (acc, b) => union(acc, setOf(leg.family, b.cidr)),
        emptySet(leg.family),
      );
      const delivered = intersect(set, inside);
      const into = `${leg.prefix}${vpcAttachment.label}`;
      if (isEmpty(delivered))
        return [
          {
            set,
            hops: [...path, into],
            arrival: undefined,
            drop: (describe) =>
              `${describe(set)} is outside ${vpc.address}'s CIDRs: reach follows a transit gateway attachment into the attached VPC itself only`,
            acls,
            exits: [],
          },
        ];
      const subnets = vpcAttachment.subnets
        .map((s) => model.subnets.get(s))
        .filter((s): s is Subnet => s !== undefined);
      const sameZone = subnets.filter((s) => this.zone !== undefined && net.subnetZones.get(s.address) === this.zone);
      const exits = !vpcAttachment.applianceMode && sameZone.length > 0 ? sameZone : subnets;
      return [
        {
          set: delivered,
          hops: [...path, into],
          arrival: vpc,
          drop: undefined,
          acls: [...acls, { subnets: exits, egress: true, on: "receiver" }],
          exits,
          via: { gateway, entry: this.entry, exit: vpcAttachment.address, peerings },
        },
      ];
    }
    const peering = net.peeringAttachments.get(attachment);
    if (!peering) return dropped(() => `${attachment} is not a transit gateway attachment of the loaded configuration`);
    const other =
      peering.gateway === gateway ? peering.peerGateway : peering.peerGateway === gateway ? peering.gateway : undefined;
    if (other === undefined)
      return dropped(() => `${peering.label} does not connect ${net.gateways.get(gateway)?.label ?? gateway}`);
    if (!peeringCarries(peering))
      return dropped(() =>
        peering.state !== undefined
          ? `${peering.label} is ${peering.state}, not available`
          : `${peering.label} is not accepted: add an aws_ec2_transit_gateway_peering_attachment_accepter in the peer's account and region`,
      );
    return this.port(other, peering.address, set, [...path, `${leg.prefix}${peering.label}`], acls, [
      ...peerings,
      peering.address,
    ]);
  }

  private attachmentLabel(key: string): string {
    return this.net.vpcAttachments.get(key)?.label ?? this.net.peeringAttachments.get(key)?.label ?? key;
  }
}

/**
 * Why a security group rule's reference to a group of another VPC admits nothing for a packet that
 * came through transit gateways `via`, or undefined when AWS honours it ("Security group
 * referencing", Transit Gateway guide, and AWS's announcement of 2023-11): only in inbound rules,
 * only across one transit gateway (not a peering of two), and only when the gateway and both VPC
 * attachments have security_group_referencing_support enabled (the gateway's default is disable,
 * an attachment's enable).
 */
export function transitReferenceRefusal(net: TransitNetwork, via: TransitVia, egress: boolean): string | undefined {
  const gateway = net.gateways.get(via.gateway);
  const name = gateway?.label ?? via.gateway;
  if (egress)
    return `the echo goes through the transit gateway ${name}, and AWS honours a reference to a group of another VPC across a transit gateway in inbound rules only`;
  if (via.peerings.length > 0) {
    const peering = net.peeringAttachments.get(via.peerings[0])?.label ?? via.peerings[0];
    return `the echo crosses the transit gateway peering ${peering}, and AWS honours a reference to a group of another VPC only across one transit gateway, not across a peering`;
  }
  const off = [
    gateway?.securityGroupReferencing === true ? undefined : name,
    ...[via.entry, via.exit].map((key) => {
      const att = net.vpcAttachments.get(key);
      return att?.securityGroupReferencing === false ? att.label : undefined;
    }),
  ].filter((x): x is string => x !== undefined);
  if (off.length === 0) return undefined;
  return `the echo comes through the transit gateway ${name}, and security_group_referencing_support is not enabled on ${off.join(" and ")}: AWS honours a reference to a group of another VPC attached to the gateway only when the gateway and both VPC attachments enable it`;
}

/**
 * A transit gateway that VPCs `a` and `b` are both attached to and that enables security group
 * referencing (with `attachments`, both VPC attachments enabling it too), or undefined.
 */
export function referencingGateway(
  net: TransitNetwork | undefined,
  a: string,
  b: string,
  attachments: boolean,
): TransitGateway | undefined {
  if (!net) return undefined;
  const attached = [...net.vpcAttachments.values()].filter((x) => !attachments || x.securityGroupReferencing !== false);
  return [...net.gateways.values()].find(
    (g) =>
      g.securityGroupReferencing === true &&
      [a, b].every((vpc) => attached.some((x) => x.gateway === g.address && x.vpc === vpc)),
  );
}

/** Whether a peering attachment carries traffic: AWS's state when known, else whether it is accepted. */
export function peeringCarries(peering: TransitPeeringAttachment): boolean {
  return peering.state !== undefined ? peering.state === "available" : peering.accepters.length > 0;
}
