import {
  ATTACHMENTS_PER_TRANSIT_GATEWAY,
  PEERING_ATTACHMENTS_PER_TRANSIT_GATEWAY,
  PENDING_PEERING_ATTACHMENTS_PER_TRANSIT_GATEWAY,
  ROUTES_PER_TRANSIT_GATEWAY,
  ROUTE_TABLES_PER_TRANSIT_GATEWAY,
  TRANSIT_GATEWAY_ATTACHMENTS_PER_VPC,
  TRANSIT_GATEWAY_QUOTAS_SOURCE,
  type TransitGatewayQuota,
} from "../core/aws-limits";
import type { Finding, Model } from "./model";
import { checkSharing } from "./transit-sharing";
import { type TransitLink, type TransitNetwork, effectiveAssociations, gatewaysOf, transitRoutes } from "./transit";

/** Transit gateway configurations AWS rejects, and quotas they pass. */
export function checkTransit(model: Model, errors: Finding[], warnings: Finding[]): void {
  const net = model.transit;
  if (!net) return;
  checkVpcAttachments(model, net, errors);
  checkLinks(net, errors);
  checkAssociations(net, errors);
  checkPeeringAttachments(net, errors);
  checkStaticRoutes(net, errors);
  checkSharing(net, errors);
  checkQuotas(model, net, errors, warnings);
}

function checkVpcAttachments(model: Model, net: TransitNetwork, errors: Finding[]): void {
  const byPair = new Map<string, string>();
  for (const att of net.vpcAttachments.values()) {
    const gateway = net.gateways.get(att.gateway);
    const vpc = model.vpcs.get(att.vpc);
    const pair = `${att.gateway} ${att.vpc}`;
    const earlier = byPair.get(pair);
    if (earlier)
      errors.push({
        resource: att.address,
        message: `${att.vpc} is already attached to ${gateway?.label ?? att.gateway} by ${earlier}; AWS allows one attachment between a VPC and a transit gateway: remove one`,
      });
    else byPair.set(pair, att.address);
    if (!gateway)
      errors.push({
        resource: att.address,
        message: `transit_gateway_id ${att.gateway} is not an aws_ec2_transit_gateway of the loaded configuration: declare it, or load its stack`,
      });
    else if (vpc && vpc.region !== gateway.region)
      errors.push({
        resource: att.address,
        message: `${att.vpc} is in ${vpc.region ?? "the provider's default region"} but ${gateway.label} is in ${gateway.region ?? "the provider's default region"}: a VPC attaches only to a transit gateway of its own region (peer transit gateways across regions)`,
      });
    const byZone = new Map<string, string>();
    for (const key of att.subnets) {
      const subnet = model.subnets.get(key);
      if (subnet && subnet.vpc !== att.vpc)
        errors.push({
          resource: att.address,
          message: `subnet_ids names ${key}, which is in ${subnet.vpc}, not in vpc_id ${att.vpc}: the attachment's subnets must be in its VPC`,
        });
      const zone = net.subnetZones.get(key);
      if (zone === undefined) continue;
      const other = byZone.get(zone);
      if (other)
        errors.push({
          resource: att.address,
          message: `subnet_ids names ${other} and ${key}, both in ${zone.replace(/^[a-z]+:/, "")}; AWS takes one subnet per Availability Zone for an attachment: keep one of them`,
        });
      else byZone.set(zone, key);
    }
  }
}

/** Associations, propagations and routes name an attachment and a route table of one transit gateway. */
function checkLinks(net: TransitNetwork, errors: Finding[]): void {
  const check = (link: TransitLink, what: string): void => {
    const table = net.routeTables.get(link.routeTable);
    if (!table) {
      errors.push({
        resource: link.source,
        message: `transit_gateway_route_table_id ${link.routeTable} is not a transit gateway route table of the loaded configuration (a transit gateway with both defaults disabled has no default route table)`,
      });
      return;
    }
    const gateways = gatewaysOf(net, link.attachment);
    if (gateways.length === 0) {
      errors.push({
        resource: link.source,
        message: `transit_gateway_attachment_id ${link.attachment} is not a transit gateway attachment of the loaded configuration`,
      });
      return;
    }
    if (!gateways.includes(table.gateway))
      errors.push({
        resource: link.source,
        message: `${what} ${link.attachment} (an attachment of ${gateways.join(" and ")}) with ${table.label}, a route table of ${table.gateway}; AWS links an attachment only with route tables of its own transit gateway`,
      });
    if (what === "propagates" && net.peeringAttachments.has(link.attachment))
      errors.push({
        resource: link.source,
        message: `propagates the peering attachment ${link.attachment}; transit gateway peering attachments carry static routes only: add an aws_ec2_transit_gateway_route to it instead`,
      });
  };
  for (const link of net.associations) check(link, "associates");
  for (const link of net.propagations) check(link, "propagates");
  for (const route of net.routes) {
    if (route.attachment !== undefined)
      check({ source: route.source, attachment: route.attachment, routeTable: route.routeTable }, "routes to");
  }
}

