import {
  DescribeVpnGatewaysCommand,
  type EC2Client,
  type Filter,
  type Instance,
  type InternetGateway,
  type NatGateway,
  type NetworkAcl,
  type RouteTable,
  type SecurityGroup,
  type SecurityGroupRule,
  type Subnet,
  type Vpc,
  type VpcPeeringConnection,
  type VpnGateway,
  paginateDescribeInstances,
  paginateDescribeInternetGateways,
  paginateDescribeNatGateways,
  paginateDescribeNetworkAcls,
  paginateDescribeRouteTables,
  paginateDescribeSecurityGroupRules,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
  paginateDescribeVpcPeeringConnections,
  paginateDescribeVpcs,
} from "@aws-sdk/client-ec2";
import { liveReadError } from "./errors";
import { NO_TRANSIT, type TransitSnapshot, readTransitSnapshot } from "./transit-read";

/** What EC2 reports in one target for the VPCs that hold the app's instances, as the API returns it. */
export interface Snapshot {
  /** The target's name in messages and as the "stack" of what it holds, e.g. "eu-west-1". */
  readonly label: string;
  readonly region: string;
  readonly instances: readonly Instance[];
  readonly vpcs: readonly Vpc[];
  readonly subnets: readonly Subnet[];
  readonly routeTables: readonly RouteTable[];
  readonly peerings: readonly VpcPeeringConnection[];
  readonly securityGroups: readonly SecurityGroup[];
  readonly securityGroupRules: readonly SecurityGroupRule[];
  readonly networkAcls: readonly NetworkAcl[];
  readonly internetGateways: readonly InternetGateway[];
  readonly natGateways: readonly NatGateway[];
  readonly vpnGateways: readonly VpnGateway[];
  /** The transit gateways the VPCs are attached to, with their attachments, route tables and routes. */
  readonly transit: TransitSnapshot;
}

/** Instance states that still hold a network interface; shutting-down and terminated ones are gone. */
const PRESENT_STATES = ["pending", "running", "stopping", "stopped"];

/** Values one EC2 filter takes at most. */
const FILTER_VALUES = 200;

/**
 * Reads one target: the instances carrying every tag in `tags` (not terminated), then, for the VPCs
 * they are in, the VPCs, subnets, route tables, peering connections (either side), security groups
 * and their rules, network ACLs, gateways, and the transit gateways they are attached to. Follows every page; a failed call becomes a
 * LiveReadError naming the call and the target.
 */
