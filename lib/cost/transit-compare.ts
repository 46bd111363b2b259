/**
 * `cost --compare` for transit gateways: the same VPCs as a full mesh of peerings and as one transit
 * gateway with one segment where all reach each other, side by side. Monthly cost (from the two
 * synthesized networks' estimates), resources, the quotas each uses (measured on reach's model of
 * the synthesized Terraform), and the break-even size from the price table. Pure: estimates,
 * models and a price table in, lines out.
 */
import type { Model } from "../reach";
import {
  ATTACHMENTS_PER_TRANSIT_GATEWAY,
  PEERING_QUOTA,
  ROUTES_PER_ROUTE_TABLE_QUOTA,
  ROUTES_PER_TRANSIT_GATEWAY,
  ROUTE_TABLES_PER_TRANSIT_GATEWAY,
  RULES_PER_SECURITY_GROUP_QUOTA,
} from "../core/aws-limits";
import { printable } from "../core/text";
import { HOURS_PER_MONTH, cents, type Estimate } from "./estimate";
import { monthlyTotal, priceNote, usd } from "./format";
import type { PriceTable } from "./prices";

/** The most VPCs a full mesh can have: each VPC peers with every other, and AWS grants at most 125 peerings per VPC. */
export const LARGEST_MESH = PEERING_QUOTA.max + 1;

/** How much of one quota a network uses: the largest count over the resources the quota applies to. */
export interface QuotaUse {
  /** The quota's name as AWS lists it. */
  readonly quota: string;
  /** A short name for the table's rows. */
  readonly label: string;
  readonly used: number;
  /** What every account starts with. */
  readonly awsDefault: number;
  /** The most AWS grants on request (the default when it cannot be raised). */
  readonly max: number;
}

/** One side of the comparison: synthesized and estimated, or not buildable (with the reason). */
export type ComparedNetwork =
  | { readonly built: true; readonly estimate: Estimate; readonly model: Model; readonly resources: number }
  | { readonly built: false; readonly reason: string };

/** Whether a quota binds: "" within the default, else what it takes. */
export function binding(use: QuotaUse): string {
  if (use.used > use.max) return `over AWS's most (${use.max.toLocaleString("en-US")}): cannot be built`;
  if (use.used > use.awsDefault) return `needs a quota increase (default ${use.awsDefault.toLocaleString("en-US")})`;
  return "";
}

const most = (counts: Iterable<number>) => Math.max(0, ...counts);

/** The quotas a peering mesh leans on: peerings per VPC, routes per route table, rules per security group. */
export function vpcQuotas(model: Model): QuotaUse[] {
  const peerings = new Map<string, number>();
  for (const p of model.peerings.values())
    for (const vpc of [p.requesterVpc, p.accepterVpc]) peerings.set(vpc, (peerings.get(vpc) ?? 0) + 1);
  const routes = [...model.routeTables.values()].map(
    (t) => t.routes.filter((r) => r.target.kind !== "local" && r.destination.family === "ipv4").length,
  );
  const rules = [...model.securityGroups.values()].map((g) =>
    g.rules
      .filter((r) => !r.egress)
      .reduce((n, r) => n + r.cidrs.filter((c) => c.family === "ipv4").length + r.groups.length, 0),
  );
  const use = (label: string, q: { name: string; default: number; max: number }, used: number): QuotaUse => ({
    quota: q.name,
    label,
    used,
    awsDefault: q.default,
    max: q.max,
  });
  return [
    use("peerings per VPC", PEERING_QUOTA, most(peerings.values())),
    use("routes per route table (IPv4)", ROUTES_PER_ROUTE_TABLE_QUOTA, most(routes)),
    use("inbound rules per security group (IPv4)", RULES_PER_SECURITY_GROUP_QUOTA, most(rules)),
  ];
}

/** The transit gateway quotas a network uses: attachments, route tables and routes (propagated and static) per gateway. */
export function transitQuotas(model: Model): QuotaUse[] {
  const transit = model.transit;
  const perGateway = (count: (gateway: string) => number) => most([...(transit?.gateways.keys() ?? [])].map(count));
  const attachments = perGateway(
    (g) =>
      [...(transit?.vpcAttachments.values() ?? [])].filter((a) => a.gateway === g).length +
      [...(transit?.peeringAttachments.values() ?? [])].filter((a) => a.gateway === g || a.peerGateway === g).length,
  );
  const tableGateway = new Map([...(transit?.routeTables.values() ?? [])].map((t) => [t.address, t.gateway]));
  const blocks = (attachment: string) => {
    const vpc = transit?.vpcAttachments.get(attachment)?.vpc;
    return vpc === undefined ? 0 : (model.vpcs.get(vpc)?.ipv4.length ?? 0);
  };
  const routes = perGateway(
    (g) =>
      (transit?.propagations ?? [])
        .filter((p) => tableGateway.get(p.routeTable) === g)
        .reduce((n, p) => n + blocks(p.attachment), 0) +
      (transit?.routes ?? []).filter((r) => tableGateway.get(r.routeTable) === g).length,
  );
  const tables = perGateway((g) => [...tableGateway.values()].filter((t) => t === g).length);
  // An adjustable quota has no published ceiling: only its default binds.
  const use = (label: string, q: { name: string; default: number; adjustable: boolean }, used: number): QuotaUse => ({
    quota: q.name,
    label,
    used,
    awsDefault: q.default,
    max: q.adjustable ? Number.POSITIVE_INFINITY : q.default,
  });
  return [
    use("attachments per transit gateway", ATTACHMENTS_PER_TRANSIT_GATEWAY, attachments),
    use("route tables per transit gateway", ROUTE_TABLES_PER_TRANSIT_GATEWAY, tables),
    use("routes per transit gateway", ROUTES_PER_TRANSIT_GATEWAY, routes),
  ];
}

