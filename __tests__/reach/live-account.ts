/**
 * A fake EC2 account for the live loader's tests: the app's two peered VPCs as EC2's Describe calls
 * report them, and a mocked EC2Client (aws-sdk-client-mock) that answers every Describe call the
 * loader makes from that data, honouring its filters and cutting answers into pages.
 */
import {
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  DescribeVpnGatewaysCommand,
  DescribeTransitGatewayPeeringAttachmentsCommand,
  DescribeTransitGatewayRouteTablesCommand,
  DescribeTransitGatewayVpcAttachmentsCommand,
  DescribeTransitGatewaysCommand,
  EC2Client,
  GetTransitGatewayRouteTableAssociationsCommand,
  GetTransitGatewayRouteTablePropagationsCommand,
  SearchTransitGatewayRoutesCommand,
  type TransitGateway,
  type TransitGatewayPeeringAttachment,
  type TransitGatewayRoute,
  type TransitGatewayRouteTable,
  type TransitGatewayRouteTableAssociation,
  type TransitGatewayRouteTablePropagation,
  type TransitGatewayVpcAttachment,
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
  type VpcPeeringConnectionStateReasonCode,
} from "@aws-sdk/client-ec2";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { parseCidr } from "../../lib/reach/cidr";
import type { TransitSnapshot } from "../../lib/reach/live/transit-read";

/** What one region of an account holds. */
export interface Account {
  vpcs: Vpc[];
  subnets: Subnet[];
  routeTables: RouteTable[];
  peerings: VpcPeeringConnection[];
  securityGroups: SecurityGroup[];
  securityGroupRules: SecurityGroupRule[];
  networkAcls: NetworkAcl[];
  internetGateways: InternetGateway[];
  natGateways: NatGateway[];
  vpnGateways: VpnGateway[];
  instances: Instance[];
  transitGateways: TransitGateway[];
  transitVpcAttachments: TransitGatewayVpcAttachment[];
  transitPeeringAttachments: TransitGatewayPeeringAttachment[];
  transitRouteTables: TransitGatewayRouteTable[];
  /** Each with the route table it is listed for. */
  transitAssociations: (TransitGatewayRouteTableAssociation & { TransitGatewayRouteTableId: string })[];
  transitPropagations: (TransitGatewayRouteTablePropagation & { TransitGatewayRouteTableId: string })[];
  /** Static and propagated routes, as SearchTransitGatewayRoutes reports them. */
  transitRoutes: (TransitGatewayRoute & { TransitGatewayRouteTableId: string })[];
}

/** An account without transit gateways. */
export const NO_TRANSIT_GATEWAYS = {
  transitGateways: [],
  transitVpcAttachments: [],
  transitPeeringAttachments: [],
  transitRouteTables: [],
  transitAssociations: [],
  transitPropagations: [],
  transitRoutes: [],
} as const satisfies Partial<Account>;

export const REGION = "eu-west-1";
export const OWNER = "111122223333";
const APP_TAGS = [{ Key: "Project", Value: "peering" }];

/** Ids of the fake's resources for VPC `n` ("a" or "b"). */
export const ids = (n: string) => ({
  vpc: `vpc-${n}`,
  subnet: `subnet-${n}`,
  table: `rtb-${n}`,
  mainTable: `rtb-${n}-main`,
  acl: `acl-${n}`,
  defaultGroup: `sg-${n}-default`,
  group: `sg-${n}`,
  instance: `i-${n}`,
  nat: `nat-${n}`,
  igw: `igw-${n}`,
});

/** A security group rule as DescribeSecurityGroupRules reports it. */
export function sgRule(id: string, group: string, change: Partial<SecurityGroupRule>): SecurityGroupRule {
  return {
    SecurityGroupRuleId: id,
    GroupId: group,
    GroupOwnerId: OWNER,
    IsEgress: false,
    FromPort: -1,
    ToPort: -1,
    ...change,
  };
}

