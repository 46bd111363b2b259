import { Construct } from "constructs";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { NatMode } from "./config";
import { planSubnets } from "./subnets";

/** Properties of a PeeringVpc. */
export interface PeeringVpcProps {
  /** Name used in tags, e.g. "a". */
  readonly name: string;
  /** IPv4 block of the VPC, e.g. "10.0.0.0/24". */
  readonly cidrBlock: string;
  /** One AZ name (or token) per AZ that gets a public and a private subnet. */
  readonly availabilityZones: readonly string[];
  /**
   * Where NAT gateways go: one per AZ, one in the first AZ, or none.
   * @default "per-az"
   */
  readonly natGateways?: NatMode;
}

/**
 * A VPC with a public and a private subnet per AZ, an internet gateway, NAT gateways,
 * one route table per subnet and a default security group stripped of every rule.
 */
export class PeeringVpc extends Construct {
  /** The VPC. */
  readonly vpc: Vpc;
  /** IPv4 block of the VPC, known at synth time. */
  readonly cidrBlock: string;
  /** Public subnets, one per AZ. */
  readonly publicSubnets: Subnet[] = [];
  /** Private subnets, one per AZ. */
  readonly privateSubnets: Subnet[] = [];
  /** Route tables of the public subnets, one per AZ. */
  readonly publicRouteTables: RouteTable[] = [];
  /** Route tables of the private subnets, one per AZ. */
  readonly privateRouteTables: RouteTable[] = [];
  /** NAT gateways: one per AZ, one, or none. */
  readonly natGateways: NatGateway[] = [];
  /** The internet gateway of the public subnets. */
  readonly internetGateway: InternetGateway;

  constructor(scope: Construct, id: string, props: PeeringVpcProps) {
    super(scope, id);
    const natMode = props.natGateways ?? "per-az";
    this.cidrBlock = props.cidrBlock;
    const subnets = planSubnets(props.cidrBlock, props.availabilityZones.length);
    if (!subnets) {
      throw new Error(
        `PeeringVpc ${id}: cidrBlock "${props.cidrBlock}" cannot hold a public and a private subnet in each of ${props.availabilityZones.length} AZs: use a larger block or fewer AZs`,
      );
    }

    this.vpc = new Vpc(this, "vpc", {
      cidrBlock: props.cidrBlock,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: props.name },
    });
    new DefaultSecurityGroup(this, "default-sg", {
      vpcId: this.vpc.id,
      tags: { Name: `${props.name}-default (no rules)` },
    });
    this.internetGateway = new InternetGateway(this, "igw", { vpcId: this.vpc.id, tags: { Name: props.name } });

    subnets.forEach((plan, az) => {
      const availabilityZone = props.availabilityZones[az];
      const publicSubnet = new Subnet(this, `public-${az}`, {
        vpcId: this.vpc.id,
        cidrBlock: plan.public,
        availabilityZone,
        mapPublicIpOnLaunch: true,
        tags: { Name: `${props.name}-public-${az}`, Tier: "public" },
      });
      const publicRt = this.routeTable(`public-${az}`, publicSubnet, props.name);
      new Route(this, `public-${az}-default`, {
        routeTableId: publicRt.id,
        destinationCidrBlock: "0.0.0.0/0",
        gatewayId: this.internetGateway.id,
      });
      this.publicSubnets.push(publicSubnet);
      this.publicRouteTables.push(publicRt);

      if (natMode === "per-az" || (natMode === "single" && az === 0)) {
        const eip = new Eip(this, `nat-eip-${az}`, {
          domain: "vpc",
          tags: { Name: `${props.name}-nat-${az}` },
          dependsOn: [this.internetGateway],
        });
        this.natGateways.push(
          new NatGateway(this, `nat-${az}`, {
            allocationId: eip.allocationId,
            subnetId: publicSubnet.id,
            tags: { Name: `${props.name}-${az}` },
            dependsOn: [this.internetGateway],
          }),
        );
      }
    });

    subnets.forEach((plan, az) => {
      const privateSubnet = new Subnet(this, `private-${az}`, {
        vpcId: this.vpc.id,
        cidrBlock: plan.private,
        availabilityZone: props.availabilityZones[az],
        tags: { Name: `${props.name}-private-${az}`, Tier: "private" },
      });
      const privateRt = this.routeTable(`private-${az}`, privateSubnet, props.name);
      const nat = this.natGateways[natMode === "per-az" ? az : 0];
      if (nat) {
        new Route(this, `private-${az}-default`, {
          routeTableId: privateRt.id,
          destinationCidrBlock: "0.0.0.0/0",
          natGatewayId: nat.id,
        });
      }
      this.privateSubnets.push(privateSubnet);
      this.privateRouteTables.push(privateRt);
    });
  }

  private routeTable(id: string, subnet: Subnet, name: string): RouteTable {
    const table = new RouteTable(this, `${id}-rt`, { vpcId: this.vpc.id, tags: { Name: `${name}-${id}` } });
    new RouteTableAssociation(this, `${id}-rta`, { subnetId: subnet.id, routeTableId: table.id });
    return table;
  }
}
