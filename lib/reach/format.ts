import { printable } from "../core/text";
import type { Finding, PairResult, Result } from "./model";

const SYMBOL: Readonly<Record<string, string>> = { true: "✓", false: "✗", depends: "?" };

/** The --json document: pairs, errors, warnings and instances. */
export function toJson(result: Result): unknown {
  return {
    pairs: result.pairs.map(({ from, to, protocol, reachable, reason, path }) => ({
      from,
      to,
      protocol,
      reachable,
      reason,
      path,
    })),
    errors: result.errors,
    warnings: result.warnings,
    instances: result.instances,
  };
}

/**
 * The readable report: a who-can-ping-whom matrix, the pairs that fail or depend, then errors and
 * warnings. Every name and message in it is `printable`: a line of the report is one line on the screen.
 */
export function formatText(result: Result): string {
  const lines: string[] = [];
  const froms = new Set(result.pairs.map((p) => p.from));
  const tos = new Set(result.pairs.map((p) => p.to));
  const names = unique([
    ...result.instances.map((i) => i.address).filter((a) => froms.has(a) || tos.has(a)),
    ...result.pairs.flatMap((p) => [p.from, p.to]),
  ]);
  const rows = names.filter((n) => froms.has(n));
  const cols = names.filter((n) => tos.has(n));
  const byKey = new Map(result.pairs.map((p) => [pairKey(p.from, p.to, p.protocol), p]));
  const protocols = (["ipv4", "ipv6"] as const).filter((f) => result.pairs.some((p) => p.protocol === f));
  const dual = protocols.length > 1;
  if (result.pairs.length === 0) {
    lines.push("No pairs to analyze (reach needs at least two instances).");
  } else {
    lines.push(
      `Who can ping whom (✓ yes, ✗ no, ? depends on the address AWS assigns${
        dual ? "; IPv4 then IPv6, · where one end has no IPv6" : ""
      }):`,
      "",
    );
    const index = new Map(names.map((n, i) => [n, i + 1]));
    const width = Math.max(...rows.map((r) => printable(r).length));
    const cellWidth = Math.max(protocols.length, ...cols.map((c) => String(index.get(c)).length));
    lines.push(`${" ".repeat(width + 6)}${cols.map((c) => String(index.get(c)).padStart(cellWidth)).join(" ")}`);
    for (const row of rows) {
      const cells = cols.map((col) => cell(byKey, row, col, protocols).padStart(cellWidth));
      lines.push(`${String(index.get(row)).padStart(3)}  ${printable(row).padEnd(width)} ${cells.join(" ")}`);
    }
    for (const col of cols.filter((c) => !rows.includes(c)))
      lines.push(`${String(index.get(col)).padStart(3)}  ${col}`);
    const notable = result.pairs.filter((p) => p.reachable !== true);
    if (notable.length > 0) {
      lines.push("", "Not reachable or depends:");
      for (const p of notable)
        lines.push(`  ${SYMBOL[String(p.reachable)]} ${p.from} → ${p.to} (${p.protocol}): ${p.reason}`);
    }
  }
  lines.push(...formatFindings("Configuration errors (AWS would reject these)", result.errors));
  lines.push(...formatFindings("Warnings", result.warnings));
  return lines.map(printable).join("\n") + "\n";
}

function pairKey(from: string, to: string, protocol: string): string {
  return `${from}\u0000${to}\u0000${protocol}`;
}

function cell(pairs: ReadonlyMap<string, PairResult>, from: string, to: string, protocols: readonly string[]): string {
  if (from === to) return "-".repeat(protocols.length);
  const symbol = (protocol: string): string => {
    const pair = pairs.get(pairKey(from, to, protocol));
    return pair ? SYMBOL[String(pair.reachable)] : "·";
  };
  return protocols.map(symbol).join("");
}

/** A titled list of findings, one line each ("  <resource>: <message>"), after a blank line; nothing for none. */
export function formatFindings(title: string, list: readonly Finding[]): string[] {
  if (list.length === 0) return [];
  return ["", `${title}:`, ...list.map((f) => printable(`  ${f.resource}: ${f.message}`))];
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}
