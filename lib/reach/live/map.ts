import type {
  NetworkAcl as Ec2NetworkAcl,
  Route as Ec2Route,
  RouteTable as Ec2RouteTable,
  SecurityGroup as Ec2SecurityGroup,
  SecurityGroupRule as Ec2SecurityGroupRule,
  Tag,
} from "@aws-sdk/client-ec2";
import { ModelBuilder, NACL_RULE_NUMBERS } from "../build";
import { type Cidr, type Family, parseAddress, parseCidr } from "../cidr";
import {
  type GatewayKind,
  type Model,
  type NaclRule,
  ReachInputError,
  type Route,
  type RouteTarget,
  type SgRule,
  type VpcBlock,
} from "../model";
import type { Snapshot } from "./read";
import { liveTransit } from "./transit-map";
import { protocolNumber } from "../protocols";

/** Peering states in which the connection no longer exists; the others (active, pending-acceptance, ...) are kept with their status. */
const GONE_PEERING_STATES = new Set(["deleted", "deleting", "rejected", "failed", "expired"]);

/** Route targets other than a peering and the local route, by the field EC2 reports them in. */
const ROUTE_TARGET_FIELDS: readonly (readonly [keyof Ec2Route, GatewayKind])[] = [
  ["NatGatewayId", "NAT gateway"],
  ["EgressOnlyInternetGatewayId", "egress-only internet gateway"],
  ["TransitGatewayId", "transit gateway"],
  ["NetworkInterfaceId", "network interface"],
  ["InstanceId", "network interface"],
  ["CarrierGatewayId", "gateway"],
  ["LocalGatewayId", "gateway"],
  ["CoreNetworkArn", "gateway"],
];

/**
 * The live loader's mapping: EC2's descriptions of one or more targets into reach's Model, through
 * the same ModelBuilder the Terraform loader uses. AWS ids are the keys (a peering seen from both
 * of its regions or accounts is one peering); an instance is "<Name tag>/<id>". Pure: no API call.
 * A missing field leaves its part out (with a warning where the analysis loses something); a value
 * EC2 could never report (a malformed CIDR) is a ReachInputError naming the resource.
 */
export function liveModel(snapshots: readonly Snapshot[], tags: Readonly<Record<string, string>> = {}): Model {
  return new LiveMapper(snapshots, tags).map();
}

class LiveMapper {
  private readonly builder = new ModelBuilder();
  private readonly added = new Set<string>();
  /** The default network ACL of each VPC. */
  private readonly defaultAcls = new Map<string, string>();

  constructor(
    private readonly snapshots: readonly Snapshot[],
    private readonly tags: Readonly<Record<string, string>>,
  ) {}

  map(): Model {
    for (const s of this.snapshots) this.vpcs(s);
    for (const s of this.snapshots) this.subnets(s);
    for (const s of this.snapshots) this.gateways(s);
    for (const s of this.snapshots) for (const table of s.routeTables) this.routeTable(table);
    for (const s of this.snapshots) this.peerings(s);
    for (const s of this.snapshots) this.securityGroups(s);
    for (const s of this.snapshots) for (const acl of s.networkAcls) this.networkAcl(acl);
    this.defaultAclAssociations();
    for (const s of this.snapshots) this.instances(s);
    const transit = liveTransit(this.snapshots, (finding) => this.builder.warn(finding));
    const model = this.builder.build();
    return transit ? { ...model, transit } : model;
  }

  /** Whether an id is new (not yet added from this or another target); remembers it. */
  private first(kind: string, id: string | undefined): id is string {
    if (!id) return false;
    const key = `${kind} ${id}`;
    if (this.added.has(key)) return false;
    this.added.add(key);
    return true;
  }

