import { Construct } from "constructs";
import { Fn, TerraformOutput } from "cdktf";
import { DataAwsAvailabilityZones } from "@cdktf/provider-aws/lib/data-aws-availability-zones";
import { VpcConfig } from "../lib/config";
import { PeeringVpc } from "../lib/constructs/peering-vpc";
import { placementKey, placementOf, providerAlias } from "../lib/config/placement";
import { useProvider } from "../lib/constructs/stack-providers";
import { hasSsmEndpoints } from "../lib/config/shape-checks";
import { PeeringStackBase, AppStackProps } from "./base";
import { cellConfig } from "./cell-config";

/** The VPCs of a network by config name: those of the network stack, or of all its cells. */
export interface VpcLookup {
  readonly vpcs: ReadonlyMap<string, PeeringVpc>;
}

/** Properties of a stack built on the VPCs of the network stack or its cells. */
export interface NetworkConsumerProps extends AppStackProps {
  /** The VPCs, wherever they are. */
  readonly network: VpcLookup;
}

/** Properties of the network stack. */
export interface NetworkStackProps extends AppStackProps {
  /**
   * The VPCs of this stack, a cell of a network split into cells (lib/plan/cells.ts).
   * @default - every VPC of the config
   */
  readonly vpcs?: readonly string[];
}

/** The VPCs: subnets, gateways and route tables, one PeeringVpc per configured VPC. */
export class NetworkStack extends PeeringStackBase implements VpcLookup {
  /** The VPCs by config name. */
  readonly vpcs = new Map<string, PeeringVpc>();

  /**
   * Ensures the backend and stops there. cdktf prepares a stack by resolving every element once to
   * find its references to other stacks before it resolves them again to write them, but a network
   * stack references none (the others reference it: their own preparing adds its outputs), so that
   * first pass would find nothing; it is a fifth of a 1,000-VPC network's synth time. The stacks
   * written are the same, byte for byte (every snapshot, and the synth tests of split networks).
   */
  override prepareStack(): void {
    this.ensureBackendExists();
  }

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    const config = cellConfig(props.config, props.vpcs);
    // One AZ data source per (account, region): an AZ name means another physical AZ in each
    // account, and an account may lack AZs another has.
    const azsByPlacement = new Map<string, DataAwsAvailabilityZones>();
    const widest = new Map<string, VpcConfig>();
    for (const vpc of config.vpcs) {
      const key = placementKey(placementOf(vpc));
      const before = widest.get(key);
      if (!before || vpc.maxAzs > before.maxAzs) widest.set(key, vpc);
    }
    for (const vpc of config.vpcs) {
      const placement = placementOf(vpc);
      const key = placementKey(placement);
      if (azsByPlacement.has(key)) continue;
      const alias = providerAlias(config, placement);
      // AZs are picked by index at plan time: a region with fewer AZs than asked for must fail the
      // plan, not make Fn.element wrap around and put two subnets of a VPC in one AZ.
      const { name, maxAzs } = widest.get(key)!;
      const where =
        placement.account === undefined
          ? `Region ${placement.region}`
          : `Region ${placement.region} in account ${placement.account}`;
      azsByPlacement.set(
        key,
        new DataAwsAvailabilityZones(this, alias === undefined ? "azs" : `azs-${alias}`, {
          provider: this.providers.of(placement),
          state: "available",
          lifecycle: {
            postcondition: [
              {
                condition: `\${length(self.names) >= ${maxAzs}}`,
                errorMessage: `${where} has \${length(self.names)} available AZs, but VPC ${name} asks for ${maxAzs} (maxAzs): lower maxAzs to at most the region's AZ count, or pick a region with more AZs.`,
              },
            ],
          },
        }),
      );
    }
    for (const vpc of config.vpcs) {
      const placement = placementOf(vpc);
      const azs = azsByPlacement.get(placementKey(placement))!;
      const net = new PeeringVpc(this, `vpc-${vpc.name}`, {
        name: vpc.name,
        cidrBlock: vpc.cidr,
        availabilityZones: Array.from({ length: vpc.maxAzs }, (_, az) => Fn.element(azs.names, az)),
        natGateways: config.natGateways,
        ipv6: vpc.ipv6,
        secondaryCidrBlocks: vpc.secondaryCidrs,
        vpnConnections: vpc.vpnConnections,
        ssmEndpoints: hasSsmEndpoints(config),
        region: vpc.region,
        transitSubnets: (config.transitGateways ?? []).some((t) => t.attachments.some((a) => a.vpc === vpc.name)),
      });
      useProvider(net, this.providers.of(placement));
      this.vpcs.set(vpc.name, net);
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
