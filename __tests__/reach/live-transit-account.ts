/**
 * A network reach loaded from Terraform, as EC2's Describe calls would report it once deployed:
 * every VPC, subnet, route table, gateway, security group, network ACL and instance under an
 * AWS-style id, and the transit gateways with what AWS makes of them. SearchTransitGatewayRoutes
 * lists the static routes and, as AWS installs them, a propagated route for each CIDR block of
 * each attached VPC propagating into the table (IPv6 blocks only where the attachment supports
 * IPv6). For the live loader's tests: the fake EC2 (live-account.ts) serves it.
 */
import type { Tag } from "@aws-sdk/client-ec2";
import { defaultNetworkAclKey, defaultRouteTableKey } from "../../lib/reach/build";
import { formatAddress } from "../../lib/reach/cidr";
import type { Model, RouteTarget } from "../../lib/reach/model";
import { effectiveAssociations, effectivePropagations } from "../../lib/reach/transit";
import { type Account, NO_TRANSIT_GATEWAYS, OWNER } from "./live-account";

/** The account, and the AWS id each Terraform address was given. */
export interface DeployedAccount {
  readonly account: Account;
  readonly idOf: ReadonlyMap<string, string>;
}

/** `model` as EC2 would report it after a deploy. */
export function deployedAccount(model: Model): DeployedAccount {
  const idOf = new Map<string, string>();
  const counters = new Map<string, number>();
  const id = (prefix: string, address: string): string => {
    const known = idOf.get(address);
    if (known) return known;
    const n = (counters.get(prefix) ?? 0) + 1;
    counters.set(prefix, n);
    const made = `${prefix}-${n.toString(16).padStart(8, "0")}`;
    idOf.set(address, made);
    return made;
  };
  const name = (address: string): Tag[] => [{ Key: "Name", Value: address }];
  const net = model.transit;
  const account: Account = {
    vpcs: [...model.vpcs.values()].map((vpc) => ({
      VpcId: id("vpc", vpc.address),
      OwnerId: OWNER,
      State: "available",
      CidrBlock: vpc.ipv4[0]?.cidr.text,
      CidrBlockAssociationSet: vpc.ipv4.map((b, i) => ({
        AssociationId: `vpc-cidr-assoc-${i}`,
        CidrBlock: b.cidr.text,
        CidrBlockState: { State: "associated" },
      })),
      Ipv6CidrBlockAssociationSet: vpc.ipv6.map((b, i) => ({
        AssociationId: `vpc-cidr-assoc-6-${i}`,
        Ipv6CidrBlock: b.cidr.text,
        Ipv6CidrBlockState: { State: "associated" },
      })),
    })),
    subnets: [...model.subnets.values()].map((subnet) => {
      const zone = net?.subnetZones.get(subnet.address);
      return {
        SubnetId: id("subnet", subnet.address),
        VpcId: id("vpc", subnet.vpc),
        CidrBlock: subnet.ipv4?.text,
        ...(subnet.ipv6
          ? {
              Ipv6CidrBlockAssociationSet: [
                { Ipv6CidrBlock: subnet.ipv6.text, Ipv6CidrBlockState: { State: "associated" as const } },
              ],
            }
          : {}),
        AssignIpv6AddressOnCreation: subnet.assignIpv6OnCreation,
        // An opaque zone name: two subnets are in one zone exactly when reach read them so.
        ...(zone ? { AvailabilityZone: zone } : {}),
      };
    }),
    routeTables: [...model.routeTables.values()].map((table) => ({
      RouteTableId: id("rtb", table.address),
      VpcId: id("vpc", table.vpc),
      Tags: name(table.address),
      Routes: table.routes.map((route) => ({
        [route.destination.family === "ipv4" ? "DestinationCidrBlock" : "DestinationIpv6CidrBlock"]:
          route.destination.text,
        ...routeTarget(route.target, id),
        State: route.blackhole ? ("blackhole" as const) : ("active" as const),
      })),
      Associations: [
        ...[
          ...model.mainRouteTableAssociations,
          // A VPC's implicit main route table is its main table on AWS.
          ...(table.address === defaultRouteTableKey(table.vpc) ? [{ to: table.address }] : []),
        ]
          .filter((a) => a.to === table.address)
          .map((a) => ({
            Main: true,
            RouteTableId: id("rtb", a.to),
            AssociationState: { State: "associated" as const },
          })),
        ...model.routeTableAssociations
          .filter((a) => a.to === table.address)
          .map((a) => ({
            Main: false,
            RouteTableId: id("rtb", a.to),
            SubnetId: id("subnet", a.from),
            AssociationState: { State: "associated" as const },
          })),
      ],
    })),
    peerings: [],
    securityGroups: [...model.securityGroups.values()].map((group) => ({
      GroupId: id("sg", group.address),
      GroupName: group.address,
      VpcId: group.vpc && id("vpc", group.vpc),
      OwnerId: OWNER,
    })),
    securityGroupRules: [...model.securityGroups.values()].flatMap((group) =>
      group.rules.flatMap((rule) => {
        const base = {
          GroupId: id("sg", group.address),
          IsEgress: rule.egress,
          IpProtocol: String(rule.protocol),
          FromPort: rule.fromPort,
          ToPort: rule.toPort,
        };
        return [
          ...rule.cidrs.map((cidr) => ({
            ...base,
            [cidr.family === "ipv4" ? "CidrIpv4" : "CidrIpv6"]: cidr.text,
          })),
          ...[...rule.groups, ...(rule.self ? [group.address] : [])].map((other) => ({
            ...base,
            ReferencedGroupInfo: { GroupId: id("sg", other) },
          })),
        ];
      }),
    ),
    networkAcls: [...model.networkAcls.values()].map((acl) => ({
      NetworkAclId: id("acl", acl.address),
      VpcId: id("vpc", acl.vpc),
      IsDefault: acl.address === defaultNetworkAclKey(acl.vpc),
      Entries: acl.rules.map((rule) => ({
        RuleNumber: rule.ruleNo,
        Egress: rule.egress,
        RuleAction: rule.allow ? ("allow" as const) : ("deny" as const),
        Protocol: String(rule.protocol),
        [rule.cidr.family === "ipv4" ? "CidrBlock" : "Ipv6CidrBlock"]: rule.cidr.text,
        ...(rule.icmpType !== -1 || rule.icmpCode !== -1
          ? { IcmpTypeCode: { Type: rule.icmpType, Code: rule.icmpCode } }
          : {}),
      })),
      Associations: model.networkAclAssociations
        .filter((a) => a.to === acl.address)
        .map((a) => ({ NetworkAclId: id("acl", a.to), SubnetId: id("subnet", a.from) })),
    })),
    internetGateways: [...model.gateways.values()]
      .filter((g) => g.kind === "internet gateway")
      .map((g) => ({
        InternetGatewayId: id("igw", g.address),
        Attachments: g.vpc ? [{ VpcId: id("vpc", g.vpc), State: "attached" as const }] : [],
      })),
    natGateways: [...model.gateways.values()]
      .filter((g) => g.kind === "NAT gateway")
      .map((g) => ({ NatGatewayId: id("nat", g.address), VpcId: g.vpc && id("vpc", g.vpc), State: "available" })),
    vpnGateways: [],
    instances: [...model.instances.values()].map((instance) => {
      const subnet = model.subnets.get(instance.subnet);
      const groups = instance.securityGroups.map((g) => ({ GroupId: id("sg", g) }));
      const ipv4 = instance.ipv4 !== undefined ? formatAddress("ipv4", instance.ipv4) : undefined;
      return {
        InstanceId: id("i", instance.address),
        State: { Code: 16, Name: "running" as const },
        SubnetId: id("subnet", instance.subnet),
        VpcId: subnet && id("vpc", subnet.vpc),
        PrivateIpAddress: ipv4,
        SecurityGroups: groups,
        Tags: Object.entries(instance.tags).map(([Key, Value]) => ({ Key, Value })),
      };
    }),
    ...structuredClone(NO_TRANSIT_GATEWAYS),
  };
  if (!net) return { account, idOf };
  for (const gateway of net.gateways.values())
    account.transitGateways.push({
      TransitGatewayId: id("tgw", gateway.address),
      State: "available",
      OwnerId: OWNER,
      Tags: name(gateway.address),
      Options: {
        DefaultRouteTableAssociation: gateway.defaultAssociation ? "enable" : "disable",
        DefaultRouteTablePropagation: gateway.defaultPropagation ? "enable" : "disable",
      },
    });
  for (const att of net.vpcAttachments.values())
    account.transitVpcAttachments.push({
      TransitGatewayAttachmentId: id("tgw-attach", att.address),
      TransitGatewayId: id("tgw", att.gateway),
      VpcId: id("vpc", att.vpc),
      VpcOwnerId: OWNER,
      State: "available",
      SubnetIds: att.subnets.map((s) => id("subnet", s)),
      Options: {
        Ipv6Support: att.ipv6 ? "enable" : "disable",
        ApplianceModeSupport: att.applianceMode ? "enable" : "disable",
      },
      Tags: name(att.address),
    });
  for (const table of net.routeTables.values())
    account.transitRouteTables.push({
      TransitGatewayRouteTableId: id("tgw-rtb", table.address),
      TransitGatewayId: id("tgw", table.gateway),
      State: "available",
      Tags: name(table.address),
    });
  for (const link of effectiveAssociations(net))
    account.transitAssociations.push({
      TransitGatewayRouteTableId: id("tgw-rtb", link.routeTable),
      TransitGatewayAttachmentId: id("tgw-attach", link.attachment),
      ResourceType: "vpc",
      State: "associated",
    });
  for (const link of effectivePropagations(net)) {
    const table = id("tgw-rtb", link.routeTable);
    const attachment = id("tgw-attach", link.attachment);
    account.transitPropagations.push({
      TransitGatewayRouteTableId: table,
      TransitGatewayAttachmentId: attachment,
      ResourceType: "vpc",
      State: "enabled",
    });
    const att = net.vpcAttachments.get(link.attachment);
    const vpc = att && model.vpcs.get(att.vpc);
    for (const block of vpc ? [...vpc.ipv4, ...(att.ipv6 ? vpc.ipv6 : [])] : [])
      account.transitRoutes.push({
        TransitGatewayRouteTableId: table,
        DestinationCidrBlock: block.cidr.text,
        Type: "propagated",
        State: "active",
        TransitGatewayAttachments: [{ TransitGatewayAttachmentId: attachment, ResourceType: "vpc" }],
      });
  }
  for (const route of net.routes)
    account.transitRoutes.push({
      TransitGatewayRouteTableId: id("tgw-rtb", route.routeTable),
      DestinationCidrBlock: route.destination.text,
      Type: "static",
      State: route.blackhole ? "blackhole" : "active",
      ...(route.attachment
        ? { TransitGatewayAttachments: [{ TransitGatewayAttachmentId: id("tgw-attach", route.attachment) }] }
        : {}),
    });
  return { account, idOf };
}

/** The Route fields EC2 names a route's target in. */
function routeTarget(target: RouteTarget, id: (prefix: string, address: string) => string): Record<string, string> {
  if (target.kind === "local") return { GatewayId: "local" };
  if (target.kind === "peering") return { VpcPeeringConnectionId: id("pcx", target.peering) };
  switch (target.gatewayKind) {
    case "internet gateway":
      return { GatewayId: id("igw", target.gateway) };
    case "NAT gateway":
      return { NatGatewayId: id("nat", target.gateway) };
    case "transit gateway":
      return { TransitGatewayId: id("tgw", target.gateway) };
    default:
      return { GatewayId: id("gw", target.gateway) };
  }
}
