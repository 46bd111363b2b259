import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PeeringApp } from "./app";
import { CONFIG_ENV, configFromBytes, loadConfig, PeeringConfig } from "./config";
import { preview } from "./json-limits";
import { ReachInputError, readDocuments, type StackDocument } from "./reach";
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

/**
 * The Terraform JSON of a config as a git revision holds it, synthesized by the current code into a
 * temporary directory: `REV:path` names the file, `REV` alone reads PEERING_CONFIG's file at REV.
 * Throws ReachInputError when the revision or the file is not in git, ConfigError for a bad config.
 */
export function readRevision(spec: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): SynthesizedInput {
  const colon = spec.indexOf(":");
  const rev = colon < 0 ? spec : spec.slice(0, colon);
  const git = (...args: string[]): Buffer | undefined => {
    try {
      return execFileSync("git", args, { cwd, stdio: ["ignore", "pipe", "ignore"], maxBuffer: 64 * 1024 * 1024 });
    } catch {
      return undefined;
    }
  };
  const top = git("rev-parse", "--show-toplevel")?.toString().trim();
  const commit = rev === "" || rev.startsWith("-") ? undefined : git("rev-parse", "--verify", "--quiet", `${rev}^{commit}`);
  if (top === undefined || commit === undefined) {
    throw new ReachInputError(
      `--diff ${preview(spec)} is neither a path nor a git revision here: give a cdktf.out directory, or a revision such as HEAD~1 or main:examples/hub-spoke.json`
    );
  }
  const file = colon >= 0 ? spec.slice(colon + 1) : env[CONFIG_ENV];
  if (file === undefined || file === "") {
    throw new ReachInputError(
      `--diff ${preview(spec)}: ${CONFIG_ENV} is unset, and the built-in default is not a file in git: give ${rev}:path/to/config.json`
    );
  }
  const relative = colon >= 0 ? file : path.relative(top, path.resolve(cwd, file));
  const bytes = relative.startsWith("..") ? undefined : git("show", `${commit.toString().trim()}:${relative}`);
  if (bytes === undefined) {
    throw new ReachInputError(`--diff ${preview(spec)}: ${preview(relative)} is not a file in ${rev}: name a config file that revision holds`);
  }
  const source = `${rev}:${relative}`;
  const config = configFromBytes(bytes, source);
  return { documents: withSynthesizedApp(config, (outdir) => readDocuments([outdir])), source };
}
