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
   * The account that owns it, as its provider says (see Vpc.account).
   * @default - unknown: sharing checks skip it
   */
  readonly account?: string;
  /**
   * auto_accept_shared_attachments = "enable": attachments from accounts it is shared with need no accepter.
   * @default false, as AWS's default "disable"
   */
  readonly autoAcceptShared?: boolean;
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
   * The account it is made from (its provider's): the VPC's owner.
   * @default - unknown: sharing checks skip it
   */
  readonly account?: string;
  /**
   * The aws_ec2_transit_gateway_vpc_attachment_accepter resources that accept it, with their providers' accounts.
   * @default - not read (live state): acceptance is not checked
   */
  readonly accepters?: readonly { readonly address: string; readonly account: string | undefined }[];
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
   * The AWS RAM resource shares of the configuration, read offline only.
   * @default - not read (live state): sharing is not checked
   */
  readonly shares?: readonly TransitShare[];
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

/**
 * An aws_ram_resource_share with what is associated with it: the transit gateways it shares
 * (aws_ram_resource_association), the principals it shares them with
 * (aws_ram_principal_association) and the invitations accepted (aws_ram_resource_share_accepter).
 */
export interface TransitShare {
  readonly address: string;
  /** allow_external_principals (Terraform's default false): accounts outside the organization may be principals. */
  readonly allowExternal: boolean;
  /** The transit gateways (keys of TransitNetwork.gateways) associated with the share. */
  readonly gateways: readonly string[];
  /**
   * The principals: an account (12-digit id or OWN_ACCOUNT), or undefined for one reach cannot
   * tell an account of (an organization, an OU, an expression it cannot evaluate), which may be anyone.
   */
  readonly principals: readonly { readonly source: string; readonly account: string | undefined }[];
  /** The accepters of its invitation, with their providers' accounts. */
  readonly accepters: readonly { readonly address: string; readonly account: string | undefined }[];
}
