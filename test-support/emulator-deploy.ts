/**
 * The steps of a deploy rehearsal against the emulator, one function each, so that a test can
 * compose them and later rounds can add their own (live reachability, drift, packets):
 *
 *   openEmulatorDeploy   emulator, a temp workspace with the config, Terraform's CLI config
 *   deployAll       the project's own `npm run deploy -- --auto-approve`, into the workspace
 *   planAll         `terraform plan -detailed-exitcode` in every stack directory
 *   reachLive       `npm run reach -- --live --json`: reach's verdicts for what is deployed
 *   checkLive       `npm run check -- --live`: the deployed network against the config
 *   pingDirect      `npm run ping` against the emulator's SSM as it is
 *   pingWithAgents  the same through a front that reports the instances' SSM agents Online
 *   pingThrough     the same with SSM at any front (the packet journey's, in ssm-namespaces.ts)
 *   holdStateLock   a second apply while a first one holds the S3 state lock
 *   destroyAll      `npm run destroy -- --auto-approve`
 *   closeEmulatorDeploy  stops the emulator, removes the workspace
 *
 * The project's scripts run from the repository with `--output <workspace>/cdktf.out`, so the
 * local backend's state files land in the workspace, never beside a user's own.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DescribeInstancesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { IAMClient } from "@aws-sdk/client-iam";
import { BucketLocationConstraint, CreateBucketCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { parseConfig, PeeringConfig } from "../lib/config";
import { DeployedInstance, inStack, instancesStackDirs, readTerraformOutputs } from "../lib/ping/outputs";
import { cliConfigFor } from "../lib/core/terraform-env";
import { STACK_IDS } from "../stacks";
import { checkEmulatorEnv, Emulator, startEmulator } from "./emulator";
import { startFront } from "./emulator-front";
import { LiveClients } from "./live";
import { terraformTools } from "./terraform";

const ROOT = path.resolve(__dirname, "..");

/** The stacks of a network not split into cells, in deploy order (the rehearsed configs are all small). */
export const STACKS = [STACK_IDS.network, STACK_IDS.instances, STACK_IDS.peering] as const;

/** A rehearsal in progress. */
export interface EmulatorDeploy {
  readonly config: PeeringConfig;
  readonly emulator: Emulator;
  /** Temp workspace: the config file, logs, local state files and cdktf.out. */
  readonly dir: string;
  /** Where the stacks are synthesized and deployed from: `<dir>/cdktf.out`. */
  readonly outdir: string;
  /** The environment of every process of the rehearsal (emulator, config, Terraform). */
  readonly env: NodeJS.ProcessEnv;
  /** SDK clients against the emulator. */
  readonly clients: LiveClients & { readonly s3: S3Client };
}

/** How a process ended. */
export interface RunResult {
  readonly code: number | null;
  /** stdout and stderr, interleaved, without terminal escape sequences. */
  readonly output: string;
  readonly seconds: number;
}

/** Starts the emulator and prepares a workspace for `rawConfig`; fails when moto_server, terraform or the provider mirror is missing. */
export async function openEmulatorDeploy(name: string, rawConfig: unknown): Promise<EmulatorDeploy> {
  const { mirror } = terraformTools();
  const config = parseConfig(rawConfig, name);
  const emulator = await startEmulator({ region: config.region });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `peering-rehearsal-${name}-`));
  try {
    const configFile = path.join(dir, "config.json");
    fs.writeFileSync(configFile, JSON.stringify(rawConfig, null, 2));
    const cliConfig = path.join(dir, "terraform.rc");
    fs.writeFileSync(cliConfig, cliConfigFor(mirror));
    // Inherited TF_* settings (TF_DATA_DIR, TF_CLI_ARGS, TF_WORKSPACE, ...) would change what is deployed where; TF_LOG* may stay.
    const inherited = Object.entries(emulator.env()).filter(([k]) => !k.startsWith("TF_") || k.startsWith("TF_LOG"));
    const env = checkEmulatorEnv({
      ...Object.fromEntries(inherited),
      PEERING_CONFIG: configFile,
      TF_CLI_CONFIG_FILE: cliConfig,
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      GOGC: process.env.GOGC ?? "400",
      FORCE_COLOR: "0",
    });
    const client = { ...emulator.clientConfig, maxAttempts: 2 };
    const clients = { ec2: new EC2Client(client), iam: new IAMClient(client), s3: new S3Client(client) };
    return { config, emulator, dir, outdir: path.join(dir, "cdktf.out"), env, clients };
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    await emulator.stop();
    throw e;
  }
}

