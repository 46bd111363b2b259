/**
 * The live loader's transit gateway mapping: what EC2 reports about transit gateways (transit-read.ts)
 * into the TransitNetwork the Terraform loader builds, keyed by AWS ids. EC2 reports what AWS made
 * of the defaults (the default route table's associations and propagations are listed like any
 * other), so nothing here is a default: every association, propagation and route is one EC2 lists.
 * Propagated routes are the ones SearchTransitGatewayRoutes returns (reportedRoutes), not derived
 * from the propagations, so that what AWS dropped (an overlapping block) or has not installed yet is
 * not taken as routed. Pure: no API call.
 */
import type { Tag, TransitGatewayRoute } from "@aws-sdk/client-ec2";
import { type Cidr, parseCidr } from "../cidr";
import { type Finding, ReachInputError } from "../model";
import type {
  TransitGateway,
  TransitLink,
  TransitNetwork,
  TransitPeeringAttachment,
  TransitRoute,
  TransitRouteTable,
  TransitStaticRoute,
  TransitVpcAttachment,
} from "../transit-model";
import type { Snapshot } from "./read";

/** States in which a transit gateway, attachment or route table no longer exists. */
const GONE = new Set(["deleted", "deleting", "failed", "rejected", "failing", "rejecting"]);
/** VPC attachment states that carry traffic. */
const CARRYING = new Set(["available", "modifying"]);

/**
 * The transit network of every target's snapshot, each entity once; undefined when no target has
 * a transit gateway. `warn` receives what reach leaves out.
 */
export function liveTransit(
  snapshots: readonly Snapshot[],
  warn: (finding: Finding) => void,
): TransitNetwork | undefined {
  if (snapshots.every((s) => s.transit.gateways.length === 0)) return undefined;
  const gateways = new Map<string, TransitGateway>();
  const vpcAttachments = new Map<string, TransitVpcAttachment>();
  const peeringAttachments = new Map<string, TransitPeeringAttachment>();
  const routeTables = new Map<string, TransitRouteTable>();
  const associations: TransitLink[] = [];
  const propagations: TransitLink[] = [];
  const routes: TransitStaticRoute[] = [];
  const reportedRoutes: TransitRoute[] = [];
  const subnetZones = new Map<string, string>();
  const seenTables = new Set<string>();
  for (const s of snapshots) {
    for (const subnet of s.subnets) {
      const zone = subnet.AvailabilityZoneId
        ? `id:${subnet.AvailabilityZoneId}`
        : subnet.AvailabilityZone
          ? `name:${subnet.AvailabilityZone}`
          : undefined;
      if (subnet.SubnetId && zone && !subnetZones.has(subnet.SubnetId)) subnetZones.set(subnet.SubnetId, zone);
    }
    for (const g of s.transit.gateways) {
      const id = g.TransitGatewayId;
      if (!id || gateways.has(id) || GONE.has(g.State ?? "")) continue;
      // AWS has already made the default associations and propagations; EC2 lists them with the others.
      gateways.set(id, {
        address: id,
        label: labelOf(id, g.Tags),
        region: s.region,
        defaultAssociation: false,
        defaultPropagation: false,
        securityGroupReferencing: g.Options?.SecurityGroupReferencingSupport === "enable",
      });
    }
    for (const a of s.transit.vpcAttachments) {
      const id = a.TransitGatewayAttachmentId;
      if (!id || !a.TransitGatewayId || !a.VpcId || vpcAttachments.has(id) || GONE.has(a.State ?? "")) continue;
      const label = labelOf(id, a.Tags);
      if (!CARRYING.has(a.State ?? "available")) {
        warn({ resource: label, message: `is ${a.State}, not available: it carries no traffic and is left out` });
        continue;
      }
      vpcAttachments.set(id, {
        address: id,
        label,
        gateway: a.TransitGatewayId,
        vpc: a.VpcId,
        region: s.region,
        subnets: a.SubnetIds ?? [],
        ipv6: a.Options?.Ipv6Support === "enable",
        applianceMode: a.Options?.ApplianceModeSupport === "enable",
        defaultAssociation: false,
        defaultPropagation: false,
        // Unreported (an emulator), AWS's default for an attachment: enable.
        securityGroupReferencing: a.Options?.SecurityGroupReferencingSupport !== "disable",
      });
    }
    for (const p of s.transit.peeringAttachments) {
      const id = p.TransitGatewayAttachmentId;
      const requester = p.RequesterTgwInfo?.TransitGatewayId;
      const accepter = p.AccepterTgwInfo?.TransitGatewayId;
      if (!id || peeringAttachments.has(id) || GONE.has(p.State ?? "")) continue;
      if (!requester || !accepter) {
        warn({
          resource: id,
          message: "EC2 reports the peering attachment without both of its transit gateways; it is ignored",
        });
        continue;
      }
      peeringAttachments.set(id, {
        address: id,
        label: labelOf(id, p.Tags),
        gateway: requester,
        peerGateway: accepter,
        peerRegion: p.AccepterTgwInfo?.Region ?? s.region,
        accepters: [],
        state: p.State ?? "unknown",
      });
    }
    for (const { table, associations: listed, propagations: propagating, routes: found } of s.transit.routeTables) {
      const id = table.TransitGatewayRouteTableId;
      if (!id || !table.TransitGatewayId || seenTables.has(id)) continue;
      seenTables.add(id);
      const label = labelOf(id, table.Tags);
      routeTables.set(id, { address: id, label, gateway: table.TransitGatewayId });
      for (const a of listed) {
        if (a.TransitGatewayAttachmentId && a.State === "associated")
          associations.push({
            source: `the association of ${a.TransitGatewayAttachmentId} with ${id}`,
            attachment: a.TransitGatewayAttachmentId,
            routeTable: id,
          });
      }
      for (const p of propagating) {
        if (p.TransitGatewayAttachmentId && p.State === "enabled")
          propagations.push({
            source: `the propagation of ${p.TransitGatewayAttachmentId} to ${id}`,
            attachment: p.TransitGatewayAttachmentId,
            routeTable: id,
          });
      }
      for (const route of found) {
        const mapped = tableRoute(label, id, route, warn);
        if (!mapped) continue;
        if (mapped.propagated) reportedRoutes.push(mapped);
        else routes.push(mapped);
      }
    }
  }
  return {
    gateways,
    vpcAttachments,
    peeringAttachments,
    routeTables,
    associations,
    propagations,
    routes,
    subnetZones,
    reportedRoutes,
  };
}

