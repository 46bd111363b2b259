import type { ElementChange, PairChange, ReachDiff } from "./diff";

/** reach --diff as text, JSON and Markdown (for a pull-request comment). */

const VERDICT: Readonly<Record<string, string>> = { true: "✓", false: "✗", depends: "?", absent: "absent" };

/** Where the two sides came from, for headings. */
export interface DiffSources {
  readonly base: string;
  readonly head: string;
}

/** The readable report: a summary line, then each lost, gained and changed pair with the elements that changed on its path. */
export function formatDiffText(diff: ReachDiff, sources: DiffSources): string {
  const lines = [`Reach diff of ${sources.head} against ${sources.base}: ${summary(diff)}.`];
  for (const [title, pairs] of sections(diff)) {
    if (pairs.length === 0) continue;
    lines.push("", `${title}:`);
    for (const pair of pairs) {
      lines.push(`  ${pairTitle(pair)}`, `      now: ${pair.reason}`);
      for (const hop of pair.hops) lines.push(`      ${hopText(hop)}`);
      if (pair.hops.length === 0) lines.push("      no changed element is named on its path");
    }
  }
  return `${lines.join("\n")}\n`;
}

/** The --json document. */
export function diffToJson(diff: ReachDiff, sources: DiffSources): unknown {
  return { base: sources.base, head: sources.head, ...diff };
}

/** A Markdown comment: the summary, a table of the changed pairs, and the changed elements under each. */
export function formatDiffMarkdown(diff: ReachDiff, sources: DiffSources): string {
  const lines = [`### Reachability: ${summary(diff)}`, "", `${cell(sources.head)} against ${cell(sources.base)}`];
  const all = sections(diff).flatMap(([title, pairs]) => pairs.map((pair) => ({ title, pair })));
  if (all.length > 0) {
    lines.push("", "| change | from | to | protocol | before | after | why |", "|---|---|---|---|---|---|---|");
    for (const { title, pair } of all) {
      lines.push(
        `| ${title.toLowerCase()} | ${cell(pair.from)} | ${cell(pair.to)} | ${pair.protocol} | ${VERDICT[String(pair.before)]} | ${
          VERDICT[String(pair.after)]
        } | ${cell(pair.reason)} |`,
      );
    }
    for (const { title, pair } of all) {
      if (pair.hops.length === 0) continue;
      lines.push("", `**${title.toLowerCase()}: ${cell(pair.from)} → ${cell(pair.to)} (${pair.protocol})**`, "");
      for (const hop of pair.hops) lines.push(`- ${cell(hopText(hop))}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

function sections(diff: ReachDiff): readonly [string, readonly PairChange[]][] {
  return [
    ["Lost", diff.lost],
    ["Gained", diff.gained],
    ["Changed", diff.changed],
  ];
}

function summary(diff: ReachDiff): string {
  const count = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (diff.lost.length + diff.gained.length + diff.changed.length === 0)
    return `no pair changes (${count(diff.elementsChanged, "element")} changed)`;
  return [
    `${count(diff.lost.length, "pair")} lost`,
    `${diff.gained.length} gained`,
    ...(diff.changed.length > 0 ? [`${diff.changed.length} changed`] : []),
  ].join(", ");
}

function pairTitle(pair: PairChange): string {
  return `${pair.from} → ${pair.to} (${pair.protocol}): ${VERDICT[String(pair.before)]} → ${VERDICT[String(pair.after)]}`;
}

function hopText(hop: ElementChange): string {
  return hop.change === "changed"
    ? `changed ${hop.kind}: ${hop.element} (was: ${hop.before})`
    : `${hop.change} ${hop.kind}: ${hop.element}`;
}

/** Text fit for a Markdown table cell: pipes, backticks and emphasis escaped, one line. */
function cell(text: string): string {
  return text.replace(/[|`*_\\<>[\]]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, " ");
}