/** One VPC of the app: a private subnet with the instance, its route table, the default ACL and groups. */
export function appVpc(
  n: string,
  cidr: string,
  subnetCidr: string,
  ip: string,
  peer: { readonly cidr: string; readonly peering: string },
): Account {
  const id = ids(n);
  return {
    vpcs: [
      {
        VpcId: id.vpc,
        OwnerId: OWNER,
        State: "available",
        CidrBlock: cidr,
        CidrBlockAssociationSet: [
          { AssociationId: `vpc-cidr-assoc-${n}`, CidrBlock: cidr, CidrBlockState: { State: "associated" } },
        ],
        Tags: [...APP_TAGS, { Key: "Name", Value: n }],
      },
    ],
    subnets: [{ SubnetId: id.subnet, VpcId: id.vpc, CidrBlock: subnetCidr, AssignIpv6AddressOnCreation: false }],
    routeTables: [
      {
        RouteTableId: id.mainTable,
        VpcId: id.vpc,
        Associations: [
          {
            Main: true,
            RouteTableAssociationId: `rtbassoc-${n}-main`,
            RouteTableId: id.mainTable,
            AssociationState: { State: "associated" },
          },
        ],
        Routes: [{ DestinationCidrBlock: cidr, GatewayId: "local", Origin: "CreateRouteTable", State: "active" }],
      },
      {
        RouteTableId: id.table,
        VpcId: id.vpc,
        Associations: [
          {
            Main: false,
            RouteTableAssociationId: `rtbassoc-${n}`,
            RouteTableId: id.table,
            SubnetId: id.subnet,
            AssociationState: { State: "associated" },
          },
        ],
        Routes: [
          { DestinationCidrBlock: cidr, GatewayId: "local", Origin: "CreateRouteTable", State: "active" },
          { DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: id.nat, Origin: "CreateRoute", State: "active" },
          {
            DestinationCidrBlock: peer.cidr,
            VpcPeeringConnectionId: peer.peering,
            Origin: "CreateRoute",
            State: "active",
          },
        ],
        Tags: [...APP_TAGS, { Key: "Name", Value: `${n}-private-0` }],
      },
    ],
    peerings: [],
    securityGroups: [
      { GroupId: id.defaultGroup, GroupName: "default", VpcId: id.vpc, OwnerId: OWNER },
      { GroupId: id.group, GroupName: `${n}-ping-1`, VpcId: id.vpc, OwnerId: OWNER },
    ],
    securityGroupRules: [
      sgRule(`sgr-${n}-in`, id.group, { IpProtocol: "icmp", FromPort: 8, ToPort: -1, CidrIpv4: peer.cidr }),
      sgRule(`sgr-${n}-out`, id.group, { IsEgress: true, IpProtocol: "-1", CidrIpv4: "0.0.0.0/0" }),
    ],
    networkAcls: [
      {
        NetworkAclId: id.acl,
        VpcId: id.vpc,
        IsDefault: true,
        Associations: [{ NetworkAclAssociationId: `aclassoc-${n}`, NetworkAclId: id.acl, SubnetId: id.subnet }],
        Entries: [false, true].flatMap((egress) => [
          { CidrBlock: "0.0.0.0/0", Egress: egress, Protocol: "-1", RuleAction: "allow", RuleNumber: 100 },
          { CidrBlock: "0.0.0.0/0", Egress: egress, Protocol: "-1", RuleAction: "deny", RuleNumber: 32767 },
        ]),
      },
    ],
    internetGateways: [{ InternetGatewayId: id.igw, Attachments: [{ VpcId: id.vpc, State: "attached" }] }],
    natGateways: [{ NatGatewayId: id.nat, VpcId: id.vpc, SubnetId: `subnet-${n}-public`, State: "available" }],
    vpnGateways: [],
    instances: [
      {
        InstanceId: id.instance,
        State: { Code: 16, Name: "running" },
        SubnetId: id.subnet,
        VpcId: id.vpc,
        PrivateIpAddress: ip,
        SecurityGroups: [{ GroupId: id.group, GroupName: `${n}-ping-1` }],
        NetworkInterfaces: [
          {
            NetworkInterfaceId: `eni-${n}`,
            SubnetId: id.subnet,
            VpcId: id.vpc,
            PrivateIpAddress: ip,
            Attachment: { DeviceIndex: 0, Status: "attached" },
            Groups: [{ GroupId: id.group, GroupName: `${n}-ping-1` }],
          },
        ],
        Tags: [...APP_TAGS, { Key: "Name", Value: `${n}-ping` }],
      },
    ],
    ...structuredClone(NO_TRANSIT_GATEWAYS),
  };
}

