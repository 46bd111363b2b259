/**
 * The differential test's engine: generated topologies, each loaded by reach and built by rehearse, many at
 * once (their namespaces are separate, so overlapping addresses never meet), with every pair's measurement held
 * against reach's verdict for the same addresses.
 */
import fc from "fast-check";
import { type Finding, type Model, ReachInputError, type Vpc, analyze, buildModel } from "../lib/reach";
import { type Cidr, cidrInside } from "../lib/reach/cidr";
import { overlappingBlocks, peeringState } from "../lib/reach/lookup";
import { type Concurrency, Limiter, cleanLeftovers } from "../lib/rehearse/host";
import { RehearseInputError } from "../lib/rehearse/errors";
import { type MeasuredPair, type Rehearsal, rehearse } from "../lib/rehearse/rehearse";
import { type TerraformJson, type Topology, toTerraform, topologies } from "./topologies";
import {
  TRANSIT_CLASSES,
  type TransitTopology,
  classifyTransit,
  toTransitTerraform,
  transitTopologies,
} from "./transit-topologies";

/** One topology on which reach and rehearse disagree. */
export interface Disagreement {
  readonly index: number;
  readonly topology: Topology | TransitTopology;
  readonly terraform: TerraformJson;
  readonly pairs: readonly MeasuredPair[];
  /**
   * Set when one tool refused the network as one AWS would reject and the other did not, or when rehearse
   * could not build a network that reach decides (a pair without a verdict is a disagreement too).
   */
  readonly refusal?: string;
}

/**
 * The classes of network the generator must keep producing: what AWS rejects (both tools must refuse it) and
 * one VPC peered with two that share a CIDR (both must give the same verdicts). Each is read from reach's
 * errors and the model, not from what the generator meant to make.
 */
export const CLASSES = [
  "peered VPCs with overlapping primary blocks",
  "peered VPCs where a secondary block overlaps",
  "peered VPCs that overlap where only IPv6 is routed across",
  "two peering connections between one pair",
  "more active peerings on one VPC than the quota",
  "a peering route inside the VPC's local route",
  "a security group reference across regions",
  "same-CIDR peers routed by subnet routes",
  "same-CIDR peers routed by /32 instance routes",
  "same-CIDR peers routed by longest prefix match",
  "a reply that follows the responder's route into the twin VPC",
] as const;

/** One of CLASSES. */
export type TopologyClass = (typeof CLASSES)[number];

