import { Construct } from "constructs";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SecurityGroupRule } from "@cdktf/provider-aws/lib/security-group-rule";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { DEFAULT_INSTANCE_TYPE } from "../config";
import { cidrId } from "../plan/vpc-cidr";

/** ICMP type of an echo request. */
export const ICMP_ECHO_REQUEST = 8;
/** ICMPv6 type of an echo request. */
export const ICMPV6_ECHO_REQUEST = 128;

/**
 * The root volume, spelled out: Amazon Linux 2023's snapshot is 8 GiB of gp3. AWS would take the
 * size from the AMI, but a launch request that sets `encrypted` without a size leaves it to the
 * API to fill in, and an explicit size and type keep later plans from depending on it.
 */
export const ROOT_VOLUME = { sizeGiB: 8, type: "gp3" } as const;

const EC2_ASSUME_ROLE = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

/** Properties of a PingInstance. */
export interface PingInstanceProps {
  /** Name of the VPC the instance lives in, used in tags. */
  readonly name: string;
  /** Id of that VPC. */
  readonly vpcId: string;
  /** Private subnet to launch into. */
  readonly subnetId: string;
  /** Peer VPC name to its IPv4 block: ICMP echo is allowed from these blocks only. */
  readonly pingFrom: Readonly<Record<string, string>>;
  /**
   * Peer VPC name to its secondary IPv4 blocks: ICMP echo is allowed from these too.
   * @default - none
   */
  readonly secondaryPingFrom?: Readonly<Record<string, readonly string[]>>;
  /**
   * Peer VPC name to its IPv6 block (a token): ICMPv6 echo is allowed from these.
   * @default - none
   */
  readonly ipv6PingFrom?: Readonly<Record<string, string>>;
  /**
   * Give the instance one IPv6 address and let IPv6 out.
   * @default false
   */
  readonly ipv6?: boolean;
  /** AMI id. */
  readonly ami: string;
  /**
   * EC2 instance type.
   * @default "t3.nano"
   */
  readonly instanceType?: string;
  /** ARN of the AmazonSSMManagedInstanceCore managed policy in this partition. */
  readonly ssmPolicyArn: string;
  /**
   * Admit all peers with one aws_security_group_rule listing their blocks (and allow egress with
   * another) instead of one aws_vpc_security_group_*_rule per peer: a large mesh's instances
   * stack then holds seven resources per VPC however many peers it has. Terraform plans a list
   * of blocks in a rule far faster than per-peer resources or inline `ingress` blocks (a set of
   * objects), but replaces the rule when the list changes.
   * @default false
   */
  readonly groupedRules?: boolean;
  /**
   * With groupedRules: named lists of IPv4 blocks (tokens of lists the stack holds once, such as a
   * local value), each admitted with a rule of its own, `ping-from-<name>`, beside the rule of
   * the pingFrom blocks. Names are construct ids, so they must not change with the lists.
   * @default - none
   */
  readonly pingFromLists?: Readonly<Record<string, string[]>>;
}

/**
 * An SSM-managed instance without a public address, whose own security group admits
 * ICMP echo requests from the peered VPCs' blocks only and lets everything out.
 */
