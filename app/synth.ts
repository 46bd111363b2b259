import { availableParallelism } from "os";
import * as path from "path";
import { Worker } from "worker_threads";
import { AppConfig } from "cdktf";
import { PeeringApp, SynthesizedPart } from "./peering-app";
import { ConfigError, PeeringConfig } from "../lib/config";
import { MAX_PEERING_SHARDS, planPeeringStacks } from "../lib/plan/peering-shards";
import { addAppStacks } from "../stacks";

/** Environment variable: how many threads synthesize the peering stacks of a sharded mesh. */
export const SYNTH_THREADS_ENV = "PEERING_SYNTH_THREADS";
/** Most threads used unless SYNTH_THREADS_ENV asks for more: each holds the network stack and its part in memory. */
export const DEFAULT_MAX_SYNTH_THREADS = 4;
/**
 * Fewest peering-stack resources worth a thread of their own unless SYNTH_THREADS_ENV says how
 * many threads: a thread takes about half a second to start and build its stacks, so a 50-VPC
 * mesh (3,700 resources) synthesizes no faster in two, and a 125-VPC mesh (23,000) a quarter faster.
 */
export const MIN_RESOURCES_PER_SYNTH_THREAD = 5000;

/** Options of synthesize. */
export interface SynthOptions {
  /**
   * Threads to synthesize the peering stacks of a sharded mesh in, this one included.
   * @default 1
   */
  readonly threads?: number;
  /**
   * Fewest resources of the peering stacks per thread: fewer threads are used for fewer.
   * @default MIN_RESOURCES_PER_SYNTH_THREAD
   */
  readonly minResourcesPerThread?: number;
  /**
   * The app's options (outdir, hclOutput, context).
   * @default - cdktf's, from the environment the CLI sets
   */
  readonly app?: AppConfig;
}

/** What a synthesizing thread is given: it builds what `stackIds` of the app need and synthesizes them. */
export interface SynthThreadData {
  /** The validated config. */
  readonly config: PeeringConfig;
  /** The app's options. */
  readonly app: AppConfig;
  /** The stacks the thread synthesizes. */
  readonly stackIds: readonly string[];
}

/** Resources an instance adds to its stack (the instance, its group and two rules, role, policy attachment and profile), about. */
const INSTANCE_RESOURCES = 7;
/** Resources a VPC attachment adds to the transit stack (attachment, association, propagations, routes), about. */
const ATTACHMENT_RESOURCES = 6;

/** The compiled thread script; under ts-node there is none, and everything is synthesized in one thread. */
const THREAD_SCRIPT = __filename.endsWith(".js") ? path.join(__dirname, "synth-thread.js") : undefined;

/**
 * Builds the app of `config` and synthesizes it. A mesh sharded into several peering stacks, given
 * more than one thread, is synthesized in parts at the same time: the shards split into runs of
 * consecutive stacks, this thread takes the first run with every other stack, and each other run
 * goes to a worker thread that builds those stacks and the network stack from the same config
 * (app/synth-thread.ts).
 * The output is the same, byte for byte, as one thread's. Resolves to the number of threads used.
 */
export async function synthesize(config: PeeringConfig, options: SynthOptions = {}): Promise<number> {
  const appConfig = options.app ?? {};
  const app = new PeeringApp(appConfig);
  const stacks = addAppStacks(app, config);
  const threads = synthThreads(config, options);
  // A large transit network: this thread takes the instances stack (and then the network stack,
  // which the others reference, so it is synthesized last), another the peering and transit stacks.
  // Split into cells, this thread takes the transit cells and then the network cells and the core
  // transit stack, which the others reference; another the instances cells.
  const whole = threads < 2 && besideNetwork(config, options);
  if ((threads < 2 && !whole) || !THREAD_SCRIPT) {
    app.synth();
    return 1;
  }
  const parts = whole
    ? stacks.transitCells.length > 0
      ? [stacks.transitCells, stacks.instances]
      : [stacks.instances, [...stacks.peering, stacks.transit!]]
    : consecutiveRuns(stacks.peering, threads);
  const workers: Worker[] = [];
  try {
    await app.synthInParts(parts, (stackIds) => {
      const worker = new Worker(THREAD_SCRIPT, {
        workerData: { config, app: appConfig, stackIds } satisfies SynthThreadData,
      });
      workers.push(worker);
      return new Promise<SynthesizedPart>((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
        worker.once("exit", (code) =>
          reject(
            new Error(`the thread synthesizing ${stackIds.join(", ")} exited with code ${code} before it was done`),
          ),
        );
      });
    });
  } finally {
    for (const worker of workers) void worker.terminate();
  }
  return parts.length;
}

