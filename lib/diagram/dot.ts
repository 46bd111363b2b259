/**
 * The topology as a Graphviz graph (DOT text). Small networks get one cluster per VPC with its
 * subnets, gateways and instances, the peerings between the clusters and one coloured edge per
 * verdict; large ones are drawn compact, one box per VPC. Every VPC and peering carries an SVG id
 * (`vpc-<name>`, `peering-<requester>-<accepter>`) so tests and stylesheets can find them.
 */
import { clipText, shown } from "../core/text";
import type { Reachable } from "../reach";
import type { DiagramInstance, DiagramPeering, DiagramVpc, Topology } from "./graph";
import { transitLines, type DotWriter, type VpcAnchor } from "./transit";
import { foldDirections } from "./verdicts";

/** When the diagram collapses detail, so that a large mesh stays readable. */
export const DIAGRAM_LIMITS = {
  /** A VPC with more subnets than this lists them as a count in its label instead of drawing each. */
  subnetsPerVpc: 6,
  /** More VPCs than this: one box per VPC, verdicts folded into the edges between VPCs. */
  detailedVpcs: 12,
  /** More instances than this: unreachable pairs of VPCs that are not peered are left out. */
  allVerdictInstances: 10,
  /** In the compact drawing, more edges than this: peerings whose instances reach each other both ways are left out. */
  compactEdges: 60,
} as const;

/** Colours of the verdicts (reach's reachable, not reachable, depends) and of the rest. */
export const COLOURS = {
  reachable: "#2e7d32",
  unreachable: "#c62828",
  depends: "#ef6c00",
  peering: "#546e7a",
  vpcFill: "#eef3f8",
  vpcLine: "#4a6fa5",
  subnetLine: "#90a4ae",
  instanceFill: "#fff8e1",
} as const;

const FONT = "DejaVu Sans";

/** What the diagram left out to stay readable, for the legend and for the CLI to report. */
export interface DiagramSummary {
  readonly compact: boolean;
  readonly collapsedVpcs: number;
  readonly omittedVerdicts: number;
  /** Peerings left out of a compact drawing because their instances reach each other both ways. */
  readonly omittedPeerings: number;
}

/** The DOT text and what was collapsed or left out. */
export interface DotGraph {
  readonly dot: string;
  readonly summary: DiagramSummary;
}

/** The Graphviz graph of a topology. */
export function toDot(topology: Topology): DotGraph {
  return topology.vpcs.length > DIAGRAM_LIMITS.detailedVpcs ? compactGraph(topology) : detailedGraph(topology);
}

/**
 * Text for a Graphviz HTML-like label: `shown` (controls, bidi and invisible characters, and the
 * characters XML forbids, as `\u{…}`; at most MAX_SHOWN_CHARS long), then markup-escaped.
 */
