import { Construct } from "constructs";
import { TerraformOutput, TerraformProvider } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { Ec2TransitGatewayPeeringAttachmentAccepter } from "@cdktf/provider-aws/lib/ec2-transit-gateway-peering-attachment-accepter";
import { PeeringConfig, peersOf } from "../lib/config";
import { PENDING_PEERING_ATTACHMENTS_PER_TRANSIT_GATEWAY } from "../lib/core/aws-limits";
import { accountOf, Placement, placementOf, sameAccount } from "../lib/config/placement";
import { acrossPeerings, pairedSegments, transitReachable, TransitGatewayConfig } from "../lib/config/transit";
import { TransitGatewayNetwork, TransitVpc } from "../lib/constructs/transit-gateway";
import { TransitGatewayPeering } from "../lib/constructs/transit-peering";
import { useProvider } from "../lib/constructs/stack-providers";
import { ipv4Blocks } from "../lib/config/shape-checks";
import { cidrId } from "../lib/plan/vpc-cidr";
import { PeeringStackBase } from "./base";
import { NetworkConsumerProps } from "./network-stack";

/** A block routed to a transit gateway: IPv4 literal or IPv6 token, with a short id. */
type RoutedBlock = { id: string; ipv4?: string; ipv6?: string };

/**
 * The config's transit gateways: each with its segments' route tables, its VPC attachments in the
 * network stack's attachment subnets (made in the VPC's account and accepted in the gateway's, the
 * gateway shared through RAM, where the two differ), the routes of the attached VPCs' private route
 * tables to the VPCs they reach through it (a peered pair keeps its peering's routes), or to its
 * summary routes, and the peerings of gateways with their static routes.
 */
export class TransitStack extends PeeringStackBase {
  /** The gateways by config name. */
  readonly gateways = new Map<string, TransitGatewayNetwork>();
  /** The peerings of gateways by "requester_accepter". */
  readonly peerings = new Map<string, TransitGatewayPeering>();
  private caller?: DataAwsCallerIdentity;
  private readonly placed: PeeringConfig;

