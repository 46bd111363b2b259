/**
 * The stages of a move from peering to a transit gateway, as configs: first the gateway, its
 * attachments and summary routes in every attached VPC (less specific than the peerings' routes, so
 * nothing moves); then the peerings removed in batches, each peering with both its directions;
 * then the peerings of the pairs the target drops, if --segments narrows; last the cleanup, which adds
 * a route per reached block beside the summary routes, then removes them. Pure: configs in, configs out.
 */
import { ConfigError, parseConfig, type PeeringConfig } from "../config";
import { planPeeringStacks } from "../plan/peering-shards";
import { parseIpv4Cidr } from "../plan/vpc-cidr";
import { MigrateInputError, pairKey, targetPairs, type TargetSegment } from "./segments";

/** Name of the transit gateway a migration adds. */
export const GATEWAY = "transit";

/** One stage: its config as a file holds it, and what it does. */
export interface Stage {
  /** File name without extension: "01-attach". */
  readonly id: string;
  readonly title: string;
  /** The raw config of the stage, for the file. */
  readonly raw: Record<string, unknown>;
  /** The stage's config, validated. */
  readonly config: PeeringConfig;
  /** The peerings this stage removes, as [requester, accepter]. */
  readonly removes: readonly (readonly [string, string])[];
  /** The pairs this stage is meant to cut: those of removed peerings the target does not reach. */
  readonly narrows: readonly (readonly [string, string])[];
}

/** Choices of a migration. */
export interface MigrateOptions {
  /** Into how many stages the peerings the gateway takes over are removed (at least 1). */
  readonly batches: number;
  /** Keep the summary routes at the end instead of a route per reached block. */
  readonly keepSummary: boolean;
}

/**
 * The stages from `raw` (the peering config's JSON, `config` its validation) to the transit gateway
 * of `segments`. Throws MigrateInputError for a config it cannot move or a stage config the checks refuse.
 */
export function planStages(
  raw: Readonly<Record<string, unknown>>,
  config: PeeringConfig,
  segments: readonly TargetSegment[],
  options: MigrateOptions,
): Stage[] {
  if (config.transitGateways)
    throw new MigrateInputError(
      "the config already has transitGateways: migrate moves a peering-only config; remove them, or change it by hand",
    );
  if (config.peerings.length === 0)
    throw new MigrateInputError("the config has no peerings: there is nothing to move to a transit gateway");
  const kept = new Set(targetPairs(segments).map(([a, b]) => pairKey(a, b)));
  const moving = config.peerings.filter(([a, b]) => kept.has(pairKey(a, b)));
  const dropped = config.peerings.filter(([a, b]) => !kept.has(pairKey(a, b)));
  const segmentOf = new Map(segments.flatMap((s) => s.vpcs.map((v) => [v, s.name] as const)));
  const gateway = {
    name: GATEWAY,
    segments: segments.map((s) => ({ name: s.name, reaches: s.reaches, isolated: s.isolated })),
    summaryRoutes: summaryRoutes(config, segmentOf),
  };
  const vpcs = (raw.vpcs as Record<string, unknown>[]).map((v) => {
    const segment = segmentOf.get(v.name as string);
    return segment === undefined ? v : { ...v, transitAttachments: { [GATEWAY]: segment } };
  });
  const stages: Stage[] = [];
  const sharded = planPeeringStacks(config).length > 1;
  const make = (title: string, slug: string, peerings: readonly (readonly [string, string])[], extra = {}) => {
    const removes = (stages.at(-1)?.config.peerings ?? config.peerings).filter(
      ([a, b]) => !peerings.some(([x, y]) => x === a && y === b),
    );
    const stageRaw = stageConfig(raw, config, { vpcs, peerings, gateway: { ...gateway, ...extra }, sharded });
    const id = `${String(stages.length + 1).padStart(2, "0")}-${slug}`;
    stages.push({
      id,
      title,
      raw: stageRaw,
      config: validated(stageRaw, id),
      removes,
      narrows: removes.filter(([a, b]) => !kept.has(pairKey(a, b))),
    });
  };
  make("Attach every VPC to the transit gateway, with summary routes the peerings' routes outrank", "attach", [
    ...config.peerings,
  ]);
  const batches = Math.min(options.batches, Math.max(moving.length, 1));
  const size = Math.ceil(moving.length / batches);
  let left = [...config.peerings];
  for (let i = 0; i < moving.length; i += size) {
    const batch = new Set(moving.slice(i, i + size).map(([a, b]) => pairKey(a, b)));
    left = left.filter(([a, b]) => !batch.has(pairKey(a, b)));
    const n = i / size + 1;
    make(
      `Remove peerings, batch ${n} of ${Math.ceil(moving.length / size)}: their pairs go over the transit gateway`,
      `remove-peerings-${n}`,
      left,
    );
  }
  if (dropped.length > 0)
    make("Remove the peerings of the pairs the segments drop (the narrowing asked for)", "narrow", []);
  if (!options.keepSummary) {
    // Terraform applies a stage's creates and destroys in no set order: the routes per block come in
    // one stage, beside the summary routes (a stage's attach already made room for as many routes),
    // and the summary routes go in the next, so no apply leaves a pair without a route.
    make("A route per reached VPC block beside the summary routes", "routes-per-block", [], { routesPerBlock: true });
    make("Cleanup: the summary routes go, the routes per block carry every pair", "cleanup", [], {
      summaryRoutes: undefined,
    });
  }
  return stages;
}

