/**
 * The transit gateway entities reach reads, as the Amazon VPC Transit Gateways guide names them: data
 * only, shared by the loaders, the model and the routing decision in transit.ts.
 */
import type { Cidr } from "./cidr";

/** An aws_ec2_transit_gateway. */
export interface TransitGateway {
  readonly address: string;
  /** Its Name tag, else its address. */
  readonly label: string;
  readonly region: string | undefined;
  /** default_route_table_association = "enable" (AWS's default). */
  readonly defaultAssociation: boolean;
  /** default_route_table_propagation = "enable" (AWS's default). */
  readonly defaultPropagation: boolean;
  /**
   * security_group_referencing_support = "enable": a security group rule may admit a group of
   * another VPC attached to this gateway (with its VPC attachments' support on too).
   * @default false - AWS's default for a transit gateway
   */
  readonly securityGroupReferencing?: boolean;
}

/** An aws_ec2_transit_gateway_vpc_attachment. */
export interface TransitVpcAttachment {
  readonly address: string;
  readonly label: string;
  readonly gateway: string;
  readonly vpc: string;
  readonly region: string | undefined;
  /** subnet_ids: one per Availability Zone. */
  readonly subnets: readonly string[];
  /** ipv6_support = "enable". */
  readonly ipv6: boolean;
  /** appliance_mode_support = "enable". */
  readonly applianceMode: boolean;
  /** transit_gateway_default_route_table_association (default true). */
  readonly defaultAssociation: boolean;
  /** transit_gateway_default_route_table_propagation (default true). */
  readonly defaultPropagation: boolean;
  /**
   * security_group_referencing_support of the attachment: "enable" unless disabled.
   * @default true - AWS's default for a VPC attachment ("set to enable by default", the gateway's is disable)
   */
  readonly securityGroupReferencing?: boolean;
}

/** An aws_ec2_transit_gateway_peering_attachment and what accepts it. */
export interface TransitPeeringAttachment {
  readonly address: string;
  readonly label: string;
  /** transit_gateway_id: the requester. */
  readonly gateway: string;
  /** peer_transit_gateway_id: the accepter. */
  readonly peerGateway: string;
  readonly peerRegion: string | undefined;
  /** The aws_ec2_transit_gateway_peering_attachment_accepter resources that accept it. */
  readonly accepters: readonly string[];
  /**
   * The state AWS reports ("available", "pendingAcceptance", ...), set by a live loader; when set it
   * alone decides whether the attachment carries traffic.
   * @default - carried when an accepter accepts it
   */
  readonly state?: string;
}

/** An aws_ec2_transit_gateway_route_table, or a transit gateway's default route table. */
export interface TransitRouteTable {
  readonly address: string;
  readonly label: string;
  readonly gateway: string;
}

/** An association or propagation between an attachment and a transit gateway route table. */
export interface TransitLink {
  readonly source: string;
  /** The attachment: a VPC or peering attachment's key (an accepter stands for what it accepts). */
  readonly attachment: string;
  readonly routeTable: string;
  /** replace_existing_association = true: takes the place of the default association. */
  readonly replaceExisting?: boolean;
}

/** An aws_ec2_transit_gateway_route: to an attachment, or a blackhole. */
export interface TransitStaticRoute {
  readonly source: string;
  readonly routeTable: string;
  readonly destination: Cidr;
  readonly attachment: string | undefined;
  readonly blackhole: boolean;
}

/** Everything reach knows about transit gateways, keyed by address (or AWS id for live state). */
export interface TransitNetwork {
  readonly gateways: ReadonlyMap<string, TransitGateway>;
  readonly vpcAttachments: ReadonlyMap<string, TransitVpcAttachment>;
  readonly peeringAttachments: ReadonlyMap<string, TransitPeeringAttachment>;
  readonly routeTables: ReadonlyMap<string, TransitRouteTable>;
  readonly associations: readonly TransitLink[];
  readonly propagations: readonly TransitLink[];
  readonly routes: readonly TransitStaticRoute[];
  /** The Availability Zone of each subnet whose zone is known ("name:eu-west-1a" or "id:euw1-az1"). */
  readonly subnetZones: ReadonlyMap<string, string>;
  /**
   * Propagated routes as AWS reports them, set by a live loader (SearchTransitGatewayRoutes): then
   * they replace the propagation reach derives.
   * @default - derived from the propagations
   */
  readonly reportedRoutes?: readonly TransitRoute[];
}

/** One route of a transit gateway route table, static or propagated. */
export interface TransitRoute {
  readonly source: string;
  readonly routeTable: string;
  readonly destination: Cidr;
  readonly attachment: string | undefined;
  readonly blackhole: boolean;
  readonly propagated: boolean;
}
