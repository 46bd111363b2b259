/**
 * Runs the project's commands in their own process exactly as their npm scripts do: `node
 * scripts/run.cjs scripts/<name>`, the compiled build that jest's global setup brought up to date
 * (so no test waits for a compile, and none loads TypeScript to run a command).
 */
import { spawnSync } from "child_process";
import * as path from "path";

/** The repository root: where the npm scripts run. */
const ROOT = path.resolve(__dirname, "..");

/** How a command's process ended. */
export interface ScriptRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run <name> -- <args>`, without npm: `scripts/<name>` through scripts/run.cjs, in the repository root unless `cwd` says otherwise. */
export function runScript(name: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd = ROOT): ScriptRun {
  const result = spawnSync(process.execPath, [path.join(ROOT, "scripts", "run.cjs"), `scripts/${name}`, ...args], {
    cwd,
    env,
    encoding: "utf8",
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The argv of `scripts/<name>` as its npm script runs it, for tests that spawn it themselves (asynchronously, or through a pipe). */
export function scriptCommand(name: string): string[] {
  return [process.execPath, path.join(ROOT, "scripts", "run.cjs"), `scripts/${name}`];
}
