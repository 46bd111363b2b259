/**
 * What each stage of a migration proves, from its synthesized Terraform: the resources it adds and
 * removes (by address), its monthly cost change, and reach --diff against the stage before, which
 * must lose no pair but the ones the stage is meant to cut; and that the last stage reaches exactly
 * what the peering config did, less the narrowing asked for. Pure: the synthesis and the prices come
 * in as functions.
 */
import type { PeeringConfig } from "../config";
import { jsonResources } from "../core/terraform-json";
import { analyze, buildModel, type Model, type Result, type StackDocument } from "../reach";
import { diffReach, type PairChange, type ReachDiff } from "../reach/diff";
import { pairKey } from "./segments";

/** A config to prove: its id, its validated config, and the pairs it is meant to cut. */
export interface ProvenStage {
  readonly id: string;
  readonly config: PeeringConfig;
  readonly narrows: readonly (readonly [string, string])[];
}

/** What the proof needs from outside the layer. */
export interface ProofDeps {
  /** The app synthesized for a config, as Terraform JSON documents. */
  readonly synthesize: (config: PeeringConfig) => readonly StackDocument[];
  /**
   * The monthly cost of documents, and what it leaves unpriced.
   * @default - no cost
   */
  readonly price?: (documents: readonly StackDocument[], model: Model) => Price | undefined;
}

/** A monthly estimate. */
export interface Price {
  readonly monthly: number;
  /** Chargeable things it does not price, with counts, e.g. "transit/aws_ec2_transit_gateway × 1". */
  readonly unpriced: readonly string[];
}

/** The proof of one stage against the one before it. */
export interface StageProof {
  readonly id: string;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** The monthly cost before and after, when priced. */
  readonly cost?: { readonly before: Price; readonly after: Price };
  readonly diff: ReachDiff;
  /** Lost pairs the stage was not meant to cut: a non-empty list is an unsafe stage. */
  readonly unexpected: readonly PairChange[];
  /** Reachable ordered pairs after the stage. */
  readonly reachable: number;
  /** Stacks the stage before synthesized with resources and this one does not, with their resource counts. */
  readonly stacksLeft: readonly { readonly stack: string; readonly resources: number }[];
}

/** The proof of a migration. */
export interface MigrationProof {
  readonly stages: readonly StageProof[];
  /** Reachable ordered pairs of the peering config. */
  readonly before: number;
  /** Whether the last stage reaches exactly what the first did, less the pairs cut on purpose. */
  readonly sameReach: boolean;
  /** Pairs the last stage reaches differently than intended, as "from → to (protocol)". */
  readonly differences: readonly string[];
  /** The model of the peering config and of the last stage, for the warnings. */
  readonly first: Model;
  readonly last: Model;
}

interface Side {
  readonly documents: readonly StackDocument[];
  readonly model: Model;
  readonly result: Result;
  readonly price?: Price;
}

/** Proves `stages` in order, starting from `start` (the peering config). */
export function proveStages(start: PeeringConfig, stages: readonly ProvenStage[], deps: ProofDeps): MigrationProof {
  const side = (config: PeeringConfig): Side => {
    const documents = deps.synthesize(config);
    const model = buildModel(documents);
    return { documents, model, result: analyze(model), price: deps.price?.(documents, model) };
  };
  const first = side(start);
  const vpcOf = instanceVpcs(first.model);
  let before = first;
  const cut = new Set<string>();
  const proofs: StageProof[] = [];
  for (const stage of stages) {
    const after = side(stage.config);
    const diff = diffReach(before, after);
    const meant = new Set(stage.narrows.map(([a, b]) => pairKey(a, b)));
    stage.narrows.forEach(([a, b]) => cut.add(pairKey(a, b)));
    const [was, now] = [addresses(before.documents), addresses(after.documents)];
    proofs.push({
      id: stage.id,
      added: [...now].filter((a) => !was.has(a)),
      removed: [...was].filter((a) => !now.has(a)),
      ...(before.price && after.price ? { cost: { before: before.price, after: after.price } } : {}),
      diff,
      unexpected: diff.lost.filter((p) => !meant.has(pairKey(vpcOf(p.from), vpcOf(p.to)))),
      reachable: after.result.pairs.filter((p) => p.reachable === true).length,
      stacksLeft: stacksLeft(before.documents, after.documents),
    });
    before = after;
  }
  const key = (p: { from: string; to: string; protocol: string }) => `${p.from} → ${p.to} (${p.protocol})`;
  const expected = new Set(
    first.result.pairs.filter((p) => p.reachable === true && !cut.has(pairKey(vpcOf(p.from), vpcOf(p.to)))).map(key),
  );
  const reached = new Set(before.result.pairs.filter((p) => p.reachable === true).map(key));
  const differences = [
    ...[...expected].filter((k) => !reached.has(k)).map((k) => `lost ${k}`),
    ...[...reached].filter((k) => !expected.has(k)).map((k) => `gained ${k}`),
  ];
  return {
    stages: proofs,
    before: first.result.pairs.filter((p) => p.reachable === true).length,
    sameReach: differences.length === 0,
    differences,
    first: first.model,
    last: before.model,
  };
}

/**
 * The stacks of `before` with resources that `after` does not synthesize: npm run deploy deploys the
 * stacks of the synth, so it would leave theirs standing.
 */
function stacksLeft(before: readonly StackDocument[], after: readonly StackDocument[]) {
  const kept = new Set(after.map((d) => d.stack));
  const counts = new Map<string, number>();
  for (const r of jsonResources(before)) if (!kept.has(r.stack)) counts.set(r.stack, (counts.get(r.stack) ?? 0) + 1);
  return [...counts].map(([stack, resources]) => ({ stack, resources }));
}

/** Every resource address of the documents, "stack/type.name". */
function addresses(documents: readonly StackDocument[]): Set<string> {
  return new Set(jsonResources(documents).map((r) => `${r.stack}/${r.type}.${r.name}`));
}

/**
 * The config VPC name of each instance, from the Name tag the app gives it ("<vpc>-ping"); an
 * instance without one keeps its address, which matches no VPC.
 */
export function instanceVpcs(model: Model): (instance: string) => string {
  const names = new Map(
    [...model.instances.values()].map((i) => [i.address, (i.tags.Name ?? i.address).replace(/-ping$/, "")]),
  );
  return (instance) => names.get(instance) ?? instance;
}
