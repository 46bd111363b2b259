/**
 * Proves synthesized stacks with real Terraform, offline: for a config and an output format,
 * synthesizes the app into a temp dir and, in a working directory beside the stacks, writes a
 * generated test file (see tftest.ts) that applies every stack as the module of its own run, then
 * runs `terraform init -backend=false -plugin-dir=<mirror>` and `terraform test` there (a full
 * apply against `mock_provider "aws"`, which validates the configuration first, so a separate
 * `terraform validate` would only load the provider's schema once more).
 * Nothing touches AWS or the network; the aws provider comes from the local mirror, checked
 * against the lock file synth puts in every stack directory. Terraform commands of all concurrent
 * proofs share one small process pool.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PeeringApp } from "../app/peering-app";
import { PeeringConfig } from "../lib/config";
import { AWS_PROVIDER, MIRROR_ENV, searchProviderMirror } from "../lib/core/terraform-env";
import { addAppStacks, allStacks } from "../stacks";
import { tftestForAll } from "./tftest";

/** How the app writes each stack. */
export type SynthFormat = "json" | "hcl";

/** `terraform test` needs mock_provider, which came in Terraform 1.7. */
const MIN_TERRAFORM = [1, 7] as const;

/** Environment variable overriding how many terraform processes run at once. */
export const JOBS_ENV = "PEERING_TERRAFORM_JOBS";

/** Terraform and the provider mirror the proof runs with. */
export interface TerraformTools {
  /** e.g. "1.11.4" */
  readonly version: string;
  /** Filesystem mirror holding hashicorp/aws at the app's version. */
  readonly mirror: string;
}

/** What the proof asserted of one stack. */
export interface StackProof {
  readonly stack: string;
  /** Number of assertions in the stack's run of the generated test (0 when the proof only validates). */
  readonly assertions: number;
}

/**
 * The environment of every terraform process: no update check, no prompts, an empty CLI config,
 * no inherited TF_* settings (TF_DATA_DIR or TF_CLI_ARGS would break parallel runs) but TF_LOG*.
 * Unless GOGC is set, Go's garbage collector runs less often: terraform and the provider decode
 * the huge aws schema in every process, and this saves about a quarter of their CPU time.
 */
function isolatedTerraformEnv(cliConfig: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { GOGC: "400" };
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("TF_") || k.startsWith("TF_LOG")) env[k] = v;
  return { ...env, CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: cliConfig, TF_IN_AUTOMATION: "1", TF_INPUT: "0" };
}

/** A finished terraform command: its exit status, its stdout, and stdout and stderr together. */
export interface TerraformRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly output: string;
}

/**
 * The tests' one way to run a terraform command and wait for it: in `cwd`, with `-no-color`, the
 * isolated environment (no TF_* of the caller, no checkpoint, no prompts, no instance metadata) and
 * the CLI config `cliConfig` (none by default). The proofs below share a process pool instead.
 */
