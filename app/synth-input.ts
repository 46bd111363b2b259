import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PeeringApp } from "./peering-app";
import { CONFIG_ENV, ConfigError, configFromBytes, loadConfig, PeeringConfig } from "../lib/config";
import { preview } from "../lib/core/json-limits";
import { type AppStacksSource, ReachInputError, readDocuments, type SourcedDocuments } from "../lib/reach";
import { addAppStacks } from "../stacks";

/** Terraform JSON documents to work on, and where they came from (for headings and messages). */
export type SynthesizedInput = SourcedDocuments;

/** The app's stacks as reach reads them: PEERING_CONFIG's, or a git revision's; config errors are reach's input errors. */
export const APP_STACKS: AppStacksSource = {
  synthesized: async () => asReachInput(() => readSynthesized([])),
  revision: async (revision) => asReachInput(() => readRevision(revision)),
};

/** Runs `read`, turning the config's errors into reach's input errors (exit 2). */
function asReachInput<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ConfigError) throw new ReachInputError(error.message);
    throw error;
  }
}

/** Synthesizes the app for `config` into a fresh temporary directory, hands it to `use`, then removes it. */
export function withSynthesizedApp<T>(config: PeeringConfig, use: (outdir: string) => T): T {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "peering-synth-"));
  try {
    const app = new PeeringApp({ outdir });
    addAppStacks(app, config);
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
export function readRevision(
  spec: string,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): SynthesizedInput {
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
  const commit =
    rev === "" || rev.startsWith("-") ? undefined : git("rev-parse", "--verify", "--quiet", `${rev}^{commit}`);
  if (top === undefined || commit === undefined) {
    throw new ReachInputError(
      `--diff ${preview(spec)} is neither a path nor a git revision here: give a cdktf.out directory, or a revision such as HEAD~1 or main:examples/hub-spoke.json`,
    );
  }
  const file = colon >= 0 ? spec.slice(colon + 1) : env[CONFIG_ENV];
  if (file === undefined || file === "") {
    throw new ReachInputError(
      `--diff ${preview(spec)}: ${CONFIG_ENV} is unset, and the built-in default is not a file in git: give ${rev}:path/to/config.json`,
    );
  }
  const relative = colon >= 0 ? file : path.relative(top, path.resolve(cwd, file));
  const bytes = relative.startsWith("..") ? undefined : git("show", `${commit.toString().trim()}:${relative}`);
  if (bytes === undefined) {
    throw new ReachInputError(
      `--diff ${preview(spec)}: ${preview(relative)} is not a file in ${rev}: name a config file that revision holds`,
    );
  }
  const source = `${rev}:${relative}`;
  const config = configFromBytes(bytes, source);
  return { documents: withSynthesizedApp(config, (outdir) => readDocuments([outdir])), source };
}
