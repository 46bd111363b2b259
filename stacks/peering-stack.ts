import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { PeeringVpc } from "../lib/constructs/peering-vpc";
import { accountOf, placementOf, sameAccount } from "../lib/config/placement";
import { PeeringSide, VpcPeering } from "../lib/constructs/vpc-peering";
import { PeeringStackBase } from "./base";
import { NetworkConsumerProps } from "./network-stack";

/** Properties of a peering stack. */
export interface PeeringStackProps extends NetworkConsumerProps {
  /**
   * The [requester, accepter] pairs this stack holds (one shard of a large mesh).
   * @default - every peering of the config
   */
  readonly peerings?: readonly (readonly [string, string])[];
}

/** One peering connection per configured pair, with routes from every private route table both ways. */
export class PeeringStack extends PeeringStackBase {
  /** The peerings by "requester_accepter". */
  readonly peerings = new Map<string, VpcPeering>();
  /**
   * The credentials' own account id, read by the default provider: the peer owner of a peering
   * that a named account requests from a VPC of the own account.
   * @default - none, when no peering needs it
   */
  private caller?: DataAwsCallerIdentity;

  constructor(scope: Construct, id: string, props: PeeringStackProps) {
    super(scope, id, props);
    const { config } = props;
    const vpcs = new Map(config.vpcs.map((v) => [v.name, v]));
    const dns = new Set((config.dnsResolution ?? []).map(([a, b]) => `${a}_${b}`));
    // One side per VPC, made once: each id read from the network stack is a new token, and a
    // VPC of a large mesh takes part in up to 125 peerings.
    const sides = new Map<string, PeeringSide>();
    const side = (name: string): PeeringSide => {
      let made = sides.get(name);
      if (!made) {
        const net: PeeringVpc = props.network.vpcs.get(name)!;
        made = {
          name,
          vpcId: net.vpc.id,
          cidrBlock: net.cidrBlock,
          routeTableIds: net.privateRouteTables.map((t) => t.id),
          secondaryCidrBlocks: net.secondaryCidrBlocks,
          ipv6CidrBlock: net.ipv6CidrBlock,
          provider: this.providers.ofVpc(name),
        };
        sides.set(name, made);
      }
      return made;
    };
    for (const [a, b] of props.peerings ?? config.peerings) {
      const key = `${a}_${b}`;
      const where = { requester: placementOf(vpcs.get(a)!), accepter: placementOf(vpcs.get(b)!) };
      this.peerings.set(
        key,
        new VpcPeering(this, `peering-${key}`, {
          requester: side(a),
          accepter: side(b),
          peerRegion: where.requester.region === where.accepter.region ? undefined : where.accepter.region,
          peerOwnerId: sameAccount(config, where.requester, where.accepter)
            ? undefined
            : (accountOf(config, where.accepter)?.accountId ?? this.callerAccountId()),
          dnsResolution: dns.has(key),
        }),
      );
    }
    new TerraformOutput(this, "vpc_peering_ids", {
      description: 'Peering connection id by "requester_accepter" VPC names',
      value: Object.fromEntries([...this.peerings].map(([key, p]) => [key, p.connection.id])),
    });
  }

  /** The credentials' own account id (data.aws_caller_identity of the default provider). */
  private callerAccountId(): string {
    this.caller ??= new DataAwsCallerIdentity(this, "caller");
    return this.caller.accountId;
  }
}