export function runTerraformSync(args: readonly string[], cwd: string, cliConfig = os.devNull): TerraformRun {
  const env = { ...isolatedTerraformEnv(cliConfig), AWS_EC2_METADATA_DISABLED: "true" };
  const run = spawnSync("terraform", [...args, "-no-color"], {
    cwd,
    env,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, output: `${run.stdout}${run.stderr}` };
}

let tools: TerraformTools | undefined;

/**
 * Terraform on PATH (>= 1.7) and the provider mirror, or an error saying exactly what is missing.
 * Never skips: a machine that cannot run the proof fails it.
 */
export function terraformTools(): TerraformTools {
  if (tools) return tools;
  const problems: string[] = [];
  let version: string | undefined;
  const run = spawnSync("terraform", ["version", "-json"], { env: isolatedTerraformEnv(os.devNull), encoding: "utf8" });
  if (run.error) {
    problems.push(
      (run.error as NodeJS.ErrnoException).code === "ENOENT"
        ? `terraform is not on PATH: install Terraform >= ${MIN_TERRAFORM.join(".")} and put it on PATH`
        : `terraform could not be run: ${run.error.message}`,
    );
  } else {
    try {
      version = String(JSON.parse(run.stdout).terraform_version);
    } catch {
      problems.push(`"terraform version -json" printed no version (exit ${run.status}): ${run.stdout}${run.stderr}`);
    }
    const [major, minor] = (version ?? "0.0").split(".").map(Number);
    if (version && (major < MIN_TERRAFORM[0] || (major === MIN_TERRAFORM[0] && minor < MIN_TERRAFORM[1]))) {
      problems.push(`terraform on PATH is ${version}: mock_provider needs Terraform >= ${MIN_TERRAFORM.join(".")}`);
    }
  }
  const { mirror, refused } = searchProviderMirror();
  if (!mirror) {
    const provider = `${AWS_PROVIDER.host}/${AWS_PROVIDER.namespace}/${AWS_PROVIDER.type}/${AWS_PROVIDER.version}`;
    const why = refused.length > 0 ? ` (refused, as another local user could change it: ${refused.join("; ")})` : "";
    problems.push(
      process.env[MIRROR_ENV]
        ? `${MIRROR_ENV}=${process.env[MIRROR_ENV]} holds no usable ${provider}${why}: point ${MIRROR_ENV} at a Terraform provider mirror directory containing ${provider}/<os>_<arch>/`
        : `no usable local Terraform provider mirror holding ${provider} was found${why}: set ${MIRROR_ENV} to a mirror directory containing ${provider}/<os>_<arch>/`,
    );
  }
  if (problems.length > 0) {
    throw new Error(`Cannot prove the stacks with Terraform offline:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
  tools = { version: version!, mirror: mirror! };
  return tools;
}

// A process pool shared by every proof in this jest worker. Each terraform command starts the
// 700 MB aws provider several times and is CPU-bound, but also waits on process starts: one
// process more than cores measured fastest on 2 cores (about 8 s of CPU per stack).
const jobs = Number(process.env[JOBS_ENV]) || os.cpus().length + 1;
let running = 0;
const queue: (() => void)[] = [];

async function inPool<T>(task: () => Promise<T>): Promise<T> {
  if (running >= jobs) await new Promise<void>((resolve) => queue.push(resolve));
  else running++;
  try {
    return await task();
  } finally {
    const next = queue.shift();
    if (next) next();
    else running--;
  }
}

interface Result {
  readonly code: number | null;
  readonly output: string;
  readonly seconds: number;
}

function terraform(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Result> {
  return inPool(
    () =>
      new Promise<Result>((resolve, reject) => {
        const started = Date.now();
        const child = spawn("terraform", args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        child.stdout.on("data", (d: Buffer) => (output += d.toString()));
        child.stderr.on("data", (d: Buffer) => (output += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, output, seconds: (Date.now() - started) / 1000 }));
      }),
  );
}

/** How much of the proof to run: init and validate always, the mocked apply of `terraform test` unless turned off. */
export interface ProofOptions {
  /**
   * Run `terraform test` with the generated test file.
   * @default true
   */
  readonly test?: boolean;
}

/**
 * `terraform init -backend=false -plugin-dir=<pluginDir>` in a synthesized stack directory, with
 * an empty CLI config: how the proof installs the provider, for tests of what init refuses.
 */
export function initFrom(stackDir: string, pluginDir: string): Promise<{ code: number | null; output: string }> {
  return terraform(
    ["init", "-backend=false", `-plugin-dir=${pluginDir}`, "-input=false", "-no-color"],
    stackDir,
    isolatedTerraformEnv(os.devNull),
  );
}

/**
 * The lock file every stack directory holds; throws unless each stack has one and all are the
 * same, so that installing the provider once against it checks every stack's lock.
 */
function sharedLockFile(outdir: string, stackIds: readonly string[]): string {
  const locks = stackIds.map((stack) => {
    const file = path.join(outdir, "stacks", stack, ".terraform.lock.hcl");
    if (!fs.existsSync(file))
      throw new Error(
        `stack "${stack}": synth wrote no .terraform.lock.hcl, so init would not check the provider's checksums`,
      );
    return { stack, text: fs.readFileSync(file, "utf8") };
  });
  const differs = locks.find((l) => l.text !== locks[0].text);
  if (differs)
    throw new Error(`stack "${differs.stack}" has another .terraform.lock.hcl than stack "${locks[0].stack}"`);
  return locks[0].text;
}

