import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { Ec2TransitGatewayPeeringAttachmentAccepter } from "@cdktf/provider-aws/lib/ec2-transit-gateway-peering-attachment-accepter";
import { PENDING_PEERING_ATTACHMENTS_PER_TRANSIT_GATEWAY } from "../lib/core/aws-limits";
import { sameAccount } from "../lib/config/placement";
import { acrossPeerings, pairedSegments } from "../lib/config/transit";
import { TransitGatewayNetwork } from "../lib/constructs/transit-gateway";
import { TransitGatewayPeering } from "../lib/constructs/transit-peering";
import { useProvider } from "../lib/constructs/stack-providers";
import { NetworkConsumerProps } from "./network-stack";
import { gatewayPlacement, TransitStackBase } from "./transit-base";

/** Properties of the transit stack. */
export interface TransitStackProps extends NetworkConsumerProps {
  /**
   * Whether this stack makes the VPC attachments, their routes and the static routes to them; false
   * for the core `transit` of a network split into cells, whose stacks `transit-NN` make them
   * (TransitCellStack).
   * @default true
   */
  readonly attachments?: boolean;
}

/**
 * The config's transit gateways: each with its segments' route tables, its VPC attachments in the
 * network stack's attachment subnets (made in the VPC's account and accepted in the gateway's, the
 * gateway shared through RAM, where the two differ), the routes of the attached VPCs' private route
 * tables to the VPCs they reach through it (a peered pair keeps its peering's routes), or to its
 * summary routes, and the peerings of gateways with their static routes.
 */
export class TransitStack extends TransitStackBase {
  /** The gateways by config name. */
  readonly gateways = new Map<string, TransitGatewayNetwork>();
  /** The peerings of gateways by "requester_accepter". */
  readonly peerings = new Map<string, TransitGatewayPeering>();

  constructor(scope: Construct, id: string, props: TransitStackProps) {
    super(scope, id, props);
    const { config, network } = props;
    const attach = props.attachments !== false;
    for (const gateway of config.transitGateways ?? []) {
      const where = gatewayPlacement(gateway);
      const { vpcs, routed } = this.attachedVpcs(gateway, network, attach);
      const made = new TransitGatewayNetwork(this, `tgw-${gateway.name}`, { gateway, vpcs, routed, attach });
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
            this.blocksOf(
              network,
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
          // A split network's cells propagate their own attachments into the peering's own table.
          association: paired
            ? { ownTable: attach ? gateway.attachments.filter((a) => paired.has(a.segment)).map((a) => a.vpc) : [] }
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
