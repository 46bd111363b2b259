import { Construct } from "constructs";
import { Route } from "@cdktf/provider-aws/lib/route";
import { VpcPeeringConnection } from "@cdktf/provider-aws/lib/vpc-peering-connection";

/** One side of a peering: the VPC and the route tables that should reach the other side. */
export interface PeeringSide {
  /** Config name of the VPC. */
  readonly name: string;
  /** Id of the VPC. */
  readonly vpcId: string;
  /** IPv4 block of the VPC, known at synth time. */
  readonly cidrBlock: string;
  /** Ids of the route tables that get a route to the other side. */
  readonly routeTableIds: readonly string[];
}

/** Properties of a VpcPeering. */
export interface VpcPeeringProps {
  /** The VPC that requests the peering. */
  readonly requester: PeeringSide;
  /** The VPC that accepts it (same account and region, so it is accepted at once). */
  readonly accepter: PeeringSide;
}

/** A same-account, same-region peering connection with routes both ways. */
export class VpcPeering extends Construct {
  /** The peering connection. */
  readonly connection: VpcPeeringConnection;
  /** Routes from the requester's route tables to the accepter's block. */
  readonly requesterRoutes: Route[];
  /** Routes from the accepter's route tables to the requester's block. */
  readonly accepterRoutes: Route[];

  constructor(scope: Construct, id: string, props: VpcPeeringProps) {
    super(scope, id);
    const { requester, accepter } = props;
    this.connection = new VpcPeeringConnection(this, "connection", {
      vpcId: requester.vpcId,
      peerVpcId: accepter.vpcId,
      autoAccept: true,
      tags: { Name: `${requester.name}-${accepter.name}` },
    });
    this.requesterRoutes = this.routes("requester", requester, accepter.cidrBlock);
    this.accepterRoutes = this.routes("accepter", accepter, requester.cidrBlock);
  }

  private routes(side: string, from: PeeringSide, destination: string): Route[] {
    return from.routeTableIds.map(
      (routeTableId, az) =>
        new Route(this, `${side}-route-${az}`, {
          routeTableId,
          destinationCidrBlock: destination,
          vpcPeeringConnectionId: this.connection.id,
        }),
    );
  }
}
