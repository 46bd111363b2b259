import { Construct } from "constructs";
import { TerraformProvider } from "cdktf";
import { Route } from "@cdktf/provider-aws/lib/route";
import { VpcPeeringConnection } from "@cdktf/provider-aws/lib/vpc-peering-connection";
import { VpcPeeringConnectionAccepterA } from "@cdktf/provider-aws/lib/vpc-peering-connection-accepter";
import { VpcPeeringConnectionOptions } from "@cdktf/provider-aws/lib/vpc-peering-connection-options";
import { cidrId } from "../plan/vpc-cidr";

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
  /**
   * The provider of this side's account and region: the requester's makes the request, the
   * accepter's accepts it; each side's routes and options are made with its own.
   * @default - the stack's default provider
   */
  readonly provider?: TerraformProvider;
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
  /** Routes from the requester's route tables to the accepter's primary block. */
  readonly requesterRoutes: Route[];
  /** Routes from the accepter's route tables to the requester's primary block. */
  readonly accepterRoutes: Route[];
  /** Every route of both sides: to every IPv4 block of the other side, and to its IPv6 block where both have one. */
  readonly routes: PeeringRoute[] = [];
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
        ...this.providerOf(accepter),
        vpcPeeringConnectionId: this.connection.id,
        autoAccept: true,
        tags,
      });
    }
    // The accepter's id is the connection's, known once it is accepted: what refers to it waits for that.
    const active = this.accepterConnection?.id ?? this.connection.id;
    this.requesterRoutes = this.routesTo("requester", requester, accepter, active);
    this.accepterRoutes = this.routesTo("accepter", accepter, requester, active);
    if (props.dnsResolution) {
      const allow = { allowRemoteVpcDnsResolution: true };
      if (!crossing) {
        this.options.push(
          new VpcPeeringConnectionOptions(this, "dns", {
            ...this.providerOf(requester),
            vpcPeeringConnectionId: active,
            requester: allow,
            accepter: allow,
          }),
        );
      } else {
        // Across accounts or regions each side sets its own option, with its own provider.
        this.options.push(
          new VpcPeeringConnectionOptions(this, "requester-dns", {
            ...this.providerOf(requester),
            vpcPeeringConnectionId: active,
            requester: allow,
          }),
        );
        this.options.push(
          new VpcPeeringConnectionOptions(this, "accepter-dns", {
            ...this.providerOf(accepter),
            vpcPeeringConnectionId: active,
            accepter: allow,
          }),
        );
      }
    }
  }

  private providerOf(side: PeeringSide): { provider?: TerraformProvider } {
    return side.provider ? { provider: side.provider } : {};
  }

  /**
   * The routes of one side, with its provider, through the peering once it is active: in each of
   * its route tables, one to every IPv4 block of the other side (`<side>-route-<az>` for the primary
   * block, `<side>-route-<az>-<block>` for secondary ones) and, when both sides have IPv6, one to the
   * other's IPv6 block (`<side>-route6-<az>`). Returns those to the primary block.
   */
  private routesTo(side: "requester" | "accepter", from: PeeringSide, to: PeeringSide, peeringId: string): Route[] {
    const bothIpv6 = from.ipv6CidrBlock !== undefined && to.ipv6CidrBlock !== undefined;
    const destinations = [
      { suffix: "", destination: to.cidrBlock, family: "ipv4" as const },
      ...(to.secondaryCidrBlocks ?? []).map((cidr) => ({
        suffix: `-${cidrId(cidr)}`,
        destination: cidr,
        family: "ipv4" as const,
      })),
    ];
    const primary: Route[] = [];
    from.routeTableIds.forEach((routeTableId, az) => {
      for (const { suffix, destination, family } of destinations) {
        const route = new Route(this, `${side}-route-${az}${suffix}`, {
          ...this.providerOf(from),
          routeTableId,
          destinationCidrBlock: destination,
          vpcPeeringConnectionId: peeringId,
        });
        if (suffix === "") primary.push(route);
        this.routes.push({ side, az, destination, family, route });
      }
      if (bothIpv6) {
        const route = new Route(this, `${side}-route6-${az}`, {
          ...this.providerOf(from),
          routeTableId,
          destinationIpv6CidrBlock: to.ipv6CidrBlock,
          vpcPeeringConnectionId: peeringId,
        });
        this.routes.push({ side, az, destination: to.ipv6CidrBlock!, family: "ipv6", route });
      }
    });
    return primary;
  }
}
