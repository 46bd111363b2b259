import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PeeringApp } from "./app";
import { CONFIG_ENV, loadConfig, PeeringConfig } from "./config";
import { readDocuments, type StackDocument } from "./reach";
import { addPeeringStacks } from "../stacks";

/** Terraform JSON documents to work on, and where they came from (for headings and messages). */
export interface SynthesizedInput {
  /** One document per stack, as reach reads them. */
  readonly documents: readonly StackDocument[];
  /** The paths given, or the config that was synthesized. */
  readonly source: string;
}

/** Synthesizes the app for `config` into a fresh temporary directory, hands it to `use`, then removes it. */
export function withSynthesizedApp<T>(config: PeeringConfig, use: (outdir: string) => T): T {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "peering-synth-"));
  try {
    const app = new PeeringApp({ outdir });
    addPeeringStacks(app, config);
    app.synth();
    return use(outdir);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Where a config came from, in words: the PEERING_CONFIG file or the built-in default. */
export function configSource(env: NodeJS.ProcessEnv = process.env): string {
  const file = env[CONFIG_ENV];
  return file ? `${CONFIG_ENV}=${file}` : "the built-in default config";
}

/**
 * The Terraform JSON behind `paths` (cdk.tf.json files, stack directories or cdktf.out
 * directories); with no path, the app synthesized for PEERING_CONFIG (or the built-in default) in
 * a temporary directory. Throws reach's ReachInputError for unusable paths and ConfigError for a
 * bad config.
 */
export function readSynthesized(paths: readonly string[], env: NodeJS.ProcessEnv = process.env): SynthesizedInput {
  if (paths.length > 0) return { documents: readDocuments(paths), source: paths.join(" ") };
  const config = loadConfig(env);
  return { documents: withSynthesizedApp(config, (outdir) => readDocuments([outdir])), source: configSource(env) };
}
