import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Command } from "commander";
import {
  CheckInputError,
  CheckReport,
  formatReport,
  instanceAddresses,
  judgeModel,
  liveInstances,
  synthDifferences,
} from "../lib/check/intent";
import { checkThreads, decideInThreads } from "../lib/check/decide";
import { ConfigError, loadConfig, PeeringConfig } from "../lib/config";
import { EXIT, parseArguments, runCommand } from "../lib/core/exit-codes";
import {
  analyze,
  buildModel,
  livePlan,
  loadLive,
  type Model,
  ReachInputError,
  readDocuments,
  SharedAnalysis,
} from "../lib/reach";
import { baseModel, collectRegion } from "../lib/reach/cli";
import { LAZY_APP_STACKS } from "./app-stacks";
import { diffReach } from "../lib/reach/diff";
import { formatDiffText } from "../lib/reach/diff-format";
import { printable, printableLines } from "../lib/core/text";

/**
 * npm run check: synthesizes the app for PEERING_CONFIG (or reads --out DIR), runs reach on the
 * stacks (or, with --live, on what is deployed in their regions), and exits 3 when reach's matrix
 * differs from what the config intends, 2 when it cannot run, 1 on a crash.
 */
async function main(argv: string[]): Promise<number> {
  const program = new Command("check")
    .description(
      "Check that exactly the peered VPCs' instances can ping each other: offline in the synthesized stacks, or with --live in what is deployed",
    )
    .option("--out <DIR>", "read an existing cdktf.out instead of synthesizing into a temporary directory")
    .option("--live", "judge the deployed network, read through the EC2 API in the stacks' regions (drift included)")
    .option(
      "--region <REGION>",
      "with --live: read only this region (repeatable; default: every region of the stacks)",
      collectRegion,
      [],
    )
    .option(
      "--against <BASE>",
      "also print what the change from BASE does to who can ping whom (BASE: a cdktf.out directory or a git revision, as reach --diff takes)",
    )
    .addHelpText(
      "after",
      "\nExit codes: 0 reach agrees with the config, 3 it does not (or --out DIR holds other VPCs or instances than the config's), 4 (--against) it agrees but a pair reachable in BASE is lost, 2 unusable input, 1 crash.",
    )
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  const exit = parseArguments(program, argv);
  if (exit !== undefined) return exit;
  const { out, live, region, against } = program.opts<{
    out?: string;
    live?: boolean;
    region: string[];
    against?: string;
  }>();
  if (!live && region.length > 0) {
    process.stderr.write("check: --region only applies with --live\n");
    return EXIT.unusable;
  }
  if (live && against !== undefined) {
    process.stderr.write(
      "check: --against compares synthesized networks; for the deployed one use npm run reach -- --live --diff\n",
    );
    return EXIT.unusable;
  }
  const config = loadConfig();
  const threads = checkThreads(config.vpcs.length);
  if (typeof threads !== "number") {
    process.stderr.write(`check: ${threads.problem}\n`);
    return EXIT.unusable;
  }
  const outdir = out ?? fs.mkdtempSync(path.join(os.tmpdir(), "peering-check-"));
  try {
    if (!out) await synthesize(config, outdir);
    const addresses = instanceAddresses(outdir);
    const checked = live
      ? await checkLive(config, outdir, addresses, region, threads)
      : await checkSynthesized(config, outdir, addresses, threads);
    // A synth read from --out may be stale or another config's: agreeing with it would prove nothing.
    const stale = out === undefined ? [] : synthDifferences(config, readDocuments([outdir]), addresses);
    const report: CheckReport = stale.length > 0 ? { ...checked, stale } : checked;
    const base = against === undefined ? undefined : await baseModel(against, LAZY_APP_STACKS);
    process.stdout.write(formatReport(report));
    const agrees = report.mismatches.length === 0 && report.errors.length === 0 && stale.length === 0;
    if (base === undefined) return agrees ? EXIT.ok : EXIT.differs;
    const head = buildModel(readDocuments([outdir]));
    const diff = diffReach({ model: base.model, result: analyze(base.model) }, { model: head, result: analyze(head) });
    process.stdout.write(`\n${printableLines(formatDiffText(diff, { base: base.source, head: out ?? "the config" }))}`);
    return !agrees ? EXIT.differs : diff.lost.length > 0 ? EXIT.lost : EXIT.ok;
  } finally {
    if (!out) fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * Synthesizes the app into `outdir` as the app does (a large mesh in several threads); cdktf and
 * the stacks are loaded only then, so that `--out` starts faster.
 */
async function synthesize(config: PeeringConfig, outdir: string): Promise<void> {
  const { synthesize: synth, threadOptions } = await import("../app/synth");
  await synth(config, { ...threadOptions(), app: { outdir } });
}

async function checkSynthesized(
  config: PeeringConfig,
  outdir: string,
  addresses: ReadonlyMap<string, string>,
  threads: number,
): Promise<CheckReport> {
  return judged(config, addresses, buildModel(readDocuments([outdir])), new Map(), threads);
}

/** judgeModel with the pairs decided in `threads` threads. */
async function judged(
  config: PeeringConfig,
  addresses: ReadonlyMap<string, string>,
  model: Model,
  absent: ReadonlyMap<string, string>,
  threads: number,
): Promise<CheckReport> {
  const shared = new SharedAnalysis(model);
  return judgeModel(config, addresses, model, absent, shared, await decideInThreads(model, threads, shared));
}

/** The deployed instances of the synthesized ones, found by their tags, judged on the live model. */
async function checkLive(
  config: PeeringConfig,
  outdir: string,
  addresses: ReadonlyMap<string, string>,
  regions: readonly string[],
  threads: number,
): Promise<CheckReport> {
  const documents = readDocuments([outdir]);
  const plan = livePlan(documents, regions);
  const model = await loadLive(plan);
  const deployed = liveInstances(addresses, buildModel(documents), model);
  const where =
    [...new Set([...model.vpcs.values()].map((v) => v.stack))].join(", ") ||
    plan.targets.map((t) => t.region ?? "the default region").join(", ");
  const found = [...deployed.addresses].map(([vpc, address]) => `${vpc} = ${address}`).join(", ");
  process.stdout.write(`${printable(`live: ${found || "no deployed instance"} (${where})`)}\n`);
  return judged(config, deployed.addresses, model, deployed.absent, threads);
}

void runCommand("check", () => main(process.argv.slice(2)), [ConfigError, ReachInputError, CheckInputError]);
