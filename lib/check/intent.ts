import * as fs from "fs";
import * as path from "path";
import { PeeringConfig, peersOf } from "../config";
import { printable } from "../core/text";
import { preview } from "../core/json-limits";
import type { Finding, Model, PairResult, Result, StackDocument } from "../reach";
import { ReachInputError } from "../reach/model";
import { readDocuments } from "../reach/terraform/read";
import { analyze, SharedAnalysis } from "../reach/analyze";
import { decidePairs, PairVerdicts } from "./decide";
import { planSecondarySubnets } from "../plan/subnets";
import { jsonResources, literal, nameTag } from "../core/terraform-json";
import { blockOf } from "../plan/vpc-cidr";
import { isRecord } from "../core/records";
import { withTransitPeers } from "../config/transit";

/** One ordered pair of VPCs whose reachability, as reach found it, is not what the config intends. */
export interface Mismatch {
  /** VPC name of the pinging instance. */
  readonly from: string;
  /** VPC name of the pinged instance. */
  readonly to: string;
  /** What the config intends: peered pairs reach each other, others do not. */
  readonly intended: boolean;
  /** reach's verdict (undefined when reach has no verdict for the pair). */
  readonly found: PairResult["reachable"] | undefined;
  /** reach's reason, naming the hop that decides. */
  readonly reason: string;
  /**
   * The IP version compared.
   * @default "ipv4"
   */
  readonly protocol?: "ipv4" | "ipv6";
  /**
   * For a probe of a secondary block: the block and the address pinged in it.
   * @default - a pair of instances
   */
  readonly probe?: { readonly block: string; readonly address: string };
  /**
   * Why the config means what it means, where that is not plain (spokes of one hub).
   * @default - none
   */
  readonly why?: string;
}

/** The outcome of comparing reach's matrix with the config. */
export interface CheckReport {
  /** Ordered pairs compared over IPv4. */
  readonly pairs: number;
  /** Ordered pairs compared over IPv6 too: both ends have IPv6. */
  readonly ipv6Pairs: number;
  /** Secondary blocks probed from each other VPC's instance. */
  readonly probes: number;
  /** Ordered pairs meant to be, and found, reachable. */
  readonly reachable: number;
  /** Pairs where reach and the config disagree. */
  readonly mismatches: readonly Mismatch[];
  /** Configurations AWS would reject, as reach found them. */
  readonly errors: readonly Finding[];
  /**
   * What the agreement means where the config's intent is not plain: spokes of a hub that, as
   * intended, do not reach each other.
   * @default - none
   */
  readonly notes?: readonly string[];
  /**
   * How the synthesized stacks read (check --out DIR) differ from the config: VPCs and instances
   * one has and the other has not, VPC blocks that differ. Any makes the check fail: DIR is a stale
   * or foreign synth, and agreeing with it proves nothing about the config.
   * @default - none
   */
  readonly stale?: readonly string[];
}

/**
 * Whether `from` should ping `to`: exactly when the config peers them, or their transit gateway
 * segments reach each other, on one gateway or across a transit gateway peering (lib/config/transit.ts).
 */
export function intended(config: PeeringConfig, from: string, to: string): boolean {
  return withTransitPeers(config, from, peersOf(config, from)).some((peer) => peer.name === to);
}

/** The key of reach's verdict on a pair in one protocol. */
function verdictKey(protocol: string, from: string, to: string): string {
  return `${protocol}\u0000${from}\u0000${to}`;
}

/** Why `from` should not ping `to` although both are peered with the same hub, or undefined. */
export function spokeReason(config: PeeringConfig, from: string, to: string): string | undefined {
  const hub = config.hub;
  if (!hub || intended(config, from, to) || !hub.spokes.includes(from) || !hub.spokes.includes(to)) return undefined;
  return `both are spokes of the hub ${hub.name}, and peering is not transitive: AWS does not route traffic that arrives over one peering into another`;
}

/** A cdktf output directory that does not hold the app's synthesized instances stack. */
export class CheckInputError extends Error {
  override readonly name = "CheckInputError";
}

