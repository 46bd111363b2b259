import { SSMClient } from "@aws-sdk/client-ssm";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { REGION_PATTERN } from "../core/aws-limits";
import { assertWritable, WriteError } from "../core/files";
import { printable, printableLines } from "../core/text";
import { EXIT as SHARED_EXIT } from "../core/exit-codes";
import { PingInputError } from "./errors";
import { DeployedInstance, inStack, instancesStackDirs } from "./outputs";
import { ProgressStream, streamProgress } from "./progress";
import { LEGEND, renderMatrix, renderPlaces, renderSummary } from "./render";
import { Expected, exitCodeOf, PingReport } from "./results";
import { describeError } from "./retry";
import { runPing } from "./run";
import { Clock } from "./ssm";

/** Exit codes: every pair answered as reach predicts; a mismatch or a pair without answer; unusable input (a crash exits 1). */
export const EXIT = { ok: SHARED_EXIT.ok, failed: SHARED_EXIT.differs, unusable: SHARED_EXIT.unusable } as const;

/** Options after parsing. */
export interface PingOptions {
  readonly outputsFile?: string;
  readonly synthDir: string;
  readonly region?: string;
  readonly report?: string;
  readonly timeoutSeconds: number;
  readonly agentTimeoutSeconds: number;
  readonly expect: boolean;
}

/** Everything the CLI touches outside itself, so tests can run it against a mocked SSM client and fake time. */
export interface CliDeps {
  /** Writes to standard output (the matrix). */
  readonly stdout: (text: string) => void;
  /** Standard error (progress, warnings, errors). */
  readonly stderr: ProgressStream;
  /**
   * An SSM client; region undefined means the SDK's default chain, and a role ARN makes it act in
   * that role's account (assuming the role with the default credentials).
   */
  readonly createClient: (region: string | undefined, roleArn?: string) => SSMClient;
  /** The deployed instances: from the outputs file when given, else from `terraform output -json` in stackDir. */
  readonly readInstances: (source: {
    readonly outputsFile?: string;
    readonly stackDir: string;
  }) => readonly DeployedInstance[];
  /** reach's predictions for the synthesized stacks in synthDir, keyed by pairKey(from, to). */
  readonly loadExpectations: (
    synthDir: string,
    instances: readonly DeployedInstance[],
  ) => Promise<ReadonlyMap<string, Expected>>;
  /** The region the synthesized instances stack in stackDir deploys to, when known. */
  readonly synthesizedRegion: (stackDir: string) => string | undefined;
  readonly writeFile: (file: string, text: string) => void;
  readonly clock: Clock;
  readonly random: () => number;
}

/** Parses the command line; throws CommanderError for --help and for bad options. */
export function parseOptions(
  argv: readonly string[],
  out: (text: string) => void,
  err: (text: string) => void,
): PingOptions {
  const program = new Command("npm run ping --")
    .description(
      "After `npm run deploy`: ping every deployed instance from every other one through SSM, print the matrix, " +
        "and exit 1 when a pair does not answer or differs from what reach predicts for the synthesized stacks.",
    )
    .option(
      "--outputs-file <file>",
      "outputs JSON written by `npm run deploy -- --outputs-file FILE` (default: `terraform output -json` in the synthesized instances stack)",
    )
    .option("--synth-dir <dir>", "cdktf output directory holding the synthesized stacks", "cdktf.out")
    .option("--region <region>", "AWS region (default: the AWS SDK's chain, e.g. AWS_REGION or the profile)", region)
    .option("--report <file>", "write the results as JSON to this file")
    .option("--timeout <seconds>", "overall deadline", seconds, 600)
    .option(
      "--agent-timeout <seconds>",
      "how long to wait for SSM agents to come Online (within --timeout)",
      seconds,
      300,
    )
    .option("--no-expect", "do not compare with reach; fail only on pairs without answer")
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: (text) => err(printableLines(text)) });
  program.parse([...argv], { from: "user" });
  const o = program.opts<{
    outputsFile?: string;
    synthDir: string;
    region?: string;
    report?: string;
    timeout: number;
    agentTimeout: number;
    expect: boolean;
  }>();
  return {
    outputsFile: o.outputsFile,
    synthDir: o.synthDir,
    region: o.region,
    report: o.report,
    timeoutSeconds: o.timeout,
    agentTimeoutSeconds: o.agentTimeout,
    expect: o.expect,
  };
}

