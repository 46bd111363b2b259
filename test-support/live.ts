/**
 * What is really deployed, read through the AWS SDK v3 (against the emulator in the rehearsal),
 * next to what the config means, in one comparable shape: by VPC name, with CIDRs instead of ids
 * and each route's target named by what it is (the NAT gateway of which subnet, the peering of
 * which VPCs). A test compares the two with toEqual and gets a readable diff. Also an inventory of
 * every resource id, to prove that destroy left nothing behind.
 */
import {
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DeleteRouteCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVolumesCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  EC2Client,
  Filter,
  Instance,
  IpPermission,
  RevokeSecurityGroupIngressCommand,
} from "@aws-sdk/client-ec2";
import {
  GetInstanceProfileCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListInstanceProfilesCommand,
  ListRolesCommand,
} from "@aws-sdk/client-iam";
import { PeeringConfig, peersOf } from "../lib/config";
import { DeployedInstance } from "../lib/ping/outputs";
import { ICMP_ECHO_REQUEST, ROOT_VOLUME } from "../lib/constructs/ping-instance";
import { planSubnets } from "../lib/plan/subnets";

/** The tag every resource of the app carries (the provider's default_tags). */
const OURS: Filter[] = [{ Name: "tag:Project", Values: ["peering"] }];
const SSM_POLICY = "AmazonSSMManagedInstanceCore";

/** One VPC as deployed or as meant. */
export interface VpcView {
  readonly cidr: string;
  readonly state: string;
  readonly dnsSupport: boolean;
  readonly dnsHostnames: boolean;
  /** CIDRs of the public subnets, sorted. */
  readonly publicSubnets: readonly string[];
  /** CIDRs of the private subnets, sorted. */
  readonly privateSubnets: readonly string[];
  /** For each available NAT gateway, the CIDR of the subnet it sits in, sorted. */
  readonly natGateways: readonly string[];
  /** By private subnet CIDR: its route table, destination → "local", "nat <subnet>", "peering <a>_<b>", "igw" or an id. */
  readonly privateRoutes: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** How many rules the VPC's default security group still has (ingress and egress). */
  readonly defaultSecurityGroupRules: number;
  /** The ping instance. */
  readonly instance: InstanceView | null;
}

/** The ping instance of a VPC as deployed or as meant. */
export interface InstanceView {
  readonly state: string;
  /** CIDR of its subnet. */
  readonly subnet: string;
  readonly publicIp: string | null;
  /** IMDSv2: "required" */
  readonly httpTokens: string;
  readonly rootVolume: { readonly encrypted: boolean; readonly sizeGiB: number; readonly type: string };
  /** The rules of each security group of its network interface: "icmp 8/-1 from 10.0.1.0/24", "all to 0.0.0.0/0". */
  readonly securityGroups: readonly { readonly ingress: readonly string[]; readonly egress: readonly string[] }[];
  /** Whether its instance profile's role has AmazonSSMManagedInstanceCore. */
  readonly ssmManaged: boolean;
}

/** A whole deployment: VPCs by name, peering status by "requester_accepter". */
export interface DeploymentView {
  readonly vpcs: Readonly<Record<string, VpcView>>;
  readonly peerings: Readonly<Record<string, string>>;
}

