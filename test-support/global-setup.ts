/**
 * Jest's globalSetup: a private temp directory for the run (see temp-dir.ts), and the compiled
 * builds the commands run from (`node scripts/run.cjs --build`), brought up to date once, before
 * any test spawns a command; a compile error stops the run here, with tsc's message.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { setup } from "./temp-dir";

export default function globalSetup(): void {
  setup();
  const build = spawnSync(process.execPath, [path.join(__dirname, "..", "scripts", "run.cjs"), "--build"], {
    encoding: "utf8",
  });
  if (build.status !== 0)
    throw new Error(`node scripts/run.cjs --build failed (exit ${build.status}):\n${build.stdout}${build.stderr}`);
}
