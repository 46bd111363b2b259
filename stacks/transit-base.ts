import { Construct } from "constructs";
import { TerraformProvider } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { PeeringConfig, peersOf } from "../lib/config";
import { accountOf, Placement, placementOf, sameAccount } from "../lib/config/placement";
import { transitReachable, TransitGatewayConfig } from "../lib/config/transit";
import { TransitVpc } from "../lib/constructs/transit-gateway";
import { ipv4Blocks } from "../lib/config/shape-checks";
import { cidrId } from "../lib/plan/vpc-cidr";
import { PeeringStackBase } from "./base";
import { NetworkConsumerProps, VpcLookup } from "./network-stack";

/** A block routed to a transit gateway: IPv4 literal or IPv6 token, with a short id. */
export type RoutedBlock = { id: string; ipv4?: string; ipv6?: string };

/** What the transit stack and the transit cells share: the attached VPCs as the gateway construct takes them. */
export class TransitStackBase extends PeeringStackBase {
  private caller?: DataAwsCallerIdentity;
  private readonly placed: PeeringConfig;
  private readonly vpcsByName: ReadonlyMap<string, PeeringConfig["vpcs"][number]>;

  constructor(scope: Construct, id: string, props: NetworkConsumerProps) {
    super(scope, id, props);
    this.placed = props.config;
    this.vpcsByName = new Map(props.config.vpcs.map((v) => [v.name, v]));
  }

  /**
   * The VPCs attached to `gateway` (those of `only`, when given) as TransitGatewayNetwork takes
   * them, and, when `withRoutes`, the blocks each one's route tables send to the gateway.
   */
  protected attachedVpcs(
    gateway: TransitGatewayConfig,
    network: VpcLookup,
    withRoutes: boolean,
    only?: ReadonlySet<string>,
  ): { vpcs: Map<string, TransitVpc>; routed: Map<string, RoutedBlock[]> } {
    const config = this.placed;
    const where = gatewayPlacement(gateway);
    const vpcs = new Map<string, TransitVpc>();
    const routed = new Map<string, RoutedBlock[]>();
    for (const { vpc } of gateway.attachments) {
      if (only && !only.has(vpc)) continue;
      const net = network.vpcs.get(vpc)!;
      const placement = placementOf(this.vpcsByName.get(vpc)!);
      vpcs.set(vpc, {
        vpcId: net.vpc.id,
        subnetIds: net.transitSubnets!.subnets.map((s) => s.id),
        routeTableIds: net.privateRouteTables.map((t) => t.id),
        ipv6: net.ipv6CidrBlock !== undefined,
        ...(sameAccount(config, placement, where)
          ? {}
          : {
              otherAccount: {
                id: this.accountId(placement),
                key: placement.account ?? "_caller",
                provider: this.providerOf(placement),
              },
            }),
      });
      if (!withRoutes) continue;
      const peered = new Set(peersOf(config, vpc).map((p) => p.name));
      const reached = transitReachable(config, vpc)
        .filter((r) => r.gateway === gateway.name && !peered.has(r.vpc.name))
        .map((r) => r.vpc.name);
      // Behind summary routes only the IPv6 blocks get a route each, unless routesPerBlock.
      const perBlock = !gateway.summaryRoutes || gateway.routesPerBlock === true;
      const blocks = this.blocksOf(network, reached, net.ipv6CidrBlock !== undefined, perBlock);
      routed.set(
        vpc,
        gateway.summaryRoutes
          ? [...gateway.summaryRoutes.map((ipv4) => ({ id: `summary-${cidrId(ipv4)}`, ipv4 })), ...blocks]
          : blocks,
      );
    }
    return { vpcs, routed };
  }

  /**
   * The blocks of the VPCs `names`: their IPv4 blocks (unless `withIpv4` is false), then their IPv6
   * blocks when `withIpv6` (both ends have it).
   */
  protected blocksOf(network: VpcLookup, names: readonly string[], withIpv6: boolean, withIpv4 = true): RoutedBlock[] {
    const reached = names.map((n) => this.vpcsByName.get(n)!);
    return [
      ...(withIpv4 ? reached.flatMap((v) => ipv4Blocks(v).map((ipv4) => ({ id: cidrId(ipv4), ipv4 }))) : []),
      ...reached.flatMap((v) =>
        withIpv6 && v.ipv6 ? [{ id: `${v.name}-ipv6`, ipv6: network.vpcs.get(v.name)!.ipv6CidrBlock! }] : [],
      ),
    ];
  }

  /** The provider of a placement as an object: the stack's default provider too. */
  protected providerOf(placement: Placement): TerraformProvider {
    return this.providers.of(placement) ?? (this.node.findChild("aws") as AwsProvider);
  }

  /** The account id of a placement: a named account's from its role, else the credentials' own (data.aws_caller_identity). */
  protected accountId(placement: Placement): string {
    const named = accountOf(this.placed, placement)?.accountId;
    if (named !== undefined) return named;
    this.caller ??= new DataAwsCallerIdentity(this, "caller", { provider: this.node.findChild("aws") as AwsProvider });
    return this.caller.accountId;
  }
}

/** Where a gateway is: its region, and its account when the config names one. */
export function gatewayPlacement(gateway: TransitGatewayConfig): Placement {
  return gateway.account === undefined
    ? { region: gateway.region }
    : { region: gateway.region, account: gateway.account };
}
