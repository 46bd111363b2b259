import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CONFIG_ENV, ConfigError, configFromBytes, readConfigSource, WARNINGS_SHOWN_ENV } from "../lib/config";
import { PROJECT_ROOT } from "../lib/core/paths";
import { configWarnings } from "../lib/config/shape-checks";
import { terraformEnv } from "../lib/core/terraform-env";

/**
 * Runs `cdktf ARGS...` or `terraform ARGS...` in a Terraform environment that works on a fresh
 * machine (see terraformEnv). For cdktf the config is read once and checked first, so a bad one
 * fails with its list of problems before anything is written; the app then reads the very bytes
 * that were checked, from a private copy, so a pipe or /dev/stdin works and a file edited in
 * between cannot slip past the check.
 */
function main([program, ...args]: string[]): number {
  if (program !== "cdktf" && program !== "terraform") {
    console.error(`usage: with-env.ts cdktf|terraform ARGS... (got "${program ?? ""}")`);
    return 2;
  }
  let copy: string | undefined;
  try {
    const source = program === "cdktf" ? readConfigSource(process.env) : undefined;
    const config = source ? configFromBytes(source.bytes, source.name) : undefined;
    const env = terraformEnv(process.env, path.join(PROJECT_ROOT, ".peering"));
    if (config) {
      for (const warning of configWarnings(config)) console.error(`warning: ${warning}`);
      env[WARNINGS_SHOWN_ENV] = "1";
    }
    if (source) {
      copy = fs.mkdtempSync(path.join(os.tmpdir(), "peering-config-"));
      env[CONFIG_ENV] = path.join(copy, "config.json");
      fs.writeFileSync(env[CONFIG_ENV], source.bytes, { mode: 0o600 });
    }
    const command = program === "cdktf" ? path.join(PROJECT_ROOT, "node_modules", ".bin", "cdktf") : "terraform";
    const run = spawnSync(command, args, { stdio: "inherit", env });
    if (run.error) throw run.error;
    return run.status ?? 1;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(e.message);
    return 1;
  } finally {
    if (copy) fs.rmSync(copy, { recursive: true, force: true });
  }
}

process.exitCode = main(process.argv.slice(2));