/** The default config's network as EC2 reports it: a (10.0.0.0/24) and b (10.0.1.0/24), peered by pcx-ab. */
export function twoPeeredVpcs(status = "active"): Account {
  const a = appVpc("a", "10.0.0.0/24", "10.0.0.32/27", "10.0.0.40", { cidr: "10.0.1.0/24", peering: "pcx-ab" });
  const b = appVpc("b", "10.0.1.0/24", "10.0.1.32/27", "10.0.1.40", { cidr: "10.0.0.0/24", peering: "pcx-ab" });
  const account = merge(a, b);
  account.peerings.push(peering("pcx-ab", "vpc-a", "vpc-b", status));
  return account;
}

/** A peering connection as DescribeVpcPeeringConnections reports it. */
export function peering(
  id: string,
  requester: string,
  accepter: string,
  status: string,
  regions = [REGION, REGION],
): VpcPeeringConnection {
  return {
    VpcPeeringConnectionId: id,
    RequesterVpcInfo: { VpcId: requester, OwnerId: OWNER, Region: regions[0] },
    AccepterVpcInfo: { VpcId: accepter, OwnerId: OWNER, Region: regions[1] },
    Status: { Code: status as VpcPeeringConnectionStateReasonCode, Message: status },
  };
}

/** Everything of both accounts. */
export function merge(a: Account, b: Account): Account {
  return Object.fromEntries(
    Object.keys(a).map((key) => [key, [...a[key as keyof Account], ...b[key as keyof Account]]]),
  ) as unknown as Account;
}

/** How the fake was asked: each call's name and input. */
export interface Calls {
  readonly list: { readonly command: string; readonly input: Record<string, unknown> }[];
  count(command: string): number;
}

type Values<T> = (item: T) => readonly (string | undefined)[];

/**
 * Makes `client` (or every EC2Client) answer from `account`: each filter the loader sends must be one
 * the fake knows (as EC2 rejects unknown ones), and answers come in pages of `pageSize` items.
 */
