import { Construct } from "constructs";
import { Fn } from "cdktf";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { EgressOnlyInternetGateway } from "@cdktf/provider-aws/lib/egress-only-internet-gateway";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcIpv4CidrBlockAssociation } from "@cdktf/provider-aws/lib/vpc-ipv4-cidr-block-association";
import { NatMode, VpnConnectionConfig } from "../config";
import { SsmEndpoints } from "./ssm-endpoints";
import { ipv6SubnetNetnum, planSecondarySubnets, planSubnets } from "../plan/subnets";
import { cidrId } from "../plan/vpc-cidr";
import { SiteToSiteVpn } from "./site-to-site-vpn";
import { TransitSubnets } from "./transit-subnets";

/** Bits between a VPC's IPv6 /56 and a subnet's /64. */
const IPV6_SUBNET_BITS = 8;

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
  /**
   * Give the VPC an Amazon-provided IPv6 /56, each subnet a /64 of it, instances in the private
   * subnets an IPv6 address at launch, and IPv6 default routes (egress-only gateway for private subnets).
   * @default false
   */
  readonly ipv6?: boolean;
  /**
   * Secondary IPv4 blocks, associated with the VPC, each with a private subnet per AZ that uses that AZ's private route table.
   * @default - none
   */
  readonly secondaryCidrBlocks?: readonly string[];
  /**
   * Site-to-Site VPN connections by name, through a VPN gateway whose routes propagate into the private route tables.
   * @default - none
   */
  readonly vpnConnections?: Readonly<Record<string, VpnConnectionConfig>>;
  /**
   * Interface endpoints for SSM (ssm, ssmmessages, ec2messages) in the private subnets.
   * @default false
   */
  readonly ssmEndpoints?: boolean;
  /**
   * The VPC's region, for the endpoints' service names.
   * @default - required when ssmEndpoints is true
   */
  readonly region?: string;
  /**
   * A /28 per AZ for transit gateway attachments, with a route table of its own (lib/constructs/transit-subnets.ts).
   * @default false
   */
  readonly transitSubnets?: boolean;
}

