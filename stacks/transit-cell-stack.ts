import { Construct } from "constructs";
import { Ec2TransitGatewayRouteTablePropagation } from "@cdktf/provider-aws/lib/ec2-transit-gateway-route-table-propagation";
import { pairedSegments } from "../lib/config/transit";
import { TransitGatewayCell } from "../lib/constructs/transit-gateway-cell";
import { useProvider } from "../lib/constructs/stack-providers";
import { NetworkConsumerProps } from "./network-stack";
import { gatewayPlacement, TransitStackBase } from "./transit-base";
import { TransitStack } from "./transit-stack";

/** Properties of a transit cell stack. */
export interface TransitCellStackProps extends NetworkConsumerProps {
  /** The core stack `transit`: the gateways, their route tables and peerings. */
  readonly core: TransitStack;
  /** The VPCs of the cell. */
  readonly vpcs: readonly string[];
}

/**
 * The transit gateway side of one cell of a network split into cells (lib/plan/cells.ts): the
 * cell's VPC attachments to the core stack's gateways, their associations and propagations, the
 * cell's routes to the gateways, the static routes to its attachments, and their propagations
 * into the own route tables of gateway peerings. It depends on `transit` and on the network cells
 * its VPCs and the VPCs they route to are in; nothing depends on it.
 */
export class TransitCellStack extends TransitStackBase {
  /** The cell's attachments by gateway name. */
  readonly gateways = new Map<string, TransitGatewayCell>();

  constructor(scope: Construct, id: string, props: TransitCellStackProps) {
    super(scope, id, props);
    const { config, network, core } = props;
    const cell = new Set(props.vpcs);
    for (const gateway of config.transitGateways ?? []) {
      if (!gateway.attachments.some((a) => cell.has(a.vpc))) continue;
      const { vpcs, routed } = this.attachedVpcs(gateway, network, true, cell);
      const made = new TransitGatewayCell(this, `tgw-${gateway.name}`, {
        gateway,
        vpcs,
        routed,
        core: core.gateways.get(gateway.name)!,
      });
      useProvider(made, this.providers.of(gatewayPlacement(gateway)));
      this.gateways.set(gateway.name, made);
    }
    const gatewayByName = new Map((config.transitGateways ?? []).map((g) => [g.name, g]));
    for (const peering of config.transitPeerings ?? []) {
      const pairs = peering.segmentPairs;
      if (!pairs) continue;
      const key = `${peering.requester.gateway}_${peering.accepter.gateway}`;
      const scope = new Construct(this, `tgw-peering-${key}`);
      for (const [i, role] of (["requester", "accepter"] as const).entries()) {
        const gateway = gatewayByName.get((i === 0 ? peering.requester : peering.accepter).gateway)!;
        const attached = this.gateways.get(gateway.name);
        const paired = new Set(pairedSegments(pairs, i === 0));
        const table = core.peerings.get(key)!.ownTables.get(role)!;
        for (const { vpc, segment } of gateway.attachments) {
          if (!cell.has(vpc) || !paired.has(segment)) continue;
          new Ec2TransitGatewayRouteTablePropagation(scope, `${role}-table-from-${vpc}`, {
            provider: this.providerOf(gatewayPlacement(gateway)),
            transitGatewayAttachmentId: attached!.attachmentIds.get(vpc)!,
            transitGatewayRouteTableId: table.id,
          });
        }
      }
    }
  }
}