/** Pairs of VPCs among n: the peerings of a full mesh. */
export const pairsOf = (vpcs: number) => (vpcs * (vpcs - 1)) / 2;

/**
 * What the two networks of n VPCs cost a month apart from what they share (instances, NAT gateways,
 * ...), with `gb` GB a month between each pair of VPCs: over the pair's peering in the mesh (taken
 * to cross AZs, charged out and in), through the gateway once in the transit network (charged for
 * processing where it enters), plus an attachment-hour per VPC per hour.
 */
export function networkCosts(table: PriceTable, vpcs: number, gb: number): { mesh: number; transit: number } {
  const traffic = pairsOf(vpcs) * gb;
  return {
    mesh: cents(traffic * 2 * table.perGb.interAzEachDirection),
    transit: cents(
      vpcs * HOURS_PER_MONTH * table.transitGateway.attachmentHourly +
        traffic * table.transitGateway.dataProcessingPerGb,
    ),
  };
}

/** The fewest VPCs (from 2 to LARGEST_MESH) at which the transit network costs less than the mesh; undefined when it never does. */
export function breakEven(table: PriceTable, gb: number): number | undefined {
  for (let n = 2; n <= LARGEST_MESH; n++) {
    const { mesh, transit } = networkCosts(table, n, gb);
    if (transit < mesh) return n;
  }
  return undefined;
}

/** GB a month each VPC sends into the gateway when each pair of n VPCs exchanges `gb`: half of each pair's, to each other VPC. */
export const perAttachmentGb = (vpcs: number, gb: number) => (gb * (vpcs - 1)) / 2;

/**
 * The comparison table: a column for the mesh and one for the transit gateway; monthly total,
 * resources and each quota's use, then the break-even size and the notes.
 */
export function formatTransitComparison(
  source: string,
  vpcs: number,
  gb: number,
  table: PriceTable,
  mesh: ComparedNetwork,
  transit: ComparedNetwork,
): string {
  const width = 44;
  const column = 30;
  type Built = Extract<ComparedNetwork, { built: true }>;
  const sides = [
    ["mesh", mesh],
    ["transit", transit],
  ] as const;
  const row = (label: string, value: (n: Built, kind: "mesh" | "transit") => string) =>
    `${label.padEnd(width)}${sides.map(([kind, side]) => (side.built ? value(side, kind) : "cannot be built").padStart(column)).join("")}`;
  const quotas = (n: Built) => [...vpcQuotas(n.model), ...(n.model.transit ? transitQuotas(n.model) : [])];
  const labels = [...new Set(sides.flatMap(([, side]) => (side.built ? quotas(side).map((q) => q.label) : [])))];
  const quotaCell = (n: Built, label: string) => {
    const use = quotas(n).find((q) => q.label === label);
    if (!use) return "-";
    const note = binding(use);
    return `${use.used.toLocaleString("en-US")}${note ? ` (${note.replace(/: cannot be built$/, "")})` : ""}`;
  };
  const even = breakEven(table, gb);
  const differs = networkCosts(table, vpcs, gb);
  const lines = [
    `Monthly cost estimate of ${source}: its ${vpcs} VPCs as a full mesh of peerings and as one transit gateway where all reach each other`,
    "",
    `${"".padEnd(width)}${"peering mesh".padStart(column)}${"transit gateway".padStart(column)}`,
    row("Monthly total", (n) => usd(monthlyTotal(n.estimate))),
    row("  of it peerings' or gateway's", (_, kind) => usd(differs[kind])),
    row("Resources", (n) => n.resources.toLocaleString("en-US")),
    "Quotas (the largest use in the network):",
    ...labels.map((label) => row(`  ${label}`, (n) => quotaCell(n, label))),
    "",
    even === undefined
      ? `Break-even: none from 2 to ${LARGEST_MESH} VPCs (the largest full mesh AWS allows): at ${gb} GB a month between each pair of VPCs the mesh costs less at every size; past ${LARGEST_MESH} VPCs only a transit gateway connects them all.`
      : `Break-even: from ${even} VPCs on, at ${gb} GB a month between each pair of VPCs, the transit gateway costs less than the mesh.`,
    ...sides.flatMap(([kind, side]) =>
      side.built ? [] : [`${kind === "mesh" ? "Peering mesh" : "Transit gateway"}: ${side.reason}.`],
    ),
    `Traffic: ${gb} GB a month between each pair of VPCs (--gb N): over the pair's peering in the mesh (taken to cross AZs: $${table.perGb.interAzEachDirection}/GB out and again in), through the gateway once in the transit network ($${table.transitGateway.dataProcessingPerGb}/GB processed where it enters: ${perAttachmentGb(vpcs, gb).toLocaleString("en-US")} GB a month per attachment); each attachment $${table.transitGateway.attachmentHourly} an hour. NAT gateways carry --gb in both columns alike.`,
    `A quota in brackets is past AWS's default in that network (an adjustable transit gateway quota has no published ceiling).`,
    ...(transit.built ? priceNote(transit.estimate) : mesh.built ? priceNote(mesh.estimate) : []),
  ];
  return `${lines.map(printable).join("\n")}\n`;
}
