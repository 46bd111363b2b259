import { Construct } from "constructs";
import { Fn } from "cdktf";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { planTransitSubnets, transitIpv6Netnum } from "../plan/transit-subnets";

/** Properties of a VPC's transit gateway attachment subnets. */
export interface TransitSubnetsProps {
  /** The VPC's name, for tags. */
  readonly name: string;
  readonly vpcId: string;
  /** The VPC's primary block, which the subnets are cut from (lib/plan/transit-subnets.ts). */
  readonly cidrBlock: string;
  /** One AZ name (or token) per AZ, as the VPC's other subnets have them. */
  readonly availabilityZones: readonly string[];
  /**
   * The VPC's IPv6 /56, when it has one: each subnet gets a /64 of it, so that the attachment can carry IPv6.
   * @default - IPv4 only
   */
  readonly ipv6CidrBlock?: string;
}

/**
 * A /28 per AZ at the end of the VPC's primary block for its transit gateway attachments, and one
 * route table of their own (the local route only): what comes out of a transit gateway goes to the
 * VPC's own addresses, and nothing the VPC sends is routed by this table.
 */
export class TransitSubnets extends Construct {
  /** The subnets, one per AZ in AZ order. */
  readonly subnets: Subnet[];
  readonly routeTable: RouteTable;

  constructor(scope: Construct, id: string, props: TransitSubnetsProps) {
    super(scope, id);
    const plan = planTransitSubnets(props.cidrBlock, props.availabilityZones.length);
    if (!plan)
      throw new Error(
        `TransitSubnets ${id}: "${props.cidrBlock}" has no room for a /28 attachment subnet per AZ after its other subnets`,
      );
    this.routeTable = new RouteTable(this, "rt", { vpcId: props.vpcId, tags: { Name: `${props.name}-tgw` } });
    this.subnets = plan.map((cidrBlock, az) => {
      const subnet = new Subnet(this, `subnet-${az}`, {
        vpcId: props.vpcId,
        cidrBlock,
        availabilityZone: props.availabilityZones[az],
        ...(props.ipv6CidrBlock ? { ipv6CidrBlock: Fn.cidrsubnet(props.ipv6CidrBlock, 8, transitIpv6Netnum(az)) } : {}),
        tags: { Name: `${props.name}-tgw-${az}`, Tier: "transit" },
      });
      new RouteTableAssociation(this, `rta-${az}`, { subnetId: subnet.id, routeTableId: this.routeTable.id });
      return subnet;
    });
  }
}