/**
 * Instance addresses (as reach names them in a cdktf.out: "instances/aws_instance.x") by VPC name,
 * from the `instances` output of the synthesized instances stack `stack`; by default of the stack
 * `instances`, or, in a network split into cells, of every stack `instances-NN` there is.
 */
export function instanceAddresses(outdir: string, stack?: string): Map<string, string> {
  if (stack !== undefined) return stackInstanceAddresses(outdir, stack);
  const dir = path.join(outdir, "stacks");
  const cells = fs.existsSync(path.join(dir, "instances")) || !fs.existsSync(dir) ? [] : fs.readdirSync(dir);
  const ids = cells.filter((s) => /^instances-\d{2}$/.test(s)).sort();
  return new Map((ids.length > 0 ? ids : ["instances"]).flatMap((id) => [...stackInstanceAddresses(outdir, id)]));
}

function stackInstanceAddresses(outdir: string, stack: string): Map<string, string> {
  const file = path.join(outdir, "stacks", stack, "cdk.tf.json");
  const fix = "synthesize the app as JSON (npm run synth) or leave out --out";
  let stats: fs.Stats;
  try {
    stats = fs.statSync(file);
  } catch {
    throw new CheckInputError(`${file} does not exist: ${fix}`);
  }
  if (!stats.isFile()) throw new CheckInputError(`${file} is not a file: ${fix}`);
  let json: unknown;
  try {
    // reach's reader, so that check sees the stack as reach and Terraform do (repeated keys merged).
    [{ json }] = readDocuments([file]);
  } catch (error) {
    if (error instanceof ReachInputError) throw new CheckInputError(`${error.message}: ${fix}`);
    throw error;
  }
  const outputs = isRecord(json) && isRecord(json.output) ? json.output : {};
  const value = isRecord(outputs.instances) ? outputs.instances.value : undefined;
  if (!isRecord(value)) throw new CheckInputError(`${file} has no "instances" output: ${fix}`);
  return new Map(
    Object.entries(value).map(([name, entry]) => {
      const address = isRecord(entry) ? entry.address : undefined;
      if (typeof address !== "string" || address === "")
        throw new CheckInputError(`${file}: output "instances".${name} = ${preview(entry)} has no address: ${fix}`);
      return [name, `${stack}/${address}`];
    }),
  );
}

/** Where each VPC's instance is in the live model, and why some have none. */
export interface LiveInstances {
  /** The live instance's address by VPC name. */
  readonly addresses: ReadonlyMap<string, string>;
  /** By VPC name, why no deployed instance stands for it. */
  readonly absent: ReadonlyMap<string, string>;
}

/**
 * Finds, for each VPC, the deployed instance that carries every tag of its synthesized instance
 * (the app's `Name = <vpc>-ping`); `synthesized` names the synthesized instances by VPC name
 * (instanceAddresses). Two deployed instances with the same tags are a CheckInputError: check
 * cannot tell which one is meant.
 */
export function liveInstances(
  synthesized: ReadonlyMap<string, string>,
  synthModel: Model,
  liveModel: Model,
): LiveInstances {
  const addresses = new Map<string, string>();
  const absent = new Map<string, string>();
  const deployed = [...liveModel.instances.values()];
  for (const [vpc, address] of synthesized) {
    const tags = Object.entries(synthModel.instances.get(address)?.tags ?? {});
    const shown = tags.map(([key, value]) => `${key} = ${value}`).join(", ");
    if (tags.length === 0) {
      absent.set(vpc, `${address} has no tags to find its deployed instance by`);
      continue;
    }
    const matches = deployed.filter((i) => tags.every(([key, value]) => i.tags[key] === value));
    if (matches.length > 1)
      throw new CheckInputError(
        `the deployed instances ${matches.map((m) => m.address).join(" and ")} all carry the tags of ${address} (${shown}): check cannot tell which is ${vpc}'s; terminate the stray ones`,
      );
    if (matches.length === 1) addresses.set(vpc, matches[0].address);
    else
      absent.set(
        vpc,
        `${vpc}'s instance is not deployed: EC2 lists no instance tagged ${shown} among the app's instances`,
      );
  }
  return { addresses, absent };
}