export function html(text: string): string {
  return shown(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Longest tooltip: a verdict's reason names several resources. */
const MAX_TOOLTIP_CHARS = 4096;

/**
 * A double-quoted DOT string of `shown` text (at most MAX_TOOLTIP_CHARS long). Graphviz never reads a
 * quoted string as markup, and escapes it when it writes the SVG.
 */
export function quote(text: string): string {
  return `"${shown(text, MAX_TOOLTIP_CHARS).replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** An HTML-like label, built only from `html` text and the diagram's own tags. */
export interface HtmlLabel {
  readonly markup: string;
}

/** Marks markup as an HTML-like label; attrs writes it in angle brackets, and every string attribute quoted. */
function label(markup: string): HtmlLabel {
  return { markup };
}

/** Longest part of an SVG id taken from a name: a 30,000-character tag makes no 30,000-character id. */
const ID_PART_CHARS = 64;

/** Hands out SVG ids: lowercase letters, digits and '-' ("x" for a part with none of them), unique within one diagram. */
class Ids {
  private readonly used = new Set<string>();

  take(...parts: string[]): string {
    const base = parts
      .map(
        (part) =>
          part
            .toLowerCase()
            .replace(/[^a-z0-9]+/g, "-")
            .replace(/^-|-$/g, "")
            .slice(0, ID_PART_CHARS) || "x",
      )
      .join("-");
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}-${n}`;
    this.used.add(id);
    return id;
  }
}

type AttributeValue = string | number | HtmlLabel | undefined;

function attrs(values: Readonly<Record<string, AttributeValue>>): string {
  const list = Object.entries(values)
    .filter((entry): entry is [string, string | number | HtmlLabel] => entry[1] !== undefined)
    .map(([k, v]) => `${k}=${typeof v === "object" ? `<${v.markup}>` : quote(String(v))}`);
  return `[${list.join(" ")}]`;
}

function header(engine: "detailed" | "compact"): string[] {
  return [
    "digraph peering {",
    `  graph ${attrs({
      fontname: FONT,
      fontsize: 11,
      bgcolor: "white",
      pad: 0.3,
      compound: engine === "detailed" ? "true" : undefined,
      newrank: engine === "detailed" ? "true" : undefined,
      nodesep: engine === "detailed" ? 0.25 : 0.4,
      ranksep: engine === "detailed" ? 0.45 : undefined,
      overlap: engine === "compact" ? "false" : undefined,
      sep: engine === "compact" ? "+12" : undefined,
      pack: engine === "compact" ? "true" : undefined,
      packmode: engine === "compact" ? "array_u" : undefined,
      labelloc: "b",
      labeljust: "l",
    })}`,
    `  node ${attrs({ fontname: FONT, fontsize: 10, shape: "box", style: "rounded,filled", fillcolor: "white", color: COLOURS.subnetLine })}`,
    `  edge ${attrs({ fontname: FONT, fontsize: 9 })}`,
  ];
}

function verdictColour(reachable: Reachable): string {
  return reachable === true ? COLOURS.reachable : reachable === false ? COLOURS.unreachable : COLOURS.depends;
}

/** Line style by verdict, so the verdicts differ by more than colour. */
function verdictStyle(reachable: Reachable): string {
  return reachable === true ? "solid" : reachable === false ? "dashed" : "dotted";
}

function verdictWord(reachable: Reachable): string {
  return reachable === true ? "reachable" : reachable === false ? "not reachable" : "depends";
}

function vpcTitle(vpc: DiagramVpc): string[] {
  return [
    `<b>${html(vpc.name)}</b>`,
    html(vpc.blocks.join(", ") || "no block"),
    html(`${vpc.region ?? "region from the environment"} · account ${vpc.account ?? "of the credentials"}`),
  ];
}

function instanceLabel(instance: DiagramInstance): HtmlLabel {
  return label(
    `${html(instance.label)}${instance.ipv4 ? `<br/><font point-size="8">${html(instance.ipv4)}</font>` : ""}`,
  );
}

function subnetSummary(vpc: DiagramVpc): string {
  const count = (tier: string) => vpc.subnets.filter((s) => s.tier === tier).length;
  const parts = [
    ["public", count("public")],
    ["private", count("private, NAT") + count("private")],
  ] as const;
  return `${vpc.subnets.length} subnets (${parts
    .filter(([, n]) => n > 0)
    .map(([t, n]) => `${n} ${t}`)
    .join(", ")})`;
}

function gatewaySummary(vpc: DiagramVpc): string {
  const counts = new Map<string, number>();
  for (const g of vpc.gateways) counts.set(g.label, (counts.get(g.label) ?? 0) + 1);
  return [...counts].map(([label, n]) => `${n} ${label}${n > 1 ? "s" : ""}`).join(" · ");
}

/** The helpers transitLines draws with, handing out ids from `ids`. */
function writer(ids: Ids): DotWriter {
  return { take: (...parts) => ids.take(...parts), attrs, quote, html };
}

function legend(summary: DiagramSummary, ipv6: boolean, transit = false): HtmlLabel {
  const line = (colour: string, text: string, style = "━━━") =>
    `<td align="left"><font color="${colour}">${style}</font> ${html(text)}</td>`;
  const notes = [
    "Edges between instances (or VPCs): reach's verdict on ICMP echo; a line without arrows holds both ways, an arrow one way only.",
    ipv6 ? "Edges labelled IPv6 are the IPv6 verdicts; the others are IPv4." : undefined,
    transit
      ? "A transit gateway is a hub holding its segments (route tables); each attached VPC is joined to its segment in the segment's colour, and a double purple line is a peering attachment between two gateways."
      : undefined,
    summary.compact
      ? `More than ${DIAGRAM_LIMITS.detailedVpcs} VPCs: one box per VPC; an edge sums up the verdicts between the two VPCs' instances, thick for a peering, thin for a pair that is not peered.`
      : undefined,
    summary.collapsedVpcs > 0
      ? `VPCs with more than ${DIAGRAM_LIMITS.subnetsPerVpc} subnets list them as a count.`
      : undefined,
    summary.omittedVerdicts > 0
      ? `Not drawn: ${summary.omittedVerdicts} unreachable pair(s) of VPCs that are not peered.`
      : undefined,
    summary.omittedPeerings > 0
      ? `Not drawn: ${summary.omittedPeerings} peering(s) whose instances reach each other both ways; only the exceptions are drawn.`
      : undefined,
  ].filter((n): n is string => n !== undefined);
  return label(
    [
      `<table border="0" cellspacing="2" cellpadding="1">`,
      `<tr>${line(COLOURS.peering, "peering connection", "═══")}${line(COLOURS.reachable, "reachable")}${line(COLOURS.unreachable, "not reachable", "╍╍╍")}${line(COLOURS.depends, "depends on the address AWS assigns", "┅┅┅")}</tr>`,
      ...notes.map((n) => `<tr><td align="left" colspan="4"><font point-size="9">${html(n)}</font></td></tr>`),
      `</table>`,
    ].join(""),
  );
}

function detailedGraph(topology: Topology): DotGraph {
  const ids = new Ids();
  const lines = header("detailed");
  const anchor = new Map<string, VpcAnchor>();
  const nodeIds = new Map<string, string>();
  const vpcNames = new Map(topology.vpcs.map((v) => [v.key, v.name]));
  let collapsedVpcs = 0;
  arrange(topology.vpcs, topology.peerings).forEach((vpc, index) => {
    const cluster = `cluster_vpc_${index}`;
    const collapsed = vpc.subnets.length > DIAGRAM_LIMITS.subnetsPerVpc;
    if (collapsed) collapsedVpcs++;
    const title = [...vpcTitle(vpc), ...(collapsed ? [html(subnetSummary(vpc))] : [])];
    lines.push(`  subgraph ${quote(cluster)} {`);
    lines.push(
      `    graph ${attrs({ id: ids.take("vpc", vpc.name), class: "vpc", label: label(title.join("<br/>")), labelloc: "t", style: "rounded,filled", fillcolor: COLOURS.vpcFill, color: COLOURS.vpcLine, penwidth: 1.5, margin: 12 })}`,
    );
    const inVpc: string[] = [];
    const node = (
      key: string,
      prefix: string,
      name: string,
      attributes: Record<string, AttributeValue>,
      indent: string,
    ) => {
      const id = ids.take(prefix, name);
      nodeIds.set(key, id);
      inVpc.push(id);
      lines.push(`${indent}${quote(id)} ${attrs({ id, ...attributes })}`);
    };
    const instance = (i: DiagramInstance, indent: string) =>
      node(
        i.key,
        "instance",
        i.label,
        {
          class: "instance",
          label: instanceLabel(i),
          fillcolor: COLOURS.instanceFill,
          color: "#b08f26",
          tooltip: i.key,
        },
        indent,
      );
    const handles = (tier: (t: string) => boolean): string[] => {
      const row: string[] = [];
      const subnets = vpc.subnets.filter((s) => tier(s.tier)).sort((a, b) => a.label.localeCompare(b.label));
      for (const subnet of subnets) {
        const text = label(
          `${html(subnet.label)}<br/><font point-size="8">${html([...subnet.blocks, subnet.tier].join(" · "))}</font>`,
        );
        if (collapsed) {
          subnet.instances.forEach((i) => instance(i, "    "));
          row.push(...subnet.instances.map((i) => nodeIds.get(i.key) as string));
        } else if (subnet.instances.length === 0) {
          node(subnet.key, "subnet", subnet.label, { class: "subnet", label: text, tooltip: subnet.key }, "    ");
          row.push(nodeIds.get(subnet.key) as string);
        } else {
          lines.push(`    subgraph ${quote(`cluster_subnet_${ids.take("c", subnet.key)}`)} {`);
          lines.push(
            `      graph ${attrs({ id: ids.take("subnet", subnet.label), class: "subnet", label: text, labelloc: "t", style: "rounded,filled", fillcolor: "white", color: COLOURS.subnetLine, margin: 8 })}`,
          );
          subnet.instances.forEach((i) => instance(i, "      "));
          lines.push("    }");
          row.push(nodeIds.get(subnet.instances[0].key) as string);
        }
      }
      return row;
    };
    const gatewayRow = vpc.gateways.map((g) => {
      node(
        g.key,
        "gateway",
        `${vpc.name}-${g.label}`,
        {
          class: "gateway",
          label: g.label,
          style: "filled",
          fillcolor: "#eceff1",
          color: "#b0bec5",
          fontsize: 9,
          tooltip: g.key,
        },
        "    ",
      );
      return nodeIds.get(g.key) as string;
    });
    const rows = [gatewayRow, handles((t) => t === "public"), handles((t) => t !== "public")].filter(
      (r) => r.length > 0,
    );
    for (const row of rows) if (row.length > 1) lines.push(`    { rank=same; ${row.map(quote).join("; ")} }`);
    rows
      .slice(1)
      .forEach((row, i) =>
        row.forEach((next) => lines.push(`    ${quote(rows[i][0])} -> ${quote(next)} [style=invis]`)),
      );
    if (inVpc.length === 0)
      node(`${vpc.key}#empty`, "empty", vpc.name, { label: "no subnets", style: "dashed", fontsize: 9 }, "    ");
    lines.push("  }");
    for (const vpn of vpc.vpnConnections) {
      const id = ids.take("vpn", vpc.name, vpn.label);
      const detail = [
        vpn.ip ?? "customer gateway",
        vpn.staticRoutes.length > 0 ? vpn.staticRoutes.join(", ") : "BGP",
      ].join(" · ");
      lines.push(
        `  ${quote(id)} ${attrs({ id, class: "vpn", label: label(`${html(vpn.label)}<br/><font point-size="8">${html(detail)}</font>`), style: "rounded,dashed", color: COLOURS.vpcLine, tooltip: vpn.key })}`,
      );
      const gateway = nodeIds.get(vpn.gateway);
      if (gateway)
        lines.push(
          `  ${quote(gateway)} -> ${quote(id)} ${attrs({ class: "vpn", dir: "none", style: "dashed", color: COLOURS.vpcLine, label: "Site-to-Site VPN", fontcolor: COLOURS.vpcLine })}`,
        );
    }
    anchor.set(vpc.key, { node: rows[0]?.[0] ?? inVpc[0], cluster, bottom: rows[rows.length - 1]?.[0] ?? inVpc[0] });
  });
  for (const external of topology.externalVpcs) {
    const id = ids.take("vpc", external);
    vpcNames.set(external, external);
    anchor.set(external, { node: id, cluster: "" });
    lines.push(
      `  ${quote(id)} ${attrs({ id, class: "vpc external", label: label(`${html(external)}<br/><font point-size="8">not in this configuration</font>`), style: "rounded,dashed", color: COLOURS.vpcLine })}`,
    );
  }
  lines.push(`  { rank=same; ${[...anchor.values()].map((a) => quote(a.node)).join("; ")} }`);
  for (const p of topology.peerings) lines.push(peeringEdge(p, ids, anchor, vpcNames));
  lines.push(...transitLines(topology.transit, anchor, vpcNames, writer(ids)));

  const instanceVpc = new Map<string, string>();
  for (const vpc of topology.vpcs)
    for (const s of vpc.subnets) for (const i of s.instances) instanceVpc.set(i.key, vpc.key);
  const peered = peeredPairs(topology.peerings);
  const everything = instanceVpc.size <= DIAGRAM_LIMITS.allVerdictInstances;
  const shown = topology.verdicts.filter(
    (v) => everything || v.reachable !== false || peered.has(pairKey(instanceVpc.get(v.from), instanceVpc.get(v.to))),
  );
  const omitted = new Set(
    topology.verdicts
      .filter((v) => !shown.includes(v))
      .map((v) => pairKey(instanceVpc.get(v.from), instanceVpc.get(v.to))),
  ).size;
  const ipv6 = shown.some((v) => v.protocol === "ipv6");
  for (const edge of foldDirections(shown)) {
    const from = nodeIds.get(edge.from);
    const to = nodeIds.get(edge.to);
    if (!from || !to) continue;
    lines.push(
      `  ${quote(from)} -> ${quote(to)} ${attrs({
        id: ids.take("verdict", from, to, edge.protocol),
        class: `verdict ${verdictWord(edge.reachable).replace(/ /g, "-")}`,
        color: verdictColour(edge.reachable),
        style: verdictStyle(edge.reachable),
        fontcolor: verdictColour(edge.reachable),
        dir: edge.both ? "none" : "forward",
        penwidth: 1.4,
        label: edge.protocol === "ipv6" ? "IPv6" : undefined,
        tooltip: `${verdictWord(edge.reachable)}: ${edge.reason}`,
        constraint: "false",
        tailport: "s",
        headport: "s",
      })}`,
    );
  }
  const summary = { compact: false, collapsedVpcs, omittedVerdicts: omitted, omittedPeerings: 0 };
  lines.push(`  graph ${attrs({ label: legend(summary, ipv6, (topology.transit?.gateways.length ?? 0) > 0) })}`, "}");
  return { dot: `${lines.join("\n")}\n`, summary };
}

/**
 * The VPCs in drawing order: the most peered in the middle, the others alternately to its left
 * and right, so that a hub sits between its spokes.
 */
export function arrange(vpcs: readonly DiagramVpc[], peerings: readonly DiagramPeering[]): DiagramVpc[] {
  const degree = (key: string) => peerings.filter((p) => p.requester === key || p.accepter === key).length;
  const byDegree = vpcs
    .map((vpc, index) => ({ vpc, index, degree: degree(vpc.key) }))
    .sort((a, b) => b.degree - a.degree || a.index - b.index);
  const order: DiagramVpc[] = [];
  byDegree.forEach(({ vpc }, i) => (i % 2 === 1 ? order.unshift(vpc) : order.push(vpc)));
  return order;
}

function pairKey(a: string | undefined, b: string | undefined): string {
  return [a ?? "", b ?? ""].sort().join("\u0000");
}

function peeredPairs(peerings: readonly DiagramPeering[]): Set<string> {
  return new Set(peerings.map((p) => pairKey(p.requester, p.accepter)));
}

function peeringEdge(
  p: DiagramPeering,
  ids: Ids,
  anchor: ReadonlyMap<string, { node: string; cluster: string }>,
  names: ReadonlyMap<string, string>,
): string {
  const a = anchor.get(p.requester);
  const b = anchor.get(p.accepter);
  const requester = clipText(names.get(p.requester) ?? p.requester);
  const accepter = clipText(names.get(p.accepter) ?? p.accepter);
  if (!a || !b) return "";
  return `  ${quote(a.node)} -> ${quote(b.node)} ${attrs({
    id: ids.take("peering", requester, accepter),
    class: "peering",
    ltail: a.cluster || undefined,
    lhead: b.cluster || undefined,
    dir: "none",
    color: `${COLOURS.peering}:white:${COLOURS.peering}`,
    penwidth: 1.6,
    xlabel: label(
      `${html(p.label)}${p.crossRegion ? "<br/>inter-region" : ""}${p.crossAccount ? "<br/>cross-account" : ""}`,
    ),
    fontcolor: COLOURS.peering,
    tooltip: `${p.key}: ${requester} (requester) ↔ ${accepter} (accepter)`,
  })}`;
}

interface CompactEdge {
  readonly from: string;
  readonly to: string;
  readonly peering: DiagramPeering | undefined;
  /** The verdicts from → to and to → from, summed up over the two VPCs' instances. */
  readonly there: Reachable | undefined;
  readonly back: Reachable | undefined;
}

function compactGraph(topology: Topology): DotGraph {
  const ids = new Ids();
  const lines = header("compact");
  const nodeOf = new Map<string, string>();
  const names = new Map<string, string>();
  const peeringCount = (key: string) =>
    topology.peerings.filter((p) => p.requester === key || p.accepter === key).length;
  topology.vpcs.forEach((vpc, index) => {
    const id = ids.take("vpc", vpc.name);
    nodeOf.set(vpc.key, id);
    names.set(vpc.key, vpc.name);
    const instances = vpc.subnets.reduce((n, s) => n + s.instances.length, 0);
    const peerings = peeringCount(vpc.key);
    const vpns = vpc.vpnConnections.length;
    const detail = [
      subnetSummary(vpc),
      gatewaySummary(vpc),
      vpns > 0 ? `${vpns} VPN connection${vpns === 1 ? "" : "s"}` : "",
      `${instances} instance${instances === 1 ? "" : "s"}`,
      `${peerings} peering${peerings === 1 ? "" : "s"}`,
    ].filter((t) => t !== "");
    lines.push(
      `  ${quote(id)} ${attrs({ id, class: "vpc", label: label([...vpcTitle(vpc), `<font point-size="8">${html(detail.join(" · "))}</font>`].join("<br/>")), fillcolor: COLOURS.vpcFill, color: COLOURS.vpcLine, tooltip: vpc.key, sortv: index })}`,
    );
  });
  for (const external of topology.externalVpcs) {
    const id = ids.take("vpc", external);
    nodeOf.set(external, id);
    names.set(external, external);
    lines.push(
      `  ${quote(id)} ${attrs({ id, class: "vpc external", label: label(`${html(external)}<br/><font point-size="8">not in this configuration</font>`), style: "rounded,dashed" })}`,
    );
  }
  lines.push(
    ...transitLines(
      topology.transit,
      new Map([...nodeOf].map(([key, node]) => [key, { node, cluster: "" }])),
      names,
      writer(ids),
    ),
  );
  const instanceVpc = new Map<string, string>();
  for (const vpc of topology.vpcs)
    for (const s of vpc.subnets) for (const i of s.instances) instanceVpc.set(i.key, vpc.key);
  const byDirection = new Map<string, Reachable[]>();
  for (const v of topology.verdicts) {
    const from = instanceVpc.get(v.from);
    const to = instanceVpc.get(v.to);
    if (!from || !to || from === to) continue;
    const key = `${from}\u0000${to}`;
    byDirection.set(key, [...(byDirection.get(key) ?? []), v.reachable]);
  }
  const overall = (list: readonly Reachable[] | undefined): Reachable | undefined =>
    list === undefined
      ? undefined
      : list.every((r) => r === true)
        ? true
        : list.every((r) => r === false)
          ? false
          : "depends";
  const peered = new Map(topology.peerings.map((p) => [pairKey(p.requester, p.accepter), p]));
  const vpcKeys = [...topology.vpcs.map((v) => v.key), ...topology.externalVpcs];
  let omitted = 0;
  const edges: CompactEdge[] = [];
  vpcKeys.forEach((a, i) =>
    vpcKeys.slice(i + 1).forEach((b) => {
      const peering = peered.get(pairKey(a, b));
      const [from, to] = peering && peering.requester === b ? [b, a] : [a, b];
      const there = overall(byDirection.get(`${from}\u0000${to}`));
      const back = overall(byDirection.get(`${to}\u0000${from}`));
      const reaches = (r: Reachable | undefined) => r === true || r === "depends";
      if (peering || reaches(there) || reaches(back)) edges.push({ from, to, peering, there, back });
      else if (there === false || back === false) omitted++;
    }),
  );
  const routine = (e: CompactEdge) => e.peering !== undefined && e.there === true && e.back === true;
  const skipRoutine = edges.length > DIAGRAM_LIMITS.compactEdges;
  const drawn = skipRoutine ? edges.filter((e) => !routine(e)) : edges;
  for (const e of drawn) {
    const name = (key: string) => clipText(names.get(key) ?? key);
    const common = {
      class: e.peering ? "peering" : "verdict",
      penwidth: e.peering ? 2.4 : 1.2,
      tooltip: e.peering
        ? `${e.peering.key}: ${name(e.from)} ↔ ${name(e.to)}`
        : `${name(e.from)} ↔ ${name(e.to)} (not peered)`,
    };
    const idParts = [e.peering ? "peering" : "verdict", name(e.from), name(e.to)];
    const colour = (r: Reachable | undefined) => (r === undefined ? COLOURS.peering : verdictColour(r));
    const style = (r: Reachable | undefined) => (r === undefined ? "solid" : verdictStyle(r));
    const from = quote(nodeOf.get(e.from) ?? "");
    const to = quote(nodeOf.get(e.to) ?? "");
    if (e.there === e.back) {
      lines.push(
        `  ${from} -> ${to} ${attrs({ id: ids.take(...idParts), ...common, color: colour(e.there), style: style(e.there), dir: "none" })}`,
      );
      continue;
    }
    lines.push(
      `  ${from} -> ${to} ${attrs({ id: ids.take(...idParts), ...common, color: colour(e.there), style: style(e.there), dir: e.there === undefined ? "none" : "forward" })}`,
    );
    if (e.back !== undefined)
      lines.push(
        `  ${to} -> ${from} ${attrs({ id: ids.take(...idParts, "back"), ...common, class: "verdict", color: colour(e.back), style: style(e.back), dir: "forward" })}`,
      );
  }
  const summary = {
    compact: true,
    collapsedVpcs: topology.vpcs.length,
    omittedVerdicts: omitted,
    omittedPeerings: edges.length - drawn.length,
  };
  lines.push(
    `  graph ${attrs({ label: legend({ ...summary, collapsedVpcs: 0 }, false, (topology.transit?.gateways.length ?? 0) > 0) })}`,
    "}",
  );
  return { dot: `${lines.join("\n")}\n`, summary };
}