  private vpcs(s: Snapshot): void {
    for (const vpc of s.vpcs) {
      const id = vpc.VpcId;
      if (!this.first("vpc", id)) continue;
      const ipv4: VpcBlock[] = (vpc.CidrBlockAssociationSet ?? [])
        .filter((a) => associated(a.CidrBlockState?.State) && a.CidrBlock)
        .map((a) => ({
          cidr: cidrOf(id, a.CidrBlock as string, "ipv4"),
          source: a.CidrBlock === vpc.CidrBlock ? id : `${id} ${a.AssociationId ?? a.CidrBlock}`,
        }));
      if (ipv4.length === 0 && vpc.CidrBlock) ipv4.push({ cidr: cidrOf(id, vpc.CidrBlock, "ipv4"), source: id });
      const ipv6: VpcBlock[] = (vpc.Ipv6CidrBlockAssociationSet ?? [])
        .filter((a) => associated(a.Ipv6CidrBlockState?.State) && a.Ipv6CidrBlock)
        .map((a) => ({
          cidr: cidrOf(id, a.Ipv6CidrBlock as string, "ipv6"),
          source: `${id} ${a.AssociationId ?? a.Ipv6CidrBlock}`,
        }));
      this.builder.addVpc({ address: id, stack: s.label, region: s.region, ipv4, ipv6 });
    }
  }

  private subnets(s: Snapshot): void {
    for (const subnet of s.subnets) {
      const id = subnet.SubnetId;
      if (!subnet.VpcId || !this.builder.vpc(subnet.VpcId) || !this.first("subnet", id)) continue;
      const ipv6 = (subnet.Ipv6CidrBlockAssociationSet ?? []).find(
        (a) => associated(a.Ipv6CidrBlockState?.State) && a.Ipv6CidrBlock,
      )?.Ipv6CidrBlock;
      this.builder.addSubnet({
        address: id,
        vpc: subnet.VpcId,
        ipv4: subnet.CidrBlock ? cidrOf(id, subnet.CidrBlock, "ipv4") : undefined,
        ipv6: ipv6 ? cidrOf(id, ipv6, "ipv6") : undefined,
        assignIpv6OnCreation: subnet.AssignIpv6AddressOnCreation === true,
      });
    }
  }

  private gateways(s: Snapshot): void {
    const attachedVpc = (attachments: readonly { VpcId?: string; State?: string }[] | undefined): string | undefined =>
      attachments?.find((a) => a.VpcId && ["attached", "available", "attaching"].includes(a.State ?? "attached"))
        ?.VpcId;
    for (const igw of s.internetGateways) {
      if (this.first("gateway", igw.InternetGatewayId))
        this.builder.addGateway({
          address: igw.InternetGatewayId,
          kind: "internet gateway",
          vpc: attachedVpc(igw.Attachments),
        });
    }
    for (const nat of s.natGateways) {
      if (nat.State === "deleted" || nat.State === "deleting") continue;
      if (this.first("gateway", nat.NatGatewayId))
        this.builder.addGateway({ address: nat.NatGatewayId, kind: "NAT gateway", vpc: nat.VpcId });
    }
    for (const vgw of s.vpnGateways) {
      if (this.first("gateway", vgw.VpnGatewayId))
        this.builder.addGateway({
          address: vgw.VpnGatewayId,
          kind: "VPN gateway",
          vpc: attachedVpc(vgw.VpcAttachments),
        });
    }
  }

  private routeTable(table: Ec2RouteTable): void {
    const id = table.RouteTableId;
    if (!table.VpcId || !this.builder.vpc(table.VpcId) || !this.first("route table", id)) return;
    const label = labelOf(id, table.Tags);
    const routes = (table.Routes ?? []).flatMap((route) => this.route(label, route));
    this.builder.addRouteTable({ address: id, label, vpc: table.VpcId, routes });
    for (const association of table.Associations ?? []) {
      if (!associated(association.AssociationState?.State)) continue;
      const source = association.RouteTableAssociationId ?? `${id}'s association`;
      if (association.Main) {
        this.builder.addMainRouteTableAssociation({ source, from: table.VpcId, to: id });
      } else if (association.SubnetId && this.builder.subnet(association.SubnetId)) {
        this.builder.addRouteTableAssociation({ source, from: association.SubnetId, to: id });
      }
    }
  }

