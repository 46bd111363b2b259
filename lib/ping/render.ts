import { printable } from "../core/text";
import { DeployedInstance } from "./outputs";
import { Expected, PairResult, pairKey, PingReport } from "./results";

const CORNER = "from \\ to";
const GAP = "  ";

/** The text of one matrix cell: loss and average RTT, "100% loss", or "no answer"; "!" marks a mismatch with reach. */
function cellText(pair: PairResult): string {
  const base =
    pair.status === "no-answer"
      ? "no answer"
      : pair.status === "unreachable"
        ? "100% loss"
        : `${Math.round(pair.lossPercent ?? 0)}%${pair.rttAvgMs === null ? "" : ` ${formatMs(pair.rttAvgMs)}`}`;
  return pair.matches === false ? `${base} !` : base;
}

/** The ping matrix as text: one row per source ("from"), one column per target ("to"); names `printable`. */
export function renderMatrix(instances: readonly DeployedInstance[], pairs: readonly PairResult[]): string {
  const byKey = new Map(pairs.map((p) => [pairKey(p.from, p.to), p]));
  const names = instances.map((i) => i.name);
  const rows = [
    [CORNER, ...names.map(printable)],
    ...names.map((from) => [
      printable(from),
      ...names.map((to) => {
        const pair = byKey.get(pairKey(from, to));
        return from === to || pair === undefined ? "-" : cellText(pair);
      }),
    ]),
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]))
        .join(GAP)
        .trimEnd(),
    )
    .join("\n");
}

/** Counts, then every mismatch with reach and every pair without an answer, one per line. */
export function renderSummary(
  report: Pick<PingReport, "pairs" | "mismatches" | "unanswered">,
  expectationsChecked: boolean,
): string {
  const count = (status: PairResult["status"]): number => report.pairs.filter((p) => p.status === status).length;
  const differ = report.mismatches.length;
  const compared = expectationsChecked
    ? `${differ} ${differ === 1 ? "differs" : "differ"} from reach`
    : "not compared with reach (--no-expect)";
  const lines = [
    `${report.pairs.length} pairs: ${count("reachable")} reachable, ${count("unreachable")} unreachable, ` +
      `${count("no-answer")} no answer; ${compared}`,
  ];
  if (report.mismatches.length > 0) {
    lines.push("Differs from reach:");
    for (const p of report.mismatches) {
      const got = `got ${p.status} (${p.detail})`;
      lines.push(printable(`  ${p.from} -> ${p.to}: expected ${expectedText(p.expected)}, ${got}`));
    }
  }
  if (report.unanswered.length > 0) {
    lines.push("No answer (never counted as reachable):");
    for (const p of report.unanswered) lines.push(printable(`  ${p.from} -> ${p.to}: ${p.detail}`));
  }
  return lines.join("\n");
}

/**
 * Where each instance is, one line each: its id, region and account (the role ping assumes
 * there, or the credentials' own account).
 */
export function renderPlaces(instances: readonly DeployedInstance[], defaultRegion: string): string {
  const rows = instances.map((i) =>
    [
      i.name,
      i.id,
      i.region ?? defaultRegion,
      i.roleArn === undefined ? "own account" : `account ${i.roleArn.split(":")[4]} (as ${i.roleArn})`,
    ].map(printable),
  );
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return (
    [
      "Instances:",
      ...rows.map(
        (r) =>
          `  ${r
            .map((cell, c) => cell.padEnd(widths[c]))
            .join(GAP)
            .trimEnd()}`,
      ),
    ].join("\n") + "\n"
  );
}

/** One line explaining the cells. */
export const LEGEND =
  "Rows ping columns. Cells: packet loss and average RTT; 100% loss = ping ran, no reply; no answer = no result; ! = differs from reach.";

function expectedText(expected: Expected): string {
  if (expected === true) return "reachable";
  if (expected === false) return "unreachable";
  return expected ?? "unknown";
}

function formatMs(ms: number): string {
  const digits = ms < 10 ? 2 : ms < 100 ? 1 : 0;
  return `${ms.toFixed(digits)}ms`;
}