/** Stops the emulator and removes the workspace. */
export async function closeEmulatorDeploy(r: EmulatorDeploy | undefined): Promise<void> {
  if (!r) return;
  for (const client of Object.values(r.clients)) client.destroy();
  await r.emulator.stop();
  fs.rmSync(r.dir, { recursive: true, force: true });
}

/** Creates the S3 bucket the config's backend names, in its region. */
export async function createStateBucket(r: EmulatorDeploy): Promise<void> {
  const s3 = r.config.backend?.s3;
  if (!s3) throw new Error("the config has no backend.s3");
  await r.clients.s3.send(
    new CreateBucketCommand({
      Bucket: s3.bucket,
      // us-east-1 is the one region S3 wants no location constraint for.
      ...(s3.region === "us-east-1"
        ? {}
        : { CreateBucketConfiguration: { LocationConstraint: s3.region as BucketLocationConstraint } }),
    }),
  );
}

/** Keys of the objects in the state bucket, sorted. */
export async function stateObjects(r: EmulatorDeploy): Promise<string[]> {
  const out = await r.clients.s3.send(new ListObjectsV2Command({ Bucket: r.config.backend!.s3.bucket }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

/** `npm run deploy -- --auto-approve --output <outdir>`: every stack, without asking. */
export function deployAll(r: EmulatorDeploy): Promise<RunResult> {
  return run(
    "npm",
    ["run", "--silent", "deploy", "--", "--auto-approve", "--output", r.outdir],
    ROOT,
    r.env,
    path.join(r.dir, "deploy.log"),
  );
}

/** `npm run destroy -- --auto-approve --output <outdir>`. */
export function destroyAll(r: EmulatorDeploy): Promise<RunResult> {
  return run(
    "npm",
    ["run", "--silent", "destroy", "--", "--auto-approve", "--output", r.outdir],
    ROOT,
    r.env,
    path.join(r.dir, "destroy.log"),
  );
}

/**
 * Lets the next plan of the instances stack ignore what moto 5.2.1 reports wrongly for an
 * instance launched with a network interface spec (as the AWS provider launches one): an empty
 * public IP association, read as associate_public_ip_address = true (which forces a replacement),
 * and no security groups on the instance itself. A Terraform override file in each instances stack's
 * directory, written by the harness only; the stacks are unchanged, and the live assertions
 * check the public IP and the security groups through the network interface instead.
 */
export function writeEmulatorOverrides(r: EmulatorDeploy): string[] {
  return instancesStackDirs(r.outdir).map(({ dir }) => writeOverride(dir));
}

function writeOverride(dir: string): string {
  const stack = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8")) as {
    resource: { aws_instance: Record<string, unknown> };
  };
  const ignore = { lifecycle: { ignore_changes: ["associate_public_ip_address", "vpc_security_group_ids"] } };
  const override = {
    resource: {
      aws_instance: Object.fromEntries(Object.keys(stack.resource.aws_instance).map((name) => [name, ignore])),
    },
  };
  const file = path.join(dir, "emulator_override.tf.json");
  fs.writeFileSync(file, `${JSON.stringify(override, null, 2)}\n`);
  return file;
}

/** `terraform plan -detailed-exitcode` in every stack directory, in parallel: exit 0 means no changes, 2 changes. */
export async function planAll(r: EmulatorDeploy): Promise<Record<string, RunResult>> {
  const plans = await Promise.all(
    STACKS.map(async (stack) => {
      const dir = path.join(r.outdir, "stacks", stack);
      const result = await run(
        "terraform",
        ["plan", "-detailed-exitcode", "-input=false", "-no-color", "-lock-timeout=60s"],
        dir,
        r.env,
      );
      return [stack, result] as const;
    }),
  );
  return Object.fromEntries(plans);
}

/** The lines of a plan that name a change, for failure messages. */
export function planChanges(plan: RunResult): string {
  return plan.output
    .split("\n")
    .filter((l) => /^\s*# .* (will|must) be|forces replacement|^\s*[~+-] \w|^Plan:/.test(l))
    .join("\n");
}

/** `npm run --silent reach -- --live --json <outdir>`: reach's verdicts for what the emulator holds, in the synthesized stacks' regions. */
export async function reachLive(r: EmulatorDeploy): Promise<RunResult & { readonly json: unknown }> {
  const result = await run("npm", ["run", "--silent", "reach", "--", "--live", "--json", r.outdir], ROOT, r.env);
  let json: unknown;
  try {
    json = JSON.parse(result.stdout);
  } catch {
    json = undefined;
  }
  return { ...result, json };
}

/** `npm run --silent check -- --live --out <outdir>`: the deployed network against the config. */
export function checkLive(r: EmulatorDeploy): Promise<RunResult & { readonly stdout: string }> {
  return run("npm", ["run", "--silent", "check", "--", "--live", "--out", r.outdir], ROOT, r.env);
}

/** The instances stacks' `instances` output (`terraform output -json` in each one's directory): id and Terraform address by VPC name. */
export function deployedInstances(r: EmulatorDeploy): readonly DeployedInstance[] {
  return instancesStackDirs(r.outdir).flatMap(({ stack, dir }) =>
    inStack(readTerraformOutputs(dir, checkEmulatorEnv(r.env)), stack),
  );
}

/** The VPC name of a live instance address (".../i-0abc"), from the deployed instances; other addresses as they are. */
export function liveVpcNamer(r: EmulatorDeploy): (address: string) => string {
  const names = new Map(deployedInstances(r).map((i) => [i.id, i.name]));
  return (address) => names.get(address.slice(address.lastIndexOf("/") + 1)) ?? address;
}

/** `npm run ping` against the emulator, with a JSON report; returns the run and the report when one was written. */
async function ping(r: EmulatorDeploy, env: NodeJS.ProcessEnv): Promise<RunResult & { readonly report: unknown }> {
  const reportFile = path.join(r.dir, `ping-report-${Date.now()}.json`);
  fs.rmSync(reportFile, { force: true });
  const result = await run(
    "npm",
    [
      "run",
      "--silent",
      "ping",
      "--",
      "--synth-dir",
      r.outdir,
      "--report",
      reportFile,
      "--timeout",
      "180",
      "--agent-timeout",
      "60",
    ],
    ROOT,
    env,
  );
  const report = fs.existsSync(reportFile) ? (JSON.parse(fs.readFileSync(reportFile, "utf8")) as unknown) : undefined;
  return { ...result, report };
}

/** `npm run ping` straight against the emulator, which does not implement SSM's DescribeInstanceInformation. */
export function pingDirect(r: EmulatorDeploy): Promise<RunResult & { readonly report: unknown }> {
  return ping(r, r.env);
}

/** `npm run ping`, as a user runs it, with SSM (AWS_ENDPOINT_URL_SSM) at `ssmEndpoint`, a loopback front. */
export function pingThrough(r: EmulatorDeploy, ssmEndpoint: string): Promise<RunResult & { readonly report: unknown }> {
  return ping(r, checkEmulatorEnv({ ...r.env, AWS_ENDPOINT_URL_SSM: ssmEndpoint }));
}

/**
 * `npm run ping` with SSM pointed at a front that reports every running instance's agent Online
 * (moto has no agents and no DescribeInstanceInformation) and passes SendCommand and
 * GetCommandInvocation through to the emulator, which runs nothing and answers Success with empty
 * output.
 */
export async function pingWithAgents(
  r: EmulatorDeploy,
): Promise<RunResult & { readonly report: unknown; readonly answered: readonly string[] }> {
  const front = await startFront(r.emulator.endpoint, {
    DescribeInstanceInformation: (input) => onlineAgents(r.clients.ec2, input),
  });
  try {
    const result = await ping(r, checkEmulatorEnv({ ...r.env, AWS_ENDPOINT_URL_SSM: front.endpoint }));
    return { ...result, answered: [...front.answered] };
  } finally {
    await front.close();
  }
}

async function onlineAgents(ec2: EC2Client, input: Record<string, unknown>): Promise<unknown> {
  const filters = (input.Filters ?? []) as { Key?: string; Values?: string[] }[];
  const wanted = filters.find((f) => f.Key === "InstanceIds")?.Values;
  const reservations = (await ec2.send(new DescribeInstancesCommand({}))).Reservations ?? [];
  const running = reservations.flatMap((x) => x.Instances ?? []).filter((i) => i.State?.Name === "running");
  const list = running
    .filter((i) => !wanted || wanted.includes(i.InstanceId!))
    .map((i) => ({
      InstanceId: i.InstanceId,
      PingStatus: "Online",
      PlatformType: "Linux",
      ResourceType: "EC2Instance",
      IPAddress: i.PrivateIpAddress,
    }));
  return { InstanceInformationList: list };
}

/** What happened when a second apply ran while a first one held the state lock. */
export interface LockTrial {
  /** Objects in the bucket while the first apply waited at its prompt. */
  readonly objectsWhileHeld: readonly string[];
  /** The second apply. */
  readonly second: RunResult;
  /** The first apply, after it was told "no". */
  readonly first: RunResult;
  /** Objects in the bucket afterwards. */
  readonly objectsAfter: readonly string[];
}

/**
 * In `stack`'s directory, starts `terraform apply -destroy` and lets it wait at its approval
 * prompt, which it reaches only holding the state lock; runs a second `terraform apply` meanwhile;
 * then answers the first "no" (nothing is destroyed: only "yes" approves).
 */
export async function holdStateLock(r: EmulatorDeploy, stack: string): Promise<LockTrial> {
  const dir = path.join(r.outdir, "stacks", stack);
  const env = checkEmulatorEnv({ ...r.env, TF_INPUT: "1" });
  const started = Date.now();
  const first = spawn("terraform", ["apply", "-destroy", "-input=true", "-no-color"], {
    cwd: dir,
    env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  const exited = exitOf(first, (d) => (output += d));
  try {
    await until(
      () => output.includes("Enter a value:"),
      exited,
      180_000,
      () => `terraform apply in ${dir} never asked for approval:\n${output}`,
    );
    const objectsWhileHeld = await stateObjects(r);
    const second = await run(
      "terraform",
      ["apply", "-auto-approve", "-input=false", "-no-color", "-lock-timeout=0s"],
      dir,
      r.env,
    );
    first.stdin!.end("no\n");
    const code = await exited;
    return {
      objectsWhileHeld,
      second,
      first: { code, output: stripEscapes(output), seconds: (Date.now() - started) / 1000 },
      objectsAfter: await stateObjects(r),
    };
  } finally {
    // End of input at the prompt cancels the apply as "no" would.
    if (first.exitCode === null) first.stdin!.end();
    await Promise.race([exited, sleep(30_000)]);
  }
}

/**
 * Runs a command to its end, in an environment checkEmulatorEnv accepts (it throws otherwise);
 * its output goes to `logFile` as well when given. Never rejects for a non-zero exit.
 */
export function run(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  logFile?: string,
): Promise<RunResult & { readonly stdout: string }> {
  const started = Date.now();
  const child = spawn(command, [...args], { cwd, env: checkEmulatorEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  let stdout = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  return exitOf(child, (d) => {
    output += d;
    if (logFile) fs.appendFileSync(logFile, d);
  }).then((code) => ({ code, output: stripEscapes(output), stdout, seconds: (Date.now() - started) / 1000 }));
}

/** The last `lines` lines of a run's output, for failure messages. */
export function tail(result: RunResult, lines = 60): string {
  return result.output.trimEnd().split("\n").slice(-lines).join("\n");
}

/** A line that tells of an error: Terraform's "Error: ...", cdktf's "ERROR", npm's "npm ERR!" (npm 6 to 8) and "npm error" (npm 9 on). */
export const ERROR_LINE = /^(?:Error\b|ERROR\b|ERR!|npm ERR!|npm error\b)|\bError: /;

/**
 * A failed run's error lines (see ERROR_LINE), first seen first, at most `max`: a failure message
 * leads with them, so that a log cut short still says why.
 */
export function errorLines(result: Pick<RunResult, "output">, max = 8): string[] {
  const found = result.output
    .split("\n")
    .map((line) => line.replace(/^[\s│╷╵|]+/, "").trim())
    .filter((line) => ERROR_LINE.test(line));
  return [...new Set(found)].slice(0, max);
}

function exitOf(child: ChildProcess, onData: (text: string) => void): Promise<number | null> {
  child.stdout!.on("data", (d: Buffer) => onData(d.toString()));
  child.stderr!.on("data", (d: Buffer) => onData(d.toString()));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve(code));
  });
}

async function until(
  done: () => boolean,
  exited: Promise<unknown>,
  timeoutMs: number,
  message: () => string,
): Promise<void> {
  let ended = false;
  void exited.then(() => (ended = true));
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (ended || Date.now() > deadline) throw new Error(message());
    await sleep(200);
  }
}

function stripEscapes(text: string): string {
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
}

/** A pause that does not keep the process alive by itself (it also bounds waits in races). */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
