import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { peersOf } from "../lib/config";
import { transitReachable } from "../lib/config/transit";
import { TransitGatewayNetwork, TransitVpc } from "../lib/constructs/transit-gateway";
import { useProvider } from "../lib/constructs/stack-providers";
import { ipv4Blocks } from "../lib/config/shape-checks";
import { cidrId } from "../lib/plan/vpc-cidr";
import { PeeringStackBase } from "./base";
import { NetworkConsumerProps } from "./network-stack";

/**
 * The config's transit gateways: each with its segments' route tables, its VPC attachments in the
 * network stack's attachment subnets, and the routes of the attached VPCs' private route tables to
 * the VPCs they reach through it (a peered pair keeps its peering's routes), or to its summary routes.
 */
export class TransitStack extends PeeringStackBase {
  /** The gateways by config name. */
  readonly gateways = new Map<string, TransitGatewayNetwork>();

  constructor(scope: Construct, id: string, props: NetworkConsumerProps) {
    super(scope, id, props);
    const { config, network } = props;
    for (const gateway of config.transitGateways ?? []) {
      const vpcs = new Map<string, TransitVpc>();
      const routed = new Map<string, { id: string; ipv4?: string; ipv6?: string }[]>();
      for (const { vpc } of gateway.attachments) {
        const net = network.vpcs.get(vpc)!;
        vpcs.set(vpc, {
          vpcId: net.vpc.id,
          subnetIds: net.transitSubnets!.subnets.map((s) => s.id),
          routeTableIds: net.privateRouteTables.map((t) => t.id),
          ipv6: net.ipv6CidrBlock !== undefined,
        });
        const peered = new Set(peersOf(config, vpc).map((p) => p.name));
        const reached = transitReachable(config, vpc).filter(
          (r) => r.gateway === gateway.name && !peered.has(r.vpc.name),
        );
        const own = network.vpcs.get(vpc)!;
        routed.set(vpc, [
          ...(gateway.summaryRoutes
            ? gateway.summaryRoutes.map((ipv4) => ({ id: `summary-${cidrId(ipv4)}`, ipv4 }))
            : reached.flatMap((r) => ipv4Blocks(r.vpc).map((ipv4) => ({ id: cidrId(ipv4), ipv4 })))),
          // IPv6 where both ends have it, as the instances admit it.
          ...reached.flatMap((r) =>
            own.ipv6CidrBlock && r.vpc.ipv6
              ? [{ id: `${r.vpc.name}-ipv6`, ipv6: network.vpcs.get(r.vpc.name)!.ipv6CidrBlock! }]
              : [],
          ),
        ]);
      }
      const made = new TransitGatewayNetwork(this, `tgw-${gateway.name}`, { gateway, vpcs, routed });
      useProvider(made, this.providers.of({ region: gateway.region }));
      this.gateways.set(gateway.name, made);
    }
    const byName = <T>(pick: (g: TransitGatewayNetwork) => T) =>
      Object.fromEntries([...this.gateways].map(([n, g]) => [n, pick(g)]));
    new TerraformOutput(this, "transit_gateway_ids", {
      value: byName((g) => g.gateway.id),
      description: "Transit gateway id by config name",
    });
    new TerraformOutput(this, "transit_gateway_route_table_ids", {
      value: byName((g) => Object.fromEntries([...g.routeTables].map(([s, t]) => [s, t.id]))),
      description: "Transit gateway route table id by gateway and segment name",
    });
  }
}
