import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PeeringApp } from "../app/peering-app";
import { parseConfig, PeeringConfig } from "../lib/config";
import { addAppStacks, AppStacks, AppStacksOptions } from "../stacks";

/** A synthesized app in a fresh temp directory; `remove()` deletes it. */
export interface SynthesizedApp {
  readonly config: PeeringConfig;
  readonly outdir: string;
  readonly stacks: AppStacks;
  remove(): void;
}

/** Synthesizes the app for a raw config into a new temp directory, as cdktf.out would be laid out. */
export function synthToTemp(raw: unknown, hclOutput = false, options: AppStacksOptions = {}): SynthesizedApp {
  const config = parseConfig(raw);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "peering-out-"));
  const app = new PeeringApp({ outdir, hclOutput });
  const stacks = addAppStacks(app, config, options);
  app.synth();
  return { config, outdir, stacks, remove: () => fs.rmSync(outdir, { recursive: true, force: true }) };
}

/** Reads, changes and writes back one stack's cdk.tf.json. */
export function editStack(
  outdir: string,
  stack: string,
  edit: (json: { resource: Record<string, Record<string, Record<string, unknown>>> }) => void,
): void {
  const file = path.join(outdir, "stacks", stack, "cdk.tf.json");
  const json = JSON.parse(fs.readFileSync(file, "utf8"));
  edit(json);
  fs.writeFileSync(file, JSON.stringify(json));
}
