import * as fs from "fs";
import * as path from "path";

/**
 * Removes cdktf's `cdktf.outdir.*` directories from the run's temp directory, then the directory
 * itself when nothing else is left; anything else (a failed Terraform proof keeps its files for
 * inspection) stays, and its place is printed.
 */
export default function globalTeardown(): void {
  const dir = process.env.PEERING_JEST_TMPDIR;
  if (!dir || !fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir)) {
    if (entry.startsWith("cdktf.outdir.")) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
  }
  const left = fs.readdirSync(dir);
  if (left.length === 0) fs.rmdirSync(dir);
  else console.log(`\nKept in ${dir}: ${left.join(", ")}`);
}
