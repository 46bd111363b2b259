import { availableParallelism } from "os";
import * as path from "path";
import { Worker } from "worker_threads";
import { AppConfig, TerraformStack } from "cdktf";
import { PeeringApp, SynthesizedPart } from "./peering-app";
import { ConfigError, PeeringConfig } from "../lib/config";
import { MAX_PEERING_SHARDS, planPeeringStacks } from "../lib/plan/peering-shards";
import { addAppStacks, PlannedStackIds, plannedStackIds, STACK_IDS } from "../stacks";
import { CellPlan, cellStackId, planCells } from "../lib/plan/cells";

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
  /**
   * Build and prepare the whole app, as the main thread does (PeeringApp.synthMirror).
   * @default false
   */
  readonly mirror?: boolean;
  /**
   * With `mirror`: the stacks the thread need not prepare.
   * @default - none
   */
  readonly unprepared?: readonly string[];
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
  const plan = synthPlan(config, options);
  if (plan === undefined || !THREAD_SCRIPT) {
    const app = new PeeringApp(appConfig);
    addAppStacks(app, config);
    app.synth();
    return 1;
  }
  // The other threads start before this one builds the app: each needs only the config and the
  // names of its stacks, and building them takes as long here as there.
  const workers: Worker[] = [];
  const started = new Map(
    plan.parts.slice(1).map((stackIds, i) => [stackIds.join("\u0000"), startThread(stackIds, plan.unprepared[i + 1])]),
  );
  function startThread(stackIds: readonly string[], unprepared?: readonly string[]): Promise<SynthesizedPart> {
    const worker = new Worker(THREAD_SCRIPT!, {
      workerData: { config, app: appConfig, stackIds, mirror: plan!.mirror, unprepared } satisfies SynthThreadData,
    });
    workers.push(worker);
    return new Promise<SynthesizedPart>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
      worker.once("exit", (code) =>
        reject(new Error(`the thread synthesizing ${stackIds.join(", ")} exited with code ${code} before it was done`)),
      );
    });
  }
  for (const result of started.values()) result.catch(() => undefined);
  try {
    const app = new PeeringApp(appConfig);
    addAppStacks(app, config);
    if (plan.mirror) {
      await app.synthMirrored(plan.parts.slice(1), [...started.values()], plan.unprepared[0]);
    } else {
      const parts = plan.parts.map((part) => part.map((id) => app.node.findChild(id) as TerraformStack));
      await app.synthInParts(parts, (stackIds) => {
        const result = started.get(stackIds.join("\u0000"));
        if (!result) throw new Error(`synthesize: no thread was started for ${stackIds.join(", ")}`);
        return result;
      });
    }
  } finally {
    for (const worker of workers) void worker.terminate();
  }
  return plan.parts.length;
}

/** How synthesize splits an app over threads: the stack names of each thread's part, this thread's first. */
export interface SynthPlan {
  /** The stack names of each part. */
  readonly parts: readonly (readonly string[])[];
  /**
   * Every thread builds and prepares the whole app and writes its part (PeeringApp.synthMirrored);
   * else each other thread builds only what its part needs (PeeringApp.synthInParts).
   * @default false
   */
  readonly mirror: boolean;
  /** With `mirror`: per part, the stacks its thread need not prepare. */
  readonly unprepared: readonly (readonly string[])[];
}

/**
 * How synthesize splits `config`'s app over threads, or undefined when one thread synthesizes it
 * all. A network split into cells: every thread builds the whole app, and each other thread writes
 * whole cells worth about its share of the resources while this one writes the rest
 * (mirroredParts). A sharded mesh: runs of consecutive peering shards, each other thread building
 * only the network stacks and its shards.
 */
export function synthPlan(config: PeeringConfig, options: SynthOptions = {}): SynthPlan | undefined {
  const planned = plannedStackIds(config);
  const cells = planCells(config);
  const wanted = options.threads ?? 1;
  if (cells.length > 0) {
    const mirrored = mirroredParts(
      config,
      planned,
      cells,
      wanted,
      options.minResourcesPerThread ?? MIN_RESOURCES_PER_SYNTH_THREAD,
    );
    return mirrored.parts.length > 1 ? { ...mirrored, mirror: true } : undefined;
  }
  const threads = synthThreads(config, options);
  if (threads < 2) return undefined;
  return { parts: consecutiveRuns(planned.peering, threads), mirror: false, unprepared: [] };
}

/** Resources of a VPC in its network stack per AZ, about (its subnets, route tables, their associations and routes, and its share of the VPC, gateways and NAT). */
const NETWORK_RESOURCES_PER_AZ = 13;

/**
 * The parts of a network split into cells for up to `wanted` threads, one per
 * `minResourcesPerThread` of the app's resources: each other thread gets whole cells (their
 * network, instances and transit stacks), in order, until it holds about its share of the
 * resources; this thread keeps the other cells, the core transit stack and the peering and
 * reachability stacks. Preparing a cell's instances and transit stacks adds outputs to its network
 * stack (and, for transit cells, to the core), so each thread prepares those of the cells it
 * writes, and this thread every transit cell, for the core; the rest stay unprepared.
 */
function mirroredParts(
  config: PeeringConfig,
  planned: PlannedStackIds,
  cells: readonly CellPlan[],
  wanted: number,
  minResourcesPerThread: number,
): { parts: string[][]; unprepared: string[][] } {
  const byName = new Map(config.vpcs.map((v) => [v.name, v]));
  const attached = new Set((config.transitGateways ?? []).flatMap((g) => g.attachments.map((a) => a.vpc)));
  const weight = (cell: CellPlan) =>
    cell.vpcs.reduce(
      (n, v) =>
        n +
        NETWORK_RESOURCES_PER_AZ * byName.get(v)!.maxAzs +
        INSTANCE_RESOURCES +
        (attached.has(v) ? ATTACHMENT_RESOURCES : 0),
      0,
    );
  const total = cells.reduce((n, cell) => n + weight(cell), 0);
  const threads = Math.max(
    1,
    Math.min(wanted, minResourcesPerThread > 0 ? Math.floor(total / minResourcesPerThread) : Infinity),
  );
  const share = total / threads;
  const transit = planned.transitCells.length > 0;
  const stacksOf = (cell: CellPlan) => [
    cellStackId(STACK_IDS.network, cell.id),
    cellStackId(STACK_IDS.instances, cell.id),
    ...(transit ? [cellStackId(STACK_IDS.transit, cell.id)] : []),
  ];
  const elsewhere: CellPlan[][] = [];
  let next = 0;
  for (let t = 1; t < threads && next < cells.length; t++) {
    const part: CellPlan[] = [];
    let held = 0;
    while (next < cells.length && held + weight(cells[next]) / 2 <= share) {
      held += weight(cells[next]);
      part.push(cells[next]);
      next++;
    }
    if (part.length > 0) elsewhere.push(part);
  }
  const written = (part: readonly CellPlan[]) => new Set(part.map((c) => c.id));
  const mine = cells.slice(next).flatMap(stacksOf);
  return {
    parts: [mine, ...elsewhere.map((part) => part.flatMap(stacksOf))],
    unprepared: [
      elsewhere.flat().map((c) => cellStackId(STACK_IDS.instances, c.id)),
      ...elsewhere.map((part) => {
        const own = written(part);
        const others = cells.filter((c) => !own.has(c.id));
        return [
          ...(planned.transit ? [planned.transit] : []),
          ...others.map((c) => cellStackId(STACK_IDS.instances, c.id)),
          ...(transit ? others.map((c) => cellStackId(STACK_IDS.transit, c.id)) : []),
        ];
      }),
    ],
  };
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
