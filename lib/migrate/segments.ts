/**
 * The segments of the transit gateway a peering config moves to: derived from the peerings so that
 * the gateway reaches exactly what they did, or read from a --segments file that may only narrow it.
 */
import { z } from "zod";
import { preview } from "../core/json-input";
import type { PeeringConfig } from "../config";
import { ROUTE_TABLES_PER_TRANSIT_GATEWAY } from "../core/aws-limits";

/** Input migrate cannot use (the --segments file, an option, a config it cannot move): exit 2. */
export class MigrateInputError extends Error {
  override readonly name = "MigrateInputError";
}

/** A segment of the target gateway and the VPCs attached in it. */
export interface TargetSegment {
  readonly name: string;
  readonly vpcs: readonly string[];
  readonly reaches: readonly string[];
  readonly isolated: boolean;
}

/** Names of segments, as the config takes them. */
const NAME = /^[a-z][a-z0-9-]{0,30}$/;

const segmentsFileSchema = z
  .object({
    segments: z
      .array(
        z
          .object({
            name: z.string().regex(NAME),
            vpcs: z.array(z.string()).min(1),
            reaches: z.array(z.string()).default([]),
            isolated: z.boolean().default(false),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

/** The example every --segments message ends with. */
const SEGMENTS_EXAMPLE =
  '{"segments": [{"name": "shared", "vpcs": ["shared"], "reaches": ["spokes"]}, {"name": "spokes", "vpcs": ["app", "data"], "reaches": ["shared"], "isolated": true}]}';

/** Pairs by key "a\0b" with a < b. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

/**
 * Segments that reach exactly what the peerings do: VPCs with the same peers and peered with each
 * other share a segment that is not isolated, VPCs with the same peers and not peered with each
 * other share an isolated one; a segment reaches another when their VPCs are peered. VPCs without a
 * peering are not attached.
 */
export function segmentsOfPeerings(config: PeeringConfig): TargetSegment[] {
  const peers = new Map<string, Set<string>>();
  for (const [a, b] of config.peerings) {
    for (const [x, y] of [
      [a, b],
      [b, a],
    ]) {
      const set = peers.get(x) ?? new Set<string>();
      set.add(y);
      peers.set(x, set);
    }
  }
  const peered = config.vpcs.map((v) => v.name).filter((n) => peers.has(n));
  const closed = (v: string) => [...peers.get(v)!, v].sort().join(",");
  const open = (v: string) => [...peers.get(v)!].sort().join(",");
  const groups: { vpcs: string[]; isolated: boolean }[] = [];
  const byClosed = groupBy(peered, closed);
  const placed = new Set<string>();
  for (const members of byClosed.values())
    if (members.length > 1) {
      groups.push({ vpcs: members, isolated: false });
      members.forEach((m) => placed.add(m));
    }
  for (const members of groupBy(
    peered.filter((v) => !placed.has(v)),
    open,
  ).values())
    groups.push({ vpcs: members, isolated: true });
  const order = new Map(peered.map((v, i) => [v, i]));
  groups.sort((x, y) => order.get(x.vpcs[0])! - order.get(y.vpcs[0])!);
  const used = new Set(config.vpcs.map((v) => v.name));
  let next = 1;
  const names = groups.map((g) => {
    if (g.vpcs.length === 1) return g.vpcs[0];
    while (used.has(`group-${next}`)) next++;
    used.add(`group-${next}`);
    return `group-${next}`;
  });
  const segmentOf = new Map(groups.flatMap((g, i) => g.vpcs.map((v) => [v, names[i]] as const)));
  const segments = groups.map((g, i) => ({
    name: names[i],
    vpcs: g.vpcs,
    isolated: g.isolated,
    reaches: [...new Set([...peers.get(g.vpcs[0])!].map((p) => segmentOf.get(p)!))].filter((s) => s !== names[i]),
  }));
  const tables = ROUTE_TABLES_PER_TRANSIT_GATEWAY.default;
  if (segments.length > tables)
    throw new MigrateInputError(
      `the peerings need ${segments.length} segments (VPCs with the same peers share one), over the quota of ${tables} route tables per transit gateway: give --segments FILE that groups the VPCs into at most ${tables}, such as ${SEGMENTS_EXAMPLE}`,
    );
  return segments;
}

function groupBy(items: readonly string[], key: (item: string) => string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const item of items) {
    const k = key(item);
    out.set(k, [...(out.get(k) ?? []), item]);
  }
  return out;
}

/**
 * The segments of a --segments file (its JSON already parsed), checked against the config: known
 * VPCs, each in one segment, every peered VPC placed, reaches naming segments of the file, and no
 * pair reached that the peerings do not reach (a migration keeps or narrows, never widens).
 */
export function segmentsFromFile(raw: unknown, file: string, config: PeeringConfig): TargetSegment[] {
  const parsed = segmentsFileSchema.safeParse(raw);
  const where = `--segments ${preview(file)}`;
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length > 0 ? issue.path.join(".") : "the file";
    throw new MigrateInputError(`${where}: ${field}: ${issue.message}; write it as ${SEGMENTS_EXAMPLE}`);
  }
  const segments = parsed.data.segments;
  const problems: string[] = [];
  const known = new Set(config.vpcs.map((v) => v.name));
  const names = new Set<string>();
  const placed = new Map<string, string>();
  segments.forEach((s, i) => {
    if (names.has(s.name))
      problems.push(`segments[${i}].name ${preview(s.name)} is used twice: name each segment once`);
    names.add(s.name);
    s.vpcs.forEach((v, j) => {
      if (!known.has(v))
        problems.push(`segments[${i}].vpcs[${j}] ${preview(v)} is not a VPC of the config: name one of its vpcs`);
      else if (placed.has(v))
        problems.push(
          `segments[${i}].vpcs[${j}] ${preview(v)} is already in segment ${preview(placed.get(v)!)}: put each VPC in one segment`,
        );
      else placed.set(v, s.name);
    });
  });
  segments.forEach((s, i) =>
    s.reaches.forEach((r, j) => {
      if (!names.has(r))
        problems.push(
          `segments[${i}].reaches[${j}] ${preview(r)} is not a segment of the file: name one of its segments`,
        );
    }),
  );
  for (const [a, b] of config.peerings)
    for (const v of [a, b])
      if (!placed.has(v) && !problems.some((p) => p.includes(`VPC ${preview(v)} `)))
        problems.push(
          `VPC ${preview(v)} is peered but in no segment: add it to the segment it belongs in (a VPC left out would lose every pair)`,
        );
  if (problems.length > 0) throw new MigrateInputError(`${where}:\n  - ${problems.join("\n  - ")}`);
  const target = segments.map((s) => ({ name: s.name, vpcs: s.vpcs, reaches: s.reaches, isolated: s.isolated }));
  const peered = new Set(config.peerings.map(([a, b]) => pairKey(a, b)));
  const widened = targetPairs(target).filter(([a, b]) => !peered.has(pairKey(a, b)));
  if (widened.length > 0) {
    const [a, b] = widened[0];
    throw new MigrateInputError(
      `${where} lets ${preview(a)} and ${preview(b)} reach each other${widened.length > 1 ? ` (and ${widened.length - 1} more pairs)` : ""}, which the peerings do not: a migration keeps or narrows who reaches whom; peer them first, or change the segments`,
    );
  }
  return target;
}

/** The unordered pairs of VPCs the segments let reach each other, as [a, b]. */
export function targetPairs(segments: readonly TargetSegment[]): [string, string][] {
  const out: [string, string][] = [];
  const byName = new Map(segments.map((s) => [s.name, s]));
  const reaches = (from: TargetSegment, to: TargetSegment) =>
    from === to ? !from.isolated : from.reaches.includes(to.name);
  const members = segments.flatMap((s) => s.vpcs.map((v) => ({ vpc: v, segment: byName.get(s.name)! })));
  members.forEach((x, i) =>
    members.slice(i + 1).forEach((y) => {
      if (reaches(x.segment, y.segment) && reaches(y.segment, x.segment)) out.push([x.vpc, y.vpc]);
    }),
  );
  return out;
}
