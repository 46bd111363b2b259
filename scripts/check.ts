import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Command, CommanderError } from "commander";
import { PeeringApp } from "../lib/app";
import { CheckInputError, compareWithIntent, formatReport, instanceAddresses } from "../lib/check";
import { ConfigError, loadConfig } from "../lib/config";
import { EXIT, runCommand } from "../lib/exit-codes";
import { analyze, loadTerraform, ReachInputError } from "../lib/reach";
import { addPeeringStacks, STACK_IDS } from "../stacks";

/**
 * npm run check: synthesizes the app for PEERING_CONFIG (or reads --out DIR), runs reach on the
 * stacks, and exits 3 when reach's matrix differs from what the config intends, 2 when it cannot run,
 * 1 on a crash.
 */
function main(argv: string[]): number {
  const program = new Command("check")
    .description("Check that exactly the peered VPCs' instances can ping each other, offline, in the synthesized stacks")
    .option("--out <DIR>", "read an existing cdktf.out instead of synthesizing into a temporary directory")
    .addHelpText("after", "\nExit codes: 0 reach agrees with the config, 3 it does not, 2 unusable input, 1 crash.")
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  try {
    program.parse(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.unusable;
    throw error;
  }
  const { out } = program.opts<{ out?: string }>();
  const config = loadConfig();
  const outdir = out ?? fs.mkdtempSync(path.join(os.tmpdir(), "peering-check-"));
  try {
    if (!out) {
      const app = new PeeringApp({ outdir });
      addPeeringStacks(app, config);
      app.synth();
    }
    const addresses = instanceAddresses(outdir, STACK_IDS.instances);
    const report = compareWithIntent(config, addresses, analyze(loadTerraform([outdir])));
    process.stdout.write(formatReport(report));
    return report.mismatches.length === 0 && report.errors.length === 0 ? EXIT.ok : EXIT.differs;
  } finally {
    if (!out) fs.rmSync(outdir, { recursive: true, force: true });
  }
}

void runCommand("check", () => main(process.argv.slice(2)), [ConfigError, ReachInputError, CheckInputError]);
