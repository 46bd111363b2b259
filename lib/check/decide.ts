/**
 * reach's verdict on every ordered pair of a model's instances, a byte per pair and protocol, so
 * that check can judge a network of a thousand VPCs (a million pairs) without keeping a path per
 * pair; in worker threads (decide-thread.ts) when the network is large and there are CPUs to use.
 */
import { availableParallelism } from "os";
import * as path from "path";
import { Worker } from "worker_threads";
import type { Model, PairResult } from "../reach";
import { analyzeEach, SharedAnalysis } from "../reach/analyze";

/** Environment variable: how many threads decide the pairs of npm run check. */
export const CHECK_THREADS_ENV = "PEERING_CHECK_THREADS";
/** Most threads used unless CHECK_THREADS_ENV asks for more. */
export const DEFAULT_MAX_CHECK_THREADS = 4;
/** Most threads CHECK_THREADS_ENV may ask for. */
export const MAX_CHECK_THREADS = 64;
/**
 * Fewest pairs worth a thread of their own unless CHECK_THREADS_ENV says how many threads: a
 * thread takes a fraction of a second to start and to receive the model, and a pair takes tens of
 * microseconds.
 */
export const MIN_PAIRS_PER_CHECK_THREAD = 100_000;

/** A pair's verdict as a byte: its index in this list, plus one (0: no verdict). */
const VERDICT_CODES: readonly PairResult["reachable"][] = [true, false, "depends"];

/** The verdicts on a model's pairs, by the instances' addresses. */
export class PairVerdicts {
  private readonly index: ReadonlyMap<string, number>;

  /** `codes` as decidePairs makes them for `instances`, the model's instance addresses in order. */
  constructor(
    readonly instances: readonly string[],
    readonly codes: Uint8Array,
  ) {
    this.index = new Map(instances.map((address, i) => [address, i]));
    if (codes.length !== slots(instances.length))
      throw new Error(`PairVerdicts: ${codes.length} codes for ${instances.length} instances`);
  }

  /** The verdict on `from` → `to` in one protocol, or undefined when reach has none. */
  get(protocol: "ipv4" | "ipv6", from: string, to: string): PairResult["reachable"] | undefined {
    const [i, j] = [this.index.get(from), this.index.get(to)];
    if (i === undefined || j === undefined) return undefined;
    const code = this.codes[slot(this.instances.length, protocol, i, j)];
    return code === 0 ? undefined : VERDICT_CODES[code - 1];
  }
}

/** Decides the pairs from the instances `start` to `end` (indices in the model's order; default all) in this thread. */
export function decidePairs(
  model: Model,
  sources: { readonly start: number; readonly end: number } = { start: 0, end: model.instances.size },
  shared = new SharedAnalysis(model),
): Uint8Array {
  const instances = [...model.instances.keys()];
  const index = new Map(instances.map((address, i) => [address, i]));
  const codes = new Uint8Array(slots(instances.length));
  analyzeEach(
    model,
    { brief: true },
    (p) => {
      const [i, j] = [index.get(p.from), index.get(p.to)];
      if (i !== undefined && j !== undefined)
        codes[slot(instances.length, p.protocol, i, j)] = VERDICT_CODES.indexOf(p.reachable) + 1;
    },
    shared,
    sources,
  );
  return codes;
}

/** What a thread deciding pairs is given (decide-thread.ts). */
export interface DecideThreadData {
  /** The model, cloned. */
  readonly model: Model;
  /** The indices of its run of source instances. */
  readonly start: number;
  readonly end: number;
}

/** The compiled thread script; under ts-node (the tests) there is none, and one thread decides everything. */
const THREAD_SCRIPT = __filename.endsWith(".js") ? path.join(__dirname, "decide-thread.js") : undefined;

/**
 * The verdicts on every pair of `model`, decided in `threads` threads at once (this one
 * included): each takes a run of source instances, and the others get a copy of the model.
 */
export async function decideInThreads(model: Model, threads: number, shared?: SharedAnalysis): Promise<PairVerdicts> {
  const instances = [...model.instances.keys()];
  const n = instances.length;
  const count = THREAD_SCRIPT ? Math.max(1, Math.min(threads, n)) : 1;
  const runs = Array.from({ length: count }, (_, k) => ({
    start: Math.floor((k * n) / count),
    end: Math.floor(((k + 1) * n) / count),
  }));
  const workers: Worker[] = [];
  try {
    const elsewhere = runs.slice(1).map(
      (run) =>
        new Promise<Uint8Array>((resolve, reject) => {
          const worker = new Worker(THREAD_SCRIPT!, { workerData: { model, ...run } satisfies DecideThreadData });
          workers.push(worker);
          worker.once("message", (codes: Uint8Array) => resolve(codes));
          worker.once("error", reject);
          worker.once("exit", (code) =>
            reject(new Error(`the thread deciding pairs ${run.start}–${run.end} exited with code ${code}`)),
          );
        }),
    );
    for (const result of elsewhere) result.catch(() => undefined);
    const codes = decidePairs(model, runs[0], shared);
    for (const [k, result] of elsewhere.entries()) {
      const part = await result;
      const { start, end } = runs[k + 1];
      codes.set(part.subarray(slot(n, "ipv4", start, 0), slot(n, "ipv4", end, 0)), slot(n, "ipv4", start, 0));
    }
    return new PairVerdicts(instances, codes);
  } finally {
    for (const worker of workers) void worker.terminate();
  }
}

/**
 * How many threads decide the pairs of a model of `instances` instances: the number
 * CHECK_THREADS_ENV gives, whatever the size; unset, one per CPU up to DEFAULT_MAX_CHECK_THREADS,
 * and one per MIN_PAIRS_PER_CHECK_THREAD pairs. Undefined with the reason when the variable is
 * not a whole number from 1 to MAX_CHECK_THREADS.
 */
export function checkThreads(
  instances: number,
  env: NodeJS.ProcessEnv = process.env,
  cpus = availableParallelism(),
): number | { readonly problem: string } {
  const value = env[CHECK_THREADS_ENV];
  if (value === undefined) {
    const pairs = instances * (instances - 1);
    return Math.max(1, Math.min(cpus, DEFAULT_MAX_CHECK_THREADS, Math.floor(pairs / MIN_PAIRS_PER_CHECK_THREAD)));
  }
  const threads = /^[0-9]{1,3}$/.test(value) ? Number(value) : NaN;
  if (threads >= 1 && threads <= MAX_CHECK_THREADS) return threads;
  return {
    problem: `${CHECK_THREADS_ENV} is ${JSON.stringify(value)}: use a whole number of threads from 1 (everything in one) to ${MAX_CHECK_THREADS}, or unset it to let the network's size and the CPUs decide`,
  };
}

/** The codes of `instances` instances: one per ordered pair (a pair with itself included) and protocol. */
function slots(instances: number): number {
  return instances * instances * 2;
}

function slot(instances: number, protocol: string, from: number, to: number): number {
  return (from * instances + to) * 2 + (protocol === "ipv6" ? 1 : 0);
}
