import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { missingPrerequisites } from "../lib/rehearse/host";
import { abortAllSync } from "../lib/rehearse/host";
import { CLASSES, type DifferentialReport, describeDisagreement, runDifferential } from "../test-support/differential";
import { writeFileAtomic, WriteError } from "../lib/core/files";
import { TRANSIT_CLASSES } from "../test-support/transit-topologies";

/** The differential test at any size: random topologies through reach and rehearse, with figures. */
function count(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError("expected a positive whole number");
  return value;
}

function phase(report: DifferentialReport, name: keyof DifferentialReport["phases"]): string {
  return `${(report.phases[name] / Math.max(1, report.runs - report.skipped)).toFixed(2)} s`;
}

async function main(argv: readonly string[]): Promise<number> {
  const program = new Command("npm run rehearse:fuzz --")
    .description(
      "Generate random topologies, build each with rehearse, and report every pair where ping and reach disagree. Needs root.",
    )
    .option("--runs <n>", "how many topologies", count, 1000)
    .option("--seed <n>", "fast-check seed (default: random, printed)", count)
    .option("--parallel <n>", "topologies built at once", count, 24)
    .option("--setups <n>", "setup shells at once", count, 4)
    .option("--save <dir>", "write each disagreeing topology's Terraform JSON to this directory")
    .option(
      "--transit",
      "generate transit gateway networks (segments, static and blackhole routes, peering attachments)",
    )
    .exitOverride();
  try {
    program.parse([...argv], { from: "user" });
  } catch (error) {
    return error instanceof CommanderError && error.exitCode === 0 ? 0 : 2;
  }
  const o = program.opts<{
    runs: number;
    seed?: number;
    parallel: number;
    setups: number;
    save?: string;
    transit?: boolean;
  }>();
  const missing = missingPrerequisites();
  if (missing.length > 0) {
    process.stderr.write(`rehearse:fuzz: cannot build namespaces on this machine; missing: ${missing.join(", ")}\n`);
    return 2;
  }
  const seed = o.seed ?? Math.floor(Math.random() * 2 ** 31);
  const report = await runDifferential({
    seed,
    runs: o.runs,
    parallel: o.parallel,
    setups: o.setups,
    transit: o.transit === true,
  });
  process.stdout.write(
    `seed ${report.seed}: ${report.runs} topologies (${report.skipped} not loadable, ${report.refused} refused by both as AWS would), ${report.namespaces} namespaces, ` +
      `${report.pairs} pairs (${report.ipv6} IPv6; ${report.replied} replied, ${report.silent} silent) in ${report.seconds.toFixed(1)} s ` +
      `(${(report.runs / report.seconds).toFixed(1)} topologies/s; per topology ${phase(report, "build")} build, ` +
      `${phase(report, "ping")} ping, ${phase(report, "teardown")} teardown); ${report.disagreements.length} disagreement(s)\n`,
  );
  process.stdout.write(
    `topologies of each class:\n${(o.transit ? TRANSIT_CLASSES : CLASSES).map((c) => `  ${report.classes[c]} ${c}`).join("\n")}\n`,
  );
  const own = process.cpuUsage();
  process.stdout.write(
    `CPU of this process: ${(own.user / 1e6).toFixed(1)} s user, ${(own.system / 1e6).toFixed(1)} s system\n`,
  );
  for (const d of report.disagreements) process.stdout.write(`\n${describeDisagreement(d)}\n`);
  if (o.save && report.disagreements.length > 0) {
    mkdirSync(o.save, { recursive: true });
    for (const d of report.disagreements)
      writeFileAtomic(join(o.save, `seed-${seed}-topology-${d.index}.tf.json`), JSON.stringify(d.terraform, null, 2), {
        label: "--save",
      });
  }
  return report.disagreements.length === 0 ? 0 : 1;
}

for (const [signal, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
] as const) {
  process.on(signal, () => {
    abortAllSync();
    process.exit(code);
  });
}
main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    abortAllSync();
    if (error instanceof WriteError) {
      process.stderr.write(`rehearse:fuzz: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`rehearse:fuzz failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 3;
  },
);
