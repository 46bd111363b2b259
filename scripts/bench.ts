/**
 * npm run bench: how fast the app synthesizes and how fast Terraform takes its stacks, for full
 * meshes of growing size, each figure beside its goal (issue #8). With --seed DIR it also runs the
 * seed's AWS CDK app (an installed copy of ../shared/reference/seed-cdk-app) in the same loop, so
 * the ratios compare runs made under the same load. A benchmark prints figures; it asserts nothing.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Command, InvalidArgumentError } from "commander";
import { PeeringApp } from "../app/peering-app";
import { loadConfig, PeeringConfig } from "../lib/config";
import { PROJECT_ROOT } from "../lib/core/paths";
import { findProviderMirror, terraformEnv } from "../lib/core/terraform-env";
import { addAppStacks } from "../stacks";
import { synthThreads, threadOptions } from "../app/synth";
import { fullMeshConfig } from "../test-support/configs";
import { planTestFor } from "../test-support/tftest";
import { writeFileAtomic } from "../lib/core/files";
import { TRANSIT_SIZES, transitNetworkConfig, transitRoutes } from "./bench-transit";

/** The full meshes measured (their configs: fullMeshConfig; the 2-VPC one is the built-in default). */
const MESHES = [2, 10, 50, 125] as const;

/** The seed app's sizes: PING_ME_NUM_CIDRS (2 VPCs peered, or 50 without peerings). */
const SEED_SIZES = [2, 50] as const;

/** Goals from issue #8 (medians on the project's 2-core machine; ratios from runs side by side). */
const GOAL = {
  cliRatio: 0.85,
  appRatio: 0.25,
  app50Ratio: 1.0,
  app125Seconds: 10,
  app125MiB: 1024,
  plan125Seconds: 15,
  npmTestSeconds: 180,
  /** Issue #22: the 1,000-VPC transit gateway network. */
  transitAppSeconds: 10,
  transitAppMiB: 1024,
  transitPlanSeconds: 15,
  transitCheckSeconds: 30,
} as const;

/** How long one run of a transit gateway network may take before the bench gives up on it. */
const TRANSIT_TIMEOUT_SECONDS = 180;

interface Sample {
  /** Wall clock. */
  readonly seconds: number;
  /** CPU time (user + system) of the process and its children: less sensitive than wall time to other jobs on the machine. */
  readonly cpu: number;
  /** Peak RSS of the largest process. */
  readonly mib: number;
  /** Whether it was stopped for taking longer than its timeout. */
  readonly timedOut?: boolean;
}

interface Options {
  readonly runs: number;
  readonly sizes: number[];
  readonly seed?: string;
  readonly terraform: boolean;
  readonly withTests: boolean;
  readonly transitSizes: number[];
}

const positive = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("use a whole number of at least 1");
  return n;
};

function parseOptions(argv: string[]): Options {
  const program = new Command("npm run bench --")
    .description("Synth and Terraform times for full meshes of 2, 10, 50 and 125 VPCs, beside the goals of issue #8")
    .option("--runs <n>", "timed runs of each app and CLI synth (the median is printed)", positive, 5)
    .option("--sizes <list>", `mesh sizes, comma-separated, from ${MESHES.join(", ")}`, MESHES.join(","))
    .option("--seed <dir>", "an installed copy of the seed's AWS CDK app, to run side by side (see its README)")
    .option("--no-terraform", "skip terraform validate and the mocked plan")
    .option("--with-tests", "also time npm test once")
    .option(
      "--transit-sizes <list>",
      `transit gateway networks (3 segments, 2 AZs), from ${TRANSIT_SIZES.join(", ")}; "" for none`,
      TRANSIT_SIZES.join(","),
    )
    .parse(argv, { from: "user" });
  const o = program.opts<{
    runs: number;
    sizes: string;
    seed?: string;
    terraform: boolean;
    withTests?: boolean;
    transitSizes: string;
  }>();
  const list = (text: string) => (text.trim() === "" ? [] : text.split(",").map(Number));
  const sizes = list(o.sizes);
  const unknown = sizes.filter((n) => !(MESHES as readonly number[]).includes(n));
  if (unknown.length > 0)
    program.error(`--sizes: no mesh of ${unknown.join(", ")} VPCs; use some of ${MESHES.join(", ")}`);
  const transitSizes = list(o.transitSizes);
  const unknownTransit = transitSizes.filter((n) => !(TRANSIT_SIZES as readonly number[]).includes(n));
  if (unknownTransit.length > 0)
    program.error(
      `--transit-sizes: no transit gateway network of ${unknownTransit.join(", ")} VPCs; use some of ${TRANSIT_SIZES.join(", ")}`,
    );
  if (o.seed && !fs.existsSync(path.join(o.seed, "node_modules", ".bin", "cdk"))) {
    program.error(
      `--seed ${o.seed}: no node_modules/.bin/cdk there; copy the seed app out and run npm ci in the copy (see its README)`,
    );
  }
  return {
    runs: o.runs,
    sizes,
    seed: o.seed && path.resolve(o.seed),
    terraform: o.terraform,
    withTests: o.withTests === true,
    transitSizes,
  };
}