/** Runs the ping tool and returns its exit code. */
export async function main(argv: readonly string[], deps: CliDeps): Promise<number> {
  const err = (text: string): void => void deps.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
  let options: PingOptions;
  try {
    options = parseOptions(argv, deps.stdout, err);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.unusable;
    throw e;
  }
  try {
    const report = await pingAll(options, deps, err);
    return report ? exitCodeOf(report) : EXIT.ok;
  } catch (e) {
    if (!(e instanceof PingInputError)) throw e;
    err(`ping: ${printableLines(e.message)}`);
    return EXIT.unusable;
  }
}

async function pingAll(
  options: PingOptions,
  deps: CliDeps,
  err: (text: string) => void,
): Promise<PingReport | undefined> {
  if (options.report !== undefined) refuseUnwritable(options.report);
  const stackDirs = instancesStackDirs(options.synthDir);
  const stackDir = stackDirs[0].dir;
  const instances =
    options.outputsFile !== undefined
      ? deps.readInstances({ outputsFile: options.outputsFile, stackDir })
      : stackDirs
          .flatMap(({ stack, dir }) => inStack(deps.readInstances({ stackDir: dir }), stack))
          .sort((a, b) => a.name.localeCompare(b.name));
  if (instances.length < 2) {
    err(`ping: only one instance (VPC ${printable(String(instances[0]?.name))}): no pair to ping`);
    return undefined;
  }
  const expectations = options.expect ? await deps.loadExpectations(options.synthDir, instances) : null;
  const pairCount = instances.length * (instances.length - 1);
  if (expectations !== null && expectations.size < pairCount) {
    err(`ping: reach predicts ${expectations.size} of ${pairCount} pairs; the others are measured but not compared`);
  }
  const client = deps.createClient(options.region);
  const region = await resolveRegion(client);
  const deployed = deps.synthesizedRegion(stackDir);
  if (deployed !== undefined && deployed !== region) {
    const text = `the stacks in ${options.synthDir} deploy to ${deployed}, but ping would look in ${region}`;
    if (!options.region)
      throw new PingInputError(`${text} (the AWS SDK's default region); fix: pass --region ${deployed}`);
    err(`ping: warning: ${printable(text)} (--region)`);
  }
  // One client per region and account that holds instances, each assuming its account's role.
  const clients = new Map<string, SSMClient>();
  const clientOf = (i: DeployedInstance): SSMClient => {
    if (i.region === undefined && i.roleArn === undefined) return client;
    const key = `${i.region ?? region} ${i.roleArn ?? ""}`;
    let made = clients.get(key);
    if (!made) {
      made = deps.createClient(i.region ?? region, i.roleArn);
      clients.set(key, made);
    }
    return made;
  };
  const progress = streamProgress(deps.stderr, () => deps.clock.now());
  const report = await runPing(
    { instances, expectations, region },
    { client, clientOf, clock: deps.clock, random: deps.random, progress },
    {
      timeoutMs: options.timeoutSeconds * 1000,
      agentTimeoutMs: options.agentTimeoutSeconds * 1000,
    },
  );
  const places = instances.some((i) => i.region !== undefined || i.roleArn !== undefined)
    ? `${renderPlaces(instances, region)}\n`
    : "";
  deps.stdout(
    `${places}${renderMatrix(instances, report.pairs)}\n\n${LEGEND}\n${renderSummary(report, expectations !== null)}\n`,
  );
  if (options.report) {
    try {
      deps.writeFile(options.report, `${JSON.stringify(report, null, 2)}\n`);
    } catch (e) {
      if (e instanceof WriteError) throw new PingInputError(e.message);
      throw new PingInputError(
        `--report ${options.report}: cannot write (${describeError(e)}); fix: choose a writable path`,
      );
    }
  }
  return report;
}

/** A --report that no file can be written at (a directory, under a missing one), refused before any ping. */
function refuseUnwritable(report: string): void {
  try {
    assertWritable(report, { label: "--report" });
  } catch (e) {
    if (e instanceof WriteError) throw new PingInputError(e.message);
    throw e;
  }
}

async function resolveRegion(client: SSMClient): Promise<string> {
  try {
    return await client.config.region();
  } catch (e) {
    throw new PingInputError(
      `AWS region: none found (${describeError(e)}); fix: pass --region (the region of the config) or set AWS_REGION or AWS_PROFILE`,
    );
  }
}

function seconds(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1)
    throw new InvalidArgumentError(`"${value}" is not a whole number of seconds; use e.g. 600`);
  return n;
}

function region(value: string): string {
  if (!REGION_PATTERN.test(value))
    throw new InvalidArgumentError(`"${value}" is not an AWS region name; use e.g. eu-west-1`);
  return value;
}