/**
 * Synthesizes `config` as JSON or HCL into a temp dir and proves every stack with Terraform in
 * one working directory beside the stacks (`proof/`): `terraform init` there checks the provider
 * against the lock file every stack holds (all the same), and one `terraform test` applies each
 * stack, as the module of its own run, against the mocked provider (see tftestForAll), after
 * validating them all. With `test: false`, the directory's configuration calls each stack as a
 * module and `terraform validate` checks them. One process per proof: the aws provider's schema,
 * the bulk of each terraform command's time, is loaded once for all stacks.
 * Resolves with one StackProof per stack; rejects with Terraform's output. The temp dir is removed,
 * except when terraform failed: then it is kept (its path is in the error) for inspection.
 */
export async function proveWithTerraform(
  config: PeeringConfig,
  format: SynthFormat,
  options: ProofOptions = {},
): Promise<StackProof[]> {
  const { mirror } = terraformTools();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `peering-terraform-${format}-`));
  const cliConfig = path.join(root, "terraform.rc");
  fs.writeFileSync(cliConfig, "");
  const env = isolatedTerraformEnv(cliConfig);
  try {
    const outdir = path.join(root, "cdktf.out");
    const app = new PeeringApp({ outdir, hclOutput: format === "hcl" });
    const stacks = addAppStacks(app, config);
    app.synth();

    const file = format === "hcl" ? "cdk.tf" : "cdk.tf.json";
    const ids = allStacks(stacks).map((s) => s.node.id);
    for (const stack of ids) {
      const dir = path.join(outdir, "stacks", stack);
      const synthesized = path.join(dir, file);
      if (!fs.existsSync(synthesized))
        throw new Error(`synth wrote no ${file} for stack "${stack}" (found: ${fs.readdirSync(dir).join(", ")})`);
      if (format === "hcl" && fs.readFileSync(synthesized, "utf8").trimStart().startsWith("{")) {
        throw new Error(
          `stacks/${stack}/cdk.tf holds JSON, not HCL, so Terraform cannot parse it: cdktf's stacks pick their output format ` +
            `from SYNTH_HCL_OUTPUT when they are constructed, and App's hclOutput option only renames the file`,
        );
      }
    }
    const proof = path.join(root, "proof");
    fs.mkdirSync(proof);
    fs.writeFileSync(path.join(proof, ".terraform.lock.hcl"), sharedLockFile(outdir, ids));
    const sourceOf = (stack: string): string => `../cdktf.out/stacks/${stack}`;
    const testing = options.test !== false;
    let proofs: StackProof[];
    let runs = 0;
    if (testing) {
      fs.writeFileSync(path.join(proof, "main.tf"), "");
      const test = tftestForAll(config, stacks, sourceOf);
      fs.writeFileSync(path.join(proof, "stacks.tftest.hcl"), test.text);
      runs = test.runs;
      proofs = ids.map((stack) => ({ stack, assertions: test.assertions[stack] }));
    } else {
      fs.writeFileSync(
        path.join(proof, "main.tf"),
        ids
          .map((stack) => `module ${JSON.stringify(stack)} {\n  source = ${JSON.stringify(sourceOf(stack))}\n}\n`)
          .join("\n"),
      );
      proofs = ids.map((stack) => ({ stack, assertions: 0 }));
    }
    const step = async (
      name: string,
      args: string[],
      ok: (r: Result) => boolean = (r) => r.code === 0,
    ): Promise<Result> => {
      const r = await terraform([...args, "-no-color"], proof, env);
      if (!ok(r))
        throw new Error(
          `terraform ${name} failed (exit ${r.code}) in ${proof}\n${r.output.trim()}\n\n(files kept in ${root})`,
        );
      return r;
    };
    await step("init", ["init", "-backend=false", `-plugin-dir=${mirror}`, "-input=false"]);
    // A test file terraform did not pick up would "pass" with 0 runs: insist on every run generated.
    const done = testing
      ? await step("test", ["test"], (r) => r.code === 0 && new RegExp(`\\b${runs} passed, 0 failed\\b`).test(r.output))
      : await step("validate", ["validate"]);
    // Syntax Terraform still reads but has deprecated (a quoted provider or depends_on reference) would stop a later Terraform.
    const deprecated = /Warning: Quoted references are deprecated/.exec(done.output);
    if (deprecated)
      throw new Error(
        `terraform warns of deprecated syntax in the stacks synthesized as ${format.toUpperCase()}: ${deprecated[0]}\n${done.output.trim()}\n\n(files kept in ${root})`,
      );
    fs.rmSync(root, { recursive: true, force: true });
    return proofs;
  } catch (e) {
    // Failures before terraform ran (synth, generating the tests) leave nothing worth keeping.
    if (!(e instanceof Error && e.message.includes(root))) fs.rmSync(root, { recursive: true, force: true });
    throw e;
  }
}

