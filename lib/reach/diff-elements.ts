import type { Model } from "./model";
import { effectiveAssociations, effectivePropagations } from "./transit";

/**
 * The transit gateway elements reach --diff compares: gateways, VPC and peering attachments, route
 * tables, associations, propagations and static (or blackhole) routes, each keyed so that reordering
 * the resources changes nothing, and named as a pair's path names them (the transit path hops show
 * each attachment and route table with its address, and each route with the resource that makes it).
 */

/** One element as the comparison sees it: what it is, what it says, and the names a path hop would show. */
export interface DiffElement {
  readonly kind: string;
  /** What decides its effect on packets; two elements with the same key and value are the same. */
  readonly value: string;
  /** The element in words. */
  readonly text: string;
  /** Resource addresses and labels that a path naming this element would contain. */
  readonly mentions: readonly string[];
}

/** The transit elements of a model, by key; none without transit gateways. */
export function transitElements(model: Model): [string, DiffElement][] {
  const net = model.transit;
  if (!net) return [];
  const out: [string, DiffElement][] = [];
  const attachmentLabel = (key: string): string =>
    net.vpcAttachments.get(key)?.label ?? net.peeringAttachments.get(key)?.label ?? key;
  const tableLabel = (key: string): string => net.routeTables.get(key)?.label ?? key;
  const gatewayLabel = (key: string): string => net.gateways.get(key)?.label ?? key;
  for (const gateway of net.gateways.values()) {
    out.push([
      `tgw\u0000${gateway.address}`,
      {
        kind: "transit gateway",
        value: JSON.stringify([gateway.region, gateway.defaultAssociation, gateway.defaultPropagation]),
        text: `${gateway.label}${gateway.address === gateway.label ? "" : ` (${gateway.address})`}`,
        mentions: [gateway.address],
      },
    ]);
  }
  for (const att of net.vpcAttachments.values()) {
    out.push([
      `tgw-attachment\u0000${att.address}`,
      {
        kind: "transit gateway attachment",
        value: JSON.stringify([
          att.gateway,
          att.vpc,
          [...att.subnets].sort(),
          att.ipv6,
          att.applianceMode,
          att.defaultAssociation,
          att.defaultPropagation,
        ]),
        text: `${att.label}: ${att.vpc} to ${gatewayLabel(att.gateway)}, subnets ${att.subnets.join(", ")}${
          att.ipv6 ? ", IPv6" : ""
        }${att.applianceMode ? ", appliance mode" : ""}`,
        mentions: [att.address],
      },
    ]);
  }
  for (const att of net.peeringAttachments.values()) {
    out.push([
      `tgw-peering\u0000${att.address}`,
      {
        kind: "transit gateway peering attachment",
        value: JSON.stringify([att.gateway, att.peerGateway, att.peerRegion, att.accepters.length > 0, att.state]),
        text: `${att.label}: ${gatewayLabel(att.gateway)} ↔ ${gatewayLabel(att.peerGateway)}${
          att.accepters.length > 0 || att.state !== undefined ? "" : " (not accepted)"
        }`,
        mentions: [att.address, ...att.accepters],
      },
    ]);
  }
  for (const table of net.routeTables.values()) {
    out.push([
      `tgw-route-table\u0000${table.address}`,
      {
        kind: "transit gateway route table",
        value: table.gateway,
        text: `${table.label} of ${gatewayLabel(table.gateway)}`,
        mentions: [table.address],
      },
    ]);
  }
  for (const link of effectiveAssociations(net)) {
    const gateway = net.routeTables.get(link.routeTable)?.gateway ?? "";
    out.push([
      `tgw-association\u0000${link.attachment}\u0000${gateway}`,
      {
        kind: "transit gateway association",
        value: link.routeTable,
        text: `${attachmentLabel(link.attachment)} associated with ${tableLabel(link.routeTable)} (${link.source})`,
        mentions: [link.source, link.attachment],
      },
    ]);
  }
  for (const link of effectivePropagations(net)) {
    out.push([
      `tgw-propagation\u0000${link.attachment}\u0000${link.routeTable}`,
      {
        kind: "transit gateway propagation",
        value: "",
        text: `${attachmentLabel(link.attachment)} propagated into ${tableLabel(link.routeTable)} (${link.source})`,
        mentions: [link.source],
      },
    ]);
  }
  for (const route of net.routes) {
    out.push([
      `tgw-route\u0000${route.routeTable}\u0000${route.destination.text}`,
      {
        kind: "transit gateway route",
        value: JSON.stringify([route.attachment, route.blackhole]),
        text: `${tableLabel(route.routeTable)}: ${route.destination.text} → ${
          route.blackhole ? "blackhole" : attachmentLabel(route.attachment ?? "")
        } (static, ${route.source})`,
        mentions: [route.source],
      },
    ]);
  }
  return out;
}
