import { Construct } from "constructs";
import { TerraformProvider } from "cdktf";
import { Route } from "@cdktf/provider-aws/lib/route";
import { VpcPeeringConnection } from "@cdktf/provider-aws/lib/vpc-peering-connection";
import { VpcPeeringConnectionAccepterA } from "@cdktf/provider-aws/lib/vpc-peering-connection-accepter";
import { VpcPeeringConnectionOptions } from "@cdktf/provider-aws/lib/vpc-peering-connection-options";

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
   * The provider of this side's account and region: the requester's makes the request, the
   * accepter's accepts it; each side's routes and options are made with its own.
   * @default - the stack's default provider
   */
  readonly provider?: TerraformProvider;
}

/** Properties of a VpcPeering. */
export interface VpcPeeringProps {
  /** The VPC that requests the peering. */
  readonly requester: PeeringSide;
  /** The VPC that accepts it. */
  readonly accepter: PeeringSide;
  /**
   * The accepter's region, when it is not the requester's (an inter-region peering).
   * @default - the requester's region
   */
  readonly peerRegion?: string;
  /**
   * The accepter's AWS account id, when it is not the requester's (a cross-account peering): a
   * literal, or a token such as the default provider's caller identity.
   * @default - the requester's account
   */
  readonly peerOwnerId?: string;
  /**
   * Let each side resolve the other's public DNS host names to private addresses.
   * @default false
   */
  readonly dnsResolution?: boolean;
}

/** A route destination on one side: a block of the other VPC; `key` tells routes to several blocks apart ("" for the VPC's primary block). */
interface RouteDestination {
  readonly key: string;
  readonly cidr: string;
}

/**
 * A VPC peering connection with routes both ways. Within one account and region it is accepted
 * at once (`auto_accept`); across regions or accounts the requester's provider requests it (with
 * `peer_region`, `peer_owner_id`) and an accepter resource in the accepter's provider accepts it.
 * Routes and DNS options wait for the peering to be active, so one apply builds it all.
 */
export class VpcPeering extends Construct {
  /** The peering connection, as the requester sees it. */
  readonly connection: VpcPeeringConnection;
  /**
   * The accepter side's acceptance, across regions or accounts.
   * @default - none: auto-accepted
   */
  readonly accepterConnection?: VpcPeeringConnectionAccepterA;
  /** Routes from the requester's route tables to the accepter's block. */
  readonly requesterRoutes: Route[];
  /** Routes from the accepter's route tables to the requester's block. */
  readonly accepterRoutes: Route[];
  /** The DNS options: one resource within one account and region, else one per side (requester's first). */
  readonly options: VpcPeeringConnectionOptions[] = [];

  constructor(scope: Construct, id: string, props: VpcPeeringProps) {
    super(scope, id);
    const { requester, accepter } = props;
    const crossing = props.peerRegion !== undefined || props.peerOwnerId !== undefined;
    const tags = { Name: `${requester.name}-${accepter.name}` };
    this.connection = new VpcPeeringConnection(this, "connection", {
      ...(requester.provider ? { provider: requester.provider } : {}),
      vpcId: requester.vpcId,
      peerVpcId: accepter.vpcId,
      ...(crossing ? { peerRegion: props.peerRegion, peerOwnerId: props.peerOwnerId } : { autoAccept: true }),
      tags,
    });
    if (crossing) {
      this.accepterConnection = new VpcPeeringConnectionAccepterA(this, "accepter", {
        ...(accepter.provider ? { provider: accepter.provider } : {}),
        vpcPeeringConnectionId: this.connection.id,
        autoAccept: true,
        tags,
      });
    }
    // The accepter's id is the connection's, known once it is accepted: what refers to it waits for that.
    const active = this.accepterConnection?.id ?? this.connection.id;
    this.requesterRoutes = this.routes("requester", requester, [{ key: "", cidr: accepter.cidrBlock }], active);
    this.accepterRoutes = this.routes("accepter", accepter, [{ key: "", cidr: requester.cidrBlock }], active);
    if (props.dnsResolution) {
      const allow = { allowRemoteVpcDnsResolution: true };
      if (!crossing) {
        this.options.push(new VpcPeeringConnectionOptions(this, "dns", { ...this.providerOf(requester), vpcPeeringConnectionId: active, requester: allow, accepter: allow }));
      } else {
        // Across accounts or regions each side sets its own option, with its own provider.
        this.options.push(new VpcPeeringConnectionOptions(this, "requester-dns", { ...this.providerOf(requester), vpcPeeringConnectionId: active, requester: allow }));
        this.options.push(new VpcPeeringConnectionOptions(this, "accepter-dns", { ...this.providerOf(accepter), vpcPeeringConnectionId: active, accepter: allow }));
      }
    }
  }

  private providerOf(side: PeeringSide): { provider?: TerraformProvider } {
    return side.provider ? { provider: side.provider } : {};
  }

  /**
   * The routes of one side: in each of its route tables, one route per destination block of the
   * other side, through the peering. Route ids: `<side>-route-<az>` for the primary block,
   * `<side>-route-<az>-<key>` for others.
   */
  private routes(side: string, from: PeeringSide, destinations: readonly RouteDestination[], peeringId: string): Route[] {
    return from.routeTableIds.flatMap((routeTableId, az) =>
      destinations.map(
        (d) =>
          new Route(this, `${side}-route-${az}${d.key ? `-${d.key}` : ""}`, {
            ...this.providerOf(from),
            routeTableId,
            destinationCidrBlock: d.cidr,
            vpcPeeringConnectionId: peeringId,
          }),
      ),
    );
  }
}
