import { printable } from "../core/text";
import { cents, DEFAULT_ROOT_VOLUME, HOURS_PER_MONTH, type CostLine, type Estimate } from "./estimate";

/** Dollars with cents, e.g. "$1,234.56". */
export function usd(amount: number): string {
  return `$${amount.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** A unit price as AWS writes it: at least two decimals, up to five. */
function unit(price: number): string {
  return `$${price.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 5 })}`;
}

/** The sum of the monthly lines. */
export function monthlyTotal(estimate: Estimate): number {
  return cents(estimate.lines.filter((l) => l.monthly).reduce((sum, l) => sum + l.amount, 0));
}

/** The monthly amount of one stack. */
export function stackTotal(estimate: Estimate, stack: string): number {
  return cents(estimate.lines.filter((l) => l.monthly && l.stack === stack).reduce((sum, l) => sum + l.amount, 0));
}

/** The stacks of an estimate, in the order their lines appear. */
export function stacksOf(estimate: Estimate): string[] {
  return [...new Set(estimate.lines.map((l) => l.stack))];
}

/** Where the prices come from, one sentence per table. */
export function priceNote(estimate: Estimate): string[] {
  const transit = estimate.lines.some((l) => l.item.startsWith("transit gateway"));
  return estimate.tables.flatMap((t) => [
    `Prices: ${t.region} (${t.location}), on-demand, USD, taken ${t.taken} (lib/cost/prices/${t.region}.json).`,
    `  Source: ${t.source}.`,
    ...(transit
      ? [`  Transit Gateway prices taken ${t.transitGateway.taken}; source: ${t.transitGateway.source}.`]
      : []),
  ]);
}

/** The stated assumptions behind the amounts. */
export function assumptions(estimate: Estimate): string[] {
  const gb = estimate.assumption.gb;
  return [
    `A month is ${HOURS_PER_MONTH} hours; every resource runs all month; no free tier, savings plan or tax.`,
    `Data transfer: ${gb} GB a month over each peering, through each NAT gateway and through each interface endpoint (--gb N). Peering traffic in one region is assumed to cross AZs (worst case: $0.01/GB out and in; within one AZ it is free); over an inter-region peering it is charged at the requester region's rate. Internet egress behind the NAT gateways is not included.`,
    ...(estimate.lines.some((l) => l.item.startsWith("transit gateway"))
      ? [
          `Transit gateways: ${estimate.assumption.tgwGb ?? 0} GB a month sent by each VPC attachment into its transit gateway (--tgw-gb N), charged for data processing once, where it enters; each side of a peering attachment is charged by the hour; the gateway itself is free; inter-region data transfer over peering attachments, and EC2 data transfer across AZs, are not included.`,
        ]
      : []),
    `Instances without a root_block_device get ${DEFAULT_ROOT_VOLUME.gb} GB of ${DEFAULT_ROOT_VOLUME.type} (Amazon Linux 2023's default).`,
  ];
}

function row(line: CostLine): string {
  const quantity = `${line.quantity.toLocaleString("en-US")} ${line.basis}`;
  return `  ${line.item.padEnd(58)} ${`${quantity} × ${unit(line.unitPrice)}`.padStart(26)} ${usd(line.amount).padStart(12)}`;
}

/**
 * The readable estimate: lines by stack, stack totals, one-time charges, notes, then the monthly
 * total last; every name in it `printable`.
 */
export function formatEstimate(estimate: Estimate, source: string): string {
  const out: string[] = [`Monthly cost estimate of ${source}`, ""];
  for (const stack of stacksOf(estimate)) {
    const lines = estimate.lines.filter((l) => l.stack === stack && l.monthly);
    if (lines.length === 0) continue;
    const regions = [...new Set(lines.map((l) => l.region))].join(", ");
    out.push(
      `${stack} (${regions})`,
      ...lines.map(row),
      `  ${`${stack} total`.padEnd(97)} ${usd(stackTotal(estimate, stack)).padStart(12)}`,
      "",
    );
  }
  const once = estimate.lines.filter((l) => !l.monthly);
  if (once.length > 0) {
    out.push("Charged once per deploy that runs them (not in the monthly total):", ...once.map(row), "");
  }
  if (estimate.unpriced.size > 0) {
    out.push(
      `Not priced (they cost money; add them yourself): ${[...estimate.unpriced].map(([what, n]) => `${what} × ${n}`).join(", ")}`,
      "",
    );
  }
  out.push(...priceNote(estimate), ...assumptions(estimate), "", `Monthly total: ${usd(monthlyTotal(estimate))}`);
  return `${out.map(printable).join("\n")}\n`;
}

/** The `--compare` table: one column per natGateways setting, a row per stack, the totals last. */
export function formatComparison(
  source: string,
  current: string,
  estimates: readonly (readonly [string, Estimate])[],
): string {
  const stacks = [...new Set(estimates.flatMap(([, e]) => stacksOf(e)))];
  const width = Math.max(12, ...stacks.map((s) => printable(s).length + 2));
  const header = [
    "natGateways".padEnd(width),
    ...estimates.map(([mode]) => `${mode}${mode === current ? "*" : ""}`.padStart(14)),
  ].join("");
  const line = (label: string, amount: (e: Estimate) => number) =>
    [printable(label).padEnd(width), ...estimates.map(([, e]) => usd(amount(e)).padStart(14))].join("");
  const first = estimates[0]?.[1];
  return `${[
    `Monthly cost estimate of ${source} under each natGateways setting (* the config's):`,
    "",
    header,
    ...stacks.map((s) => line(s, (e) => stackTotal(e, s))),
    "",
    ...(first ? [...priceNote(first), ...assumptions(first)] : []),
    `"none" leaves the private subnets without a default route: the instances then reach SSM through the interface endpoints the app builds instead (ssmEndpoints), priced in its column.`,
    "",
    line("Monthly total", monthlyTotal),
  ]
    .map(printable)
    .join("\n")}\n`;
}