  constructor(scope: Construct, id: string, props: NetworkConsumerProps) {
    super(scope, id, props);
    this.placed = props.config;
    const { config, network } = props;
    const vpcsByName = new Map(config.vpcs.map((v) => [v.name, v]));
    const blocksOf = (names: readonly string[], withIpv6: boolean): RoutedBlock[] => {
      const reached = names.map((n) => vpcsByName.get(n)!);
      return [
        ...reached.flatMap((v) => ipv4Blocks(v).map((ipv4) => ({ id: cidrId(ipv4), ipv4 }))),
        // IPv6 where both ends have it, as the instances admit it.
        ...reached.flatMap((v) =>
          withIpv6 && v.ipv6 ? [{ id: `${v.name}-ipv6`, ipv6: network.vpcs.get(v.name)!.ipv6CidrBlock! }] : [],
        ),
      ];
    };
    for (const gateway of config.transitGateways ?? []) {
      const where = gatewayPlacement(gateway);
      const vpcs = new Map<string, TransitVpc>();
      const routed = new Map<string, RoutedBlock[]>();
      for (const { vpc } of gateway.attachments) {
        const net = network.vpcs.get(vpc)!;
        const placement = placementOf(vpcsByName.get(vpc)!);
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
        const peered = new Set(peersOf(config, vpc).map((p) => p.name));
        const reached = transitReachable(config, vpc)
          .filter((r) => r.gateway === gateway.name && !peered.has(r.vpc.name))
          .map((r) => r.vpc.name);
        const blocks = blocksOf(reached, net.ipv6CidrBlock !== undefined);
        routed.set(
          vpc,
          gateway.summaryRoutes
            ? [
                ...gateway.summaryRoutes.map((ipv4) => ({ id: `summary-${cidrId(ipv4)}`, ipv4 })),
                ...blocks.filter((b) => "ipv6" in b || gateway.routesPerBlock === true),
              ]
            : blocks,
        );
      }
      const made = new TransitGatewayNetwork(this, `tgw-${gateway.name}`, { gateway, vpcs, routed });
      useProvider(made, this.providers.of(where));
      this.gateways.set(gateway.name, made);
    }
    const gatewayByName = new Map((config.transitGateways ?? []).map((g) => [g.name, g]));
    // The accepters of each gateway's peerings so far, in order: see pendingLimit.
    const acceptersOf = new Map<string, Ec2TransitGatewayPeeringAttachmentAccepter[]>();
    for (const peering of config.transitPeerings ?? []) {
      const [requester, accepter] = [peering.requester, peering.accepter].map((side, i) => {
        const gateway = gatewayByName.get(side.gateway)!;
        const pairs = peering.segmentPairs;
        const paired = pairs ? new Set(pairedSegments(pairs, i === 0)) : undefined;
        const routes = new Map(
          gateway.segments.map((s) => [
            s.name,
            blocksOf(
              acrossPeerings(config, gateway, s.name)
                .filter((r) => r.view.peering === peering)
                .map((r) => r.vpc),
              true,
            ),
          ]),
        );
        return {
          name: gateway.name,
          network: this.gateways.get(gateway.name)!,
          provider: this.providerOf(gatewayPlacement(gateway)),
          association: paired
            ? { ownTable: gateway.attachments.filter((a) => paired.has(a.segment)).map((a) => a.vpc) }
            : { segment: side.segment! },
          routes: new Map([...routes].filter(([, blocks]) => blocks.length > 0)),
          placement: gatewayPlacement(gateway),
        };
      });
      const key = `${requester.name}_${accepter.name}`;
      const after = [
        ...new Set([requester.name, accepter.name].flatMap((g) => pendingLimit(acceptersOf.get(g) ?? []))),
      ];
      const made = new TransitGatewayPeering(this, `tgw-peering-${key}`, {
        requester,
        accepter,
        peerRegion: accepter.placement.region,
        ...(sameAccount(config, requester.placement, accepter.placement)
          ? {}
          : { peerAccountId: this.accountId(accepter.placement) }),
        after,
      });
      this.peerings.set(key, made);
      for (const g of [requester.name, accepter.name])
        acceptersOf.set(g, [...(acceptersOf.get(g) ?? []), made.accepter]);
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
    if (this.peerings.size > 0)
      new TerraformOutput(this, "transit_gateway_peering_attachment_ids", {
        value: Object.fromEntries([...this.peerings].map(([k, p]) => [k, p.attachment.id])),
        description: 'Transit gateway peering attachment id by "requester_accepter" gateway names',
      });
  }

  /** The provider of a placement as an object: the stack's default provider too. */
  private providerOf(placement: Placement): TerraformProvider {
    return this.providers.of(placement) ?? (this.node.findChild("aws") as AwsProvider);
  }

  /** The account id of a placement: a named account's from its role, else the credentials' own (data.aws_caller_identity). */
  private accountId(placement: Placement): string {
    const named = accountOf(this.placed, placement)?.accountId;
    if (named !== undefined) return named;
    this.caller ??= new DataAwsCallerIdentity(this, "caller", { provider: this.node.findChild("aws") as AwsProvider });
    return this.caller.accountId;
  }
}

/**
 * What a gateway's next peering attachment waits for: the accepter of its peering made
 * PENDING_PEERING_ATTACHMENTS_PER_TRANSIT_GATEWAY peerings before, if any. Terraform creates
 * independent resources at once, and a peering attachment is pending from its creation until its
 * accepter accepts it, so without this a gateway of more than 10 peerings could hold more pending
 * attachments than AWS allows, and the apply would fail. With it, each of 10 chains holds at most
 * one pending attachment at a time.
 */
function pendingLimit<T>(accepters: readonly T[]): T[] {
  const limit = PENDING_PEERING_ATTACHMENTS_PER_TRANSIT_GATEWAY.default;
  return accepters.length >= limit ? [accepters[accepters.length - limit]] : [];
}

function gatewayPlacement(gateway: TransitGatewayConfig): Placement {
  return gateway.account === undefined
    ? { region: gateway.region }
    : { region: gateway.region, account: gateway.account };
}
