/**
 * Jest's globalSetup and globalTeardown: every test runs with TMPDIR pointing at a directory of
 * its own, and the run fails if anything is left in it. Other runs on the same machine share the
 * system temp directory, so comparing that before and after would blame them; this private one
 * holds only what this run created. Workers inherit TMPDIR because jest forks them after setup.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const VARS = ["TMPDIR", "TMP", "TEMP"] as const;
/** ts-node keeps a compile cache in the temp directory; it saves nothing measurable here. */
const NO_COMPILE_CACHE = "DISABLE_V8_COMPILE_CACHE";
/** Where setup records the private directory and the variables it replaced, for teardown. */
const STATE_ENV = "PEERING_TEST_TMPDIR";

/** Creates the private temp directory and points TMPDIR (and TMP, TEMP) at it; turns ts-node's compile cache off. */
export function setup(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "peering-test-"));
  const saved = Object.fromEntries([...VARS, NO_COMPILE_CACHE].map((v) => [v, process.env[v] ?? null]));
  process.env[STATE_ENV] = JSON.stringify({ dir, saved });
  for (const v of VARS) process.env[v] = dir;
  process.env[NO_COMPILE_CACHE] ??= "1";
}

/** Restores the variables, removes the directory, and throws if the tests left anything in it. */
export function teardown(): void {
  const state = process.env[STATE_ENV];
  if (!state) return;
  const { dir, saved } = JSON.parse(state) as { dir: string; saved: Record<string, string | null> };
  for (const [v, value] of Object.entries(saved)) {
    if (value === null) delete process.env[v];
    else process.env[v] = value;
  }
  delete process.env[STATE_ENV];
  const left = fs.readdirSync(dir);
  fs.rmSync(dir, { recursive: true, force: true });
  if (left.length > 0) {
    const shown = left.slice(0, 20).join(", ") + (left.length > 20 ? `, ... and ${left.length - 20} more` : "");
    throw new Error(
      `the tests left ${left.length} entr${left.length === 1 ? "y" : "ies"} in the temp directory: ${shown}; remove what a test creates in finally or afterAll`,
    );
  }
}
