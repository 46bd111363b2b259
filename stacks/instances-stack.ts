import { Construct } from "constructs";
import { TerraformLocal, TerraformOutput } from "cdktf";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { PeeringConfig, peersOf, VpcConfig } from "../lib/config";
import { withTransitPeers } from "../lib/config/transit";
import { AttachmentClass, attachmentClasses, listedClasses } from "../lib/config/transit-classes";
import { ipv4Blocks } from "../lib/config/shape-checks";
import { PingInstance } from "../lib/constructs/ping-instance";
import { accountOf, Placement, placementKey, placementOf, providerAlias } from "../lib/config/placement";
import { useProvider } from "../lib/constructs/stack-providers";
import { PeeringStackBase } from "./base";
import { NetworkConsumerProps } from "./network-stack";
import { cellConfig } from "./cell-config";

/** Public SSM parameter holding the latest Amazon Linux 2023 AMI, by CPU architecture. */
export const AL2023_AMI_PARAMETER = {
  x86_64: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
  arm64: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
} as const;

/** Graviton instance families (a1, t4g, m7g, c6gn, ...) need the arm64 AMI. */
export function architectureOf(instanceType: string): keyof typeof AL2023_AMI_PARAMETER {
  return /^(a1|[a-z]+\d+g[a-z]*)\./.test(instanceType) ? "arm64" : "x86_64";
}

/** Properties of the instances stack. */
export interface InstancesStackProps extends NetworkConsumerProps {
  /**
   * Admit each instance's peers with one rule listing their blocks rather than one rule resource
   * per peer (see PingInstanceProps.groupedRules).
   * @default false
   */
  readonly groupedRules?: boolean;
  /**
   * The VPCs whose instances this stack holds, a cell of a network split into cells (lib/plan/cells.ts).
   * @default - every VPC of the config
   */
  readonly vpcs?: readonly string[];
}

/** One SSM-managed instance per VPC, in its first private subnet, pingable from its peers only. */
export class InstancesStack extends PeeringStackBase {
  /** The instances by VPC name. */
  readonly instances = new Map<string, PingInstance>();

  constructor(scope: Construct, id: string, props: InstancesStackProps) {
    super(scope, id, props);
    const { config, network } = props;
    const arch = architectureOf(config.instanceType);
    // The AMI parameter and the partition, read once per (account, region) the instances are in.
    const lookups = new Map<string, { ami: DataAwsSsmParameter; partition: DataAwsPartition }>();
    const lookupsIn = (placement: Placement) => {
      const key = placementKey(placement);
      let found = lookups.get(key);
      if (!found) {
        const alias = providerAlias(config, placement);
        const suffix = alias === undefined ? "" : `-${alias}`;
        const provider = this.providers.of(placement);
        found = {
          ami: new DataAwsSsmParameter(this, `ami-${arch}${suffix}`, { provider, name: AL2023_AMI_PARAMETER[arch] }),
          partition: new DataAwsPartition(this, `partition${suffix}`, { provider }),
        };
        lookups.set(key, found);
      }
      return found;
    };
    const lists = props.groupedRules ? new ClassLists(this, config) : undefined;
    /** Where each instance is, beside its id, for ping: only for those not in the default provider's account and region. */
    const located = new Map<string, { region: string; role_arn?: string }>();
    for (const vpc of cellConfig(config, props.vpcs).vpcs) {
      const net = network.vpcs.get(vpc.name)!;
      const placement = placementOf(vpc);
      const { ami, partition } = lookupsIn(placement);
      if (providerAlias(config, placement) !== undefined) {
        const account = accountOf(config, placement);
        located.set(vpc.name, { region: placement.region, ...(account ? { role_arn: account.roleArn } : {}) });
      }
      const admitted = withTransitPeers(config, vpc.name, peersOf(config, vpc.name));
      const classes = lists?.admitting(vpc.name, admitted);
      const peers = classes ? admitted.filter((p) => !classes.covered.has(p.name)) : admitted;
      const instance = new PingInstance(this, `instance-${vpc.name}`, {
        name: vpc.name,
        vpcId: net.vpc.id,
        subnetId: net.privateSubnets[0].id,
        pingFrom: Object.fromEntries(peers.map((p) => [p.name, p.cidr])),
        secondaryPingFrom: Object.fromEntries(
          peers.filter((p) => p.secondaryCidrs).map((p) => [p.name, p.secondaryCidrs!]),
        ),
        ipv6PingFrom: vpc.ipv6
          ? Object.fromEntries(
              admitted.filter((p) => p.ipv6).map((p) => [p.name, network.vpcs.get(p.name)!.ipv6CidrBlock!]),
            )
          : {},
        ipv6: vpc.ipv6,
        ami: ami.insecureValue,
        instanceType: config.instanceType,
        ssmPolicyArn: `arn:${partition.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
        groupedRules: props.groupedRules,
        ...(classes ? { pingFromLists: classes.lists } : {}),
      });
      useProvider(instance, this.providers.of(placement));
      this.instances.set(vpc.name, instance);
    }
    new TerraformOutput(this, "instances", {
      // Instances outside the default provider's account and region also carry region and role_arn.
      description: "Instance id, private IP and Terraform address by VPC name (read by npm run ping)",
      value: Object.fromEntries(
        [...this.instances].map(([name, { instance }]) => [
          name,
          {
            id: instance.id,
            private_ip: instance.privateIp,
            address: `aws_instance.${instance.friendlyUniqueId}`,
            ...located.get(name),
          },
        ]),
      ),
    });
  }
}

/**
 * The IPv4 blocks of each attachment class (lib/config/transit-classes.ts) as a local value, made
 * when an instance first admits the class: a large transit network's instances admit whole classes
 * with one rule each, the list written once, instead of every reached block in every instance's rule.
 */
class ClassLists {
  private readonly classes: readonly AttachmentClass[];
  private readonly locals = new Map<string, TerraformLocal>();

  constructor(
    private readonly stack: InstancesStack,
    private readonly config: PeeringConfig,
  ) {
    this.classes = attachmentClasses(config);
  }

  /**
   * The classes `name`'s instance admits with one list each (listedClasses), as lists by class key,
   * and the VPCs they cover.
   */
  admitting(name: string, admitted: readonly VpcConfig[]): { lists: Record<string, string[]>; covered: Set<string> } {
    const lists: Record<string, string[]> = {};
    const covered = new Set<string>();
    for (const { key, vpcs } of listedClasses(this.classes, name, new Set(admitted.map((v) => v.name)))) {
      lists[key] = this.localOf(key, vpcs).asList;
      for (const v of vpcs) covered.add(v);
    }
    return { lists, covered };
  }

  private localOf(key: string, vpcs: readonly string[]): TerraformLocal {
    let local = this.locals.get(key);
    if (!local) {
      const byName = new Map(this.config.vpcs.map((v) => [v.name, v]));
      local = new TerraformLocal(
        this.stack,
        `ping-sources_${key}`,
        vpcs.flatMap((v) => ipv4Blocks(byName.get(v)!)),
      );
      this.locals.set(key, local);
    }
    return local;
  }
}