const GNU_TIME = ["/usr/bin/time", "/bin/time"].find((t) => fs.existsSync(t));

/**
 * Runs a command to completion, timing its wall clock and (with GNU time) its CPU time and peak RSS;
 * throws on failure. With `timeoutSeconds`, coreutils' timeout stops its process group then, and the
 * sample says it timed out.
 */
function measure(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
  what: string,
  timeoutSeconds?: number,
): Sample {
  const rssFile = path.join(os.tmpdir(), `peering-bench-rss-${process.pid}`);
  const limited: string[] =
    timeoutSeconds === undefined
      ? [command, ...args]
      : ["timeout", "-k", "5", String(timeoutSeconds), command, ...args];
  const [program, ...rest] = GNU_TIME ? [GNU_TIME, "-o", rssFile, "-f", "%M %U %S", ...limited] : limited;
  const started = process.hrtime.bigint();
  const run = spawnSync(program, rest, { ...options, encoding: "utf8", maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  let [kib, user, system] = [NaN, NaN, NaN];
  if (GNU_TIME && fs.existsSync(rssFile)) {
    [kib, user, system] = fs.readFileSync(rssFile, "utf8").trim().split("\n").pop()!.split(" ").map(Number);
    fs.rmSync(rssFile, { force: true });
  }
  if (timeoutSeconds !== undefined && (run.status === 124 || run.status === 137))
    return { seconds, cpu: user + system, mib: kib / 1024, timedOut: true };
  if (run.status !== 0)
    throw new Error(`${what} failed (exit ${run.status}):\n${`${run.stdout ?? ""}${run.stderr ?? ""}`.slice(-3000)}`);
  return { seconds, cpu: user + system, mib: kib / 1024 };
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const mid = (samples: readonly Sample[]): Sample => ({
  seconds: median(samples.map((s) => s.seconds)),
  cpu: median(samples.map((s) => s.cpu)),
  mib: median(samples.map((s) => s.mib)),
});
const secs = (s: number) => `${s.toFixed(2)} s`;
const cpu = (s: Sample) => (Number.isFinite(s.cpu) ? ` (CPU ${secs(s.cpu)})` : "");
const mib = (m: number) => (Number.isFinite(m) ? `${m.toFixed(0)} MiB` : "n/a (no GNU time)");
const verdict = (ok: boolean) => (ok ? "✓" : "✗");
const goal = (value: number, limit: number, unit: string) => `(goal ≤ ${limit}${unit}) ${verdict(value <= limit)}`;

const work = fs.mkdtempSync(path.join(os.tmpdir(), "peering-bench-"));

/** Writes the config of a full mesh of `n` VPCs; the 2-VPC one is the built-in default (PEERING_CONFIG unset). */
function meshConfig(n: number): string | undefined {
  if (n === 2) return undefined;
  const file = path.join(work, `mesh-${n}.json`);
  writeFileAtomic(file, JSON.stringify(fullMeshConfig(n)));
  return file;
}

/** The config meshConfig wrote, or the built-in default. */
const meshOf = (file: string | undefined): PeeringConfig => loadConfig(file ? { PEERING_CONFIG: file } : {});

function ourEnv(config: string | undefined, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...terraformEnv(process.env, path.join(PROJECT_ROOT, ".peering")),
    CHECKPOINT_DISABLE: "1",
    ...extra,
  };
  delete env.PEERING_CONFIG;
  return config ? { ...env, PEERING_CONFIG: config } : env;
}

/** The app process alone, as cdktf runs it (cdktf.json's "app"). */
function ourApp(config: string | undefined, timeoutSeconds?: number): Sample {
  const outdir = path.join(work, "app-out");
  fs.rmSync(outdir, { recursive: true, force: true });
  const [node, ...args] = (
    JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "cdktf.json"), "utf8")) as { app: string }
  ).app.split(" ");
  if (node !== "node") throw new Error(`cdktf.json's app does not start with node: ${node}`);
  return measure(
    process.execPath,
    args,
    { cwd: PROJECT_ROOT, env: ourEnv(config, { CDKTF_OUTDIR: outdir }) },
    "the app",
    timeoutSeconds,
  );
}