/** The classes a checked topology belongs to: by reach's errors when refused, else by its routes and pairs. */
export function classify(model: Model, errors: readonly Finding[], pairs: readonly MeasuredPair[]): Set<TopologyClass> {
  const found = new Set<TopologyClass>();
  const routesVia = (peering: string) =>
    [...model.routeTables.values()].flatMap((t) =>
      t.routes.filter((r) => r.target.kind === "peering" && r.target.peering === peering),
    );
  for (const e of errors) {
    const peering = model.peerings.get(e.resource);
    if (peering && e.message.includes("have overlapping CIDR blocks")) {
      const [a, b] = [model.vpcs.get(peering.requesterVpc), model.vpcs.get(peering.accepterVpc)];
      if (!a || !b) continue;
      const primary = (vpc: Vpc, cidr: Cidr): boolean =>
        vpc.ipv4.some((x) => x.cidr === cidr && x.source === vpc.address);
      const blocks = overlappingBlocks(a, b).filter(([x]) => x.family === "ipv4");
      if (blocks.some(([x, y]) => primary(a, x) && primary(b, y)))
        found.add("peered VPCs with overlapping primary blocks");
      if (blocks.some(([x, y]) => !primary(a, x) || !primary(b, y)))
        found.add("peered VPCs where a secondary block overlaps");
      const routes = routesVia(peering.address);
      const ipv6Only = routes.length > 0 && routes.every((r) => r.destination.family === "ipv6");
      if (a.ipv6.length > 0 && b.ipv6.length > 0 && ipv6Only)
        found.add("peered VPCs that overlap where only IPv6 is routed across");
    }
    const says = (...parts: string[]): boolean => parts.every((part) => e.message.includes(part));
    if (says("AWS allows one peering connection between two VPCs"))
      found.add("two peering connections between one pair");
    if (says("active peering connections; AWS allows at most"))
      found.add("more active peerings on one VPC than the quota");
    if (says("more specific than", "local route")) found.add("a peering route inside the VPC's local route");
    if (says("across a peering only within one region")) found.add("a security group reference across regions");
  }
  if (errors.length > 0) return found;
  for (const hub of model.vpcs.values()) {
    const peers = [...model.peerings.values()]
      .filter((p) => peeringState(model, p).active && (p.requesterVpc === hub.address || p.accepterVpc === hub.address))
      .map((p) => ({
        peering: p.address,
        vpc: model.vpcs.get(p.requesterVpc === hub.address ? p.accepterVpc : p.requesterVpc),
      }));
    const twins = peers.filter((p) =>
      peers.some((q) => q !== p && p.vpc && q.vpc && overlappingBlocks(p.vpc, q.vpc).length > 0),
    );
    if (twins.length === 0) continue;
    for (const table of [...model.routeTables.values()].filter((t) => t.vpc === hub.address)) {
      const routes = table.routes.flatMap((r) => {
        const twin = twins.find((t) => r.target.kind === "peering" && r.target.peering === t.peering);
        const block = twin?.vpc?.ipv4.find((b) => cidrInside(r.destination, b.cidr))?.cidr;
        return twin && block && r.destination.family === "ipv4" ? [{ route: r, peering: twin.peering, block }] : [];
      });
      for (const { route, block } of routes) {
        if (route.destination.prefix === 32) found.add("same-CIDR peers routed by /32 instance routes");
        else if (route.destination.prefix > block.prefix) found.add("same-CIDR peers routed by subnet routes");
      }
      const inside = (x: (typeof routes)[number], y: (typeof routes)[number]): boolean =>
        x.peering !== y.peering &&
        y.route.destination.prefix > x.route.destination.prefix &&
        cidrInside(y.route.destination, x.route.destination);
      if (routes.some((x) => routes.some((y) => inside(x, y))))
        found.add("same-CIDR peers routed by longest prefix match");
    }
    if (pairs.some((p) => /^reply: .*arrives in .*, but .* is in /.test(p.reachReason ?? "")))
      found.add("a reply that follows the responder's route into the twin VPC");
  }
  return found;
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
  /** Measured IPv6 pairs. */
  readonly ipv6: number;
  readonly disagreements: readonly Disagreement[];
  readonly seconds: number;
  /** Wall time of each phase, summed over the topologies (they overlap in time). */
  readonly phases: { build: number; ping: number; teardown: number };
  /** How many topologies of each class the run saw (CLASSES, or TRANSIT_CLASSES for a transit run). */
  readonly classes: Readonly<Record<string, number>>;
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
  /** Generate transit gateway networks (transit-topologies.ts) instead of peered VPCs. @default false */
  readonly transit?: boolean;
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
  concurrency: Concurrency,
): Promise<
  | {
      readonly pairs: readonly MeasuredPair[];
      readonly namespaces: number;
      readonly seconds: Rehearsal["seconds"];
      readonly refused: boolean;
      /** What differs between reach's and rehearse's refusal, when they do not refuse alike. */
      readonly refusal?: string;
      readonly classes: ReadonlySet<TopologyClass>;
      readonly model: Model;
    }
  | undefined
