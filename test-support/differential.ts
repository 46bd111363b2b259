/**
 * The differential test's engine: generated topologies, each loaded by reach and built by rehearse, many at
 * once (their namespaces are separate, so overlapping addresses never meet), with every pair's measurement held
 * against reach's verdict for the same addresses.
 */
import fc from "fast-check";
import { ReachInputError, analyze, buildModel } from "../lib/reach";
import { type Concurrency, Limiter, cleanLeftovers } from "../lib/rehearse/host";
import { type MeasuredPair, type Rehearsal, rehearse } from "../lib/rehearse/rehearse";
import { type TerraformJson, type Topology, toTerraform, topologies } from "./topologies";

/** One topology on which reach and rehearse disagree. */
export interface Disagreement {
  readonly index: number;
  readonly topology: Topology;
  readonly terraform: TerraformJson;
  readonly pairs: readonly MeasuredPair[];
  /** Set when one tool refused the network as one AWS would reject and the other did not. */
  readonly refusal?: string;
}

/** What a differential run found, with figures. */
export interface DifferentialReport {
  readonly seed: number;
  readonly runs: number;
  /** Topologies reach refused to load (counted, not compared). */
  readonly skipped: number;
  /** Topologies both tools refused as networks AWS would reject (reach exit 3, rehearse built nothing). */
  readonly refused: number;
  readonly namespaces: number;
  readonly pairs: number;
  readonly replied: number;
  readonly silent: number;
  readonly unmeasured: number;
  /** Measured IPv6 pairs. */
  readonly ipv6: number;
  readonly disagreements: readonly Disagreement[];
  readonly seconds: number;
  /** Wall time of each phase, summed over the topologies (they overlap in time). */
  readonly phases: { build: number; ping: number; teardown: number };
}

/** Options of a differential run. */
export interface DifferentialOptions {
  readonly seed: number;
  readonly runs: number;
  /** Topologies built at once. @default 24 */
  readonly parallel?: number;
  /** ping processes at once, across all topologies. @default 96 */
  readonly pings?: number;
  /** Namespace setup scripts at once. @default 4 */
  readonly setups?: number;
}

/** The terraform document a topology becomes, loaded by reach's public loader; undefined when reach refuses it. */
export function modelOf(terraform: TerraformJson): ReturnType<typeof buildModel> | undefined {
  try {
    return buildModel([{ stack: "generated", file: "generated.tf.json", json: terraform }]);
  } catch (error) {
    if (error instanceof ReachInputError) return undefined;
    throw error;
  }
}

/** Checks one topology; returns the pairs that differ, or undefined when reach cannot load it. */
export async function checkTopology(
  terraform: TerraformJson,
  concurrency: Concurrency
): Promise<
  | {
      readonly pairs: readonly MeasuredPair[];
      readonly namespaces: number;
      readonly seconds: Rehearsal["seconds"];
      readonly refused: boolean;
      /** What differs between reach's and rehearse's refusal, when they do not refuse alike. */
      readonly refusal?: string;
    }
  | undefined
> {
  const model = modelOf(terraform);
  if (!model) return undefined;
  const reachErrors = analyze(model).errors.map((e) => `${e.resource}: ${e.message}`);
  const result = await rehearse(model, { concurrency });
  const rehearseErrors = result.refused ? result.errors.map((e) => `${e.resource}: ${e.message}`) : [];
  const refusal =
    JSON.stringify(reachErrors) === JSON.stringify(rehearseErrors)
      ? undefined
      : `reach refuses with [${reachErrors.join("; ")}], rehearse ${result.refused ? `with [${rehearseErrors.join("; ")}]` : "built it"}`;
  return { pairs: result.pairs, namespaces: result.counts.namespaces, seconds: result.seconds, refused: result.refused, refusal };
}

/** Generates `runs` topologies from `seed` and checks them all, `parallel` at a time. */
export async function runDifferential(options: DifferentialOptions): Promise<DifferentialReport> {
  const started = Date.now();
  await cleanLeftovers();
  const samples = fc.sample(topologies, { seed: options.seed, numRuns: options.runs });
  const concurrency: Concurrency = { setup: new Limiter(options.setups ?? 4), ping: new Limiter(options.pings ?? 96) };
  const slots = new Limiter(options.parallel ?? 24);
  const disagreements: Disagreement[] = [];
  let skipped = 0;
  let refused = 0;
  let namespaces = 0;
  const pairs: MeasuredPair[] = [];
  const phases = { build: 0, ping: 0, teardown: 0 };
  await Promise.all(
    samples.map((topology, index) =>
      slots.run(async () => {
        const terraform = toTerraform(topology);
        const checked = await checkTopology(terraform, concurrency);
        if (!checked) {
          skipped += 1;
          return;
        }
        if (checked.refused) refused += 1;
        namespaces += checked.namespaces;
        for (const phase of ["build", "ping", "teardown"] as const) phases[phase] += checked.seconds[phase];
        pairs.push(...checked.pairs);
        const differing = checked.pairs.filter((p) => p.differs);
        if (differing.length > 0 || checked.refusal) disagreements.push({ index, topology, terraform, pairs: differing, refusal: checked.refusal });
      })
    )
  );
  return {
    seed: options.seed,
    runs: options.runs,
    skipped,
    refused,
    namespaces,
    pairs: pairs.length,
    replied: pairs.filter((p) => p.reachable === true).length,
    silent: pairs.filter((p) => p.reachable === false).length,
    unmeasured: pairs.filter((p) => p.reachable === null).length,
    ipv6: pairs.filter((p) => p.protocol === "ipv6" && p.reachable !== null).length,
    disagreements: disagreements.sort((a, b) => a.index - b.index),
    seconds: (Date.now() - started) / 1000,
    phases,
  };
}

/** A disagreement as text: the differing pairs and the Terraform JSON to turn into a regression case. */
export function describeDisagreement(d: Disagreement): string {
  const pairs = d.pairs.map(
    (p) => `  ${p.from} → ${p.to} (${p.protocol}, ${p.address}): ping ${p.reachable ? "replied" : "got no reply"}, reach says ${p.reach}: ${p.reachReason}`
  );
  return [`topology #${d.index}:`, ...(d.refusal ? [`  ${d.refusal}`] : []), ...pairs, JSON.stringify(d.terraform)].join("\n");
}