/** `cdktf synth`, the CLI with the app. */
function ourCli(config: string | undefined): Sample {
  const outdir = path.join(work, "cli-out");
  fs.rmSync(outdir, { recursive: true, force: true });
  const cdktf = path.join(PROJECT_ROOT, "node_modules", ".bin", "cdktf");
  return measure(cdktf, ["synth", "--output", outdir], { cwd: PROJECT_ROOT, env: ourEnv(config) }, "cdktf synth");
}

/** The seed's environment: no version check, no instance metadata, no credentials, so nothing leaves the machine. */
function seedEnv(n: number, outdir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PING_ME_NUM_CIDRS: String(n),
    CDK_OUTDIR: outdir,
    CDK_DISABLE_VERSION_CHECK: "1",
    AWS_EC2_METADATA_DISABLED: "true",
  };
  for (const k of Object.keys(env)) if (/^AWS_(ACCESS|SECRET|SESSION|PROFILE|ENDPOINT)/.test(k)) delete env[k];
  return {
    ...env,
    AWS_CONFIG_FILE: path.join(work, "no-aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: path.join(work, "no-aws-credentials"),
  };
}

/** The seed's app alone, as its README runs it (ts-node, type-checking). */
function seedApp(seed: string, n: number): Sample {
  const outdir = path.join(work, "seed-app-out");
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(outdir);
  return measure(
    path.join(seed, "node_modules", ".bin", "ts-node"),
    ["bin/app.ts"],
    { cwd: seed, env: seedEnv(n, outdir) },
    `the seed's app (${n} VPCs)`,
  );
}

/** `cdk synth`, the seed's CLI with its app. */
function seedCli(seed: string, n: number): Sample {
  const outdir = path.join(work, "seed-cli-out");
  fs.rmSync(outdir, { recursive: true, force: true });
  const env = seedEnv(n, outdir);
  delete env.CDK_OUTDIR;
  return measure(
    path.join(seed, "node_modules", ".bin", "cdk"),
    ["synth", "--quiet", "-o", outdir],
    { cwd: seed, env },
    `cdk synth of the seed (${n} VPCs)`,
  );
}

/** Resources of each stack of a synthesized cdktf.out, by stack name. */
function resourcesPerStack(outdir: string): Map<string, number> {
  const stacksDir = path.join(outdir, "stacks");
  return new Map(
    fs
      .readdirSync(stacksDir)
      .sort()
      .map((stack) => {
        const json = JSON.parse(fs.readFileSync(path.join(stacksDir, stack, "cdk.tf.json"), "utf8")) as {
          resource?: Record<string, Record<string, unknown>>;
        };
        return [
          stack,
          Object.values(json.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0),
        ] as const;
      }),
  );
}

