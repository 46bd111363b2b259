import { Construct } from "constructs";
import { TerraformProvider, TerraformResource } from "cdktf";
import { Ec2TransitGateway } from "@cdktf/provider-aws/lib/ec2-transit-gateway";
import { Ec2TransitGatewayRoute } from "@cdktf/provider-aws/lib/ec2-transit-gateway-route";
import { Ec2TransitGatewayRouteTable } from "@cdktf/provider-aws/lib/ec2-transit-gateway-route-table";
import { Ec2TransitGatewayRouteTableAssociation } from "@cdktf/provider-aws/lib/ec2-transit-gateway-route-table-association";
import { Ec2TransitGatewayRouteTablePropagation } from "@cdktf/provider-aws/lib/ec2-transit-gateway-route-table-propagation";
import { Ec2TransitGatewayVpcAttachment } from "@cdktf/provider-aws/lib/ec2-transit-gateway-vpc-attachment";
import { Ec2TransitGatewayVpcAttachmentAccepter } from "@cdktf/provider-aws/lib/ec2-transit-gateway-vpc-attachment-accepter";
import { Route } from "@cdktf/provider-aws/lib/route";
import { segmentReaches, TransitGatewayConfig } from "../config/transit";
import { cidrId } from "../plan/vpc-cidr";
import { TransitShare } from "./transit-share";

/** What the transit gateway needs of an attached VPC, read from the network stack. */
export interface TransitVpc {
  readonly vpcId: string;
  /** Its attachment subnets, one per AZ. */
  readonly subnetIds: readonly string[];
  /** Its private route tables, one per AZ, which get the routes to the VPCs it reaches. */
  readonly routeTableIds: readonly string[];
  /**
   * Whether the attachment carries IPv6 (the VPC and its attachment subnets have IPv6 blocks).
   * @default false
   */
  readonly ipv6?: boolean;
  /**
   * When the VPC is in another account than the gateway: that account's id (the RAM share's
   * principal), a key naming it in construct ids, and the provider of the VPC's account, which
   * makes the attachment and the VPC's routes; the gateway's account accepts the attachment.
   * @default - the gateway's own account
   */
  readonly otherAccount?: { readonly id: string; readonly key: string; readonly provider: TerraformProvider };
}

/** Properties of a TransitGatewayNetwork. */
export interface TransitGatewayNetworkProps {
  /** The gateway, its segments and attached VPCs. */
  readonly gateway: TransitGatewayConfig;
  /** The attached VPCs by name. */
  readonly vpcs: ReadonlyMap<string, TransitVpc>;
  /**
   * For each attached VPC, the blocks its route tables send to this gateway: those of the VPCs it
   * reaches and is not peered with, IPv4 (literal) and IPv6 (tokens of the network stack) by a short id each.
   */
  readonly routed: ReadonlyMap<
    string,
    readonly { readonly id: string; readonly ipv4?: string; readonly ipv6?: string }[]
  >;
  /**
   * Whether to make the VPC attachments, their associations, propagations, routes and the static
   * routes to them here; false for the core of a network split into cells, whose cells make them
   * (TransitGatewayCell), `vpcs` then only telling the RAM share the accounts.
   * @default true
   */
  readonly attach?: boolean;
}

/** What a gateway's attachments are made on: the gateway and its segments' route tables. */
export interface TransitGatewayCore {
  readonly gateway: Ec2TransitGateway;
  readonly routeTables: ReadonlyMap<string, Ec2TransitGatewayRouteTable>;
  readonly attachmentIds: Map<string, string>;
  readonly attachments: Map<string, Ec2TransitGatewayVpcAttachment>;
}

/**
 * A transit gateway whose every edge is a resource of its own: the default route table's
 * association and propagation off, one route table per segment, each attachment associated with
 * its segment's table and propagated into the tables of the segments that reach its segment (its
 * own too unless isolated), the segments' static and blackhole routes, and the routes of the VPCs'
 * private route tables to the blocks they reach through the gateway. Construct ids come from the
 * config's names, so adding a VPC or a segment changes nothing else.
 */
export class TransitGatewayNetwork extends Construct implements TransitGatewayCore {
  readonly gateway: Ec2TransitGateway;
  /** Route tables by segment name. */
  readonly routeTables = new Map<string, Ec2TransitGatewayRouteTable>();
  /** VPC attachments by VPC name. */
  readonly attachments = new Map<string, Ec2TransitGatewayVpcAttachment>();
  /** By VPC name, the attachment id the gateway's own resources name: the accepter's for a VPC of another account. */
  readonly attachmentIds = new Map<string, string>();
  /** The RAM share of the gateway with the accounts of attached VPCs, when it has any. */
  readonly share?: TransitShare;

