import { printable } from "../core/text";
import { formatFindings } from "../reach";
import type { MeasuredPair, Rehearsal } from "./rehearse";

const SYMBOL = { replied: "✓", silent: "✗", none: "·" } as const;

/** The readable report: what was built, picked addresses, the matrix, the differences, the counts; names `printable`. */
export function formatRehearsal(r: Rehearsal): string {
  if (r.refused) {
    return (
      [
        "Built nothing: AWS would reject this network, so there is nothing to ping (reach refuses it too, exit 3).",
        ...formatFindings("Configuration errors (AWS would reject these)", r.errors),
        ...formatFindings("Warnings", r.warnings),
      ]
        .map(printable)
        .join("\n") + "\n"
    );
  }
  const lines: string[] = [];
  const { routers, instances, peerings, gateways, transitGateways, transitRouters } = r.counts;
  const transit =
    transitGateways === undefined || transitGateways === 0
      ? ""
      : `, ${plural(transitGateways, "transit gateway")} (${plural(transitRouters ?? 0, "router namespace")}, one per gateway and Availability Zone of senders)`;
  lines.push(
    `Rehearsed in Linux network namespaces ${r.prefix}-*: ${plural(routers, "VPC router")}, ${plural(instances, "instance")}, ` +
      `${plural(peerings, "active peering")}, ${plural(gateways, "gateway endpoint")}${transit}; one ping -c 1 -W 1 per pair.`,
  );
  const picked = r.instances.filter((i) => i.picked.length > 0);
  if (picked.length > 0) {
    lines.push("", "Addresses picked for instances whose address AWS would assign:");
    const width = Math.max(...picked.map((i) => printable(i.address).length));
    for (const i of picked) {
      const shown = i.picked.map((f) => (f === "ipv4" ? i.ipv4 : i.ipv6)).join(", ");
      lines.push(`  ${printable(i.address).padEnd(width)}  ${shown}`);
    }
  }
  lines.push("");
  if (r.pairs.length === 0) {
    lines.push("No pairs to ping (it takes at least two aws_instance resources).");
  } else {
    lines.push(...matrix(r));
  }
  const differing = r.pairs.filter((p) => p.differs);
  if (differing.length > 0) {
    lines.push("", "Differs from reach:");
    for (const p of differing) {
      const measured = p.reachable ? "got a reply" : "got no reply";
      const predicted =
        p.reach === undefined
          ? "reach has no verdict for this pair"
          : `reach predicts ${verdict(p.reach)}: ${p.reachReason}`;
      lines.push(`  ${p.from} → ${p.to} (${p.protocol}, ping ${p.address}): ${measured}; ${predicted}`);
    }
  }
  const open = r.pairs.filter((p) => r.compared && p.reach === "depends");
  if (open.length > 0) {
    lines.push("", "reach leaves open (depends), so not compared:");
    for (const p of open)
      lines.push(
        `  ${p.from} → ${p.to} (${p.protocol}): ${p.reachable ? "got a reply" : "got no reply"}; ${p.reachReason}`,
      );
  }
  lines.push(...formatFindings("Configuration errors (AWS would reject these)", r.errors));
  lines.push(...formatFindings("Warnings", r.warnings));
  lines.push("", summaryLine(r));
  return lines.map(printable).join("\n") + "\n";
}

/** One line of counts and the verdict of the comparison. */
export function summaryLine(r: Rehearsal): string {
  const replied = r.pairs.filter((p) => p.reachable === true).length;
  const silent = r.pairs.filter((p) => p.reachable === false).length;
  const differing = r.pairs.filter((p) => p.differs).length;
  const comparison = !r.compared
    ? "not compared with reach (--no-compare)"
    : differing === 0
      ? "every pair agrees with reach"
      : `${differing} of ${r.pairs.length} differ from reach`;
  return `${plural(r.pairs.length, "pair")}: ${replied} replied, ${silent} without reply; ${comparison}.`;
}

/** The --json document: reach's shape, with the measurement as `reachable` and reach's prediction as `reach`. */
export function rehearsalJson(r: Rehearsal): unknown {
  return {
    pairs: r.pairs.map((p) => ({
      from: p.from,
      to: p.to,
      protocol: p.protocol,
      address: p.address,
      reachable: p.reachable,
      reach: r.compared ? (p.reach ?? null) : null,
      reason: p.reachable ? `ping ${p.address} got a reply` : `ping ${p.address} got no reply within 1 s`,
      reachReason: p.reachReason ?? null,
      differs: p.differs,
    })),
    errors: r.errors,
    warnings: r.warnings,
    instances: r.instances,
    namespaces: `${r.prefix}-*`,
    compared: r.compared,
    refused: r.refused,
    differences: r.pairs.filter((p) => p.differs).length,
  };
}

function matrix(r: Rehearsal): string[] {
  const names = unique([...r.instances.map((i) => i.address), ...r.pairs.flatMap((p) => [p.from, p.to])]).filter((n) =>
    r.pairs.some((p) => p.from === n || p.to === n),
  );
  const rows = names.filter((n) => r.pairs.some((p) => p.from === n));
  const cols = names.filter((n) => r.pairs.some((p) => p.to === n));
  const protocols = (["ipv4", "ipv6"] as const).filter((f) => r.pairs.some((p) => p.protocol === f));
  const anyDiffers = r.pairs.some((p) => p.differs);
  const index = new Map(names.map((n, i) => [n, i + 1]));
  const cellWidth = Math.max(protocols.length + (anyDiffers ? 1 : 0), ...cols.map((c) => String(index.get(c)).length));
  const width = Math.max(...rows.map((n) => printable(n).length));
  const legend = [
    "✓ reply, ✗ no reply",
    ...(protocols.length > 1 ? ["IPv4 then IPv6, · where one end has no IPv6"] : []),
    ...(anyDiffers ? ["! differs from reach"] : []),
  ];
  const out = [`Who got a reply from whom (${legend.join("; ")}):`, ""];
  out.push(`${" ".repeat(width + 6)}${cols.map((c) => String(index.get(c)).padStart(cellWidth)).join(" ")}`);
  for (const row of rows) {
    const cells = cols.map((col) => cell(r.pairs, row, col, protocols, anyDiffers).padStart(cellWidth));
    out.push(`${String(index.get(row)).padStart(3)}  ${printable(row).padEnd(width)} ${cells.join(" ")}`);
  }
  for (const col of cols.filter((c) => !rows.includes(c))) out.push(`${String(index.get(col)).padStart(3)}  ${col}`);
  return out;
}

function cell(
  pairs: readonly MeasuredPair[],
  from: string,
  to: string,
  protocols: readonly string[],
  marks: boolean,
): string {
  if (from === to) return "-".repeat(protocols.length) + (marks ? " " : "");
  const found = protocols.map((protocol) =>
    pairs.find((p) => p.from === from && p.to === to && p.protocol === protocol),
  );
  const symbols = found
    .map((p) => (p === undefined ? SYMBOL.none : p.reachable ? SYMBOL.replied : SYMBOL.silent))
    .join("");
  return marks ? symbols + (found.some((p) => p?.differs) ? "!" : " ") : symbols;
}

function verdict(reachable: MeasuredPair["reach"]): string {
  return reachable === true ? "reachable" : reachable === false ? "unreachable" : "depends";
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}
