import { Construct } from "constructs";
import { PeeringConfig } from "../lib/config";
import { InstancesStack } from "./instances-stack";
import { NetworkStack } from "./network-stack";
import { PeeringStack } from "./peering-stack";

export { InstancesStack, NetworkStack, PeeringStack };

/** Stack names, which are also their directories in cdktf.out/stacks and, with a prefix, their workspaces. */
export const STACK_IDS = { network: "network", instances: "instances", peering: "peering" } as const;

/** The app's three stacks, in deploy order. */
export interface PeeringStacks {
  /** VPCs, subnets, gateways and route tables. */
  readonly network: NetworkStack;
  /** One pingable instance per VPC. */
  readonly instances: InstancesStack;
  /** Peering connections and their routes. */
  readonly peering: PeeringStack;
}

/** Adds the network, instances and peering stacks for `config` to an app. */
export function addPeeringStacks(app: Construct, config: PeeringConfig): PeeringStacks {
  const network = new NetworkStack(app, STACK_IDS.network, { config });
  const instances = new InstancesStack(app, STACK_IDS.instances, { config, network });
  const peering = new PeeringStack(app, STACK_IDS.peering, { config, network });
  return { network, instances, peering };
}