/**
 * An address in a VPC's secondary block that check pings from every other VPC's instance: the
 * first address AWS could assign in the block's first private subnet. No instance lives there, so
 * reach answers whether the network carries the echo and its reply; that proves the routes to
 * every block of a peer, where the instances themselves only use the primary blocks.
 */
export interface BlockProbe {
  /** The VPC whose instance pings. */
  readonly from: string;
  /** The VPC of the block. */
  readonly to: string;
  /** The secondary block. */
  readonly block: string;
  /** The address pinged. */
  readonly address: string;
}

/** The probes of every secondary block of every VPC, from every other VPC. */
export function blockProbes(config: PeeringConfig): BlockProbe[] {
  return config.vpcs.flatMap((to) =>
    (to.secondaryCidrs ?? []).flatMap((block) => {
      const subnet = planSecondarySubnets(block, to.maxAzs)?.[0];
      if (!subnet) return [];
      const first = blockOf(subnet).start + 4;
      const address = [24, 16, 8, 0].map((shift) => Math.floor(first / 2 ** shift) % 256).join(".");
      return config.vpcs
        .filter((from) => from !== to)
        .map((from) => ({ from: from.name, to: to.name, block, address }));
    }),
  );
}

/** reach's verdict for each probe from its VPC's instance (`addresses` by VPC name); undefined where that VPC has no instance. */
export function runProbes(
  probes: readonly BlockProbe[],
  addresses: ReadonlyMap<string, string>,
  model: Model,
  shared = new SharedAnalysis(model),
): [BlockProbe, PairResult | undefined][] {
  return probes.map((probe) => {
    const from = addresses.get(probe.from);
    return [probe, from === undefined ? undefined : analyze(model, { from, to: probe.address }, shared).pairs[0]];
  });
}

/**
 * Compares reach's verdicts with the config's intent for every ordered pair of VPCs, over IPv4,
 * and over IPv6 where both have IPv6; and the probes of secondary blocks (`probed`: each probe
 * with reach's verdict from its instance to its address, which passes when the network carries the
 * echo, as a pair's "depends" on whatever holds the address). `absent` gives, by VPC name, why a
 * VPC has no instance to judge (check --live).
 */
export function compareWithIntent(
  config: PeeringConfig,
  addresses: ReadonlyMap<string, string>,
  result: Result,
  absent: ReadonlyMap<string, string> = new Map(),
  probed: readonly (readonly [BlockProbe, PairResult | undefined])[] = [],
): CheckReport {
  const verdicts = new Map(result.pairs.map((p) => [verdictKey(p.protocol, p.from, p.to), p]));
  return compareVerdicts(
    config,
    addresses,
    (protocol, from, to) => verdicts.get(verdictKey(protocol, from, to)),
    result.errors,
    absent,
    probed,
  );
}

/**
 * reach's verdict on the pair of instances `from` → `to` (their addresses) in one protocol, or
 * undefined when it has none. The reason may be worked out only when asked for.
 */
export type VerdictLookup = (
  protocol: "ipv4" | "ipv6",
  from: string,
  to: string,
) => { readonly reachable: PairResult["reachable"]; readonly reason: string } | undefined;

/**
 * Judges the pairs of `model` as compareWithIntent judges analyze's result, without keeping a
 * path per pair: `verdicts` (decided in this thread unless given) keeps a byte per pair, and a pair
 * that differs from the config is analyzed again for its reason.
 */
export function judgeModel(
  config: PeeringConfig,
  addresses: ReadonlyMap<string, string>,
  model: Model,
  absent: ReadonlyMap<string, string> = new Map(),
  shared = new SharedAnalysis(model),
  verdicts = new PairVerdicts([...model.instances.keys()], decidePairs(model, undefined, shared)),
): CheckReport {
  const lookup: VerdictLookup = (protocol, from, to) => {
    const reachable = verdicts.get(protocol, from, to);
    if (reachable === undefined) return undefined;
    return {
      reachable,
      get reason() {
        return analyze(model, { from, to }, shared).pairs.find((p) => p.protocol === protocol)?.reason ?? "";
      },
    };
  };
  const probed = runProbes(blockProbes(config), addresses, model, shared);
  return compareVerdicts(config, addresses, lookup, shared.problems().errors, absent, probed);
}