/** What the config means, in the shape of DeploymentView. */
export function expectedDeployment(config: PeeringConfig): DeploymentView {
  const vpcs = Object.fromEntries(
    config.vpcs.map((vpc): [string, VpcView] => {
      const plan = planSubnets(vpc.cidr, vpc.maxAzs)!;
      const nats =
        config.natGateways === "none"
          ? []
          : config.natGateways === "single"
            ? [plan[0].public]
            : plan.map((s) => s.public);
      const peers = peersOf(config, vpc.name);
      const peeringOf = (peer: string): string => {
        const [a, b] = config.peerings.find((pair) => pair.includes(peer) && pair.includes(vpc.name))!;
        return `${a}_${b}`;
      };
      const privateRoutes = Object.fromEntries(
        plan.map((s) => [
          s.private,
          {
            [vpc.cidr]: "local",
            ...(nats.length > 0 ? { "0.0.0.0/0": `nat ${config.natGateways === "per-az" ? s.public : nats[0]}` } : {}),
            ...Object.fromEntries(peers.map((p) => [p.cidr, `peering ${peeringOf(p.name)}`])),
          },
        ]),
      );
      return [
        vpc.name,
        {
          cidr: vpc.cidr,
          state: "available",
          dnsSupport: true,
          dnsHostnames: true,
          publicSubnets: plan.map((s) => s.public).sort(),
          privateSubnets: plan.map((s) => s.private).sort(),
          natGateways: [...nats].sort(),
          privateRoutes,
          defaultSecurityGroupRules: 0,
          instance: {
            state: "running",
            subnet: plan[0].private,
            publicIp: null,
            httpTokens: "required",
            rootVolume: { encrypted: true, sizeGiB: ROOT_VOLUME.sizeGiB, type: ROOT_VOLUME.type },
            securityGroups: [
              {
                ingress: peers.map((p) => `icmp ${ICMP_ECHO_REQUEST}/-1 from ${p.cidr}`).sort(),
                egress: ["all to 0.0.0.0/0"],
              },
            ],
            ssmManaged: true,
          },
        },
      ];
    }),
  );
  return { vpcs, peerings: Object.fromEntries(config.peerings.map(([a, b]) => [`${a}_${b}`, "active"])) };
}

/** The AWS clients the live view reads with. */
export interface LiveClients {
  readonly ec2: EC2Client;
  readonly iam: IAMClient;
}

