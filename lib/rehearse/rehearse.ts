import { availableParallelism } from "node:os";
import {
  type Finding,
  type InstanceSummary,
  type Model,
  ReachInputError,
  type Reachable,
  analyze,
  findConfigurationProblems,
} from "../reach";
import { type Endpoint, addressesOf, listProbes, markOf, placeInstances } from "./endpoints";
import { RehearseInputError } from "./errors";
import { type Concurrency, NamespaceRun, cleanLeftovers, defaultConcurrency } from "./host";
import { type NetworkPlan, planNetwork } from "./plan";
import { type Family, showAddress } from "./ranges";
import { unbuiltParts } from "./unbuilt";

/** Choices for one rehearsal. */
export interface RehearseOptions {
  /** Only pairs from this instance (as reach's --from). @default every instance */
  readonly from?: string;
  /** Only pairs to this instance or address (as reach's --to). @default every instance */
  readonly to?: string;
  /** Hold the measurements against reach's verdicts. @default true */
  readonly compare?: boolean;
  /** How many processes run at once; share one between concurrent rehearsals. @default defaultConcurrency(cores) */
  readonly concurrency?: Concurrency;
  /** Once the input is known to be usable, first delete the namespaces of runs that died. @default false */
  readonly cleanLeftovers?: boolean;
}

/** One measured pair, with reach's prediction beside it. */
export interface MeasuredPair {
  readonly from: string;
  readonly to: string;
  readonly protocol: Family;
  /** The address pinged. */
  readonly address: string;
  /** Whether the echo got its reply: every pair rehearse lists has this verdict (listProbes refuses the rest). */
  readonly reachable: boolean;
  /** reach's verdict for the same addresses; undefined when not compared or reach has no verdict for the pair. */
  readonly reach: Reachable | undefined;
  /** reach's reason for its verdict. */
  readonly reachReason: string | undefined;
  /** Whether the measurement contradicts a definite verdict of reach (or reach has none while comparing). */
  readonly differs: boolean;
}

/** An instance as rehearsed: reach's summary with the addresses used and the namespace that held it. */
export interface RehearsedInstance extends InstanceSummary {
  readonly namespace: string;
  readonly picked: readonly Family[];
}

/** Everything one rehearsal found. */
export interface Rehearsal {
  readonly prefix: string;
  readonly counts: NetworkPlan["counts"];
  readonly instances: readonly RehearsedInstance[];
  readonly pairs: readonly MeasuredPair[];
  /** Whether the pairs were compared with reach. */
  readonly compared: boolean;
  /** Whether nothing was built because AWS would reject the network (the errors say why, as reach's do). */
  readonly refused: boolean;
  readonly errors: readonly Finding[];
  readonly warnings: readonly Finding[];
  /** Namespaces of dead runs deleted first (with cleanLeftovers). */
  readonly removedLeftovers: readonly string[];
  /** Wall time of each phase. */
  readonly seconds: { readonly build: number; readonly ping: number; readonly teardown: number };
}

let shared: Concurrency | undefined;

/**
 * Builds the model's network in namespaces, pings every pair once, tears it all down, and compares with reach.
 * A pair that got no reply where reach predicts one is pinged a second time before it counts as a difference:
 * the network is deterministic, so a second echo can only undo a reply lost to a busy machine, never hide a drop.
 */