  private route(label: string, route: Ec2Route): Route[] {
    const text = route.DestinationCidrBlock ?? route.DestinationIpv6CidrBlock;
    if (!text) {
      this.builder.warn({
        resource: label,
        message: route.DestinationPrefixListId
          ? `the route to the prefix list ${route.DestinationPrefixListId} is not modeled; it is ignored`
          : "EC2 reports a route without a destination; it is ignored",
      });
      return [];
    }
    const source = `${label}: route to ${text}`;
    const destination = cidrOf(source, text, route.DestinationCidrBlock ? "ipv4" : "ipv6");
    const target = routeTarget(route);
    if (!target) {
      this.builder.warn({
        resource: source,
        message: "EC2 reports no target for this route; it is taken to leave the VPC",
      });
    }
    return [
      {
        source,
        destination,
        target: target ?? { kind: "gateway", gateway: "an unnamed target", gatewayKind: "gateway" },
        ...(route.State === "blackhole" ? { blackhole: true } : {}),
      },
    ];
  }

  private peerings(s: Snapshot): void {
    for (const p of s.peerings) {
      const id = p.VpcPeeringConnectionId;
      const status = p.Status?.Code ?? "unknown";
      if (!id || GONE_PEERING_STATES.has(status)) continue;
      const requester = p.RequesterVpcInfo;
      const accepter = p.AccepterVpcInfo;
      if (!requester?.VpcId || !accepter?.VpcId) {
        this.builder.warn({ resource: id, message: `EC2 reports the peering without both of its VPCs; it is ignored` });
        continue;
      }
      if (!this.first("peering", id)) continue;
      const region = requester.Region ?? s.region;
      const peerRegion = accepter.Region ?? s.region;
      this.builder.addPeering({
        address: id,
        region,
        requesterVpc: requester.VpcId,
        accepterVpc: accepter.VpcId,
        peerRegion,
        peerRegionSet: peerRegion !== region,
        peerOwnerId: accepter.OwnerId !== requester.OwnerId ? accepter.OwnerId : undefined,
        autoAccept: false,
        accepters: [],
        status,
      });
    }
  }

  private securityGroups(s: Snapshot): void {
    const rulesOf = new Map<string, Ec2SecurityGroupRule[]>();
    for (const rule of s.securityGroupRules) {
      if (!rule.GroupId) continue;
      const list = rulesOf.get(rule.GroupId) ?? [];
      list.push(rule);
      rulesOf.set(rule.GroupId, list);
    }
    for (const group of s.securityGroups) this.securityGroup(s, group, rulesOf.get(group.GroupId ?? "") ?? []);
  }

  private securityGroup(s: Snapshot, group: Ec2SecurityGroup, rules: readonly Ec2SecurityGroupRule[]): void {
    const id = group.GroupId;
    if (!this.first("security group", id)) return;
    this.builder.addSecurityGroup({
      address: id,
      label: group.GroupName ? `${id} (${group.GroupName})` : id,
      vpc: group.VpcId,
      region: s.region,
      rules: rules.flatMap((rule) => this.sgRule(id, rule)),
    });
  }

