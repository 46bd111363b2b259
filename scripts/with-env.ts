import { spawnSync } from "child_process";
import * as path from "path";
import { ConfigError, loadConfig } from "../lib/config";
import { PROJECT_ROOT } from "../lib/paths";
import { terraformEnv } from "../lib/terraform-env";

/**
 * Runs `cdktf ARGS...` or `terraform ARGS...` in a Terraform environment that works on a fresh
 * machine (see terraformEnv). For cdktf the config is checked first, so a bad one fails with its
 * list of problems before anything is written.
 */
function main([program, ...args]: string[]): number {
  if (program !== "cdktf" && program !== "terraform") {
    console.error(`usage: with-env.ts cdktf|terraform ARGS... (got "${program ?? ""}")`);
    return 2;
  }
  if (program === "cdktf") {
    try {
      loadConfig();
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      console.error(e.message);
      return 1;
    }
  }
  const command = program === "cdktf" ? path.join(PROJECT_ROOT, "node_modules", ".bin", "cdktf") : "terraform";
  const run = spawnSync(command, args, { stdio: "inherit", env: terraformEnv(process.env, path.join(PROJECT_ROOT, ".peering")) });
  if (run.error) throw run.error;
  return run.status ?? 1;
}

process.exitCode = main(process.argv.slice(2));
