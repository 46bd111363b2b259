import { printable } from "../core/text";
import type { MigrationRehearsal } from "./migration";

/** The readable report of a migration rehearsal: a line per window, the pairs that lost echoes, the verdict. */
export function formatMigration(r: MigrationRehearsal): string {
  const pairs = r.windows[0]?.pairs.length ?? 0;
  const lines = [
    `Rehearsed ${r.stages.length} stages in Linux network namespaces ${r.prefix}-*: ${r.instances.length} instances, ${pairs} ordered pairs, one ping -i ${r.intervalSeconds} per pair the whole time; ${r.order === "terraform" ? "each stage applied as Terraform orders it: creates, then rulesets, then destroys" : "each stage applied destroys first (the worst order)"}.`,
    "",
  ];
  for (const w of r.windows) {
    const sent = w.pairs.reduce((n, p) => n + p.sent, 0);
    const changed = w.changes.created + w.changes.rulesets + w.changes.destroyed;
    const what =
      changed === 0
        ? ""
        : ` (${w.changes.created} created, ${w.changes.rulesets} rulesets replaced, ${w.changes.destroyed} destroyed)`;
    const cut = w.pairs.filter((p) => p.verdict === "cut").length;
    const down = w.pairs.filter((p) => p.verdict === "down").length;
    const extra = [cut > 0 ? `${cut} pairs cut as planned` : "", down > 0 ? `${down} pairs never answered` : ""]
      .filter((x) => x !== "")
      .join(", ");
    lines.push(
      `${printable(w.label)}${what}: ${w.seconds.toFixed(1)} s, ${sent} echoes, ${w.lost === 0 ? "none lost" : `${w.lost} lost`}${extra ? `; ${extra}` : ""}`,
    );
    for (const p of w.pairs.filter((x) => x.verdict === "lost"))
      lines.push(`    lost ${p.lost} of ${p.sent}: ${printable(p.from)} → ${printable(p.to)} (${p.protocol})`);
  }
  lines.push("");
  const same = r.samePairs
    ? `the last stage answers exactly the first stage's ${r.firstPairs.length} pairs${r.windows.at(-1)?.pairs.some((p) => p.verdict === "cut") ? ", less the planned cuts" : ""}`
    : `the last stage answers ${r.lastPairs.length} pairs, not the first stage's ${r.firstPairs.length}${r.windows.at(-1)?.pairs.some((p) => p.verdict === "cut") ? " less the planned cuts" : ""}`;
  lines.push(
    r.lost === 0 && r.samePairs
      ? `No echo lost: ${same}.`
      : `${r.lost === 0 ? "No echo lost, but" : `LOST ${r.lost} echoes on pairs that must keep answering;`} ${same}.`,
  );
  return `${lines.join("\n")}\n`;
}