/** One route of SearchTransitGatewayRoutes, or undefined (with a warning) for one reach cannot follow. */
function tableRoute(
  label: string,
  table: string,
  route: TransitGatewayRoute,
  warn: (finding: Finding) => void,
): TransitRoute | undefined {
  const text = route.DestinationCidrBlock;
  if (!text) {
    warn({
      resource: label,
      message: route.PrefixListId
        ? `the route to the prefix list ${route.PrefixListId} is not modeled; it is ignored`
        : "EC2 reports a route without a destination; it is ignored",
    });
    return undefined;
  }
  const source = `${label}: route to ${text}`;
  const blackhole = route.State === "blackhole";
  const attachments = (route.TransitGatewayAttachments ?? []).flatMap((a) =>
    a.TransitGatewayAttachmentId ? [a.TransitGatewayAttachmentId] : [],
  );
  if (!blackhole && attachments.length === 0) {
    warn({ resource: source, message: "EC2 reports no attachment for this route; it is ignored" });
    return undefined;
  }
  if (attachments.length > 1)
    warn({
      resource: source,
      message: `EC2 reports ${attachments.length} attachments (${attachments.join(", ")}); reach follows the first`,
    });
  return {
    source,
    routeTable: table,
    destination: cidrOf(source, text),
    attachment: blackhole ? undefined : attachments[0],
    blackhole,
    propagated: route.Type === "propagated",
  };
}

function cidrOf(source: string, text: string): Cidr {
  const cidr = parseCidr(text);
  if (typeof cidr === "string")
    throw new ReachInputError(`${source}: EC2 reports ${JSON.stringify(text)}, which is not a CIDR block`);
  return cidr;
}

function labelOf(id: string, tags: readonly Tag[] | undefined): string {
  const name = tags?.find((t) => t.Key === "Name")?.Value;
  return name ? `${id} (${name})` : id;
}