/**
 * Whether a network whose peerings fit one stack synthesizes its peering and transit stacks in a
 * thread of their own while this one synthesizes the instances and network stacks: a transit
 * network with more than one thread to use, no Reachability Analyzer stack (it references the
 * instances), and at least `options.minResourcesPerThread` × 2 resources beside the network stack.
 */
export function besideNetwork(config: PeeringConfig, options: SynthOptions = {}): boolean {
  if ((options.threads ?? 1) < 2 || !config.transitGateways || config.reachabilityAnalyzer) return false;
  if (planPeeringStacks(config).length > 1) return false;
  const attachments = config.transitGateways.reduce((n, g) => n + g.attachments.length, 0);
  const resources = config.vpcs.length * INSTANCE_RESOURCES + attachments * ATTACHMENT_RESOURCES;
  const perThread = options.minResourcesPerThread ?? MIN_RESOURCES_PER_SYNTH_THREAD;
  return resources >= 2 * perThread;
}

/**
 * How many threads synthesize uses for `config` (one under ts-node, whatever this says): at most
 * `options.threads`, one per peering stack, and one per `minResourcesPerThread` of their resources.
 */
export function synthThreads(config: PeeringConfig, options: SynthOptions = {}): number {
  const plan = planPeeringStacks(config);
  const resources = plan.reduce((sum, p) => sum + p.resources, 0);
  const perThread = options.minResourcesPerThread ?? MIN_RESOURCES_PER_SYNTH_THREAD;
  return Math.max(
    1,
    Math.min(options.threads ?? 1, plan.length, perThread > 0 ? Math.floor(resources / perThread) : Infinity),
  );
}

/** `stacks` in `count` runs of consecutive stacks whose sizes differ by one at most. */
export function consecutiveRuns<T>(stacks: readonly T[], count: number): T[][] {
  return Array.from({ length: count }, (_, i) =>
    stacks.slice(Math.floor((i * stacks.length) / count), Math.floor(((i + 1) * stacks.length) / count)),
  );
}

/**
 * How many threads to synthesize in: the number SYNTH_THREADS_ENV gives, whatever the mesh's size;
 * unset, one per CPU up to DEFAULT_MAX_SYNTH_THREADS, as many as the mesh's size is worth.
 */
export function threadOptions(env: NodeJS.ProcessEnv = process.env, cpus = availableParallelism()): SynthOptions {
  const value = env[SYNTH_THREADS_ENV];
  if (value === undefined) return { threads: Math.min(cpus, DEFAULT_MAX_SYNTH_THREADS) };
  const threads = /^[0-9]{1,3}$/.test(value) ? Number(value) : NaN;
  if (threads >= 1 && threads <= MAX_PEERING_SHARDS) return { threads, minResourcesPerThread: 0 };
  throw new ConfigError(`${SYNTH_THREADS_ENV}=${JSON.stringify(value)}`, [
    `${SYNTH_THREADS_ENV} is ${JSON.stringify(value)}: use a whole number of threads from 1 (everything in one) to ${MAX_PEERING_SHARDS}, or unset it to let the mesh's size and the CPUs decide`,
  ]);
}