export function fakeEc2(
  account: Account,
  options: {
    readonly pageSize?: number;
    readonly client?: EC2Client;
    /** The most routes one SearchTransitGatewayRoutes answer holds before it says more are available (AWS: 1,000). */
    readonly routeLimit?: number;
  } = {},
): {
  readonly mock: AwsClientStub<EC2Client>;
  readonly calls: Calls;
} {
  const pageSize = options.pageSize ?? 1000;
  const mock = options.client ? mockClient(options.client) : mockClient(EC2Client);
  const list: Calls["list"] = [];
  const calls: Calls = { list, count: (command) => list.filter((c) => c.command === command).length };
  const answer: Answer =
    <T>(
      command: string,
      items: () => readonly T[],
      filters: Readonly<Record<string, Values<T>>>,
      filterKey: "Filters" | "Filter" = "Filters",
    ) =>
    (input: Record<string, unknown>) => {
      list.push({ command, input: { ...input } });
      const given = (input[filterKey] ?? []) as Filter[];
      const matching = items().filter((item) =>
        given.every((f) => {
          const values = f.Name?.startsWith("tag:") ? tagValues(f.Name.slice(4)) : filters[f.Name ?? ""];
          if (!values)
            throw Object.assign(new Error(`The filter '${f.Name}' is invalid`), { name: "InvalidParameterValue" });
          return (values as Values<T>)(item).some((v) => v !== undefined && (f.Values ?? []).includes(v));
        }),
      );
      const start = Number(input.NextToken ?? 0);
      const page = matching.slice(start, start + pageSize);
      return { page, NextToken: start + pageSize < matching.length ? String(start + pageSize) : undefined };
    };
  const byVpc = { "vpc-id": (x: { VpcId?: string }) => [x.VpcId] };
  const vpcs = answer("DescribeVpcs", () => account.vpcs, byVpc);
  mock.on(DescribeVpcsCommand).callsFake(async (input) => paged(vpcs(input), "Vpcs"));
  const subnets = answer("DescribeSubnets", () => account.subnets, byVpc);
  mock.on(DescribeSubnetsCommand).callsFake(async (input) => paged(subnets(input), "Subnets"));
  const tables = answer("DescribeRouteTables", () => account.routeTables, byVpc);
  mock.on(DescribeRouteTablesCommand).callsFake(async (input) => paged(tables(input), "RouteTables"));
  const peerings = answer("DescribeVpcPeeringConnections", () => account.peerings, {
    "requester-vpc-info.vpc-id": (p) => [p.RequesterVpcInfo?.VpcId],
    "accepter-vpc-info.vpc-id": (p) => [p.AccepterVpcInfo?.VpcId],
  });
  mock
    .on(DescribeVpcPeeringConnectionsCommand)
    .callsFake(async (input) => paged(peerings(input), "VpcPeeringConnections"));
  const groups = answer("DescribeSecurityGroups", () => account.securityGroups, byVpc);
  mock.on(DescribeSecurityGroupsCommand).callsFake(async (input) => paged(groups(input), "SecurityGroups"));
  const rules = answer("DescribeSecurityGroupRules", () => account.securityGroupRules, {
    "group-id": (r) => [r.GroupId],
  });
  mock.on(DescribeSecurityGroupRulesCommand).callsFake(async (input) => paged(rules(input), "SecurityGroupRules"));
  const acls = answer("DescribeNetworkAcls", () => account.networkAcls, byVpc);
  mock.on(DescribeNetworkAclsCommand).callsFake(async (input) => paged(acls(input), "NetworkAcls"));
  const igws = answer("DescribeInternetGateways", () => account.internetGateways, {
    "attachment.vpc-id": (g) => (g.Attachments ?? []).map((a) => a.VpcId),
  });
  mock.on(DescribeInternetGatewaysCommand).callsFake(async (input) => paged(igws(input), "InternetGateways"));
  const nats = answer("DescribeNatGateways", () => account.natGateways, byVpc, "Filter");
  mock.on(DescribeNatGatewaysCommand).callsFake(async (input) => paged(nats(input), "NatGateways"));
  const vgws = answer("DescribeVpnGateways", () => account.vpnGateways, {
    "attachment.vpc-id": (g) => (g.VpcAttachments ?? []).map((a) => a.VpcId),
  });
  // DescribeVpnGateways has no pages.
  mock.on(DescribeVpnGatewaysCommand).callsFake(async (input) => ({ VpnGateways: vgws(input).page }));
  const instances = answer("DescribeInstances", () => account.instances, {
    "instance-state-name": (i) => [i.State?.Name],
  });
  mock.on(DescribeInstancesCommand).callsFake(async (input) => {
    const { page, NextToken } = instances(input);
    return { Reservations: page.map((i) => ({ Instances: [i] })), NextToken };
  });
  fakeTransit(account, answer, mock, list, options.routeLimit ?? 1000);
  return { mock, calls };
}

type Answer = <T>(
  command: string,
  items: () => readonly T[],
  filters: Readonly<Record<string, Values<T>>>,
  filterKey?: "Filters" | "Filter",
) => (input: Record<string, unknown>) => { readonly page: readonly T[]; readonly NextToken?: string };

