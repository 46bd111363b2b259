/**
 * The config's `peerings` in every form it takes: a list of `[requester, accepter]` pairs, pair
 * objects `{"vpcs": [requester, accepter], "dnsResolution": true}` among them, `"full-mesh"`, and
 * hub and spoke `{"hub": "shared", "spokes"?: [...]}`. Here: their schema, the words for a
 * malformed one, the peerings each form means, and the checks only hub and spoke needs.
 */
import { z } from "zod";
import { preview, typeName } from "../core/json-input";
import { isRecord } from "../core/records";

/** A peered pair as the config writes it: [requester, accepter]. */
const pairSchema = z.tuple([z.string(), z.string()]);

/** A pair with options. */
const pairObjectSchema = z
  .object({
    vpcs: pairSchema.describe("The peered pair: [requester, accepter] VPC names"),
    dnsResolution: z
      .boolean()
      .optional()
      .describe(
        "Each side resolves the other's public DNS host names to private addresses (default: the top-level dnsResolution)",
      ),
  })
  .strict();

/** Hub and spoke. */
const hubSchema = z
  .object({
    hub: z.string().describe("The VPC every spoke is peered with (it requests each peering)"),
    spokes: z.array(z.string()).min(1).optional().describe("The spoke VPCs (default: every VPC but the hub)"),
  })
  .strict();

/** The `peerings` key. */
export const peeringsSchema = z
  .union([z.literal("full-mesh"), hubSchema, z.array(z.union([pairSchema, pairObjectSchema]))])
  .default([])
  .describe(
    'Peered pairs as [requester, accepter] VPC names or {"vpcs": [...], "dnsResolution": true}, "full-mesh", or {"hub": "<vpc>", "spokes"?: [...]}',
  );

/** `peerings` as zod parsed it. */
export type PeeringsInput = z.infer<typeof peeringsSchema>;

/** What to write instead, for any malformed `peerings`. */
export const PEERINGS_FIX =
  'use a list of VPC name pairs such as [["a", "b"]] (or {"vpcs": ["a", "b"], "dnsResolution": true} for a pair), "full-mesh", or {"hub": "<vpc>"}';
const PAIR_FIX = 'use a pair of VPC names such as ["a", "b"], or {"vpcs": ["a", "b"], "dnsResolution": true}';

/** Hub and spoke, resolved: the hub and its spokes in config order. */
export interface HubConfig {
  /** The VPC peered with every spoke. */
  readonly name: string;
  /** The VPCs peered with the hub only. */
  readonly spokes: readonly string[];
}

/** One peering as the config writes it, and where: `field` names it in messages. */
export interface PeeringEntry {
  /** Where the config says it, e.g. "peerings[2]" or "peerings.spokes[0]". */
  readonly field: string;
  readonly requester: string;
  readonly accepter: string;
}

/** Problem sink: counts each problem, words it only when it will be listed. */
type Add = (describe: () => string) => void;

function isPair(value: unknown): value is [string, string] {
  return Array.isArray(value) && value.length === 2 && value.every((n) => typeof n === "string");
}

function unknownKeys(value: Record<string, unknown>, allowed: readonly string[], field: string, add: Add): void {
  const extra = Object.keys(value).filter((k) => !allowed.includes(k));
  if (extra.length === 0) return;
  add(() => {
    const keys = extra.slice(0, 5).map(preview).join(", ") + (extra.length > 5 ? ` and ${extra.length - 5} more` : "");
    return `${field} has unknown key${extra.length > 1 ? "s" : ""} ${keys}: remove ${extra.length > 1 ? "them" : "it"} (allowed: ${allowed.join(", ")})`;
  });
}

function shown(value: unknown): string {
  return value === undefined ? "is missing" : `is ${preview(value)} (${typeName(value)})`;
}

/** Every shape problem of a `peerings` value that zod's union rejected, each with its field and fix. */
export function describePeeringsShape(value: unknown, add: Add): void {
  if (Array.isArray(value)) {
    value.forEach((entry: unknown, i) => {
      const field = `peerings[${i}]`;
      if (isPair(entry)) return;
      if (!isRecord(entry)) {
        add(() => `${field} is ${preview(entry)}: ${PAIR_FIX}`);
        return;
      }
      unknownKeys(entry, ["vpcs", "dnsResolution"], field, add);
      if (!isPair(entry.vpcs))
        add(() => `${field}.vpcs ${shown(entry.vpcs)}: use a pair of VPC names such as ["a", "b"]`);
      if (entry.dnsResolution !== undefined && typeof entry.dnsResolution !== "boolean") {
        add(() => `${field}.dnsResolution ${shown(entry.dnsResolution)}: use true or false`);
      }
    });
    return;
  }
  if (isRecord(value)) {
    unknownKeys(value, ["hub", "spokes"], "peerings", add);
    if (typeof value.hub !== "string")
      add(() => `peerings.hub ${shown(value.hub)}: name the hub VPC, as in {"hub": "shared"}`);
    const spokes = value.spokes;
    if (
      spokes !== undefined &&
      !(Array.isArray(spokes) && spokes.length > 0 && spokes.every((s) => typeof s === "string"))
    ) {
      add(
        () =>
          `peerings.spokes ${shown(spokes)}: list the spoke VPCs' names, as in ["a", "b"], or leave spokes out to make every other VPC a spoke`,
      );
    }
    return;
  }
  add(() => `peerings ${typeof value === "string" ? `is ${preview(value)}` : shown(value)}: ${PEERINGS_FIX}`);
}