/** The app's deployment as the EC2 and IAM APIs describe it (resources tagged Project=peering). */
export async function liveDeployment({ ec2, iam }: LiveClients): Promise<DeploymentView> {
  const vpcList = (await ec2.send(new DescribeVpcsCommand({ Filters: OURS }))).Vpcs ?? [];
  const nameOfVpc = new Map(vpcList.map((v) => [v.VpcId!, tag(v.Tags, "Name") ?? v.VpcId!]));
  const subnets = (await ec2.send(new DescribeSubnetsCommand({ Filters: OURS }))).Subnets ?? [];
  const cidrOfSubnet = new Map(subnets.map((s) => [s.SubnetId!, s.CidrBlock!]));
  const nats = ((await ec2.send(new DescribeNatGatewaysCommand({ Filter: OURS }))).NatGateways ?? []).filter(
    (n) => n.State === "available",
  );
  const subnetOfNat = new Map(nats.map((n) => [n.NatGatewayId!, cidrOfSubnet.get(n.SubnetId!) ?? n.SubnetId!]));
  const peeringList =
    (await ec2.send(new DescribeVpcPeeringConnectionsCommand({ Filters: OURS }))).VpcPeeringConnections ?? [];
  const live = peeringList.filter((p) => !["deleted", "rejected", "failed", "expired"].includes(p.Status?.Code ?? ""));
  const keyOfPeering = new Map(
    live.map((p) => [
      p.VpcPeeringConnectionId!,
      `${nameOfVpc.get(p.RequesterVpcInfo?.VpcId ?? "")}_${nameOfVpc.get(p.AccepterVpcInfo?.VpcId ?? "")}`,
    ]),
  );
  const tables = (await ec2.send(new DescribeRouteTablesCommand({ Filters: OURS }))).RouteTables ?? [];
  const groups = (await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups ?? [];
  const instances = ((await ec2.send(new DescribeInstancesCommand({ Filters: OURS }))).Reservations ?? [])
    .flatMap((r) => r.Instances ?? [])
    .filter((i) => i.State?.Name !== "terminated");

  const describeRules = (perms: readonly IpPermission[] | undefined, direction: "from" | "to"): string[] =>
    (perms ?? [])
      .flatMap((p) =>
        (p.IpRanges ?? []).map((r) =>
          p.IpProtocol === "-1"
            ? `all ${direction} ${r.CidrIp}`
            : `${p.IpProtocol} ${p.FromPort}/${p.ToPort} ${direction} ${r.CidrIp}`,
        ),
      )
      .sort();
  const target = (route: { GatewayId?: string; NatGatewayId?: string; VpcPeeringConnectionId?: string }): string => {
    if (route.GatewayId === "local") return "local";
    if (route.NatGatewayId) return `nat ${subnetOfNat.get(route.NatGatewayId) ?? route.NatGatewayId}`;
    if (route.VpcPeeringConnectionId)
      return `peering ${keyOfPeering.get(route.VpcPeeringConnectionId) ?? route.VpcPeeringConnectionId}`;
    if (route.GatewayId?.startsWith("igw-")) return "igw";
    return JSON.stringify(route);
  };

  const vpcs: Record<string, VpcView> = {};
  for (const vpc of vpcList) {
    const id = vpc.VpcId!;
    const mine = subnets.filter((s) => s.VpcId === id);
    const tier = (t: string) =>
      mine
        .filter((s) => tag(s.Tags, "Tier") === t)
        .map((s) => s.CidrBlock!)
        .sort();
    const privateRoutes: Record<string, Record<string, string>> = {};
    for (const table of tables.filter((t) => t.VpcId === id)) {
      for (const association of table.Associations ?? []) {
        const cidr = cidrOfSubnet.get(association.SubnetId ?? "");
        if (!cidr || !tier("private").includes(cidr)) continue;
        privateRoutes[cidr] = Object.fromEntries(
          (table.Routes ?? []).map((r) => [r.DestinationCidrBlock ?? "", target(r)]),
        );
      }
    }
    const defaultGroup = groups.find((g) => g.VpcId === id && g.GroupName === "default");
    const instance = instances.find((i) => i.VpcId === id);
    vpcs[nameOfVpc.get(id)!] = {
      cidr: vpc.CidrBlock!,
      state: vpc.State!,
      dnsSupport: await vpcAttribute(ec2, id, "enableDnsSupport"),
      dnsHostnames: await vpcAttribute(ec2, id, "enableDnsHostnames"),
      publicSubnets: tier("public"),
      privateSubnets: tier("private"),
      natGateways: nats
        .filter((n) => n.VpcId === id)
        .map((n) => subnetOfNat.get(n.NatGatewayId!)!)
        .sort(),
      privateRoutes,
      defaultSecurityGroupRules:
        describeRules(defaultGroup?.IpPermissions, "from").length +
        describeRules(defaultGroup?.IpPermissionsEgress, "to").length,
      instance: instance
        ? await instanceView(ec2, iam, instance, cidrOfSubnet, (groupId) => {
            const g = groups.find((x) => x.GroupId === groupId);
            return {
              ingress: describeRules(g?.IpPermissions, "from"),
              egress: describeRules(g?.IpPermissionsEgress, "to"),
            };
          })
        : null,
    };
  }
  return {
    vpcs,
    peerings: Object.fromEntries(
      live.map((p) => [keyOfPeering.get(p.VpcPeeringConnectionId!)!, p.Status?.Code ?? "unknown"]),
    ),
  };
}

async function vpcAttribute(
  ec2: EC2Client,
  vpcId: string,
  attribute: "enableDnsSupport" | "enableDnsHostnames",
): Promise<boolean> {
  const out = await ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: attribute }));
  return Boolean((attribute === "enableDnsSupport" ? out.EnableDnsSupport : out.EnableDnsHostnames)?.Value);
}

/**
 * The instance's security groups are read from its network interface: moto 5.2.1 leaves the
 * instance's own SecurityGroups empty for an instance launched with a network interface spec,
 * which is how the AWS provider launches one. On AWS both agree.
 */