/**
 * "network 13, instances 12, peering 3", with each run of numbered stacks (peering shards, a split
 * network's cells) folded into one entry such as "16 × peering-NN 1377–1485".
 */
function describeStacks(resources: ReadonlyMap<string, number>): string {
  const runs = new Map<string, number[]>();
  const entries: string[] = [];
  for (const [stack, n] of resources) {
    const prefix = /^(.*)-\d+$/.exec(stack)?.[1];
    if (prefix === undefined) entries.push(`${stack} ${n}`);
    else if (runs.has(prefix)) runs.get(prefix)!.push(n);
    else {
      runs.set(prefix, [n]);
      entries.push(prefix);
    }
  }
  return entries
    .map((e) => {
      const run = runs.get(e);
      return run ? `${run.length} × ${e}-NN ${Math.min(...run)}–${Math.max(...run)}` : e;
    })
    .join(", ");
}

/** Synthesizes the config in-process, then `terraform init`, `validate` and a mocked plan (`terraform test`, command = plan) of its largest stack. */
function terraformOfLargest(config: PeeringConfig): {
  stack: string;
  resources: number;
  validate: Sample;
  plan: Sample;
} {
  const mirror = findProviderMirror();
  if (!mirror)
    throw new Error(
      "no Terraform provider mirror holding hashicorp/aws 5.100.0 was found: set PEERING_PROVIDER_MIRROR, or pass --no-terraform",
    );
  const outdir = path.join(work, "tf-out");
  fs.rmSync(outdir, { recursive: true, force: true });
  const app = new PeeringApp({ outdir });
  const stacks = addAppStacks(app, config);
  app.synth();
  const [stack, resources] = [...resourcesPerStack(outdir)].reduce((a, b) => (b[1] > a[1] ? b : a));
  const dir = path.join(outdir, "stacks", stack);
  writeFileAtomic(path.join(dir, "plan.tftest.hcl"), planTestFor(stack, config, stacks));
  const cliConfig = path.join(work, "terraform.rc");
  writeFileAtomic(cliConfig, "");
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("TF_")) env[k] = v;
  Object.assign(env, { CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: cliConfig, TF_IN_AUTOMATION: "1", TF_INPUT: "0" });
  const terraform = (args: string[]) =>
    measure("terraform", [...args, "-no-color"], { cwd: dir, env }, `terraform ${args[0]} of ${stack}`);
  terraform(["init", "-backend=false", `-plugin-dir=${mirror}`, "-input=false"]);
  const validate = terraform(["validate"]);
  const plan = terraform(["test"]);
  return { stack, resources, validate, plan };
}