/** The transit gateway calls of the fake. */
function fakeTransit(
  account: Account,
  answer: Answer,
  mock: AwsClientStub<EC2Client>,
  list: Calls["list"],
  routeLimit: number,
): void {
  const byGateway = { "transit-gateway-id": (x: { TransitGatewayId?: string }) => [x.TransitGatewayId] };
  const gateways = answer("DescribeTransitGateways", () => account.transitGateways, byGateway);
  mock.on(DescribeTransitGatewaysCommand).callsFake(async (input) => paged(gateways(input), "TransitGateways"));
  const vpcAttachments = answer("DescribeTransitGatewayVpcAttachments", () => account.transitVpcAttachments, {
    ...byGateway,
    "vpc-id": (a) => [a.VpcId],
  });
  mock
    .on(DescribeTransitGatewayVpcAttachmentsCommand)
    .callsFake(async (input) => paged(vpcAttachments(input), "TransitGatewayVpcAttachments"));
  const peerings = answer("DescribeTransitGatewayPeeringAttachments", () => account.transitPeeringAttachments, {
    "transit-gateway-id": (a) => [a.RequesterTgwInfo?.TransitGatewayId, a.AccepterTgwInfo?.TransitGatewayId],
  });
  mock
    .on(DescribeTransitGatewayPeeringAttachmentsCommand)
    .callsFake(async (input) => paged(peerings(input), "TransitGatewayPeeringAttachments"));
  const tables = answer("DescribeTransitGatewayRouteTables", () => account.transitRouteTables, byGateway);
  mock
    .on(DescribeTransitGatewayRouteTablesCommand)
    .callsFake(async (input) => paged(tables(input), "TransitGatewayRouteTables"));
  const ofTable = <T extends { TransitGatewayRouteTableId: string }>(items: () => readonly T[]) => {
    return (input: Record<string, unknown>) => () =>
      items()
        .filter((x) => x.TransitGatewayRouteTableId === input.TransitGatewayRouteTableId)
        .map(({ TransitGatewayRouteTableId: _table, ...rest }) => rest);
  };
  const associations = ofTable(() => account.transitAssociations);
  mock
    .on(GetTransitGatewayRouteTableAssociationsCommand)
    .callsFake(async (input) =>
      paged(answer("GetTransitGatewayRouteTableAssociations", associations(input), {})(input), "Associations"),
    );
  const propagations = ofTable(() => account.transitPropagations);
  mock
    .on(GetTransitGatewayRouteTablePropagationsCommand)
    .callsFake(async (input) =>
      paged(
        answer("GetTransitGatewayRouteTablePropagations", propagations(input), {})(input),
        "TransitGatewayRouteTablePropagations",
      ),
    );
  const routes = ofTable(() => account.transitRoutes);
  mock.on(SearchTransitGatewayRoutesCommand).callsFake(async (input) => {
    list.push({ command: "SearchTransitGatewayRoutes", input: { ...input } });
    const filters = (input.Filters ?? []) as Filter[];
    if (filters.length === 0)
      throw Object.assign(new Error("The request must contain the parameter Filters"), { name: "MissingParameter" });
    const matching = routes(input)().filter((route) =>
      filters.every((f) => {
        const values = f.Values ?? [];
        const destination = route.DestinationCidrBlock ?? "";
        if (f.Name === "state") return values.includes(route.State ?? "");
        if (f.Name === "type") return values.includes(route.Type ?? "");
        if (f.Name === "route-search.exact-match") return values.includes(destination);
        if (f.Name === "route-search.subnet-of-match") return values.some((v) => inside(destination, v));
        throw Object.assign(new Error(`The filter '${f.Name}' is invalid`), { name: "InvalidParameterValue" });
      }),
    );
    return { Routes: matching.slice(0, routeLimit), AdditionalRoutesAvailable: matching.length > routeLimit };
  });
}