async function instanceView(
  ec2: EC2Client,
  iam: IAMClient,
  instance: Instance,
  cidrOfSubnet: ReadonlyMap<string, string>,
  rulesOf: (groupId: string) => { ingress: string[]; egress: string[] },
): Promise<InstanceView> {
  const mappings = instance.BlockDeviceMappings ?? [];
  const rootId = (mappings.find((b) => b.DeviceName === instance.RootDeviceName) ?? mappings[0])?.Ebs?.VolumeId;
  const [volume] = rootId ? ((await ec2.send(new DescribeVolumesCommand({ VolumeIds: [rootId] }))).Volumes ?? []) : [];
  const eni =
    instance.NetworkInterfaces?.find((n) => n.Attachment?.DeviceIndex === 0) ?? instance.NetworkInterfaces?.[0];
  return {
    state: instance.State?.Name ?? "unknown",
    subnet: cidrOfSubnet.get(instance.SubnetId ?? "") ?? instance.SubnetId ?? "none",
    publicIp: instance.PublicIpAddress ?? eni?.Association?.PublicIp ?? null,
    httpTokens: instance.MetadataOptions?.HttpTokens ?? "unknown",
    rootVolume: {
      encrypted: Boolean(volume?.Encrypted),
      sizeGiB: volume?.Size ?? 0,
      type: volume?.VolumeType ?? "none",
    },
    securityGroups: (eni?.Groups ?? []).map((g) => rulesOf(g.GroupId!)),
    ssmManaged: await hasSsmPolicy(iam, instance.IamInstanceProfile?.Arn),
  };
}

async function hasSsmPolicy(iam: IAMClient, profileArn: string | undefined): Promise<boolean> {
  if (!profileArn) return false;
  const profile = await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: profileArn.split("/").pop()! }));
  for (const role of profile.InstanceProfile?.Roles ?? []) {
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: role.RoleName! }));
    if ((attached.AttachedPolicies ?? []).some((p) => p.PolicyName === SSM_POLICY)) return true;
  }
  return false;
}

/** Every resource id of the kinds the app creates, tagged or not; gone resources (terminated, deleted) are left out. */
export type Inventory = Readonly<Record<string, readonly string[]>>;

/**
 * The ids the account holds now. Network interfaces are listed apart (`networkInterfaces`):
 * moto 5.2.1 never deletes one, not even when its instance or NAT gateway is gone.
 */
export async function inventory({ ec2, iam }: LiveClients): Promise<Inventory> {
  const ids = <T>(items: readonly T[] | undefined, id: (item: T) => string | undefined): string[] =>
    (items ?? [])
      .map(id)
      .filter((x): x is string => Boolean(x))
      .sort();
  const reservations = (await ec2.send(new DescribeInstancesCommand({}))).Reservations ?? [];
  return {
    vpcs: ids((await ec2.send(new DescribeVpcsCommand({}))).Vpcs, (v) => v.VpcId),
    subnets: ids((await ec2.send(new DescribeSubnetsCommand({}))).Subnets, (s) => s.SubnetId),
    routeTables: ids((await ec2.send(new DescribeRouteTablesCommand({}))).RouteTables, (t) => t.RouteTableId),
    internetGateways: ids(
      (await ec2.send(new DescribeInternetGatewaysCommand({}))).InternetGateways,
      (g) => g.InternetGatewayId,
    ),
    securityGroups: ids((await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups, (g) => g.GroupId),
    instances: ids(
      reservations.flatMap((r) => r.Instances ?? []),
      (i) => (i.State?.Name === "terminated" ? undefined : i.InstanceId),
    ),
    volumes: ids((await ec2.send(new DescribeVolumesCommand({}))).Volumes, (v) => v.VolumeId),
    elasticIps: ids((await ec2.send(new DescribeAddressesCommand({}))).Addresses, (a) => a.AllocationId),
    natGateways: ids((await ec2.send(new DescribeNatGatewaysCommand({}))).NatGateways, (n) =>
      n.State === "deleted" ? undefined : n.NatGatewayId,
    ),
    peerings: ids((await ec2.send(new DescribeVpcPeeringConnectionsCommand({}))).VpcPeeringConnections, (p) =>
      ["deleted", "rejected", "failed", "expired"].includes(p.Status?.Code ?? "")
        ? undefined
        : p.VpcPeeringConnectionId,
    ),
    roles: ids((await iam.send(new ListRolesCommand({}))).Roles, (r) => r.RoleName),
    instanceProfiles: ids(
      (await iam.send(new ListInstanceProfilesCommand({}))).InstanceProfiles,
      (p) => p.InstanceProfileName,
    ),
    networkInterfaces: ids(
      (await ec2.send(new DescribeNetworkInterfacesCommand({}))).NetworkInterfaces,
      (n) => n.NetworkInterfaceId,
    ),
  };
}

/** What `after` holds that `before` did not, by kind; kinds with nothing new are left out. */
export function added(before: Inventory, after: Inventory, except: readonly string[] = []): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(after)
      .filter(([kind]) => !except.includes(kind))
      .map(([kind, list]): [string, string[]] => [kind, list.filter((id) => !(before[kind] ?? []).includes(id))])
      .filter(([, list]) => list.length > 0),
  );
}