function compareVerdicts(
  config: PeeringConfig,
  addresses: ReadonlyMap<string, string>,
  verdictOf: VerdictLookup,
  errors: Result["errors"],
  absent: ReadonlyMap<string, string>,
  probed: readonly (readonly [BlockProbe, PairResult | undefined])[],
): CheckReport {
  const mismatches: Mismatch[] = [];
  let pairs = 0;
  let ipv6Pairs = 0;
  let reachable = 0;
  const noVerdict = (from: string, to: string) =>
    absent.get(from) ??
    absent.get(to) ??
    `reach has no verdict for ${addresses.get(from) ?? from} → ${addresses.get(to) ?? to}`;
  for (const from of config.vpcs) {
    const meant = new Set(withTransitPeers(config, from.name, peersOf(config, from.name)).map((p) => p.name));
    for (const to of config.vpcs) {
      if (from === to) continue;
      const want = meant.has(to.name);
      for (const protocol of from.ipv6 && to.ipv6 ? (["ipv4", "ipv6"] as const) : (["ipv4"] as const)) {
        if (protocol === "ipv4") pairs++;
        else ipv6Pairs++;
        const [a, b] = [addresses.get(from.name), addresses.get(to.name)];
        const verdict = a === undefined || b === undefined ? undefined : verdictOf(protocol, a, b);
        if (verdict?.reachable === want) {
          if (want && protocol === "ipv4") reachable++;
          continue;
        }
        const why = spokeReason(config, from.name, to.name);
        mismatches.push({
          from: from.name,
          to: to.name,
          intended: want,
          ...(why ? { why } : {}),
          found: verdict?.reachable,
          reason: verdict?.reason ?? noVerdict(from.name, to.name),
          ...(protocol === "ipv6" ? { protocol } : {}),
        });
      }
    }
  }
  for (const [probe, verdict] of probed) {
    const want = intended(config, probe.from, probe.to);
    const carried = verdict === undefined ? undefined : verdict.reachable !== false;
    if (carried === want) continue;
    mismatches.push({
      from: probe.from,
      to: probe.to,
      intended: want,
      found: verdict === undefined ? undefined : carried,
      reason: verdict?.reason ?? noVerdict(probe.from, probe.to),
      probe: { block: probe.block, address: probe.address },
    });
  }
  const hub = config.hub;
  const spokesApart =
    hub && hub.spokes.length > 1 && !mismatches.some((m) => spokeReason(config, m.from, m.to) !== undefined);
  const notes = spokesApart
    ? [
        `spokes ${listed(hub.spokes)} cannot ping each other, as the config means: each is peered with the hub ${hub.name} only, and peering is not transitive (AWS does not route traffic that arrives over one peering into another; spokes that must talk need a peering of their own)`,
      ]
    : [];
  return {
    pairs,
    ipv6Pairs,
    probes: probed.length,
    reachable,
    mismatches,
    errors,
    ...(notes.length > 0 ? { notes } : {}),
  };
}

/**
 * Where the synthesized `documents` (with `addresses`, their instances by VPC name, as
 * instanceAddresses reads them) describe other VPCs or instances than `config`: a VPC or an
 * instance the config does not describe, a VPC of the config with none, a VPC whose block differs.
 * Empty when the documents are the config's synth.
 */