/** An attachment is associated with exactly one route table of each transit gateway it belongs to. */
function checkAssociations(net: TransitNetwork, errors: Finding[]): void {
  const held = new Map<string, TransitLink>();
  for (const link of effectiveAssociations(net)) {
    const gateway = net.routeTables.get(link.routeTable)?.gateway;
    if (gateway === undefined) continue;
    const key = `${link.attachment} ${gateway}`;
    const earlier = held.get(key);
    if (!earlier) {
      held.set(key, link);
      continue;
    }
    const isDefault = (l: TransitLink): boolean => l.source.endsWith("(default association)");
    const defaulted = isDefault(earlier) || isDefault(link);
    const [one, other] = isDefault(link) ? [earlier, link] : [link, earlier];
    errors.push({
      resource: one.source.replace(/ \(default association\)$/, ""),
      message: `associates ${one.attachment} with ${net.routeTables.get(one.routeTable)?.label} while ${other.source} associates it with ${net.routeTables.get(other.routeTable)?.label}; AWS associates an attachment with one route table${
        defaulted
          ? ": set transit_gateway_default_route_table_association = false on the attachment, or replace_existing_association = true on the association"
          : ": remove one association"
      }`,
    });
  }
}

function checkPeeringAttachments(net: TransitNetwork, errors: Finding[]): void {
  const byPair = new Map<string, string>();
  for (const att of net.peeringAttachments.values()) {
    if (att.gateway === att.peerGateway)
      errors.push({
        resource: att.address,
        message: "peers a transit gateway with itself: set peer_transit_gateway_id to another transit gateway",
      });
    const pair = [att.gateway, att.peerGateway].sort().join(" and ");
    const earlier = byPair.get(pair);
    if (earlier)
      errors.push({
        resource: att.address,
        message: `${pair} are already peered by ${earlier}; AWS allows one peering attachment between two transit gateways: remove one`,
      });
    else byPair.set(pair, att.address);
    const peer = net.gateways.get(att.peerGateway);
    if (peer && peer.region !== att.peerRegion)
      errors.push({
        resource: att.address,
        message: `peer_region is ${att.peerRegion ?? "unset"} but ${peer.label} is in ${peer.region ?? "the provider's default region"}: set peer_region to the peer transit gateway's region`,
      });
  }
}

function checkStaticRoutes(net: TransitNetwork, errors: Finding[]): void {
  const seen = new Map<string, string>();
  for (const route of net.routes) {
    const key = `${route.routeTable} ${route.destination.text}`;
    const earlier = seen.get(key);
    if (earlier)
      errors.push({
        resource: route.source,
        message: `${earlier} already routes ${route.destination.text} in ${net.routeTables.get(route.routeTable)?.label ?? route.routeTable}; a transit gateway route table holds one static route per prefix: remove one`,
      });
    else seen.set(key, route.source);
  }
}

function checkQuotas(model: Model, net: TransitNetwork, errors: Finding[], warnings: Finding[]): void {
  const exceeds = (resource: string, count: number, what: string, quota: TransitGatewayQuota): void => {
    if (count <= quota.default) return;
    const where = `"${quota.name}" (${TRANSIT_GATEWAY_QUOTAS_SOURCE})`;
    if (quota.adjustable)
      warnings.push({
        resource,
        message: `has ${count} ${what}, above the default quota of ${quota.default} ${where}: request an increase before applying`,
      });
    else
      errors.push({
        resource,
        message: `has ${count} ${what}; AWS allows at most ${quota.default} ${where}, and does not raise it: split them over more transit gateways`,
      });
  };
  const count = (items: Iterable<string>): Map<string, number> => {
    const out = new Map<string, number>();
    for (const item of items) out.set(item, (out.get(item) ?? 0) + 1);
    return out;
  };
  const peerings = [...net.peeringAttachments.values()];
  const attachments = count([
    ...[...net.vpcAttachments.values()].map((a) => a.gateway),
    ...peerings.flatMap((p) => [p.gateway, p.peerGateway]),
  ]);
  const peeringCount = count(peerings.flatMap((p) => [p.gateway, p.peerGateway]));
  // Pending: as AWS reports it live; offline, one that no accepter in the configuration accepts, pending for good.
  const pending = count(
    peerings
      .filter((p) => (p.state === undefined ? p.accepters.length === 0 : p.state === "pendingAcceptance"))
      .flatMap((p) => [p.gateway, p.peerGateway]),
  );
  const tables = count([...net.routeTables.values()].map((t) => t.gateway));
  const routes = count(transitRoutes(model, net).flatMap((r) => net.routeTables.get(r.routeTable)?.gateway ?? []));
  const perVpc = count([...net.vpcAttachments.values()].map((a) => a.vpc));
  for (const gateway of net.gateways.keys()) {
    exceeds(gateway, attachments.get(gateway) ?? 0, "attachments", ATTACHMENTS_PER_TRANSIT_GATEWAY);
    exceeds(gateway, peeringCount.get(gateway) ?? 0, "peering attachments", PEERING_ATTACHMENTS_PER_TRANSIT_GATEWAY);
    exceeds(
      gateway,
      pending.get(gateway) ?? 0,
      "peering attachments that no accepter accepts (pendingAcceptance)",
      PENDING_PEERING_ATTACHMENTS_PER_TRANSIT_GATEWAY,
    );
    exceeds(gateway, tables.get(gateway) ?? 0, "route tables", ROUTE_TABLES_PER_TRANSIT_GATEWAY);
    exceeds(gateway, routes.get(gateway) ?? 0, "routes across its route tables", ROUTES_PER_TRANSIT_GATEWAY);
  }
  for (const [vpc, n] of perVpc) exceeds(vpc, n, "transit gateway attachments", TRANSIT_GATEWAY_ATTACHMENTS_PER_VPC);
}
