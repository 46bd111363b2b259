import { Construct } from "constructs";
import { Fn, TerraformOutput } from "cdktf";
import { DataAwsAvailabilityZones } from "@cdktf/provider-aws/lib/data-aws-availability-zones";
import { PeeringVpc } from "../lib/network";
import { hasSsmEndpoints, regionOf } from "../lib/shape-checks";
import { PeeringStackBase, AppStackProps } from "./base";

/** Properties of a stack built on the VPCs of the network stack. */
export interface NetworkConsumerProps extends AppStackProps {
  /** The stack holding the VPCs. */
  readonly network: NetworkStack;
}

/** The VPCs: subnets, gateways and route tables, one PeeringVpc per configured VPC. */
export class NetworkStack extends PeeringStackBase {
  /** The VPCs by config name. */
  readonly vpcs = new Map<string, PeeringVpc>();

  constructor(scope: Construct, id: string, props: AppStackProps) {
    super(scope, id, props);
    const { config } = props;
    // AZs are picked by index at plan time: a region with fewer AZs than asked for must fail the
    // plan, not make Fn.element wrap around and put two subnets of a VPC in one AZ.
    const widest = config.vpcs.reduce((w, v) => (v.maxAzs > w.maxAzs ? v : w));
    const azs = new DataAwsAvailabilityZones(this, "azs", {
      state: "available",
      lifecycle: {
        postcondition: [
          {
            condition: `\${length(self.names) >= ${widest.maxAzs}}`,
            errorMessage: `Region ${config.region} has \${length(self.names)} available AZs, but VPC ${widest.name} asks for ${widest.maxAzs} (maxAzs): lower maxAzs to at most the region's AZ count, or pick a region with more AZs.`,
          },
        ],
      },
    });
    for (const vpc of config.vpcs) {
      this.vpcs.set(
        vpc.name,
        new PeeringVpc(this, `vpc-${vpc.name}`, {
          name: vpc.name,
          cidrBlock: vpc.cidr,
          availabilityZones: Array.from({ length: vpc.maxAzs }, (_, az) => Fn.element(azs.names, az)),
          natGateways: config.natGateways,
          ipv6: vpc.ipv6,
          secondaryCidrBlocks: vpc.secondaryCidrs,
          vpnConnections: vpc.vpnConnections,
          ssmEndpoints: hasSsmEndpoints(config),
          region: regionOf(config, vpc),
        }),
      );
    }
    const byName = <T>(pick: (v: PeeringVpc) => T) => Object.fromEntries([...this.vpcs].map(([n, v]) => [n, pick(v)]));
    new TerraformOutput(this, "vpc_ids", { value: byName((v) => v.vpc.id), description: "VPC id by config name" });
    new TerraformOutput(this, "private_subnet_ids", {
      value: byName((v) => v.privateSubnets.map((s) => s.id)),
      description: "Private subnet ids by VPC name, one per AZ",
    });
    new TerraformOutput(this, "private_route_table_ids", {
      value: byName((v) => v.privateRouteTables.map((t) => t.id)),
      description: "Private route table ids by VPC name, one per AZ",
    });
    new TerraformOutput(this, "natgw_ids", {
      value: byName((v) => v.natGateways.map((n) => n.id)),
      description: "NAT gateway ids by VPC name",
    });
  }
}