/** The stage's raw config: the input's keys, the peerings left (explicit pairs), the gateway and attachments. */
function stageConfig(
  raw: Readonly<Record<string, unknown>>,
  config: PeeringConfig,
  parts: {
    vpcs: readonly Record<string, unknown>[];
    peerings: readonly (readonly [string, string])[];
    gateway: Record<string, unknown>;
    sharded: boolean;
  },
): Record<string, unknown> {
  const dns = new Set((config.dnsResolution ?? []).map(([a, b]) => pairKey(a, b)));
  const peerings = parts.peerings.map(([a, b]) =>
    dns.has(pairKey(a, b))
      ? { vpcs: [a, b], dnsResolution: true }
      : raw.dnsResolution === true
        ? { vpcs: [a, b], dnsResolution: false }
        : [a, b],
  );
  const gateway = Object.fromEntries(Object.entries(parts.gateway).filter(([, v]) => v !== undefined));
  // "$schema" is a path relative to the input file, which the stage files are not beside.
  const { $schema: _schema, ...rest } = raw;
  const out: Record<string, unknown> = { ...rest, vpcs: parts.vpcs, peerings, transitGateways: [gateway] };
  if (parts.sharded) {
    // Keep the peerings in their shards: a peering that moved to another stack would be destroyed and made anew.
    const plan = planPeeringStacks({ ...config, peerings: parts.peerings, maxPeeringStackResources: 0 });
    const total = plan.reduce((n, s) => n + s.resources, 0);
    const fullest = Math.max(0, ...plan.map((s) => s.resources));
    if (total <= config.maxPeeringStackResources && fullest < total)
      out.maxPeeringStackResources = Math.max(1, total - 1);
  }
  return out;
}

function validated(raw: Record<string, unknown>, id: string): PeeringConfig {
  try {
    return parseConfig(raw, `stage ${id}`);
  } catch (error) {
    if (error instanceof ConfigError)
      throw new MigrateInputError(`the config of stage ${id} would be refused: ${error.message}`);
    throw error;
  }
}

/** RFC 1918's private blocks, the usual summaries. */
const PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/**
 * Summary routes that cover every attached VPC's IPv4 blocks and are less specific than each: the
 * RFC 1918 block holding it (one bit shorter when a VPC's block is the whole of it), else the block
 * one bit shorter; blocks inside another summary are left out.
 */
export function summaryRoutes(config: PeeringConfig, attached: ReadonlyMap<string, string>): string[] {
  const blocks = config.vpcs
    .filter((v) => attached.has(v.name))
    .flatMap((v) => [v.cidr, ...(v.secondaryCidrs ?? [])])
    .map(parse);
  const all = config.vpcs.flatMap((v) => [v.cidr, ...(v.secondaryCidrs ?? [])]).map(parse);
  const candidates = blocks.map((b) => {
    const holder = PRIVATE.map(parse).find((p) => p.start <= b.start && b.end <= p.end);
    let summary = holder ?? supernet(b, b.prefix - 1);
    while (
      summary.prefix > 1 &&
      all.some((x) => x.prefix <= summary.prefix && x.start <= summary.start && summary.end <= x.end)
    )
      summary = supernet(summary, summary.prefix - 1);
    return summary;
  });
  const unique = [...new Map(candidates.map((c) => [c.cidr, c])).values()];
  return unique
    .filter((c) => !unique.some((o) => o !== c && o.start <= c.start && c.end <= o.end && o.prefix < c.prefix))
    .sort((a, b) => a.start - b.start)
    .map((c) => c.cidr);
}

interface Range {
  readonly cidr: string;
  readonly start: number;
  readonly end: number;
  readonly prefix: number;
}

function parse(cidr: string): Range {
  const parsed = parseIpv4Cidr(cidr, "cidr");
  if ("problem" in parsed) throw new MigrateInputError(parsed.problem);
  return parsed.block;
}

function supernet(block: Range, prefix: number): Range {
  const size = 2 ** (32 - prefix);
  const start = Math.floor(block.start / size) * size;
  const ip = [24, 16, 8, 0].map((s) => Math.floor(start / 2 ** s) % 256).join(".");
  return { cidr: `${ip}/${prefix}`, start, end: start + size - 1, prefix };
}
