import { Construct } from "constructs";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { SSM_ENDPOINT_SERVICES } from "../core/aws-limits";
import { cidrId } from "../plan/vpc-cidr";

/** The HTTPS port the SSM agent talks to its endpoints on. */
export const HTTPS_PORT = 443;

/** The service name of an AWS service's interface endpoint in a region: "com.amazonaws.eu-west-1.ssm" ("cn.com.amazonaws..." in China). */
export function endpointServiceName(region: string, service: string): string {
  return `${region.startsWith("cn-") ? "cn." : ""}com.amazonaws.${region}.${service}`;
}

/** Properties of SsmEndpoints. */
export interface SsmEndpointsProps {
  /** Name of the VPC, used in tags. */
  readonly name: string;
  /** Id of the VPC. */
  readonly vpcId: string;
  /** Region of the VPC. */
  readonly region: string;
  /** Subnets that get an endpoint network interface: one per AZ. */
  readonly subnetIds: readonly string[];
  /** IPv4 blocks admitted to the endpoints on HTTPS: the VPC's own blocks. */
  readonly allowFrom: readonly string[];
}

/**
 * Interface VPC endpoints for the services the SSM agent needs (ssm, ssmmessages, ec2messages),
 * with private DNS, so instances without a NAT gateway stay managed; their security group admits
 * HTTPS from the VPC's blocks only.
 */
export class SsmEndpoints extends Construct {
  /** The endpoints' security group. */
  readonly securityGroup: SecurityGroup;
  /** The endpoints by service ("ssm", "ssmmessages", "ec2messages"). */
  readonly endpoints = new Map<string, VpcEndpoint>();

  constructor(scope: Construct, id: string, props: SsmEndpointsProps) {
    super(scope, id);
    this.securityGroup = new SecurityGroup(this, "sg", {
      namePrefix: `${props.name}-ssm-endpoints-`,
      description: `HTTPS to the SSM endpoints from VPC ${props.name}`,
      vpcId: props.vpcId,
      tags: { Name: `${props.name}-ssm-endpoints` },
      lifecycle: { createBeforeDestroy: true },
    });
    for (const cidr of props.allowFrom) {
      new VpcSecurityGroupIngressRule(this, `https-from-${cidrId(cidr)}`, {
        securityGroupId: this.securityGroup.id,
        description: `HTTPS from ${cidr} of VPC ${props.name}`,
        ipProtocol: "tcp",
        fromPort: HTTPS_PORT,
        toPort: HTTPS_PORT,
        cidrIpv4: cidr,
      });
    }
    for (const service of SSM_ENDPOINT_SERVICES) {
      this.endpoints.set(
        service,
        new VpcEndpoint(this, service, {
          vpcId: props.vpcId,
          serviceName: endpointServiceName(props.region, service),
          vpcEndpointType: "Interface",
          privateDnsEnabled: true,
          subnetIds: [...props.subnetIds],
          securityGroupIds: [this.securityGroup.id],
          tags: { Name: `${props.name}-${service}` },
        }),
      );
    }
  }
}
