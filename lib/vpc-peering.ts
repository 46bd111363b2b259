import { Construct } from "constructs";
import { Route } from "@cdktf/provider-aws/lib/route";
import { VpcPeeringConnection } from "@cdktf/provider-aws/lib/vpc-peering-connection";
import { cidrId } from "./vpc-cidr";

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
  /**
   * Secondary IPv4 blocks of the VPC, known at synth time: the other side routes to each.
   * @default - none
   */
  readonly secondaryCidrBlocks?: readonly string[];
  /**
   * IPv6 block of the VPC (a token): when both sides have one, each routes to the other's.
   * @default - none: IPv4 only over this peering
   */
  readonly ipv6CidrBlock?: string;
}

/** A route of one side to one block of the other. */
export interface PeeringRoute {
  /** "requester" or "accepter": whose route tables hold it. */
  readonly side: "requester" | "accepter";
  /** Index of the route table in its side's routeTableIds (the AZ). */
  readonly az: number;
  /** The destination block: IPv4 text, or the other side's IPv6 block token. */
  readonly destination: string;
  /** IP version of the destination. */
  readonly family: "ipv4" | "ipv6";
  /** The route. */
  readonly route: Route;
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
  /** Routes from the requester's route tables to the accepter's primary block. */
  readonly requesterRoutes: Route[];
  /** Routes from the accepter's route tables to the requester's primary block. */
  readonly accepterRoutes: Route[];
  /** Every route of both sides: to every IPv4 block of the other side, and to its IPv6 block where both have one. */
  readonly routes: PeeringRoute[] = [];

  constructor(scope: Construct, id: string, props: VpcPeeringProps) {
    super(scope, id);
    const { requester, accepter } = props;
    this.connection = new VpcPeeringConnection(this, "connection", {
      vpcId: requester.vpcId,
      peerVpcId: accepter.vpcId,
      autoAccept: true,
      tags: { Name: `${requester.name}-${accepter.name}` },
    });
    this.requesterRoutes = this.routesTo("requester", requester, accepter);
    this.accepterRoutes = this.routesTo("accepter", accepter, requester);
  }

  /** Routes from `from`'s tables to every block of `to`; returns those to its primary block. */
  private routesTo(side: "requester" | "accepter", from: PeeringSide, to: PeeringSide): Route[] {
    const bothIpv6 = from.ipv6CidrBlock !== undefined && to.ipv6CidrBlock !== undefined;
    const destinations = [
      { suffix: "", destination: to.cidrBlock, family: "ipv4" as const },
      ...(to.secondaryCidrBlocks ?? []).map((cidr) => ({ suffix: `-${cidrId(cidr)}`, destination: cidr, family: "ipv4" as const })),
    ];
    const primary: Route[] = [];
    from.routeTableIds.forEach((routeTableId, az) => {
      for (const { suffix, destination, family } of destinations) {
        const route = new Route(this, `${side}-route-${az}${suffix}`, {
          routeTableId,
          destinationCidrBlock: destination,
          vpcPeeringConnectionId: this.connection.id,
        });
        if (suffix === "") primary.push(route);
        this.routes.push({ side, az, destination, family, route });
      }
      if (bothIpv6) {
        const route = new Route(this, `${side}-route6-${az}`, {
          routeTableId,
          destinationIpv6CidrBlock: to.ipv6CidrBlock,
          vpcPeeringConnectionId: this.connection.id,
        });
        this.routes.push({ side, az, destination: to.ipv6CidrBlock!, family: "ipv6", route });
      }
    });
    return primary;
  }
}
