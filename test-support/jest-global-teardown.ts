import * as fs from "fs";
import * as path from "path";

/**
 * Empties the run's temp directory of what tools leave behind there (cdktf's `cdktf.outdir.*` from
 * Testing.app() and Testing.synth(), ts-node's compile cache), then removes it when nothing else is
 * left. Our own directories (`peering-*`) stay: a test that left one either failed on purpose to
 * keep its files (a failed Terraform proof) or has a bug; their place is printed.
 */
export default function globalTeardown(): void {
  const dir = process.env.PEERING_JEST_TMPDIR;
  if (!dir || !fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir)) {
    if (!entry.startsWith("peering-")) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
  }
  const left = fs.readdirSync(dir);
  if (left.length === 0) fs.rmdirSync(dir);
  else console.log(`\nKept in ${dir}: ${left.join(", ")}`);
}