/**
 * A VPC with a public and a private subnet per AZ, an internet gateway, NAT gateways,
 * one route table per subnet and a default security group stripped of every rule; optionally
 * IPv6, secondary IPv4 blocks, Site-to-Site VPN connections and SSM interface endpoints.
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
  /** The VPC's IPv6 block (a token, known after apply), when it has one. */
  readonly ipv6CidrBlock?: string;
  /** The egress-only internet gateway of the private subnets' IPv6 traffic, when the VPC has IPv6. */
  readonly egressOnlyInternetGateway?: EgressOnlyInternetGateway;
  /** Secondary IPv4 blocks, known at synth time, in config order. */
  readonly secondaryCidrBlocks: readonly string[];
  /** The associations of the secondary blocks, in config order. */
  readonly cidrBlockAssociations: VpcIpv4CidrBlockAssociation[] = [];
  /** Private subnets of the secondary blocks: per block in config order, one per AZ. */
  readonly secondarySubnets: Subnet[] = [];
  /** The VPN gateway and its connections, when the VPC has any. */
  readonly vpn?: SiteToSiteVpn;
  /** The SSM interface endpoints, when the VPC has them. */
  readonly ssmEndpoints?: SsmEndpoints;
  /** The transit gateway attachment subnets, when the VPC is attached to one. */
  readonly transitSubnets?: TransitSubnets;

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

    this.secondaryCidrBlocks = props.secondaryCidrBlocks ?? [];
    const secondaryPlans = this.secondaryCidrBlocks.map((cidr) => {
      const plan = planSecondarySubnets(cidr, props.availabilityZones.length);
      if (!plan) {
        throw new Error(
          `PeeringVpc ${id}: secondary block "${cidr}" cannot hold a private subnet in each of ${props.availabilityZones.length} AZs: use a larger block or fewer AZs`,
        );
      }
      return { cidr, plan };
    });
    if (props.ssmEndpoints && !props.region) throw new Error(`PeeringVpc ${id}: ssmEndpoints needs the VPC's region`);

    this.vpc = new Vpc(this, "vpc", {
      cidrBlock: props.cidrBlock,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      ...(props.ipv6 ? { assignGeneratedIpv6CidrBlock: true } : {}),
      tags: { Name: props.name },
    });
    if (props.ipv6) {
      this.ipv6CidrBlock = this.vpc.ipv6CidrBlock;
      this.egressOnlyInternetGateway = new EgressOnlyInternetGateway(this, "eigw", {
        vpcId: this.vpc.id,
        tags: { Name: props.name },
      });
    }
    const ipv6Of = (tier: "public" | "private", az: number) =>
      this.ipv6CidrBlock
        ? { ipv6CidrBlock: Fn.cidrsubnet(this.ipv6CidrBlock, IPV6_SUBNET_BITS, ipv6SubnetNetnum(tier, az)) }
        : {};
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
        ...ipv6Of("public", az),
        tags: { Name: `${props.name}-public-${az}`, Tier: "public" },
      });
      const publicRt = this.routeTable(`public-${az}`, publicSubnet, props.name);
      new Route(this, `public-${az}-default`, {
        routeTableId: publicRt.id,
        destinationCidrBlock: "0.0.0.0/0",
        gatewayId: this.internetGateway.id,
      });
      if (this.ipv6CidrBlock) {
        new Route(this, `public-${az}-default6`, {
          routeTableId: publicRt.id,
          destinationIpv6CidrBlock: "::/0",
          gatewayId: this.internetGateway.id,
        });
      }
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
        ...ipv6Of("private", az),
        ...(this.ipv6CidrBlock ? { assignIpv6AddressOnCreation: true } : {}),
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
      if (this.egressOnlyInternetGateway) {
        new Route(this, `private-${az}-default6`, {
          routeTableId: privateRt.id,
          destinationIpv6CidrBlock: "::/0",
          egressOnlyGatewayId: this.egressOnlyInternetGateway.id,
        });
      }
      this.privateSubnets.push(privateSubnet);
      this.privateRouteTables.push(privateRt);
    });

    for (const { cidr, plan } of secondaryPlans) {
      const block = cidrId(cidr);
      const association = new VpcIpv4CidrBlockAssociation(this, `cidr-${block}`, {
        vpcId: this.vpc.id,
        cidrBlock: cidr,
      });
      this.cidrBlockAssociations.push(association);
      plan.forEach((subnetCidr, az) => {
        // The association's vpc_id orders the subnet after the block exists.
        const subnet = new Subnet(this, `cidr-${block}-private-${az}`, {
          vpcId: association.vpcId,
          cidrBlock: subnetCidr,
          availabilityZone: props.availabilityZones[az],
          tags: { Name: `${props.name}-private-${az}-${block}`, Tier: "private" },
        });
        new RouteTableAssociation(this, `cidr-${block}-private-${az}-rta`, {
          subnetId: subnet.id,
          routeTableId: this.privateRouteTables[az].id,
        });
        this.secondarySubnets.push(subnet);
      });
    }

    const connections = props.vpnConnections ?? {};
    if (Object.keys(connections).length > 0) {
      this.vpn = new SiteToSiteVpn(this, "vpn", {
        name: props.name,
        vpcId: this.vpc.id,
        routeTableIds: this.privateRouteTables.map((t) => t.id),
        connections,
      });
    }
    if (props.ssmEndpoints) {
      this.ssmEndpoints = new SsmEndpoints(this, "ssm-endpoints", {
        name: props.name,
        vpcId: this.vpc.id,
        region: props.region!,
        subnetIds: this.privateSubnets.map((s) => s.id),
        allowFrom: [props.cidrBlock, ...this.secondaryCidrBlocks],
      });
    }
    if (props.transitSubnets) {
      const { name, cidrBlock, availabilityZones } = props;
      const ipv6 = this.ipv6CidrBlock ? { ipv6CidrBlock: this.ipv6CidrBlock } : {};
      this.transitSubnets = new TransitSubnets(this, "tgw", {
        name,
        vpcId: this.vpc.id,
        cidrBlock,
        availabilityZones,
        ...ipv6,
      });
    }
  }

  private routeTable(id: string, subnet: Subnet, name: string): RouteTable {
    const table = new RouteTable(this, `${id}-rt`, { vpcId: this.vpc.id, tags: { Name: `${name}-${id}` } });
    new RouteTableAssociation(this, `${id}-rta`, { subnetId: subnet.id, routeTableId: table.id });
    return table;
  }
}