export async function readSnapshot(
  client: EC2Client,
  label: string,
  region: string,
  tags: Readonly<Record<string, string>>,
): Promise<Snapshot> {
  const pages = { client, stopOnSameToken: true };
  const collect = async <P, T>(
    call: string,
    iterate: () => AsyncIterable<P>,
    items: (page: P) => T[] | undefined,
  ): Promise<T[]> => {
    const out: T[] = [];
    try {
      for await (const page of iterate()) out.push(...(items(page) ?? []));
    } catch (error) {
      throw liveReadError(`EC2 ${call}`, label, error);
    }
    return out;
  };
  /** One call per chunk of values, for filters that take a list of ids. */
  const byIds = async <P, T>(
    call: string,
    filter: string,
    ids: readonly string[],
    iterate: (filters: Filter[]) => AsyncIterable<P>,
    items: (page: P) => T[] | undefined,
  ): Promise<T[]> => {
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += FILTER_VALUES) chunks.push(ids.slice(i, i + FILTER_VALUES));
    const lists = await Promise.all(
      chunks.map((values) => collect(call, () => iterate([{ Name: filter, Values: values }]), items)),
    );
    return lists.flat();
  };

  const tagFilters: Filter[] = Object.entries(tags).map(([key, value]) => ({ Name: `tag:${key}`, Values: [value] }));
  const instances = (
    await collect(
      "DescribeInstances",
      () =>
        paginateDescribeInstances(pages, {
          Filters: [...tagFilters, { Name: "instance-state-name", Values: PRESENT_STATES }],
        }),
      (page) => page.Reservations,
    )
  ).flatMap((reservation) => reservation.Instances ?? []);
  const vpcIds = [...new Set(instances.flatMap((i) => vpcsOf(i)))].sort();
  const empty = { label, region, instances, vpcs: [], subnets: [], routeTables: [], peerings: [], securityGroups: [] };
  if (vpcIds.length === 0) {
    return {
      ...empty,
      securityGroupRules: [],
      networkAcls: [],
      internetGateways: [],
      natGateways: [],
      vpnGateways: [],
      transit: NO_TRANSIT,
    };
  }

  const [
    vpcs,
    subnets,
    routeTables,
    requested,
    accepted,
    securityGroups,
    networkAcls,
    internetGateways,
    natGateways,
    vpnGateways,
    transit,
  ] = await Promise.all([
    byIds(
      "DescribeVpcs",
      "vpc-id",
      vpcIds,
      (Filters) => paginateDescribeVpcs(pages, { Filters }),
      (p) => p.Vpcs,
    ),
    byIds(
      "DescribeSubnets",
      "vpc-id",
      vpcIds,
      (Filters) => paginateDescribeSubnets(pages, { Filters }),
      (p) => p.Subnets,
    ),
    byIds(
      "DescribeRouteTables",
      "vpc-id",
      vpcIds,
      (Filters) => paginateDescribeRouteTables(pages, { Filters }),
      (p) => p.RouteTables,
    ),
    byIds(
      "DescribeVpcPeeringConnections",
      "requester-vpc-info.vpc-id",
      vpcIds,
      (Filters) => paginateDescribeVpcPeeringConnections(pages, { Filters }),
      (p) => p.VpcPeeringConnections,
    ),
    byIds(
      "DescribeVpcPeeringConnections",
      "accepter-vpc-info.vpc-id",
      vpcIds,
      (Filters) => paginateDescribeVpcPeeringConnections(pages, { Filters }),
      (p) => p.VpcPeeringConnections,
    ),
    byIds(
      "DescribeSecurityGroups",
      "vpc-id",
      vpcIds,
      (Filters) => paginateDescribeSecurityGroups(pages, { Filters }),
      (p) => p.SecurityGroups,
    ),
    byIds(
      "DescribeNetworkAcls",
      "vpc-id",
      vpcIds,
      (Filters) => paginateDescribeNetworkAcls(pages, { Filters }),
      (p) => p.NetworkAcls,
    ),
    byIds(
      "DescribeInternetGateways",
      "attachment.vpc-id",
      vpcIds,
      (Filters) => paginateDescribeInternetGateways(pages, { Filters }),
      (p) => p.InternetGateways,
    ),
    byIds(
      "DescribeNatGateways",
      "vpc-id",
      vpcIds,
      (Filter) => paginateDescribeNatGateways(pages, { Filter }),
      (p) => p.NatGateways,
    ),
    byIds(
      "DescribeVpnGateways",
      "attachment.vpc-id",
      vpcIds,
      (Filters) => once(() => client.send(new DescribeVpnGatewaysCommand({ Filters }))),
      (p) => p.VpnGateways,
    ),
    readTransitSnapshot({ client, collect, byIds }, vpcIds),
  ]);
  const groupIds = [...new Set(securityGroups.flatMap((g) => (g.GroupId ? [g.GroupId] : [])))].sort();
  const securityGroupRules = await byIds(
    "DescribeSecurityGroupRules",
    "group-id",
    groupIds,
    (Filters) => paginateDescribeSecurityGroupRules(pages, { Filters }),
    (p) => p.SecurityGroupRules,
  );
  const peerings = new Map<string, VpcPeeringConnection>();
  for (const p of [...requested, ...accepted]) peerings.set(p.VpcPeeringConnectionId ?? "", p);
  return {
    ...empty,
    vpcs,
    subnets,
    routeTables,
    peerings: [...peerings.values()],
    securityGroups,
    securityGroupRules,
    networkAcls,
    internetGateways,
    natGateways,
    vpnGateways,
    transit,
  };
}

/** The VPC of an instance and of each of its network interfaces. */
function vpcsOf(instance: Instance): string[] {
  return [instance.VpcId, ...(instance.NetworkInterfaces ?? []).map((n) => n.VpcId)].filter(
    (id): id is string => typeof id === "string" && id !== "",
  );
}

async function* once<T>(call: () => Promise<T>): AsyncIterable<T> {
  yield await call();
}