export class PingInstance extends Construct {
  /** The instance. */
  readonly instance: Instance;
  /** Its security group. */
  readonly securityGroup: SecurityGroup;
  /** Its IAM role, trusted by EC2, with SSM's managed policy attached. */
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: PingInstanceProps) {
    super(scope, id);

    const pingFrom = Object.entries(props.pingFrom);
    const egressDescription = "Echo requests to peers, and HTTPS to the SSM endpoints through the NAT gateway";
    this.securityGroup = new SecurityGroup(this, "sg", {
      namePrefix: `${props.name}-ping-`,
      description: `ICMP echo from the VPCs peered with ${props.name}`,
      vpcId: props.vpcId,
      tags: { Name: `${props.name}-ping` },
      lifecycle: { createBeforeDestroy: true },
    });
    const secondary = Object.entries(props.secondaryPingFrom ?? {});
    const ipv6From = Object.entries(props.ipv6PingFrom ?? {});
    if (props.groupedRules) {
      const blocks = [...pingFrom.map(([, cidr]) => cidr), ...secondary.flatMap(([, cidrs]) => cidrs)];
      const echoFrom = (id: string, description: string, cidrBlocks: string[]) =>
        new SecurityGroupRule(this, id, {
          securityGroupId: this.securityGroup.id,
          type: "ingress",
          description,
          protocol: "icmp",
          fromPort: ICMP_ECHO_REQUEST,
          toPort: -1,
          cidrBlocks,
        });
      if (blocks.length > 0) echoFrom("ping-from-peers", `ICMP echo from the VPCs peered with ${props.name}`, blocks);
      for (const [name, list] of Object.entries(props.pingFromLists ?? {}))
        echoFrom(`ping-from-${name}`, `ICMP echo from the VPCs of attachment class ${name} (gateway_segment)`, list);
      if (ipv6From.length > 0) {
        new SecurityGroupRule(this, "ping6-from-peers", {
          securityGroupId: this.securityGroup.id,
          type: "ingress",
          description: `ICMPv6 echo from the VPCs peered with ${props.name}`,
          protocol: "icmpv6",
          fromPort: ICMPV6_ECHO_REQUEST,
          toPort: -1,
          ipv6CidrBlocks: ipv6From.map(([, cidr]) => cidr),
        });
      }
      new SecurityGroupRule(this, "egress-all", {
        securityGroupId: this.securityGroup.id,
        type: "egress",
        description: egressDescription,
        protocol: "-1",
        fromPort: 0,
        toPort: 0,
        cidrBlocks: ["0.0.0.0/0"],
        ...(props.ipv6 ? { ipv6CidrBlocks: ["::/0"] } : {}),
      });
    } else {
      for (const [peer, cidr] of pingFrom) {
        new VpcSecurityGroupIngressRule(this, `ping-from-${peer}`, {
          securityGroupId: this.securityGroup.id,
          description: `ICMP echo from ${peer}`,
          ipProtocol: "icmp",
          fromPort: ICMP_ECHO_REQUEST,
          toPort: -1,
          cidrIpv4: cidr,
        });
      }
      for (const [peer, cidrs] of secondary) {
        for (const cidr of cidrs) {
          new VpcSecurityGroupIngressRule(this, `ping-from-${peer}-${cidrId(cidr)}`, {
            securityGroupId: this.securityGroup.id,
            description: `ICMP echo from ${peer} (${cidr})`,
            ipProtocol: "icmp",
            fromPort: ICMP_ECHO_REQUEST,
            toPort: -1,
            cidrIpv4: cidr,
          });
        }
      }
      for (const [peer, cidr] of ipv6From) {
        new VpcSecurityGroupIngressRule(this, `ping6-from-${peer}`, {
          securityGroupId: this.securityGroup.id,
          description: `ICMPv6 echo from ${peer}`,
          ipProtocol: "icmpv6",
          fromPort: ICMPV6_ECHO_REQUEST,
          toPort: -1,
          cidrIpv6: cidr,
        });
      }
      new VpcSecurityGroupEgressRule(this, "egress-all", {
        securityGroupId: this.securityGroup.id,
        description: egressDescription,
        ipProtocol: "-1",
        cidrIpv4: "0.0.0.0/0",
      });
      if (props.ipv6) {
        new VpcSecurityGroupEgressRule(this, "egress-all-ipv6", {
          securityGroupId: this.securityGroup.id,
          description: "IPv6 echo requests to peers",
          ipProtocol: "-1",
          cidrIpv6: "::/0",
        });
      }
    }

    this.role = new IamRole(this, "role", {
      namePrefix: `${props.name}-ping-`,
      assumeRolePolicy: EC2_ASSUME_ROLE,
      tags: { Name: `${props.name}-ping` },
    });
    new IamRolePolicyAttachment(this, "ssm-core", { role: this.role.name, policyArn: props.ssmPolicyArn });
    const profile = new IamInstanceProfile(this, "profile", {
      namePrefix: `${props.name}-ping-`,
      role: this.role.name,
    });

    this.instance = new Instance(this, "instance", {
      ami: props.ami,
      instanceType: props.instanceType ?? DEFAULT_INSTANCE_TYPE,
      subnetId: props.subnetId,
      vpcSecurityGroupIds: [this.securityGroup.id],
      iamInstanceProfile: profile.name,
      associatePublicIpAddress: false,
      ...(props.ipv6 ? { ipv6AddressCount: 1 } : {}),
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required" },
      rootBlockDevice: { encrypted: true, volumeSize: ROOT_VOLUME.sizeGiB, volumeType: ROOT_VOLUME.type },
      tags: { Name: `${props.name}-ping` },
    });
  }
}
