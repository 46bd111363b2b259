import { Construct } from "constructs";
import { PeeringConfig } from "../lib/config";
import { PEERING_STACK, PeeringStackPlan, planPeeringStacks } from "../lib/plan/peering-shards";
import { VpcPeering } from "../lib/constructs/vpc-peering";
import { PeeringStackBase } from "./base";
import { InstancesStack, MAX_PER_PEER_RULES, perPeerRules } from "./instances-stack";
import { NetworkStack } from "./network-stack";
import { PeeringStack } from "./peering-stack";
import { ReachabilityAnalyzerStack } from "./reachability-analyzer-stack";
import { TransitStack } from "./transit-stack";

export { InstancesStack, NetworkStack, PeeringStack, ReachabilityAnalyzerStack, TransitStack };

/**
 * Stack names, which are also their directories in cdktf.out/stacks and, with a prefix, their
 * workspaces. A mesh too large for one peering stack has `peering-00`, `peering-01`, ... instead
 * of `peering` (see lib/plan/peering-shards.ts).
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
  /** VPCs, subnets, gateways and route tables. */
  readonly network: NetworkStack;
  /** One pingable instance per VPC. */
  readonly instances: InstancesStack;
  /** Peering connections and their routes: the stack `peering`, or the shards of a large mesh. Each depends on `network` only. */
  readonly peering: readonly PeeringStack[];
  /** Reachability Analyzer paths and analyses, with `reachabilityAnalyzer: true` only. */
  readonly reachability?: ReachabilityAnalyzerStack;
  /** Transit gateways, their route tables and routes, with `transitGateways` only. Depends on `network` only. */
  readonly transit?: TransitStack;
}

/**
 * Adds the network, instances and peering stacks for `config` to an app, and the reachability
 * stack when the config asks for it. A mesh split into several peering stacks, or a network of more
 * than MAX_PER_PEER_RULES ping rules, also admits each instance's peers with one security group rule
 * listing their blocks, so that no stack grows with the number of peerings.
 */
export function addAppStacks(app: Construct, config: PeeringConfig, options: AppStacksOptions = {}): AppStacks {
  const plan = planPeeringStacks(config);
  const network = new NetworkStack(app, STACK_IDS.network, { config });
  const groupedRules = plan.length > 1 || perPeerRules(config) > (options.maxPerPeerRules ?? MAX_PER_PEER_RULES);
  const instances = new InstancesStack(app, STACK_IDS.instances, { config, network, groupedRules });
  const peering = plan.map((p) => peeringStack(app, config, network, p));
  const transit = config.transitGateways
    ? { transit: new TransitStack(app, STACK_IDS.transit, { config, network }) }
    : {};
  if (!config.reachabilityAnalyzer) return { network, instances, peering, ...transit };
  // It deploys after the instances and every peering stack: the analyses need the whole network.
  const after = [instances, ...peering, ...(transit.transit ? [transit.transit] : [])];
  return {
    network,
    instances,
    peering,
    ...transit,
    reachability: new ReachabilityAnalyzerStack(app, STACK_IDS.reachability, { config, instances, after }),
  };
}

/**
 * Adds only the network stack and the peering stacks `ids`, made as addAppStacks makes them:
 * what a thread that synthesizes those peering stacks needs (app/synth.ts).
 */
export function addPeeringShards(app: Construct, config: PeeringConfig, ids: readonly string[]): PeeringStack[] {
  const network = new NetworkStack(app, STACK_IDS.network, { config });
  return planPeeringStacks(config)
    .filter((p) => ids.includes(p.id))
    .map((p) => peeringStack(app, config, network, p));
}

/** The peering stack of one entry of the stack plan. */
function peeringStack(
  app: Construct,
  config: PeeringConfig,
  network: NetworkStack,
  plan: PeeringStackPlan,
): PeeringStack {
  return new PeeringStack(app, plan.id, { config, network, peerings: plan.peerings });
}

/** Every stack of the app, in deploy order. */
export function allStacks(stacks: AppStacks): PeeringStackBase[] {
  const transit = stacks.transit ? [stacks.transit] : [];
  return [
    stacks.network,
    stacks.instances,
    ...stacks.peering,
    ...transit,
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
