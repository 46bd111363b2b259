import { Construct } from "constructs";
import { PeeringConfig } from "../lib/config";
import { PEERING_STACK, PeeringStackPlan, planPeeringStacks } from "../lib/plan/peering-shards";
import { VpcPeering } from "../lib/constructs/vpc-peering";
import { PeeringStackBase } from "./base";
import { InstancesStack } from "./instances-stack";
import { groupsPingRules } from "../lib/config/transit-classes";
import { NetworkStack, VpcLookup } from "./network-stack";
import { PeeringStack } from "./peering-stack";
import { ReachabilityAnalyzerStack } from "./reachability-analyzer-stack";
import { TransitStack } from "./transit-stack";
import { TransitCellStack } from "./transit-cell-stack";
import { CellPlan, cellStackId, planCells } from "../lib/plan/cells";
import { PingInstance } from "../lib/constructs/ping-instance";

export { InstancesStack, NetworkStack, PeeringStack, ReachabilityAnalyzerStack, TransitCellStack, TransitStack };
export type { VpcLookup };

/**
 * Stack names, which are also their directories in cdktf.out/stacks and, with a prefix, their
 * workspaces. A mesh too large for one peering stack has `peering-00`, `peering-01`, ... instead
 * of `peering` (see lib/plan/peering-shards.ts); a network split into cells has `network-00`,
 * `instances-00`, `transit-00`, ... besides the core `transit` (see lib/plan/cells.ts).
 */
export const STACK_IDS = {
  network: "network",
  instances: "instances",
  peering: PEERING_STACK,
  reachability: "reachability",
  transit: "transit",
} as const;

/** How addAppStacks sizes the stacks. */
export interface AppStacksOptions {
  /**
   * Most ping rules the instances stack writes as a resource per peer block before it groups them.
   * @default MAX_PER_PEER_RULES
   */
  readonly maxPerPeerRules?: number;
}

/** The app's stacks, in deploy order. */
export interface AppStacks {
  /** VPCs, subnets, gateways and route tables: the stack `network`, or the cells of a large network (lib/plan/cells.ts). */
  readonly network: readonly NetworkStack[];
  /** One pingable instance per VPC: the stack `instances`, or one per cell. */
  readonly instances: readonly InstancesStack[];
  /** Peering connections and their routes: the stack `peering`, or the shards of a large mesh. Each depends on network stacks only. */
  readonly peering: readonly PeeringStack[];
  /** Reachability Analyzer paths and analyses, with `reachabilityAnalyzer: true` only. */
  readonly reachability?: ReachabilityAnalyzerStack;
  /**
   * Transit gateways, their route tables and peerings, with `transitGateways` only; the VPC
   * attachments and their routes too unless the network is split into cells. Depends on network stacks only.
   */
  readonly transit?: TransitStack;
  /** The attachments and routes of each cell of a split network with transit gateways (none otherwise). */
  readonly transitCells: readonly TransitCellStack[];
  /** Every VPC by config name, in whichever network stack it is. */
  readonly vpcs: VpcLookup;
  /** Every instance by VPC name, in whichever instances stack it is. */
  readonly pingInstances: ReadonlyMap<string, PingInstance>;
}

/**
 * Adds the network, instances and peering stacks for `config` to an app, the transit stacks when it
 * has transit gateways, and the reachability stack when it asks for it. A network split into cells
 * (lib/plan/cells.ts) has a network, instances and transit stack per cell, and the core `transit`.
 * A mesh split into several peering stacks, or a network of more than MAX_PER_PEER_RULES ping
 * rules, also admits each instance's peers with one security group rule listing their blocks, so
 * that no stack grows with the number of peerings.
 */
export function addAppStacks(app: Construct, config: PeeringConfig, options: AppStacksOptions = {}): AppStacks {
  const plan = planPeeringStacks(config);
  const groupedRules = groupsPingRules(config, options.maxPerPeerRules);
  const cells = planCells(config);
  const made =
    cells.length === 0 ? oneOfEach(app, config, plan, groupedRules) : inCells(app, config, plan, groupedRules, cells);
  const { instances, peering, transit, transitCells } = made;
  const pingInstances = new Map(instances.flatMap((s) => [...s.instances]));
  const stacks = { ...made, pingInstances };
  if (!config.reachabilityAnalyzer) return stacks;
  // It deploys after the instances and every peering and transit stack: the analyses need the whole network.
  const after = [...instances, ...peering, ...(transit ? [transit] : []), ...transitCells];
  return {
    ...stacks,
    reachability: new ReachabilityAnalyzerStack(app, STACK_IDS.reachability, {
      config,
      instances: { instances: pingInstances },
      after,
    }),
  };
}

/** The names of the stacks addAppStacks makes for `config`, by kind, each kind in construct order. */
export interface PlannedStackIds {
  /** The network stack, or the network stack of each cell. */
  readonly network: readonly string[];
  /** The instances stack, or the instances stack of each cell. */
  readonly instances: readonly string[];
  /** The peering stack, or its shards. */
  readonly peering: readonly string[];
  /** The transit stack (the core one of a network in cells), with transit gateways only. */
  readonly transit?: string;
  /** The transit stack of each cell, with transit gateways in a network split into cells. */
  readonly transitCells: readonly string[];
}

/**
 * The names of the stacks addAppStacks makes for `config`, from the config alone: what a thread
 * that synthesizes some of them is given before this one has built the app (app/synth.ts).
 */