/** One stack's `terraform validate`. */
export interface StackValidation {
  readonly stack: string;
  /** Resources in the stack. */
  readonly resources: number;
  /** Seconds of init and of validate. */
  readonly seconds: { init: number; validate: number };
}

/**
 * Synthesizes `config` as JSON into a temp dir and runs `terraform init` and `terraform validate`
 * in every stack, through the shared process pool; `onStack` hears of each as it finishes.
 * Rejects with every failing stack's output. The temp dir is removed either way.
 */
export async function validateEveryStack(
  config: PeeringConfig,
  onStack: (v: StackValidation) => void = () => undefined,
): Promise<StackValidation[]> {
  const { mirror } = terraformTools();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "peering-validate-"));
  try {
    const cliConfig = path.join(root, "terraform.rc");
    fs.writeFileSync(cliConfig, "");
    const env = isolatedTerraformEnv(cliConfig);
    const outdir = path.join(root, "cdktf.out");
    const app = new PeeringApp({ outdir });
    const stacks = addAppStacks(app, config);
    app.synth();
    const settled = await Promise.allSettled(
      allStacks(stacks).map(async (s) => {
        const stack = s.node.id;
        const dir = path.join(outdir, "stacks", stack);
        const json = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8")) as {
          resource?: Record<string, Record<string, unknown>>;
        };
        const resources = Object.values(json.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
        const step = async (args: string[]) => {
          const r = await terraform([...args, "-no-color"], dir, env);
          if (r.code !== 0)
            throw new Error(`stack "${stack}": terraform ${args[0]} failed (exit ${r.code})\n${r.output.trim()}`);
          return r.seconds;
        };
        const init = await step(["init", "-backend=false", `-plugin-dir=${mirror}`, "-input=false"]);
        const validation = { stack, resources, seconds: { init, validate: await step(["validate"]) } };
        onStack(validation);
        return validation;
      }),
    );
    const failures = settled.flatMap((s) =>
      s.status === "rejected" ? [String((s.reason as Error).message ?? s.reason)] : [],
    );
    if (failures.length > 0) throw new Error(failures.join("\n\n"));
    return settled.map((s) => (s as PromiseFulfilledResult<StackValidation>).value);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
