import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * Gives the test run its own temp directory (TMPDIR, inherited by the workers and every process
 * they start), so that what tools leave behind there (a `cdktf.outdir.*` directory per cdktf
 * Testing.app() and Testing.synth(), ts-node's compile cache) can be removed afterwards
 * (jest-global-teardown.ts).
 */
export default function globalSetup(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "peering-jest-"));
  process.env.PEERING_JEST_TMPDIR = dir;
  process.env.TMPDIR = dir;
}