export async function rehearse(model: Model, options: RehearseOptions = {}): Promise<Rehearsal> {
  const compare = options.compare ?? true;
  const refused = refusal(model, options);
  if (refused) return refused;
  refuseUnbuilt(model);
  const endpoints = placeInstances(model);
  const probes = listProbes(model, endpoints, options);
  const predicted = compare ? predict(model, endpoints, options) : undefined;
  const concurrency = options.concurrency ?? (shared ??= defaultConcurrency(availableParallelism()));
  const removedLeftovers = options.cleanLeftovers ? await cleanLeftovers() : [];
  const run = new NamespaceRun(concurrency);
  const plan = planNetwork(model, endpoints, run.table);
  let echoes: boolean[];
  const clock = [Date.now()];
  try {
    await run.build(plan);
    clock.push(Date.now());
    const measured: boolean[] = probes.map(() => false);
    const send = async (ks: readonly number[]): Promise<void> => {
      const bySource = new Map<number, number[]>();
      for (const k of ks) bySource.set(probes[k].source, [...(bySource.get(probes[k].source) ?? []), k]);
      await Promise.all(
        [...bySource].map(async ([source, group]) => {
          const addresses = group.map((k) => showAddress(probes[k].protocol, probes[k].address));
          const replies = await run.ping(plan.instanceNamespace[source], addresses);
          group.forEach((k, j) => {
            const ttl = replies[j];
            const mark = probes[k].mark;
            measured[k] = ttl !== undefined && (mark === undefined || markOf(ttl) === mark);
          });
        }),
      );
    };
    await send(probes.map((_, k) => k));
    await send(
      probes.flatMap((p, k) =>
        measured[k] === false && predicted?.pairs.get(key(p.from, p.to, p.protocol))?.reachable === true ? [k] : [],
      ),
    );
    echoes = measured;
    clock.push(Date.now());
  } finally {
    await run.destroy();
  }
  clock.push(Date.now());
  const pairs: MeasuredPair[] = probes.map((p, k) => {
    const verdict = predicted?.pairs.get(key(p.from, p.to, p.protocol));
    const reachable = echoes[k];
    return {
      from: p.from,
      to: p.to,
      protocol: p.protocol,
      address: showAddress(p.protocol, p.address),
      reachable,
      reach: verdict?.reachable,
      reachReason: verdict?.reason,
      differs:
        compare && (verdict === undefined || (verdict.reachable !== "depends" && verdict.reachable !== reachable)),
    };
  });
  return {
    prefix: run.prefix,
    removedLeftovers,
    counts: plan.counts,
    instances: endpoints.map((e, i) => summary(e, run.name(plan.instanceNamespace[i]))),
    pairs,
    compared: compare,
    refused: false,
    errors: predicted?.errors ?? [],
    warnings: predicted?.warnings ?? model.warnings,
    seconds: {
      build: (clock[1] - clock[0]) / 1000,
      ping: (clock[2] - clock[1]) / 1000,
      teardown: (clock[3] - clock[2]) / 1000,
    },
  };
}

/**
 * The rehearsal of a network AWS would reject, built from nothing: reach's configuration errors
 * (the same checks, findConfigurationProblems) and no pairs. Undefined when AWS would accept it.
 * A --from or --to that names nothing is refused first, as reach refuses it (RehearseInputError).
 */
export function refusal(model: Model, options: RehearseOptions = {}): Rehearsal | undefined {
  const problems = findConfigurationProblems(model);
  if (problems.errors.length === 0) return undefined;
  if (options.from !== undefined || options.to !== undefined) {
    try {
      analyze(model, { from: options.from, to: options.to });
    } catch (error) {
      if (error instanceof ReachInputError) throw new RehearseInputError(error.message);
      throw error;
    }
  }
  return {
    prefix: "",
    removedLeftovers: [],
    counts: { namespaces: 0, routers: 0, instances: 0, peerings: 0, gateways: 0 },
    instances: [],
    pairs: [],
    compared: options.compare ?? true,
    refused: true,
    errors: problems.errors,
    warnings: [...model.warnings, ...problems.warnings],
    seconds: { build: 0, ping: 0, teardown: 0 },
  };
}

/**
 * Refuses, before anything is built or asked of the machine, the input rehearse cannot use (RehearseInputError):
 * a --from or --to that names nothing, a subnet without a free address, a pair it cannot measure (see listProbes).
 */
export function checkPairs(model: Model, options: RehearseOptions = {}): void {
  refuseUnbuilt(model);
  listProbes(model, placeInstances(model), options);
}

/** Refuses a model with parts rehearse does not build: a network without them would give false answers. */
function refuseUnbuilt(model: Model): void {
  const parts = unbuiltParts(model);
  if (parts.length > 0)
    throw new RehearseInputError(
      `cannot rehearse this network: it has ${parts.join(" and ")}, which rehearse does not build, so its pings would not be the network's; use reach for it`,
    );
}

function key(from: string, to: string, protocol: string): string {
  return `${from}\n${to}\n${protocol}`;
}

interface Prediction {
  readonly pairs: ReadonlyMap<string, { readonly reachable: Reachable; readonly reason: string }>;
  readonly errors: readonly Finding[];
  readonly warnings: readonly Finding[];
}

/** reach's verdicts for exactly the addresses rehearse uses. */
function predict(model: Model, endpoints: readonly Endpoint[], options: RehearseOptions): Prediction {
  try {
    const result = analyze(model, { from: options.from, to: options.to, addresses: addressesOf(endpoints) });
    return {
      pairs: new Map(result.pairs.map((p) => [key(p.from, p.to, p.protocol), p])),
      errors: result.errors,
      warnings: result.warnings,
    };
  } catch (error) {
    if (error instanceof ReachInputError) throw new RehearseInputError(error.message);
    throw error;
  }
}

function summary(e: Endpoint, namespace: string): RehearsedInstance {
  return {
    address: e.instance.address,
    stack: e.instance.stack,
    vpc: e.vpc,
    subnet: e.subnet,
    tags: e.instance.tags,
    ipv4: e.ipv4 === undefined ? undefined : showAddress("ipv4", e.ipv4),
    ipv6: e.ipv6 === undefined ? undefined : showAddress("ipv6", e.ipv6),
    namespace,
    picked: e.picked,
  };
}
