import { Construct } from "constructs";
import { ITerraformDependable, TerraformProvider } from "cdktf";
import { Ec2TransitGatewayPeeringAttachment } from "@cdktf/provider-aws/lib/ec2-transit-gateway-peering-attachment";
import { Ec2TransitGatewayPeeringAttachmentAccepter } from "@cdktf/provider-aws/lib/ec2-transit-gateway-peering-attachment-accepter";
import { Ec2TransitGatewayRoute } from "@cdktf/provider-aws/lib/ec2-transit-gateway-route";
import { Ec2TransitGatewayRouteTable } from "@cdktf/provider-aws/lib/ec2-transit-gateway-route-table";
import { Ec2TransitGatewayRouteTableAssociation } from "@cdktf/provider-aws/lib/ec2-transit-gateway-route-table-association";
import { Ec2TransitGatewayRouteTablePropagation } from "@cdktf/provider-aws/lib/ec2-transit-gateway-route-table-propagation";
import { TransitGatewayNetwork } from "./transit-gateway";

/** One side of a transit gateway peering. */
export interface TransitPeeringSide {
  /** The gateway's config name, for ids and tags. */
  readonly name: string;
  readonly network: TransitGatewayNetwork;
  /** The provider of the gateway's account and region (the stack's default provider object too, never undefined). */
  readonly provider: TerraformProvider;
  /**
   * Where the peering attachment is associated on this side: the route table of a segment, or a
   * route table of the peering's own into which the named attached VPCs propagate (a peering with
   * segment pairs: the members of this side's paired segments).
   */
  readonly association: { readonly segment: string } | { readonly ownTable: readonly string[] };
  /**
   * The static routes this side's route tables get through the peering: by segment, the blocks of
   * the far side's VPCs its members reach, IPv4 literal or IPv6 token, each with a short id.
   */
  readonly routes: ReadonlyMap<
    string,
    readonly { readonly id: string; readonly ipv4?: string; readonly ipv6?: string }[]
  >;
}

/** Properties of a TransitGatewayPeering. */
export interface TransitGatewayPeeringProps {
  readonly requester: TransitPeeringSide;
  readonly accepter: TransitPeeringSide;
  /** The accepter's region (the requester's provider asks for it; the same region is allowed). */
  readonly peerRegion: string;
  /**
   * The accepter's account id, when it is another account than the requester's.
   * @default - the requester's own account
   */
  readonly peerAccountId?: string;
  /**
   * What the peering attachment is created after: accepters of earlier peerings of either gateway,
   * so that no gateway holds more peering attachments pending acceptance at once than AWS allows.
   * @default - nothing
   */
  readonly after?: readonly ITerraformDependable[];
}

/**
 * Two transit gateways peered: the peering attachment requested by the requester's provider and
 * accepted by the accepter's, associated on each side with its segment's route table once
 * accepted (or with a route table of its own, into which the VPCs it delivers to propagate), and
 * the static routes each side needs to the other's VPCs (a peering attachment propagates nothing:
 * AWS routes across it by static routes only).
 */
export class TransitGatewayPeering extends Construct {
  readonly attachment: Ec2TransitGatewayPeeringAttachment;
  readonly accepter: Ec2TransitGatewayPeeringAttachmentAccepter;
  /** The peering's own route tables, by side, where a side's association is `ownTable`. */
  readonly ownTables = new Map<"requester" | "accepter", Ec2TransitGatewayRouteTable>();

  constructor(scope: Construct, id: string, props: TransitGatewayPeeringProps) {
    super(scope, id);
    const { requester, accepter } = props;
    const name = `${requester.name}-${accepter.name}`;
    this.attachment = new Ec2TransitGatewayPeeringAttachment(this, "attachment", {
      provider: requester.provider,
      transitGatewayId: requester.network.gateway.id,
      peerTransitGatewayId: accepter.network.gateway.id,
      peerRegion: props.peerRegion,
      ...(props.peerAccountId !== undefined ? { peerAccountId: props.peerAccountId } : {}),
      tags: { Name: name },
      ...(props.after && props.after.length > 0 ? { dependsOn: [...props.after] } : {}),
    });
    this.accepter = new Ec2TransitGatewayPeeringAttachmentAccepter(this, "accepter", {
      provider: accepter.provider,
      transitGatewayAttachmentId: this.attachment.id,
      tags: { Name: name },
    });
    for (const [role, side] of [
      ["requester", requester],
      ["accepter", accepter],
    ] as const) {
      // The accepter's attachment id: both sides associate once the peering is accepted.
      const attachmentId = this.accepter.transitGatewayAttachmentId;
      const association = new Ec2TransitGatewayRouteTableAssociation(this, `${role}-assoc`, {
        provider: side.provider,
        transitGatewayAttachmentId: attachmentId,
        transitGatewayRouteTableId: this.associatedTable(role, side, name),
      });
      for (const [segment, blocks] of side.routes) {
        for (const block of blocks) {
          new Ec2TransitGatewayRoute(this, `${role}-${segment}-to-${block.id}`, {
            provider: side.provider,
            transitGatewayRouteTableId: side.network.routeTables.get(segment)!.id,
            destinationCidrBlock: block.ipv4 ?? block.ipv6!,
            transitGatewayAttachmentId: attachmentId,
            // AWS adds a route to a peering attachment once the attachment is associated.
            dependsOn: [association],
          });
        }
      }
    }
  }

  /** The id of the route table the peering attachment is associated with on one side; makes the peering's own. */
  private associatedTable(role: "requester" | "accepter", side: TransitPeeringSide, name: string): string {
    const { association } = side;
    if ("segment" in association) return side.network.routeTables.get(association.segment)!.id;
    const table = new Ec2TransitGatewayRouteTable(this, `${role}-table`, {
      provider: side.provider,
      transitGatewayId: side.network.gateway.id,
      tags: { Name: `${side.name}-peering-${name}` },
    });
    this.ownTables.set(role, table);
    for (const vpc of association.ownTable)
      new Ec2TransitGatewayRouteTablePropagation(this, `${role}-table-from-${vpc}`, {
        provider: side.provider,
        transitGatewayAttachmentId: side.network.attachmentIds.get(vpc)!,
        transitGatewayRouteTableId: table.id,
      });
    return table.id;
  }
}
