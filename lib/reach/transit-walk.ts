/**
 * A packet through transit gateways, from the VPC route that sends it to one (Amazon VPC Transit
 * Gateways guide). Pure: it takes the model and an address set and returns where each part of the
 * set goes.
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
import { type AddressSet, emptySet, intersect, isEmpty, setOf, union } from "./cidr";
import type { Model, Subnet } from "./model";
import {
  peeringCarries,
  type TransitAclCheck,
  type TransitGateway,
  type TransitLeg,
  type TransitNetwork,
  type TransitOutcome,
  type TransitRoute,
  type TransitRouteTable,
} from "./transit";
import { TransitTables } from "./transit-tables";

/** Transit gateway hops a packet may take before reach gives up on a loop. */
const MAX_TRANSIT_HOPS = 8;

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
      hops: leg.brief ? o.hops : [...hops, ...o.hops],
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
