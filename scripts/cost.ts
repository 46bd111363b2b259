import { Command, InvalidArgumentError } from "commander";
import { ConfigError, type NatMode } from "../lib/config";
import { CostInputError, estimate, formatComparison, formatEstimate, priceTable } from "../lib/cost";
import { buildModel, ReachInputError, readDocuments, type StackDocument } from "../lib/reach";
import { EXIT, parseArguments, runCommand } from "../lib/core/exit-codes";
import { printable } from "../lib/core/text";
import { configSource, readSynthesized, withSynthesizedApp } from "../app/synth-input";
import { compareTransit, readConfig } from "./cost-transit";

/** The most GB a month --gb takes: an exabyte, beyond any peering's traffic and within what a total can add up. */
const MAX_GB = 1e9;

const NAT_MODES: readonly NatMode[] = ["per-az", "single", "none"];

function gigabytes(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > MAX_GB) {
    throw new InvalidArgumentError(`"${printable(value)}" is not a number of GB (use 0 to ${MAX_GB}, e.g. 100)`);
  }
  return n;
}

function main(argv: readonly string[]): number {
  const program = new Command("cost")
    .description(
      "Estimate the monthly cost of the synthesized Terraform, per stack and in total, from the dated price tables in lib/cost/prices/.",
    )
    .argument(
      "[PATH...]",
      "cdk.tf.json files, stack directories or cdktf.out directories (default: synthesize PEERING_CONFIG into a temporary directory)",
    )
    .option(
      "--gb <N>",
      "GB a month over each peering, through each NAT gateway and each interface endpoint",
      gigabytes,
      0,
    )
    .option(
      "--tgw-gb <N>",
      "GB a month each VPC sends into each transit gateway it is attached to (data processing)",
      gigabytes,
      0,
    )
    .option("--region <REGION>", "region of resources whose provider sets none")
    .option(
      "--compare",
      "synthesize PEERING_CONFIG under natGateways per-az, single and none and compare the totals; for a config with transitGateways, its VPCs as a peering mesh beside one transit gateway (takes no PATH)",
    )
    .option(
      "--compare-transit",
      "compare the config's VPCs as a full mesh of peerings and as one transit gateway, for any config (takes no PATH)",
    )
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  const exit = parseArguments(program, argv);
  if (exit !== undefined) return exit;
  const options = program.opts<{
    gb: number;
    tgwGb: number;
    region?: string;
    compare?: boolean;
    compareTransit?: boolean;
  }>();
  const run = (documents: readonly StackDocument[]) =>
    estimate(documents, buildModel(documents), {
      gb: options.gb,
      tgwGb: options.tgwGb,
      prices: (region) => priceTable(region),
      defaultRegion: options.region,
    });
  if (options.compare || options.compareTransit) {
    const flag = options.compareTransit ? "--compare-transit" : "--compare";
    if (program.args.length > 0) {
      const given = printable(program.args.join(" "));
      process.stderr.write(
        `cost: ${flag} synthesizes the config named by PEERING_CONFIG (or the built-in default) itself: ` +
          `leave out PATH (${given})\n`,
      );
      return EXIT.unusable;
    }
    const read = readConfig();
    const { config } = read;
    if (options.compareTransit || config.transitGateways) {
      process.stdout.write(compareTransit(read, options.gb, options.region));
      return EXIT.ok;
    }
    const estimates = NAT_MODES.map(
      (mode) =>
        [mode, withSynthesizedApp({ ...config, natGateways: mode }, (outdir) => run(readDocuments([outdir])))] as const,
    );
    process.stdout.write(formatComparison(configSource(), config.natGateways, estimates));
    return EXIT.ok;
  }
  const input = readSynthesized(program.args);
  process.stdout.write(formatEstimate(run(input.documents), input.source));
  return EXIT.ok;
}

void runCommand("cost", () => main(process.argv.slice(2)), [ReachInputError, CostInputError, ConfigError]);
