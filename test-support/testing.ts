/**
 * cdktf's Testing.app() and Testing.synthScope() without a temp-dir leak: cdktf creates a
 * `cdktf.outdir.*` directory for every app and never removes it. These helpers give each app an
 * outdir of its own and remove them all after the test file (an afterAll registered when this
 * module is loaded by a test file).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";

const outdirs: string[] = [];

afterAll(() => {
  for (const dir of outdirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** Testing.app() with an outdir that is removed after the test file. */
export function testApp(): App {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf.outdir."));
  outdirs.push(outdir);
  return Testing.app({ outdir });
}

/** Testing.synthScope(): the Terraform JSON of the constructs `fn` adds to a fresh stack. */
export function synthScope(fn: (scope: Construct) => void): string {
  const stack = new TerraformStack(testApp(), "stack");
  fn(stack);
  return Testing.synth(stack);
}
