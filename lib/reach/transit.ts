/**
 * Transit gateways as AWS documents them (Amazon VPC Transit Gateways guide): the entities a loader
 * reads, which associations, propagations and routes are in effect, and the rules for security
 * group references across a gateway. The walk of a packet through gateways is in transit-walk.ts.
 */
import type { AddressSet, Family } from "./cidr";
import type { Model, Subnet, Vpc } from "./model";
import type {
  TransitGateway,
  TransitPeeringAttachment,
  TransitLink,
  TransitNetwork,
  TransitRoute,
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
  /**
   * Only the verdict counts: the outcomes' hops may be left out.
   * @default false
   */
  readonly brief?: boolean;
}

/** How a pair shows a set of addresses in its reasons (PairAnalysis.describe). */
export type Describe = (set: AddressSet) => string;

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