  constructor(scope: Construct, id: string, props: TransitGatewayNetworkProps) {
    super(scope, id);
    const { gateway: config } = props;
    this.gateway = new Ec2TransitGateway(this, "tgw", {
      amazonSideAsn: config.amazonSideAsn,
      defaultRouteTableAssociation: "disable",
      defaultRouteTablePropagation: "disable",
      description: `Transit gateway ${config.name}: segments ${config.segments.map((s) => s.name).join(", ")}`,
      tags: { Name: config.name },
    });
    for (const segment of config.segments) {
      this.routeTables.set(
        segment.name,
        new Ec2TransitGatewayRouteTable(this, `rt-${segment.name}`, {
          transitGatewayId: this.gateway.id,
          tags: { Name: `${config.name}-${segment.name}` },
        }),
      );
    }
    const others = [...props.vpcs.values()].flatMap((v) => (v.otherAccount ? [v.otherAccount] : []));
    if (others.length > 0)
      this.share = new TransitShare(this, "share", {
        name: config.name,
        gatewayArn: this.gateway.arn,
        accounts: others,
        outsideOrganization: config.shareOutsideOrganization === true,
      });
    if (props.attach !== false)
      for (const { vpc, segment } of config.attachments) attachVpc(this, this, props, vpc, segment, this.share);
    staticRoutes(this, this, config, (vpc) => (props.attach === false ? vpc === undefined : true));
  }
}

/**
 * The attachment of `vpc` to the gateway `core` with its association, its propagations and the
 * routes of the VPC's route tables to the blocks it reaches, made in `scope`; `share` is the RAM
 * share when it is in the same stack (in another, the stack's dependency orders them).
 */
export function attachVpc(
  scope: Construct,
  core: TransitGatewayCore,
  props: TransitGatewayNetworkProps,
  vpc: string,
  segment: string,
  share: TransitShare | undefined,
): void {
  const config = props.gateway;
  const net = props.vpcs.get(vpc)!;
  const other = net.otherAccount;
  const attachment = new Ec2TransitGatewayVpcAttachment(scope, `att-${vpc}`, {
    transitGatewayId: core.gateway.id,
    vpcId: net.vpcId,
    subnetIds: [...net.subnetIds],
    // A VPC owner cannot set these on a shared gateway: its accepter does.
    ...(other
      ? { provider: other.provider, ...(share ? { dependsOn: share.dependencies(other.key) } : {}) }
      : { transitGatewayDefaultRouteTableAssociation: false, transitGatewayDefaultRouteTablePropagation: false }),
    ...(net.ipv6 ? { ipv6Support: "enable" } : {}),
    tags: { Name: `${config.name}-${vpc}` },
  });
  core.attachments.set(vpc, attachment);
  const accepter =
    other &&
    new Ec2TransitGatewayVpcAttachmentAccepter(scope, `accept-${vpc}`, {
      transitGatewayAttachmentId: attachment.id,
      transitGatewayDefaultRouteTableAssociation: false,
      transitGatewayDefaultRouteTablePropagation: false,
      tags: { Name: `${config.name}-${vpc}` },
    });
  const attachmentId = accepter ? accepter.transitGatewayAttachmentId : attachment.id;
  const ready: TerraformResource = accepter ?? attachment;
  core.attachmentIds.set(vpc, attachmentId);
  new Ec2TransitGatewayRouteTableAssociation(scope, `assoc-${vpc}`, {
    transitGatewayAttachmentId: attachmentId,
    transitGatewayRouteTableId: core.routeTables.get(segment)!.id,
  });
  for (const table of config.segments.filter((s) => segmentReaches(config.segments, s.name, segment))) {
    new Ec2TransitGatewayRouteTablePropagation(scope, `prop-${vpc}-${table.name}`, {
      transitGatewayAttachmentId: attachmentId,
      transitGatewayRouteTableId: core.routeTables.get(table.name)!.id,
    });
  }
  (props.routed.get(vpc) ?? []).forEach((block) =>
    net.routeTableIds.forEach((routeTableId, az) => {
      new Route(scope, `${vpc}-${az}-to-${block.id}`, {
        routeTableId,
        ...(block.ipv4 !== undefined ? { destinationCidrBlock: block.ipv4 } : { destinationIpv6CidrBlock: block.ipv6 }),
        transitGatewayId: core.gateway.id,
        // AWS refuses a route to a transit gateway the VPC is not attached to yet.
        dependsOn: [ready],
        ...(other ? { provider: other.provider } : {}),
      });
    }),
  );
}

/**
 * The segments' static and blackhole routes, in config order, made in `scope`: those whose target
 * VPC (undefined for a blackhole) `wanted` accepts; a route to a VPC needs its attachment made first.
 */
export function staticRoutes(
  scope: Construct,
  core: TransitGatewayCore,
  config: TransitGatewayConfig,
  wanted: (vpc: string | undefined) => boolean,
): void {
  for (const segment of config.segments) {
    for (const route of segment.routes) {
      if (!wanted(route.vpc)) continue;
      new Ec2TransitGatewayRoute(scope, `route-${segment.name}-${cidrId(route.destination)}`, {
        transitGatewayRouteTableId: core.routeTables.get(segment.name)!.id,
        destinationCidrBlock: route.destination,
        ...(route.vpc !== undefined
          ? { transitGatewayAttachmentId: core.attachmentIds.get(route.vpc)! }
          : { blackhole: true }),
      });
    }
  }
}
