import { Construct } from "constructs";
import { Ec2TransitGatewayVpcAttachment } from "@cdktf/provider-aws/lib/ec2-transit-gateway-vpc-attachment";
import { attachVpc, staticRoutes, TransitGatewayCore, TransitGatewayNetworkProps } from "./transit-gateway";

/** Properties of a TransitGatewayCell. */
export interface TransitGatewayCellProps extends TransitGatewayNetworkProps {
  /** The gateway and its route tables, in the core stack `transit`. */
  readonly core: Pick<TransitGatewayCore, "gateway" | "routeTables">;
}

/**
 * The attachments of one cell's VPCs (`vpcs`) to a gateway made in another stack, as
 * TransitGatewayNetwork makes them, with the same construct ids: each attachment, its association
 * and propagations, the VPC's routes to the gateway, and the segments' static routes to it.
 */
export class TransitGatewayCell extends Construct {
  /** VPC attachments by VPC name. */
  readonly attachments = new Map<string, Ec2TransitGatewayVpcAttachment>();
  /** By VPC name, the attachment id the gateway's resources name: the accepter's for a VPC of another account. */
  readonly attachmentIds = new Map<string, string>();

  constructor(scope: Construct, id: string, props: TransitGatewayCellProps) {
    super(scope, id);
    const on: TransitGatewayCore = { ...props.core, attachments: this.attachments, attachmentIds: this.attachmentIds };
    for (const { vpc, segment } of props.gateway.attachments)
      if (props.vpcs.has(vpc)) attachVpc(this, on, props, vpc, segment, undefined);
    staticRoutes(this, on, props.gateway, (vpc) => vpc !== undefined && props.vpcs.has(vpc));
  }
}
