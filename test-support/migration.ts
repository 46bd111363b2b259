import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { withSynthesizedApp } from "../app/synth-input";
import { readMigration } from "../app/migration-input";
import { parseConfig, type PeeringConfig } from "../lib/config";
import { migrationFiles, planStages, proveStages, segmentsOfPeerings } from "../lib/migrate";
import { readDocuments } from "../lib/reach";
import { main } from "../lib/rehearse/cli";

/** Writes what `npm run migrate -- --to transit-gateway --out DIR` writes for `raw` into a new temp directory. */
export function migrateToTemp(raw: Record<string, unknown>, batches = 2): string {
  const config = parseConfig(raw);
  const stages = planStages(raw, config, segmentsOfPeerings(config), { batches, keepSummary: false });
  const synthesize = (c: PeeringConfig) => withSynthesizedApp(c, (outdir) => readDocuments([outdir]));
  const proof = proveStages(config, stages, { synthesize });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rehearse-migration-"));
  for (const [name, text] of migrationFiles(stages, proof, { source: "test", out: dir, narrowed: false }))
    fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

/** Runs `npm run rehearse -- ARGV` in this process, with the app's migration reader, as the script does. */
export async function rehearseCommand(argv: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(argv, {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    missing: () => [],
    migration: readMigration,
  });
  return { code, out, err };
}

/** The stages npm run migrate writes for a peering mesh with two batches and no narrowing, in order. */
export const MESH_STAGES = [
  "01-attach",
  "02-remove-peerings-1",
  "03-remove-peerings-2",
  "04-routes-per-block",
  "05-cleanup",
] as const;

/** The windows rehearse --migration counts for `stages`: the first stage, each transition, the last stage. */
export function windowLabels(stages: readonly string[]): string[] {
  return [stages[0], ...stages.slice(1).map((s, i) => `${stages[i]} → ${s}`), stages[stages.length - 1]];
}
