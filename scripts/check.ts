import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Command } from "commander";
import { PeeringApp } from "../lib/app";
import { CheckInputError, compareWithIntent, formatReport, instanceAddresses } from "../lib/check";
import { ConfigError, loadConfig } from "../lib/config";
import { analyze, loadTerraform, ReachInputError } from "../lib/reach";
import { addPeeringStacks, STACK_IDS } from "../stacks";

/**
 * npm run check: synthesizes the app for PEERING_CONFIG (or reads --out DIR), runs reach on the
 * stacks, and exits 1 when reach's matrix differs from what the config intends, 2 for unusable input.
 */
function main(argv: string[]): number {
  const program = new Command("check")
    .description("Check that exactly the peered VPCs' instances can ping each other, offline, in the synthesized stacks")
    .option("--out <DIR>", "read an existing cdktf.out instead of synthesizing into a temporary directory")
    .parse(argv, { from: "user" });
  const { out } = program.opts<{ out?: string }>();
  const config = loadConfig();
  const outdir = out ?? fs.mkdtempSync(path.join(os.tmpdir(), "peering-check-"));
  try {
    if (!out) {
      const app = new PeeringApp({ outdir });
      addPeeringStacks(app, config);
      app.synth();
    }
    const report = compareWithIntent(config, instanceAddresses(outdir, STACK_IDS.instances), analyze(loadTerraform([outdir])));
    process.stdout.write(formatReport(report));
    return report.mismatches.length === 0 && report.errors.length === 0 ? 0 : 1;
  } finally {
    if (!out) fs.rmSync(outdir, { recursive: true, force: true });
  }
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof ConfigError || e instanceof ReachInputError || e instanceof CheckInputError)) throw e;
  console.error(e.message);
  process.exitCode = 2;
}
