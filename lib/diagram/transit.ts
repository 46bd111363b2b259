/**
 * Transit gateways in the diagram: each gateway a hub (a cluster) holding one node per segment (a
 * transit gateway route table), each attached VPC joined to the segment its attachment is associated
 * with, in that segment's colour, and each peering attachment an edge between two hubs. Built from
 * reach's model; every name drawn through `html` or `quote`, as the rest of the diagram.
 */
import type { Model } from "../reach";
import { clipText } from "../core/text";

/** A segment: one transit gateway route table, the VPCs associated with it and what it routes to. */
export interface DiagramSegment {
  readonly key: string;
  /** The route table's Name tag, else its address. */
  readonly label: string;
  /** The VPCs whose attachments are associated with it (keys of the topology's VPCs). */
  readonly members: readonly string[];
  /** The segments whose members' blocks are propagated into it, by label. */
  readonly routesTo: readonly string[];
  /** Its static blackhole routes' destinations. */
  readonly blackholes: readonly string[];
  /**
   * How many peering attachments are associated with it (a peering's own route table has no VPC).
   * @default 0
   */
  readonly peerings?: number;
}

/** A transit gateway with its segments. */
export interface DiagramTransitGateway {
  readonly key: string;
  readonly label: string;
  readonly region: string | undefined;
  readonly segments: readonly DiagramSegment[];
  /** Attached VPCs whose attachment is associated with no route table of the gateway. */
  readonly unassociated: readonly string[];
}

/** A peering attachment between two transit gateways (a gateway outside the loaded Terraform is kept as its literal id). */
export interface DiagramTransitPeering {
  readonly key: string;
  readonly label: string;
  readonly requester: string;
  readonly accepter: string;
  readonly crossRegion: boolean;
  /** The route tables (segment keys) its attachment is associated with on the requester's and the accepter's side. */
  readonly requesterSegment: string | undefined;
  readonly accepterSegment: string | undefined;
  /** Whether an accepter (or AWS's reported state) makes it carry traffic. */
  readonly accepted: boolean;
}

/** The transit gateways and their peerings, as the diagram draws them. */
export interface DiagramTransit {
  readonly gateways: readonly DiagramTransitGateway[];
  readonly peerings: readonly DiagramTransitPeering[];
}

/** The transit gateways of reach's model, with their segments and the VPCs in each. */
export function transitTopology(model: Model, nameOf: (address: string) => string): DiagramTransit {
  const transit = model.transit;
  if (!transit) return { gateways: [], peerings: [] };
  const tableOf = new Map(transit.associations.map((a) => [a.attachment, a.routeTable]));
  const gateways = [...transit.gateways.values()].map((gw): DiagramTransitGateway => {
    const attachments = [...transit.vpcAttachments.values()].filter((a) => a.gateway === gw.address);
    const tables = [...transit.routeTables.values()].filter((t) => t.gateway === gw.address);
    // A gateway with default association or propagation on has a default route table of its own.
    const tableName = (address: string) =>
      address === `${gw.address}.association_default_route_table` ? "default route table" : nameOf(address);
    const labelOf = new Map(tables.map((t) => [t.address, tableName(t.address)]));
    const segments = tables.map((t): DiagramSegment => {
      const propagated = transit.propagations.filter((p) => p.routeTable === t.address);
      const routesTo = [
        ...new Set(
          propagated.flatMap((p) => {
            const table = tableOf.get(p.attachment);
            return table === undefined ? [] : [labelOf.get(table) ?? table];
          }),
        ),
      ];
      return {
        key: t.address,
        label: tableName(t.address),
        members: attachments.filter((a) => tableOf.get(a.address) === t.address).map((a) => a.vpc),
        routesTo,
        blackholes: transit.routes
          .filter((r) => r.routeTable === t.address && r.blackhole)
          .map((r) => r.destination.text),
        peerings: transit.associations.filter(
          (a) => a.routeTable === t.address && transit.peeringAttachments.has(a.attachment),
        ).length,
      };
    });
    return {
      key: gw.address,
      label: nameOf(gw.address),
      region: gw.region,
      segments,
      unassociated: attachments.filter((a) => !labelOf.has(tableOf.get(a.address) ?? "")).map((a) => a.vpc),
    };
  });
  const regionOf = new Map(gateways.map((g) => [g.key, g.region]));
  const segmentOn = (attachment: string, gateway: string) =>
    transit.associations.find(
      (a) => a.attachment === attachment && transit.routeTables.get(a.routeTable)?.gateway === gateway,
    )?.routeTable;
  const peerings = [...transit.peeringAttachments.values()].map((p) => {
    const here = regionOf.get(p.gateway);
    const there = p.peerRegion ?? regionOf.get(p.peerGateway);
    return {
      key: p.address,
      label: nameOf(p.address),
      requester: p.gateway,
      accepter: p.peerGateway,
      crossRegion: here !== undefined && there !== undefined && here !== there,
      requesterSegment: segmentOn(p.address, p.gateway),
      accepterSegment: segmentOn(p.address, p.peerGateway),
      accepted: p.state === undefined ? p.accepters.length > 0 : p.state === "available",
    };
  });
  return { gateways, peerings };
}

/** Colours of the segments, in order (a seventh segment takes the first again). */
export const SEGMENT_COLOURS = ["#6a1b9a", "#00838f", "#ad1457", "#558b2f", "#4527a0", "#ef6c00"] as const;

/** The drawing helpers of dot.ts that the transit part uses. */
export interface DotWriter {
  readonly take: (...parts: string[]) => string;
  readonly attrs: (
    values: Readonly<Record<string, string | number | { readonly markup: string } | undefined>>,
  ) => string;
  readonly quote: (text: string) => string;
  readonly html: (text: string) => string;
}

