/**
 * Which stack holds each peering. A config whose peerings fit one stack keeps them in the stack
 * `peering`; a larger one splits them into `peeringShards` stacks `peering-00`, `peering-01`, ...
 * A peering's shard is a hash of its two VPC names, so adding or removing VPCs and peerings never
 * moves an existing peering to another stack (Terraform would destroy and recreate it). Only a
 * change of `peeringShards`, or the one split when a mesh first outgrows a single stack, moves
 * peerings between stacks.
 */

/** Most resources one peering stack may hold unless the config says otherwise; keeps each stack's plan within seconds. */
export const DEFAULT_MAX_PEERING_STACK_RESOURCES = 3000;
/** How many stacks a mesh too large for one peering stack is split into unless the config says otherwise. */
export const DEFAULT_PEERING_SHARDS = 16;
/** Most peering stacks a config may ask for. */
export const MAX_PEERING_SHARDS = 64;
/** Name of the single peering stack, and prefix of the shards' names. */
export const PEERING_STACK = "peering";

/** What the stack plan needs to know about a VPC. */
export interface ShardedVpc {
  /** Config name of the VPC. */
  readonly name: string;
  /** AZs of the VPC: one private route table each, and so one route per peering. */
  readonly maxAzs: number;
  /**
   * Secondary IPv4 blocks of the VPC: each peer routes to each of them too.
   * @default - none
   */
  readonly secondaryCidrs?: readonly string[];
  /**
   * Whether the VPC has IPv6: a peering of two such VPCs routes their IPv6 blocks too.
   * @default false
   */
  readonly ipv6?: boolean;
}

/** What the stack plan reads from a config. */
export interface ShardingInput {
  /** The VPCs. */
  readonly vpcs: readonly ShardedVpc[];
  /** Peered pairs as [requester, accepter] names. */
  readonly peerings: readonly (readonly [string, string])[];
  /** Most resources one peering stack may hold. */
  readonly maxPeeringStackResources: number;
  /** How many stacks to split the peerings into when they do not fit one. */
  readonly peeringShards: number;
}

/** One peering stack and what it holds. */
export interface PeeringStackPlan {
  /** Stack name: `peering`, or `peering-<shard>`. */
  readonly id: string;
  /** The peerings it holds, in config order. */
  readonly peerings: readonly (readonly [string, string])[];
  /** Its resources: per peering, the connection and one route per private route table of either VPC. */
  readonly resources: number;
}

/** 32-bit FNV-1a of a string's UTF-8 bytes: small, well known, and the same on every machine and Node version. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}

/** The shard (0 to shards − 1) of the peering of `requester` and `accepter`, from their names alone. */
export function shardOf(requester: string, accepter: string, shards: number): number {
  return fnv1a(`${requester}_${accepter}`) % shards;
}

/** Name of shard `shard`: "peering-07". */
export function shardStackId(shard: number): string {
  return `${PEERING_STACK}-${String(shard).padStart(2, "0")}`;
}

/**
 * The resources one peering adds to its stack: the connection, and on each side a route per private
 * route table to each block of the other side (`requesterBlocks`: how many blocks the accepter
 * routes to on the requester's side, its IPv4 blocks and its IPv6 block where both have one).
 */
export function resourcesOfPeering(
  requesterAzs: number,
  accepterAzs: number,
  requesterBlocks = 1,
  accepterBlocks = 1,
): number {
  return 1 + requesterAzs * accepterBlocks + accepterAzs * requesterBlocks;
}

/**
 * The peering stacks of a config: the stack `peering` holding every peering while their resources
 * fit `maxPeeringStackResources`, else all `peeringShards` shards (empty ones too, so that a shard
 * whose last peering is removed still gets deployed, and its resources destroyed).
 */
export function planPeeringStacks(input: ShardingInput): PeeringStackPlan[] {
  const byName = new Map(input.vpcs.map((v) => [v.name, v]));
  const cost = ([a, b]: readonly [string, string]) => {
    const [va, vb] = [byName.get(a), byName.get(b)];
    const ipv6 = va?.ipv6 === true && vb?.ipv6 === true ? 1 : 0;
    const blocks = (v: ShardedVpc | undefined) => 1 + (v?.secondaryCidrs?.length ?? 0) + ipv6;
    return resourcesOfPeering(va?.maxAzs ?? 1, vb?.maxAzs ?? 1, blocks(va), blocks(vb));
  };
  const total = input.peerings.reduce((sum, pair) => sum + cost(pair), 0);
  if (total <= input.maxPeeringStackResources)
    return [{ id: PEERING_STACK, peerings: input.peerings, resources: total }];
  const shards = Array.from({ length: input.peeringShards }, (_, shard) => ({
    id: shardStackId(shard),
    peerings: [] as (readonly [string, string])[],
    resources: 0,
  }));
  for (const pair of input.peerings) {
    const shard = shards[shardOf(pair[0], pair[1], input.peeringShards)];
    shard.peerings.push(pair);
    shard.resources += cost(pair);
  }
  return shards;
}

/**
 * Problems with the plan: each peering stack that would hold more than `maxPeeringStackResources`,
 * with the two ways out (an empty list when every stack fits).
 */
export function checkPeeringStacks(input: ShardingInput): string[] {
  const plan = planPeeringStacks(input);
  const over = plan.filter((s) => s.resources > input.maxPeeringStackResources);
  if (over.length === 0) return [];
  const fullest = Math.max(...over.map((s) => s.resources));
  const list = over.map((s) => `${s.id} (${s.resources})`).join(", ");
  const more = Math.min(
    MAX_PEERING_SHARDS,
    Math.ceil((input.peeringShards * fullest) / input.maxPeeringStackResources) + 1,
  );
  const ways = [`set "maxPeeringStackResources" to at least ${fullest} (moves nothing; larger stacks plan slower)`];
  if (input.peeringShards < MAX_PEERING_SHARDS) {
    ways.push(
      `"peeringShards" to ${more} or more, up to ${MAX_PEERING_SHARDS} (smaller stacks, but moves peerings between stacks: do that before the first deploy)`,
    );
  }
  return [
    `peering stack${over.length > 1 ? "s" : ""} ${list} would hold more than maxPeeringStackResources (${input.maxPeeringStackResources}) resources: ${ways.join(", or ")}`,
  ];
}