  private sgRule(group: string, rule: Ec2SecurityGroupRule): SgRule[] {
    const source = rule.SecurityGroupRuleId ? `${rule.SecurityGroupRuleId} of ${group}` : `a rule of ${group}`;
    const protocol = protocolOf(rule.IpProtocol);
    if (protocol === undefined) {
      this.builder.warn({
        resource: source,
        message: `protocol ${JSON.stringify(rule.IpProtocol)} is not one reach knows; the rule is ignored`,
      });
      return [];
    }
    if (rule.PrefixListId) {
      this.builder.warn({
        resource: source,
        message: `prefix lists are not modeled; ${rule.PrefixListId} matches no instance`,
      });
    }
    const referenced = rule.ReferencedGroupInfo?.GroupId;
    return [
      {
        source,
        egress: rule.IsEgress === true,
        protocol,
        fromPort: rule.FromPort ?? -1,
        toPort: rule.ToPort ?? -1,
        cidrs: [
          ...(rule.CidrIpv4 ? [cidrOf(source, rule.CidrIpv4, "ipv4")] : []),
          ...(rule.CidrIpv6 ? [cidrOf(source, rule.CidrIpv6, "ipv6")] : []),
        ],
        groups: referenced ? [referenced] : [],
        self: referenced === group,
      },
    ];
  }

  private networkAcl(acl: Ec2NetworkAcl): void {
    const id = acl.NetworkAclId;
    if (!acl.VpcId || !this.builder.vpc(acl.VpcId) || !this.first("network ACL", id)) return;
    const name = acl.Tags?.find((t) => t.Key === "Name")?.Value;
    const label = [name, acl.IsDefault ? `the default ACL of ${acl.VpcId}` : undefined].filter(Boolean).join(", ");
    const rules: NaclRule[] = [];
    for (const entry of acl.Entries ?? []) {
      const number = entry.RuleNumber;
      // 32767 is the final deny-all entry EC2 lists; the analysis applies it to whatever no rule matched.
      if (number === NACL_RULE_NUMBERS.max + 1) continue;
      const source = `${id} ${entry.Egress ? "egress" : "ingress"} rule ${number ?? "without a number"}`;
      const text = entry.CidrBlock ?? entry.Ipv6CidrBlock;
      const protocol = protocolOf(entry.Protocol);
      if (
        number === undefined ||
        !text ||
        protocol === undefined ||
        !["allow", "deny"].includes(entry.RuleAction ?? "")
      ) {
        this.builder.warn({
          resource: source,
          message: "EC2 reports the entry without its number, block, protocol or action; it is ignored",
        });
        continue;
      }
      rules.push({
        source,
        egress: entry.Egress === true,
        ruleNo: number,
        allow: entry.RuleAction === "allow",
        protocol,
        cidr: cidrOf(source, text, entry.CidrBlock ? "ipv4" : "ipv6"),
        icmpType: entry.IcmpTypeCode?.Type ?? -1,
        icmpCode: entry.IcmpTypeCode?.Code ?? -1,
      });
    }
    this.builder.addNetworkAcl({ address: id, label: label ? `${id} (${label})` : id, vpc: acl.VpcId, rules });
    for (const association of acl.Associations ?? []) {
      if (
        association.SubnetId &&
        this.builder.subnet(association.SubnetId) &&
        this.first("ACL association", association.SubnetId)
      )
        this.builder.addNetworkAclAssociation({
          source: association.NetworkAclAssociationId ?? `${id}'s association`,
          from: association.SubnetId,
          to: id,
        });
    }
    if (acl.IsDefault) this.defaultAcls.set(acl.VpcId, id);
  }

  /** A subnet EC2 lists in no ACL's associations uses its VPC's default ACL, as on AWS. */
  private defaultAclAssociations(): void {
    for (const s of this.snapshots) {
      for (const subnet of s.subnets) {
        const id = subnet.SubnetId;
        const acl = subnet.VpcId ? this.defaultAcls.get(subnet.VpcId) : undefined;
        if (acl && id && this.builder.subnet(id) && this.first("ACL association", id))
          this.builder.addNetworkAclAssociation({ source: `the default ACL of ${subnet.VpcId}`, from: id, to: acl });
      }
    }
  }

