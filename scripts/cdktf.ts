import { spawnSync } from "child_process";
import * as path from "path";
import { ConfigError, loadConfig } from "../lib/config";
import { terraformEnv } from "../lib/terraform-env";

/**
 * Runs the cdktf CLI with a Terraform environment that works on a fresh machine (see
 * terraformEnv), after checking the config so a bad one fails before anything is written.
 */
function main(args: string[]): number {
  try {
    loadConfig();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(e.message);
    return 1;
  }
  const root = path.resolve(__dirname, "..");
  const cdktf = path.join(root, "node_modules", ".bin", "cdktf");
  const run = spawnSync(cdktf, args, { stdio: "inherit", env: terraformEnv(process.env, path.join(root, ".peering")) });
  if (run.error) throw run.error;
  return run.status ?? 1;
}

process.exitCode = main(process.argv.slice(2));