function main(): void {
  const options = parseOptions(process.argv.slice(2));
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ");
  console.log(`npm run bench: node ${process.version}, ${os.cpus().length} cores, load average ${load()} at the start`);
  console.log(
    `medians of ${options.runs} runs after one warm-up; peak RSS is the largest process's; terraform runs once per size`,
  );
  console.log(
    "the goals are about wall times; CPU times (user + system, children included) vary less with the load of a shared machine\n",
  );

  const results = new Map<number, { app: Sample; cli: Sample; resources: Map<string, number> }>();
  const seed = new Map<number, { app: Sample; cli: Sample }>();
  const sizes = MESHES.filter((n) => options.sizes.includes(n));
  const ourSamples = new Map(sizes.map((n) => [n, { app: [] as Sample[], cli: [] as Sample[] }]));
  const seedSamples = new Map(SEED_SIZES.map((n) => [n, { app: [] as Sample[], cli: [] as Sample[] }]));
  const configs = new Map(sizes.map((n) => [n, meshConfig(n)]));
  const resources = new Map<number, Map<string, number>>();

  // One warm-up of everything, then the timed rounds; ours and the seed's alternate within each round.
  for (let round = 0; round <= options.runs; round++) {
    for (const n of sizes) {
      const ours = ourSamples.get(n)!;
      const app = ourApp(configs.get(n));
      if (round === 0) resources.set(n, resourcesPerStack(path.join(work, "app-out")));
      const cli = ourCli(configs.get(n));
      if (round > 0) ours.app.push(app);
      if (round > 0) ours.cli.push(cli);
      const seedN = SEED_SIZES.find((s) => s === n);
      if (options.seed && seedN) {
        const theirs = seedSamples.get(seedN)!;
        const sApp = seedApp(options.seed, seedN);
        const sCli = seedCli(options.seed, seedN);
        if (round > 0) theirs.app.push(sApp);
        if (round > 0) theirs.cli.push(sCli);
      }
      process.stderr.write(
        round === 0 ? `warm-up ${n} VPCs done\n` : `round ${round}/${options.runs}, ${n} VPCs done\n`,
      );
    }
  }
  for (const n of sizes) results.set(n, { ...mapValues(ourSamples.get(n)!), resources: resources.get(n)! });
  if (options.seed) for (const n of SEED_SIZES) if (sizes.includes(n)) seed.set(n, mapValues(seedSamples.get(n)!));

  console.log("Synth (app alone = the process cdktf runs; CLI = cdktf synth with it)");
  for (const n of sizes) {
    const r = results.get(n)!;
    const peerings = (n * (n - 1)) / 2;
    console.log(
      `  ${n} VPCs, ${peerings} peering${peerings === 1 ? "" : "s"}${n === 2 ? " (the built-in default)" : ""}`,
    );
    console.log(`    resources per stack: ${describeStacks(r.resources)}`);
    const appGoal =
      n === 125
        ? ` ${goal(r.app.seconds, GOAL.app125Seconds, " s")}, ${mib(r.app.mib)} ${goal(r.app.mib, GOAL.app125MiB, " MiB")}`
        : `, ${mib(r.app.mib)}`;
    const threads = synthThreads(meshOf(configs.get(n)), threadOptions());
    console.log(
      `    app alone: ${secs(r.app.seconds)}${appGoal}${cpu(r.app)}, ${threads} thread${threads === 1 ? "" : "s"}`,
    );
    console.log(`    cdktf synth: ${secs(r.cli.seconds)}${cpu(r.cli)}`);
  }

  if (options.seed) {
    console.log("\nBeside the seed (AWS CDK 1.74, its README's commands; 50 VPCs without peerings), same rounds");
    const row = (label: string, ours: number | undefined, theirs: number | undefined, limit: number) => {
      if (ours === undefined || theirs === undefined) return;
      const ratio = ours / theirs;
      console.log(`  ${label}: ${secs(ours)} ÷ ${secs(theirs)} = ${ratio.toFixed(2)} ${goal(ratio, limit, "")}`);
    };
    row(
      "default cdktf synth ÷ seed's cdk synth (2 VPCs)",
      results.get(2)?.cli.seconds,
      seed.get(2)?.cli.seconds,
      GOAL.cliRatio,
    );
    row(
      "default app alone ÷ seed's app alone (2 VPCs)",
      results.get(2)?.app.seconds,
      seed.get(2)?.app.seconds,
      GOAL.appRatio,
    );
    row(
      "50-VPC full mesh, app alone ÷ seed's 50-VPC app alone",
      results.get(50)?.app.seconds,
      seed.get(50)?.app.seconds,
      GOAL.app50Ratio,
    );
    for (const [n, s] of seed)
      console.log(
        `  seed, ${n} VPCs: app alone ${secs(s.app.seconds)}, ${mib(s.app.mib)}${cpu(s.app)}; cdk synth ${secs(s.cli.seconds)}${cpu(s.cli)}`,
      );
  }

  if (options.terraform) {
    console.log(
      '\nTerraform, largest stack (init from the local mirror; plan = terraform test with command = plan against mock_provider "aws")',
    );
    for (const n of sizes) {
      const tf = terraformOfLargest(meshOf(configs.get(n)));
      const planGoal = n === 125 ? ` ${goal(tf.plan.seconds, GOAL.plan125Seconds, " s")}` : "";
      console.log(
        `  ${n} VPCs, ${tf.stack} (${tf.resources} resources): validate ${secs(tf.validate.seconds)}, ${mib(tf.validate.mib)}${cpu(tf.validate)}; ` +
          `mocked plan ${secs(tf.plan.seconds)}${planGoal}, ${mib(tf.plan.mib)}${cpu(tf.plan)}`,
      );
    }
  }

  if (options.transitSizes.length > 0) transitBench(options);

  if (options.withTests) {
    const test = measure(
      "npm",
      ["test", "--silent"],
      { cwd: PROJECT_ROOT, env: { ...process.env, PEERING_CONFIG: "" } },
      "npm test",
    );
    console.log(`\nnpm test: ${secs(test.seconds)} ${goal(test.seconds, GOAL.npmTestSeconds, " s")}`);
  } else {
    console.log(`\nnpm test: not timed here (pass --with-tests) (goal ≤ ${GOAL.npmTestSeconds} s)`);
  }
  console.log(`\nload average ${load()} at the end`);
}