/** Whether block `inner` lies inside block `outer`. */
function inside(inner: string, outer: string): boolean {
  const a = parseCidr(inner);
  const b = parseCidr(outer);
  return (
    typeof a !== "string" && typeof b !== "string" && a.family === b.family && a.first >= b.first && a.last <= b.last
  );
}

function paged<T, K extends string>(
  result: { readonly page: readonly T[]; readonly NextToken?: string },
  key: K,
): Record<K, T[]> & { NextToken?: string } {
  return { [key]: [...result.page], NextToken: result.NextToken } as Record<K, T[]> & { NextToken?: string };
}

function tagValues(key: string) {
  return (item: unknown): (string | undefined)[] =>
    ((item as { Tags?: { Key?: string; Value?: string }[] }).Tags ?? [])
      .filter((t) => t.Key === key)
      .map((t) => t.Value);
}

/** An EC2 client for the fake: a region and fake credentials, so that nothing looks further. */
export function fakeClient(region = REGION): EC2Client {
  return new EC2Client({ region, credentials: { accessKeyId: "fake", secretAccessKey: "fake" }, maxAttempts: 1 });
}

/**
 * The two VPCs of twoPeeredVpcs joined by the transit gateway tgw-ab instead of the peering: each
 * attached through its subnet, both associated with and propagating into tgw-rtb-ab, which holds
 * their propagated routes as SearchTransitGatewayRoutes reports them.
 */
export function twoVpcsOnATransitGateway(): Account {
  const account = twoPeeredVpcs();
  account.peerings = [];
  for (const table of account.routeTables)
    table.Routes = table.Routes?.map(({ VpcPeeringConnectionId, ...route }) =>
      VpcPeeringConnectionId ? { ...route, TransitGatewayId: "tgw-ab" } : route,
    );
  account.transitGateways.push({ TransitGatewayId: "tgw-ab", State: "available", OwnerId: OWNER });
  account.transitRouteTables.push({
    TransitGatewayRouteTableId: "tgw-rtb-ab",
    TransitGatewayId: "tgw-ab",
    State: "available",
  });
  for (const [n, cidr] of [
    ["a", "10.0.0.0/24"],
    ["b", "10.0.1.0/24"],
  ] as const) {
    const attachment = `tgw-attach-${n}`;
    account.transitVpcAttachments.push({
      TransitGatewayAttachmentId: attachment,
      TransitGatewayId: "tgw-ab",
      VpcId: `vpc-${n}`,
      State: "available",
      SubnetIds: [`subnet-${n}`],
      Options: { Ipv6Support: "disable", ApplianceModeSupport: "disable" },
    });
    const link = {
      TransitGatewayRouteTableId: "tgw-rtb-ab",
      TransitGatewayAttachmentId: attachment,
      ResourceType: "vpc" as const,
    };
    account.transitAssociations.push({ ...link, State: "associated" });
    account.transitPropagations.push({ ...link, State: "enabled" });
    account.transitRoutes.push({
      TransitGatewayRouteTableId: "tgw-rtb-ab",
      DestinationCidrBlock: cidr,
      Type: "propagated",
      State: "active",
      TransitGatewayAttachments: [
        { TransitGatewayAttachmentId: attachment, ResourceId: `vpc-${n}`, ResourceType: "vpc" },
      ],
    });
  }
  return account;
}

/** The transit part of a snapshot of `account`, as readTransitSnapshot returns it. */
export function transitOf(account: Account): TransitSnapshot {
  const of = <T extends { TransitGatewayRouteTableId: string }>(items: readonly T[], table: string) =>
    items.filter((x) => x.TransitGatewayRouteTableId === table);
  return {
    gateways: account.transitGateways,
    vpcAttachments: account.transitVpcAttachments,
    peeringAttachments: account.transitPeeringAttachments,
    routeTables: account.transitRouteTables.map((table) => {
      const id = table.TransitGatewayRouteTableId ?? "";
      return {
        table,
        associations: of(account.transitAssociations, id),
        propagations: of(account.transitPropagations, id),
        routes: of(account.transitRoutes, id),
      };
    }),
  };
}