/**
 * The peerings a raw `peerings` value writes out one by one (not "full-mesh": its pairs are never
 * listed, so that a huge mesh costs no n² list), skipping malformed entries (describePeeringsShape
 * words those). For hub and spoke it reports, through `add`, a hub or spoke that is not a VPC, the
 * hub among its spokes and a spoke listed twice, and leaves those out. `named` holds every VPC name
 * with the index of its entry; `someNames` lists a few of them for a message.
 */
export function peeringEntries(
  raw: unknown,
  named: ReadonlyMap<string, number>,
  someNames: () => string,
  add: Add,
): PeeringEntry[] {
  if (Array.isArray(raw)) {
    return raw.flatMap((entry: unknown, i): PeeringEntry[] => {
      const pair = isPair(entry) ? entry : isRecord(entry) && isPair(entry.vpcs) ? entry.vpcs : undefined;
      return pair ? [{ field: `peerings[${i}]`, requester: pair[0], accepter: pair[1] }] : [];
    });
  }
  if (!isRecord(raw) || typeof raw.hub !== "string") return [];
  const hub = raw.hub;
  if (!named.has(hub)) {
    add(() => `peerings.hub names VPC ${preview(hub)}, which is not in vpcs: use one of ${someNames()}`);
    return [];
  }
  if (raw.spokes === undefined) {
    return [...named.keys()]
      .filter((n) => n !== hub)
      .map((spoke) => ({ field: "peerings.hub", requester: hub, accepter: spoke }));
  }
  if (!Array.isArray(raw.spokes)) return [];
  const seen = new Map<string, number>();
  return raw.spokes.flatMap((spoke: unknown, i): PeeringEntry[] => {
    const field = `peerings.spokes[${i}]`;
    if (typeof spoke !== "string") return [];
    if (spoke === hub) {
      add(() => `${field} is the hub ${preview(hub)} itself: a hub is not its own spoke, remove it from spokes`);
      return [];
    }
    if (!named.has(spoke)) {
      add(() => `${field} names VPC ${preview(spoke)}, which is not in vpcs: use one of ${someNames()}`);
      return [];
    }
    const first = seen.get(spoke);
    if (first !== undefined) {
      add(() => `${field} repeats ${preview(spoke)} (peerings.spokes[${first}]): list each spoke once`);
      return [];
    }
    seen.set(spoke, i);
    return [{ field, requester: hub, accepter: spoke }];
  });
}

/** Every unordered pair of names, in list order. */
export function fullMesh(names: readonly string[]): [string, string][] {
  return names.flatMap((a, i) => names.slice(i + 1).map((b): [string, string] => [a, b]));
}

/** What a valid `peerings` means: the pairs, those with DNS resolution on, and the hub if there is one. */
export interface ResolvedPeerings {
  /** [requester, accepter] pairs, in config order. */
  readonly pairs: readonly (readonly [string, string])[];
  /** The pairs whose peering resolves DNS names across, in config order. */
  readonly dnsResolution: readonly (readonly [string, string])[];
  /** Hub and spoke, when the config uses it. */
  readonly hub?: HubConfig;
}

/** The peerings of a valid config; `dnsResolution` is the top-level default for pairs that do not say. */
export function resolvePeerings(
  input: PeeringsInput,
  names: readonly string[],
  dnsResolution: boolean,
): ResolvedPeerings {
  if (input === "full-mesh") {
    const pairs = fullMesh(names);
    return { pairs, dnsResolution: dnsResolution ? pairs : [] };
  }
  if (!Array.isArray(input)) {
    const spokes = input.spokes ?? names.filter((n) => n !== input.hub);
    const pairs = spokes.map((spoke): [string, string] => [input.hub, spoke]);
    return { pairs, dnsResolution: dnsResolution ? pairs : [], hub: { name: input.hub, spokes } };
  }
  const entries = input.map((entry) =>
    Array.isArray(entry)
      ? { pair: entry, dns: dnsResolution }
      : { pair: entry.vpcs, dns: entry.dnsResolution ?? dnsResolution },
  );
  return { pairs: entries.map((e) => e.pair), dnsResolution: entries.filter((e) => e.dns).map((e) => e.pair) };
}