/** Where an edge to a VPC ends: a node inside it, and its cluster when it has one. */
export interface VpcAnchor {
  readonly node: string;
  readonly cluster: string;
  /** A node in the VPC's lowest row, so that the hubs are drawn below the VPCs. */
  readonly bottom?: string;
}

/**
 * The DOT lines of the transit gateways: a cluster per gateway with a node per segment, an edge from
 * each attached VPC to its segment, and an edge per peering attachment between the hubs.
 */
export function transitLines(
  transit: DiagramTransit | undefined,
  anchors: ReadonlyMap<string, VpcAnchor>,
  names: ReadonlyMap<string, string>,
  dot: DotWriter,
): string[] {
  const { take, attrs, quote, html } = dot;
  const lines: string[] = [];
  if (!transit) return lines;
  const hubNode = new Map<string, string>();
  const segmentNode = new Map<string, string>();
  transit.gateways.forEach((gw, index) => {
    const id = take("tgw", gw.label);
    const title = `<b>${html(gw.label)}</b><br/>${html(`transit gateway · ${gw.region ?? "region from the environment"}`)}`;
    lines.push(`  subgraph ${quote(`cluster_tgw_${index}`)} {`);
    lines.push(
      `    graph ${attrs({ id, class: "tgw", label: { markup: title }, labelloc: "t", style: "rounded,filled,bold", fillcolor: "#f3e5f5", color: "#6a1b9a", penwidth: 2, margin: 10 })}`,
    );
    const segmentNodes = gw.segments.map((segment, i) => {
      const colour = SEGMENT_COLOURS[i % SEGMENT_COLOURS.length];
      const node = take("tgw-segment", gw.label, segment.label);
      const peerings = segment.peerings ?? 0;
      const detail = [
        ...(segment.members.length > 0 || peerings === 0
          ? [`${segment.members.length} VPC${segment.members.length === 1 ? "" : "s"}`]
          : []),
        ...(peerings > 0 ? [`${peerings} peering${peerings === 1 ? "" : "s"}`] : []),
        segment.routesTo.length > 0 ? `routes to ${segment.routesTo.join(", ")}` : "routes to none",
        ...(segment.blackholes.length > 0 ? [`blackhole ${segment.blackholes.join(", ")}`] : []),
      ].join(" · ");
      lines.push(
        `    ${quote(node)} ${attrs({ id: node, class: "tgw-segment", label: { markup: `<b>${html(segment.label)}</b><br/><font point-size="8">${html(detail)}</font>` }, color: colour, fontcolor: colour, penwidth: 1.6, tooltip: segment.key })}`,
      );
      segmentNode.set(segment.key, node);
      return { segment, node, colour };
    });
    if (segmentNodes.length === 0) {
      const node = take("tgw-empty", gw.label);
      lines.push(`    ${quote(node)} ${attrs({ label: "no route tables", style: "dashed", fontsize: 9 })}`);
      hubNode.set(gw.key, node);
    } else hubNode.set(gw.key, segmentNodes[0].node);
    lines.push("  }");
    for (const { segment, node, colour } of segmentNodes) {
      for (const vpc of segment.members) {
        const anchor = anchors.get(vpc);
        if (!anchor) continue;
        const name = clipText(names.get(vpc) ?? vpc);
        lines.push(
          `  ${quote(anchor.bottom ?? anchor.node)} -> ${quote(node)} ${attrs({ id: take("tgw-attachment", gw.label, name), class: "tgw-attachment", ltail: anchor.cluster || undefined, dir: "none", color: colour, penwidth: 2, style: "bold", tooltip: `${name}: attached to ${clipText(gw.label)}, segment ${clipText(segment.label)}` })}`,
        );
      }
    }
    for (const vpc of gw.unassociated) {
      const anchor = anchors.get(vpc);
      if (!anchor) continue;
      lines.push(
        `  ${quote(anchor.bottom ?? anchor.node)} -> ${quote(hubNode.get(gw.key)!)} ${attrs({ id: take("tgw-attachment", gw.label, clipText(names.get(vpc) ?? vpc)), class: "tgw-attachment unassociated", ltail: anchor.cluster || undefined, dir: "none", style: "dashed", color: "#6a1b9a", tooltip: "attached, associated with no route table: its traffic is dropped" })}`,
      );
    }
  });
  for (const p of transit.peerings) {
    for (const side of [p.requester, p.accepter]) {
      if (hubNode.has(side)) continue;
      const node = take("tgw", side);
      hubNode.set(side, node);
      lines.push(
        `  ${quote(node)} ${attrs({ id: node, class: "tgw external", label: { markup: `${html(side)}<br/><font point-size="8">transit gateway not in this configuration</font>` }, style: "rounded,dashed", color: "#6a1b9a" })}`,
      );
    }
    const notes = [p.crossRegion ? "inter-region" : undefined, p.accepted ? undefined : "not accepted"].filter(
      (n): n is string => n !== undefined,
    );
    const end = (segment: string | undefined, gateway: string) =>
      (segment && segmentNode.get(segment)) ?? hubNode.get(gateway)!;
    lines.push(
      `  ${quote(end(p.requesterSegment, p.requester))} -> ${quote(end(p.accepterSegment, p.accepter))} ${attrs({ id: take("tgw-peering", p.label), class: "tgw-peering", dir: "none", color: "#6a1b9a:white:#6a1b9a", style: p.accepted ? "solid" : "dashed", penwidth: 2, xlabel: { markup: `${html(p.label)}${notes.map((n) => `<br/>${html(n)}`).join("")}` }, fontcolor: "#6a1b9a", tooltip: `${p.key}: transit gateway peering` })}`,
    );
  }
  return lines;
}
