import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { PeeringVpc } from "../lib/network";
import { PeeringSide, VpcPeering } from "../lib/vpc-peering";
import { PeeringStackBase } from "./base";
import { NetworkConsumerProps } from "./network-stack";

/** One peering connection per configured pair, with routes from every private route table both ways. */
export class PeeringStack extends PeeringStackBase {
  /** The peerings by "requester_accepter". */
  readonly peerings = new Map<string, VpcPeering>();

  constructor(scope: Construct, id: string, props: NetworkConsumerProps) {
    super(scope, id, props);
    const side = (name: string, net: PeeringVpc): PeeringSide => ({
      name,
      vpcId: net.vpc.id,
      cidrBlock: net.cidrBlock,
      routeTableIds: net.privateRouteTables.map((t) => t.id),
      secondaryCidrBlocks: net.secondaryCidrBlocks,
      ipv6CidrBlock: net.ipv6CidrBlock,
    });
    for (const [a, b] of props.config.peerings) {
      const key = `${a}_${b}`;
      this.peerings.set(
        key,
        new VpcPeering(this, `peering-${key}`, {
          requester: side(a, props.network.vpcs.get(a)!),
          accepter: side(b, props.network.vpcs.get(b)!),
        }),
      );
    }
    new TerraformOutput(this, "vpc_peering_ids", {
      description: 'Peering connection id by "requester_accepter" VPC names',
      value: Object.fromEntries([...this.peerings].map(([key, p]) => [key, p.connection.id])),
    });
  }
}
