import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { PeeringConfig } from "../lib/config";
import { InstancesStack } from "./instances-stack";
import { NetworkStack } from "./network-stack";
import { PeeringStack } from "./peering-stack";
import { ReachabilityStack } from "./reachability-stack";

export { InstancesStack, NetworkStack, PeeringStack, ReachabilityStack };

/** Stack names, which are also their directories in cdktf.out/stacks and, with a prefix, their workspaces. */
export const STACK_IDS = { network: "network", instances: "instances", peering: "peering", reachability: "reachability" } as const;

/** The app's three stacks, in deploy order. */
export interface PeeringStacks {
  /** VPCs, subnets, gateways and route tables. */
  readonly network: NetworkStack;
  /** One pingable instance per VPC. */
  readonly instances: InstancesStack;
  /** Peering connections and their routes. */
  readonly peering: PeeringStack;
  /** Reachability Analyzer paths and analyses, with `reachabilityAnalyzer: true` only. */
  readonly reachability?: ReachabilityStack;
}

/** Adds the network, instances and peering stacks for `config` to an app, and the reachability stack when the config asks for it. */
export function addPeeringStacks(app: Construct, config: PeeringConfig): PeeringStacks {
  const network = new NetworkStack(app, STACK_IDS.network, { config });
  const instances = new InstancesStack(app, STACK_IDS.instances, { config, network });
  const peering = new PeeringStack(app, STACK_IDS.peering, { config, network });
  // Added last, it deploys after every stack before it: the instances and every peering stack.
  if (!config.reachabilityAnalyzer) return { network, instances, peering };
  const after = app.node.children.filter(TerraformStack.isStack);
  return { network, instances, peering, reachability: new ReachabilityStack(app, STACK_IDS.reachability, { config, instances, after }) };
}