/** The transit gateway networks: the app alone, the largest stack's mocked plan and npm run check, once each. */
function transitBench(options: Options): void {
  console.log(
    `\nTransit gateway networks (one gateway, 3 segments, 2 AZs; each figure once, stopped after ${TRANSIT_TIMEOUT_SECONDS} s)`,
  );
  for (const n of options.transitSizes) {
    const file = path.join(work, `transit-${n}.json`);
    writeFileAtomic(file, JSON.stringify(transitNetworkConfig(n)));
    const expected = transitRoutes(n);
    const big = n === 1000;
    console.log(
      `  ${n} VPCs: route tables send ${expected.summaries.length > 0 ? expected.summaries.join(", ") : "a route per reached block"} to the gateway; instances admit ${expected.rules.toLocaleString("en-US")} reached VPC blocks in all`,
    );
    const app = ourApp(file, TRANSIT_TIMEOUT_SECONDS);
    const appGoal = big
      ? ` ${goal(app.timedOut ? Infinity : app.seconds, GOAL.transitAppSeconds, " s")}, ${mib(app.mib)} ${goal(app.mib, GOAL.transitAppMiB, " MiB")}`
      : `, ${mib(app.mib)}`;
    if (app.timedOut) {
      console.log(`    app alone: did not finish within ${TRANSIT_TIMEOUT_SECONDS} s${appGoal}${cpu(app)}`);
      continue;
    }
    console.log(`    resources per stack: ${describeStacks(resourcesPerStack(path.join(work, "app-out")))}`);
    console.log(`    app alone: ${secs(app.seconds)}${appGoal}${cpu(app)}`);
    if (options.terraform) {
      const tf = terraformOfLargest(meshOf(file));
      const planGoal = big ? ` ${goal(tf.plan.seconds, GOAL.transitPlanSeconds, " s")}` : "";
      console.log(
        `    terraform, ${tf.stack} (${tf.resources} resources): validate ${secs(tf.validate.seconds)}; mocked plan ${secs(tf.plan.seconds)}${planGoal}, ${mib(tf.plan.mib)}${cpu(tf.plan)}`,
      );
    }
    const check = measure(
      process.execPath,
      [path.join(PROJECT_ROOT, "scripts", "run.cjs"), "scripts/check"],
      { cwd: PROJECT_ROOT, env: ourEnv(file) },
      `npm run check (${n} VPCs)`,
      TRANSIT_TIMEOUT_SECONDS,
    );
    const checkGoal = big ? ` ${goal(check.timedOut ? Infinity : check.seconds, GOAL.transitCheckSeconds, " s")}` : "";
    console.log(
      `    npm run check: ${check.timedOut ? `did not finish within ${TRANSIT_TIMEOUT_SECONDS} s` : secs(check.seconds)}${checkGoal}, ${mib(check.mib)}${cpu(check)}`,
    );
  }
}

function mapValues(s: { app: Sample[]; cli: Sample[] }): { app: Sample; cli: Sample } {
  return { app: mid(s.app), cli: mid(s.cli) };
}

try {
  main();
} catch (e) {
  console.error(`npm run bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