function tag(tags: readonly { Key?: string; Value?: string }[] | undefined, key: string): string | undefined {
  return tags?.find((t) => t.Key === key)?.Value;
}

/** What a drift removed behind Terraform's back. */
export interface Drift {
  /** The VPC whose route and instance rule were removed. */
  readonly from: string;
  /** The peer they were for. */
  readonly to: string;
  /** The route table of `from`'s instance subnet, which lost its route to `to`. */
  readonly routeTable: string;
  /** The peer's block, the deleted route's destination and the revoked rule's source. */
  readonly cidr: string;
  /** The security group of `from`'s instance, which lost its rule admitting `to`. */
  readonly securityGroup: string;
  /** The revoked rule's id. */
  readonly rule: string;
}

/**
 * Drift as a hand in the console makes it: in the first VPC of the config, deletes the route to its
 * first peer's block from the route table of its instance's subnet, and revokes the rule of its
 * instance's security group that admits that peer. Through the SDK, so Terraform knows nothing of it.
 */
export async function driftRouteAndRule(
  ec2: EC2Client,
  config: PeeringConfig,
  instances: readonly DeployedInstance[],
): Promise<Drift> {
  const from = config.vpcs[0].name;
  const peer = peersOf(config, from)[0];
  const id = instances.find((i) => i.name === from)?.id;
  if (!peer || !id)
    throw new Error(`drift needs a peered VPC with an instance; ${from} has ${peer ? "no instance" : "no peer"}`);
  const [instance] = ((await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations ?? []).flatMap(
    (r) => r.Instances ?? [],
  );
  const eni = instance?.NetworkInterfaces?.find((n) => n.Attachment?.DeviceIndex === 0);
  const subnet = eni?.SubnetId ?? instance?.SubnetId;
  const group = eni?.Groups?.[0]?.GroupId;
  if (!subnet || !group) throw new Error(`${id} reports no subnet or security group`);
  const tables =
    (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [instance.VpcId!] }] })))
      .RouteTables ?? [];
  const table = tables.find((t) => (t.Associations ?? []).some((a) => a.SubnetId === subnet))?.RouteTableId;
  if (!table) throw new Error(`no route table is associated with ${subnet}`);
  await ec2.send(new DeleteRouteCommand({ RouteTableId: table, DestinationCidrBlock: peer.cidr }));
  const rules =
    (await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [group] }] })))
      .SecurityGroupRules ?? [];
  const rule = rules.find((x) => !x.IsEgress && x.CidrIpv4 === peer.cidr)?.SecurityGroupRuleId;
  if (!rule) throw new Error(`${group} has no ingress rule from ${peer.cidr}`);
  await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: group, SecurityGroupRuleIds: [rule] }));
  return { from, to: peer.name, routeTable: table, cidr: peer.cidr, securityGroup: group, rule };
}