  private instances(s: Snapshot): void {
    const wanted = Object.entries(this.tags);
    for (const instance of s.instances) {
      const id = instance.InstanceId;
      if (!id || !wanted.every(([key, value]) => tagOf(instance.Tags, key) === value)) continue;
      if (!this.first("instance", id)) continue;
      const name = tagOf(instance.Tags, "Name");
      const address = name ? `${name}/${id}` : id;
      // The primary network interface carries the instance's subnet, address and security groups.
      const interfaces = instance.NetworkInterfaces ?? [];
      const primary = interfaces.find((n) => n.Attachment?.DeviceIndex === 0) ?? interfaces[0];
      const subnet = primary?.SubnetId ?? instance.SubnetId;
      if (!subnet || !this.builder.subnet(subnet)) {
        this.builder.warn({
          resource: address,
          message: subnet
            ? `is in ${subnet}, which EC2 did not list with its VPC; the instance is left out`
            : "has no subnet (EC2 reports none); the instance is left out",
        });
        continue;
      }
      const groups = primary ? (primary.Groups ?? []) : (instance.SecurityGroups ?? []);
      const ipv4 = primary?.PrivateIpAddress ?? instance.PrivateIpAddress;
      const ipv6 = instance.Ipv6Address ?? primary?.Ipv6Addresses?.find((a) => a.Ipv6Address)?.Ipv6Address;
      this.builder.addInstance({
        address,
        stack: s.label,
        subnet,
        securityGroups: groups.flatMap((g) => (g.GroupId ? [g.GroupId] : [])),
        ipv4: ipv4 ? addressOf(address, ipv4, "ipv4") : undefined,
        ipv6: ipv6 ? addressOf(address, ipv6, "ipv6") : undefined,
        wantsIpv6: ipv6 !== undefined,
        tags: Object.fromEntries((instance.Tags ?? []).flatMap((t) => (t.Key ? [[t.Key, t.Value ?? ""]] : []))),
      });
    }
  }
}

function routeTarget(route: Ec2Route): RouteTarget | undefined {
  if (route.GatewayId === "local") return { kind: "local" };
  if (route.VpcPeeringConnectionId) return { kind: "peering", peering: route.VpcPeeringConnectionId };
  if (route.GatewayId) {
    const id = route.GatewayId;
    const kind: GatewayKind = id.startsWith("igw-")
      ? "internet gateway"
      : id.startsWith("vgw-")
        ? "VPN gateway"
        : id.startsWith("vpce-")
          ? "VPC endpoint"
          : "gateway";
    return { kind: "gateway", gateway: id, gatewayKind: kind };
  }
  for (const [field, kind] of ROUTE_TARGET_FIELDS) {
    const value = route[field];
    if (typeof value === "string" && value !== "") return { kind: "gateway", gateway: value, gatewayKind: kind };
  }
  return undefined;
}

/** An association or block state that still holds; a missing state is taken as associated. */
function associated(state: string | undefined): boolean {
  return state === undefined || state === "associated";
}

function protocolOf(text: string | undefined): number | undefined {
  return text === undefined ? undefined : protocolNumber(text);
}

function cidrOf(source: string, text: string, family: Family): Cidr {
  const cidr = parseCidr(text);
  if (typeof cidr === "string" || cidr.family !== family)
    throw new ReachInputError(
      `${source}: EC2 reports ${JSON.stringify(text)}, which is not an ${family === "ipv4" ? "IPv4" : "IPv6"} CIDR block`,
    );
  return cidr;
}

function addressOf(source: string, text: string, family: Family): bigint {
  const parsed = parseAddress(text);
  if (!parsed || parsed.family !== family)
    throw new ReachInputError(
      `${source}: EC2 reports ${JSON.stringify(text)} as its address, which is not an ${family === "ipv4" ? "IPv4" : "IPv6"} address`,
    );
  return parsed.value;
}

function tagOf(tags: readonly Tag[] | undefined, key: string): string | undefined {
  return tags?.find((t) => t.Key === key)?.Value;
}

function labelOf(id: string, tags: readonly Tag[] | undefined): string {
  const name = tagOf(tags, "Name");
  return name ? `${id} (${name})` : id;
}