export function synthDifferences(
  config: PeeringConfig,
  documents: readonly StackDocument[],
  addresses: ReadonlyMap<string, string>,
): string[] {
  const wanted = new Map(config.vpcs.map((v) => [v.name, v]));
  const differences: string[] = [];
  const vpcs = new Map<string, string>();
  const resources = jsonResources(documents);
  for (const vpc of resources.filter((r) => r.type === "aws_vpc")) {
    const name = nameTag(vpc.body);
    const described = name === undefined ? undefined : wanted.get(name);
    if (name === undefined || described === undefined) {
      const named = name === undefined ? "with no literal Name tag" : `named ${preview(name)}`;
      differences.push(`the synth holds VPC ${vpc.address} ${named}, which the config does not describe`);
      continue;
    }
    vpcs.set(name, vpc.address);
    const cidr = literal(vpc.body.cidr_block);
    if (cidr !== described.cidr) {
      differences.push(
        `VPC ${preview(name)} (${vpc.address}) has the block ${preview(vpc.body.cidr_block)} in the synth, ${described.cidr} in the config`,
      );
    }
  }
  for (const name of wanted.keys())
    if (!vpcs.has(name)) differences.push(`the config's VPC ${preview(name)} has no aws_vpc in the synth`);
  for (const [name, address] of addresses) {
    if (!wanted.has(name))
      differences.push(
        `the synth's instances output lists ${address} for VPC ${preview(name)}, which the config does not describe`,
      );
  }
  for (const name of wanted.keys())
    if (!addresses.has(name))
      differences.push(`the config's VPC ${preview(name)} has no instance in the synth's instances output`);
  const listed = new Set(addresses.values());
  for (const instance of resources.filter((r) => r.type === "aws_instance" && !listed.has(r.address))) {
    differences.push(`the synth holds instance ${instance.address}, which is no VPC's of the config`);
  }
  return differences;
}

/** "a, b and c", the first few of a list and a count of the rest. */
function listed(names: readonly string[]): string {
  const shown = names.length > 6 ? [...names.slice(0, 5), `${names.length - 5} more`] : names;
  return shown.length === 1 ? shown[0] : `${shown.slice(0, -1).join(", ")} and ${shown[shown.length - 1]}`;
}

/** A readable account of the comparison, ending in a one-line verdict; every name in it `printable`. */
export function formatReport(report: CheckReport): string {
  const word = (r: Mismatch["found"]) =>
    r === true ? "reachable" : r === false ? "unreachable" : r === "depends" ? "depends on the address" : "unknown";
  const what = (m: Mismatch) =>
    m.probe
      ? `${m.from} → ${m.to}'s block ${m.probe.block} (${m.probe.address})`
      : `${m.from} → ${m.to}${m.protocol === "ipv6" ? " (ipv6)" : ""}`;
  const lines = [
    ...report.mismatches.map(
      (m) =>
        `✗ ${what(m)}: the config means ${word(m.intended)}${m.why ? ` (${m.why})` : ""}, reach finds ${word(m.found)}: ${m.reason}`,
    ),
    ...report.errors.map((e) => `✗ ${e.resource}: ${e.message}`),
    ...(report.stale ?? []).map((s) => `✗ ${s}`),
    ...(report.notes ?? []).map((n) => `✓ ${n}`),
  ];
  const stale = report.stale?.length ?? 0;
  const ok = report.mismatches.length === 0 && report.errors.length === 0 && stale === 0;
  const more = [
    report.ipv6Pairs > 0 ? `${report.ipv6Pairs} of them over IPv6 too` : undefined,
    report.probes > 0 ? `${report.probes} probes of secondary blocks` : undefined,
  ].filter((x) => x !== undefined);
  const compared = report.pairs + report.ipv6Pairs + report.probes;
  lines.push(
    ok
      ? `check passed: reach agrees with the config on all ${report.pairs} ordered pairs (${report.reachable} reachable, ${report.pairs - report.reachable} not)${more.length > 0 ? `, ${more.join(", ")}` : ""}`
      : `check failed: ${report.mismatches.length} of ${compared === report.pairs ? `${report.pairs} ordered pairs` : `${compared} comparisons (${report.pairs} ordered pairs${more.length > 0 ? `, ${more.join(", ")}` : ""})`} differ from the config, ${report.errors.length} configuration error(s)` +
          (stale > 0
            ? `, ${stale} difference(s) between the synth and the config (a stale or foreign synth: synthesize again, or leave out --out)`
            : ""),
  );
  return `${lines.map(printable).join("\n")}\n`;
}