> {
  const model = modelOf(terraform);
  if (!model) return undefined;
  const reached = analyze(model);
  const reachErrors = reached.errors.map((e) => `${e.resource}: ${e.message}`);
  let result: Rehearsal;
  try {
    result = await rehearse(model, { concurrency });
  } catch (error) {
    if (!(error instanceof RehearseInputError)) throw error;
    const refusal =
      `reach ${reachErrors.length > 0 ? `refuses with [${reachErrors.join("; ")}]` : "decides every pair"}, ` +
      `rehearse cannot build it: ${error.message}`;
    const seconds = { build: 0, ping: 0, teardown: 0 };
    const classes = classify(model, reached.errors, []);
    return { pairs: [], namespaces: 0, seconds, refused: false, refusal, classes, model };
  }
  const rehearseErrors = result.refused ? result.errors.map((e) => `${e.resource}: ${e.message}`) : [];
  const refusal =
    JSON.stringify(reachErrors) === JSON.stringify(rehearseErrors)
      ? undefined
      : `reach refuses with [${reachErrors.join("; ")}], rehearse ${result.refused ? `with [${rehearseErrors.join("; ")}]` : "built it"}`;
  return {
    pairs: result.pairs,
    namespaces: result.counts.namespaces,
    seconds: result.seconds,
    refused: result.refused,
    refusal,
    classes: classify(model, reached.errors, result.pairs),
    model,
  };
}

/** Generates `runs` topologies from `seed` and checks them all, `parallel` at a time. */
export async function runDifferential(options: DifferentialOptions): Promise<DifferentialReport> {
  const started = Date.now();
  await cleanLeftovers();
  const samples: (Topology | TransitTopology)[] = options.transit
    ? fc.sample(transitTopologies, { seed: options.seed, numRuns: options.runs })
    : fc.sample(topologies, { seed: options.seed, numRuns: options.runs });
  const names: readonly string[] = options.transit ? TRANSIT_CLASSES : CLASSES;
  const concurrency: Concurrency = { setup: new Limiter(options.setups ?? 4), ping: new Limiter(options.pings ?? 96) };
  const slots = new Limiter(options.parallel ?? 24);
  const disagreements: Disagreement[] = [];
  let skipped = 0;
  let refused = 0;
  let namespaces = 0;
  const pairs: MeasuredPair[] = [];
  const phases = { build: 0, ping: 0, teardown: 0 };
  const classes: Record<string, number> = Object.fromEntries(names.map((c) => [c, 0]));
  await Promise.all(
    samples.map((topology, index) =>
      slots.run(async () => {
        const terraform = "gateways" in topology ? toTransitTerraform(topology) : toTerraform(topology as Topology);
        const checked = await checkTopology(terraform, concurrency);
        if (!checked) {
          skipped += 1;
          return;
        }
        if (checked.refused) refused += 1;
        const found = options.transit
          ? classifyTransit(checked.model, checked.refused, checked.pairs)
          : checked.classes;
        for (const c of found) classes[c] += 1;
        namespaces += checked.namespaces;
        for (const phase of ["build", "ping", "teardown"] as const) phases[phase] += checked.seconds[phase];
        pairs.push(...checked.pairs);
        const differing = checked.pairs.filter((p) => p.differs);
        if (differing.length > 0 || checked.refusal)
          disagreements.push({ index, topology, terraform, pairs: differing, refusal: checked.refusal });
      }),
    ),
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
    ipv6: pairs.filter((p) => p.protocol === "ipv6").length,
    disagreements: disagreements.sort((a, b) => a.index - b.index),
    seconds: (Date.now() - started) / 1000,
    phases,
    classes,
  };
}

/** A disagreement as text: the differing pairs and the Terraform JSON to turn into a regression case. */
export function describeDisagreement(d: Disagreement): string {
  const pairs = d.pairs.map(
    (p) =>
      `  ${p.from} → ${p.to} (${p.protocol}, ${p.address}): ping ${p.reachable ? "replied" : "got no reply"}, reach says ${p.reach}: ${p.reachReason}`,
  );
  return [
    `topology #${d.index}:`,
    ...(d.refusal ? [`  ${d.refusal}`] : []),
    ...pairs,
    JSON.stringify(d.terraform),
  ].join("\n");
}
