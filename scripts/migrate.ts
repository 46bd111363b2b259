import * as fs from "fs";
import * as path from "path";
import { Command, InvalidArgumentError } from "commander";
import { ConfigError, DEFAULT_CONFIG, parseConfig, readConfigSource } from "../lib/config";
import { CostInputError, estimate, monthlyTotal, priceTable } from "../lib/cost";
import { EXIT, parseArguments, runCommand } from "../lib/core/exit-codes";
import { WriteError, writeFileAtomic } from "../lib/core/files";
import { MAX_CONFIG_BYTES, parseJsonBytes, preview, readBounded } from "../lib/core/json-input";
import { printableLines } from "../lib/core/text";
import {
  MigrateInputError,
  migrationFiles,
  migrationText,
  planStages,
  proveStages,
  provesSafe,
  segmentsFromFile,
  segmentsOfPeerings,
  type Price,
} from "../lib/migrate";
import { ReachInputError, readDocuments, type Model, type StackDocument } from "../lib/reach";
import { configSource, withSynthesizedApp } from "../app/synth-input";

/** Most removal stages --batches takes. */
const MAX_BATCHES = 100;

function batches(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > MAX_BATCHES)
    throw new InvalidArgumentError(`"${value}" is not a number of stages from 1 to ${MAX_BATCHES}`);
  return n;
}

/**
 * npm run migrate -- --to transit-gateway --out DIR: the stages that move PEERING_CONFIG (or the
 * built-in default) from peering to a transit gateway, each proved by synthesizing it and comparing
 * reach's verdicts with the stage before. Exit 0 when proved and written, 3 when a stage would lose
 * a pair (nothing written), 2 for unusable input (nothing written), 1 on a crash.
 */
function main(argv: readonly string[]): number {
  const program = new Command("migrate")
    .description(
      "Write the stages that move the peering config to a transit gateway without losing a pair: each a config and a summary, proved with reach --diff against the stage before",
    )
    .requiredOption("--to <TARGET>", "what to move to: transit-gateway")
    .requiredOption("--out <DIR>", "a new or empty directory for the stages")
    .option("--segments <FILE>", "JSON mapping VPCs to segments, to narrow who reaches whom (default: as the peerings)")
    .option("--batches <N>", "into how many stages the peerings are removed", batches, 2)
    .option("--keep-summary", "keep the summary routes at the end instead of a route per reached VPC block")
    .addHelpText(
      "after",
      "\nExit codes: 0 proved and written, 3 a stage would lose a pair (nothing written), 2 unusable input (nothing written), 1 crash.",
    )
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  const exit = parseArguments(program, argv);
  if (exit !== undefined) return exit;
  const options = program.opts<{
    to: string;
    out: string;
    segments?: string;
    batches: number;
    keepSummary?: boolean;
  }>();
  if (options.to !== "transit-gateway")
    throw new MigrateInputError(`--to ${preview(options.to)} is not a target: use --to transit-gateway`);
  checkOut(options.out);
  const { raw, source } = rawConfig();
  const config = parseConfig(raw, source);
  const segments =
    options.segments === undefined
      ? segmentsOfPeerings(config)
      : segmentsFromFile(readJson(options.segments), options.segments, config);
  const stages = planStages(raw, config, segments, {
    batches: options.batches,
    keepSummary: options.keepSummary === true,
  });
  const proof = proveStages(config, stages, {
    synthesize: (c) => withSynthesizedApp(c, (outdir) => readDocuments([outdir])),
    price,
  });
  process.stdout.write(printableLines(migrationText(stages, proof, options.out)));
  if (!provesSafe(proof)) return EXIT.differs;
  const files = migrationFiles(stages, proof, { source, out: options.out, narrowed: options.segments !== undefined });
  fs.mkdirSync(options.out, { recursive: true });
  for (const [name, text] of files) writeFileAtomic(path.join(options.out, name), text);
  return EXIT.ok;
}

/** Refuses an --out that is a file or a directory with files in it, before any work. */
function checkOut(out: string): void {
  if (out === "") throw new MigrateInputError("--out is empty: name a new or empty directory");
  if (!fs.existsSync(out)) return;
  if (!fs.statSync(out).isDirectory())
    throw new MigrateInputError(`--out ${preview(out)} is a file: name a new or empty directory`);
  if (fs.readdirSync(out).length > 0)
    throw new MigrateInputError(
      `--out ${preview(out)} is not empty: name a new or empty directory, so that no stage of an earlier run is left beside these`,
    );
}

/** The peering config's JSON as the file holds it (or the built-in default), and its name. */
function rawConfig(): { raw: Record<string, unknown>; source: string } {
  const read = readConfigSource();
  if (!read) return { raw: DEFAULT_CONFIG as unknown as Record<string, unknown>, source: configSource() };
  const parsed = parseJsonBytes(read.bytes);
  if ("problems" in parsed) throw new ConfigError(read.name, parsed.problems, parsed.total);
  // main validates it with parseConfig before anything reads it as an object.
  return { raw: parsed.value as Record<string, unknown>, source: configSource() };
}

function readJson(file: string): unknown {
  let bytes: Buffer;
  try {
    const read = readBounded(file);
    if (read.truncated)
      throw new MigrateInputError(
        `--segments ${preview(file)} is larger than ${MAX_CONFIG_BYTES} bytes: name the segments file`,
      );
    bytes = read.bytes;
  } catch (error) {
    if (error instanceof MigrateInputError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? "read error";
    throw new MigrateInputError(`--segments ${preview(file)} cannot be read (${code}): name a JSON file of segments`);
  }
  const parsed = parseJsonBytes(bytes);
  if ("problems" in parsed)
    throw new MigrateInputError(`--segments ${preview(file)} is not JSON: ${parsed.problems.join("; ")}`);
  return parsed.value;
}

/** The monthly estimate of a stage, or none where a region has no price table. */
function price(documents: readonly StackDocument[], model: Model): Price | undefined {
  try {
    const e = estimate(documents, model, { gb: 0, prices: (region) => priceTable(region) });
    return { monthly: monthlyTotal(e), unpriced: [...e.unpriced].map(([what, n]) => `${what} × ${n}`) };
  } catch (error) {
    if (error instanceof CostInputError) return undefined;
    throw error;
  }
}

void runCommand("migrate", () => main(process.argv.slice(2)), [
  ConfigError,
  MigrateInputError,
  ReachInputError,
  WriteError,
]);