export function plannedStackIds(config: PeeringConfig): PlannedStackIds {
  const cells = planCells(config);
  const inCell = (prefix: string) => cells.map((c) => cellStackId(prefix, c.id));
  const transit = config.transitGateways ? { transit: STACK_IDS.transit } : {};
  return {
    network: cells.length === 0 ? [STACK_IDS.network] : inCell(STACK_IDS.network),
    instances: cells.length === 0 ? [STACK_IDS.instances] : inCell(STACK_IDS.instances),
    peering: planPeeringStacks(config).map((p) => p.id),
    ...transit,
    transitCells: cells.length > 0 && config.transitGateways ? inCell(STACK_IDS.transit) : [],
  };
}

/** The stacks of a network not split into cells: network, instances, peering (or its shards), transit. */
function oneOfEach(
  app: Construct,
  config: PeeringConfig,
  plan: readonly PeeringStackPlan[],
  groupedRules: boolean,
): Omit<AppStacks, "pingInstances"> {
  const { network, vpcs } = addNetworkStacks(app, config, []);
  const instances = [new InstancesStack(app, STACK_IDS.instances, { config, network: vpcs, groupedRules })];
  const peering = plan.map((p) => peeringStack(app, config, vpcs, p));
  const transit = config.transitGateways
    ? new TransitStack(app, STACK_IDS.transit, { config, network: vpcs })
    : undefined;
  return { network, instances, peering, ...(transit ? { transit } : {}), transitCells: [], vpcs };
}

/**
 * The stacks of a network split into cells, made in the order app/synth.ts synthesizes them in
 * parts: the network cells, the core transit stack and the peering stacks, which the others
 * reference (or, for the peering stacks, which are small beside a split network), then the transit
 * and instances cells, which nothing references.
 */
function inCells(
  app: Construct,
  config: PeeringConfig,
  plan: readonly PeeringStackPlan[],
  groupedRules: boolean,
  cells: readonly CellPlan[],
): Omit<AppStacks, "pingInstances"> {
  const { network, vpcs } = addNetworkStacks(app, config, cells);
  const core = config.transitGateways
    ? new TransitStack(app, STACK_IDS.transit, { config, network: vpcs, attachments: false })
    : undefined;
  const peering = plan.map((p) => peeringStack(app, config, vpcs, p));
  const transitCells = core ? cells.map((c) => transitCell(app, config, vpcs, core, c)) : [];
  const instances = cells.map((c) => instancesCell(app, config, vpcs, groupedRules, c));
  return { network, instances, peering, ...(core ? { transit: core } : {}), transitCells, vpcs };
}

/** The network stack, or the network stack of each cell, and a lookup of their VPCs. */
function addNetworkStacks(
  app: Construct,
  config: PeeringConfig,
  cells: readonly CellPlan[],
): { network: NetworkStack[]; vpcs: VpcLookup } {
  if (cells.length === 0) {
    const stack = new NetworkStack(app, STACK_IDS.network, { config });
    return { network: [stack], vpcs: stack };
  }
  const network = cells.map(
    (c) => new NetworkStack(app, cellStackId(STACK_IDS.network, c.id), { config, vpcs: c.vpcs }),
  );
  return { network, vpcs: { vpcs: new Map(network.flatMap((s) => [...s.vpcs])) } };
}

/** The instances stack of one cell. */
function instancesCell(
  app: Construct,
  config: PeeringConfig,
  network: VpcLookup,
  groupedRules: boolean,
  cell: CellPlan,
): InstancesStack {
  const id = cellStackId(STACK_IDS.instances, cell.id);
  return new InstancesStack(app, id, { config, network, groupedRules, vpcs: cell.vpcs });
}

/** The transit stack of one cell. */
function transitCell(
  app: Construct,
  config: PeeringConfig,
  network: VpcLookup,
  core: TransitStack,
  cell: CellPlan,
): TransitCellStack {
  return new TransitCellStack(app, cellStackId(STACK_IDS.transit, cell.id), { config, network, core, vpcs: cell.vpcs });
}

/**
 * Adds only the network stacks and the peering stacks `ids`, made as addAppStacks makes them: what
 * a thread that synthesizes those peering shards needs (app/synth.ts).
 */
export function addPeeringShards(app: Construct, config: PeeringConfig, ids: readonly string[]): void {
  const wanted = new Set(ids);
  const { vpcs } = addNetworkStacks(app, config, planCells(config));
  for (const p of planPeeringStacks(config).filter((p) => wanted.has(p.id))) peeringStack(app, config, vpcs, p);
}

/** The peering stack of one entry of the stack plan. */
function peeringStack(app: Construct, config: PeeringConfig, network: VpcLookup, plan: PeeringStackPlan): PeeringStack {
  return new PeeringStack(app, plan.id, { config, network, peerings: plan.peerings });
}

/** Every stack of the app, in deploy order. */
export function allStacks(stacks: AppStacks): PeeringStackBase[] {
  return [
    ...stacks.network,
    ...stacks.instances,
    ...stacks.peering,
    ...(stacks.transit ? [stacks.transit] : []),
    ...stacks.transitCells,
    ...(stacks.reachability ? [stacks.reachability] : []),
  ];
}

/** The peering of `requester` and `accepter` and the stack holding it, or undefined. */
export function findPeering(
  stacks: AppStacks,
  requester: string,
  accepter: string,
): { stack: PeeringStack; peering: VpcPeering } | undefined {
  for (const stack of stacks.peering) {
    const peering = stack.peerings.get(`${requester}_${accepter}`);
    if (peering) return { stack, peering };
  }
  return undefined;
}
