import { EC2Client } from "@aws-sdk/client-ec2";
import type { AwsClientStub } from "aws-sdk-client-mock";
import { DEFAULT_CONFIG, parseConfig } from "../../lib/config";
import {
  type LivePlan,
  LiveReadError,
  type Model,
  type Result,
  analyze,
  formatText,
  livePlan,
  loadLive,
  readDocuments,
} from "../../lib/reach";
import { reachCommand } from "../../lib/reach/cli";
import { withSynthesizedApp } from "../../app/synth-input";
import {
  type Account,
  REGION,
  appVpc,
  fakeClient,
  fakeEc2,
  merge,
  peering,
  sgRule,
  twoPeeredVpcs,
} from "./live-account";
import { startLoopbackServer } from "../../test-support/loopback-server";

const PLAN: LivePlan = { targets: [{ region: REGION }], tags: { Project: "peering" } };
const A = "a-ping/i-a";
const B = "b-ping/i-b";

let mocks: AwsClientStub<EC2Client>[] = [];
afterEach(() => {
  for (const m of mocks) m.restore();
  mocks = [];
});

/** Loads the live model of `account` through a mocked EC2 client. */
async function load(
  account: Account,
  pageSize?: number,
  plan: LivePlan = PLAN,
): Promise<{ model: Model; calls: ReturnType<typeof fakeEc2>["calls"] }> {
  const client = fakeClient();
  const { mock, calls } = fakeEc2(account, { pageSize, client });
  mocks.push(mock);
  return { model: await loadLive(plan, { clientFor: () => client }), calls };
}

/** The IPv4 verdict and reason for one pair. */
function verdict(result: Result, from: string, to: string) {
  const pair = result.pairs.find((p) => p.from === from && p.to === to && p.protocol === "ipv4");
  return { reachable: pair?.reachable, reason: pair?.reason };
}

describe("the live loader maps what EC2 reports into reach's model", () => {
  it("finds the app's two peered instances reachable both ways, named by their Name tag and id", async () => {
    const { model } = await load(twoPeeredVpcs());
    const result = analyze(model);
    expect([...model.instances.keys()]).toEqual([A, B]);
    expect(verdict(result, A, B)).toEqual({
      reachable: true,
      reason: "the echo and its reply pass every hop between vpc-a and vpc-b",
    });
    expect(verdict(result, B, A).reachable).toBe(true);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(formatText(result)).toContain(`1  ${A} - ✓`);
  });

  it("keys everything by AWS's ids and keeps what the analysis needs", async () => {
    const { model } = await load(twoPeeredVpcs());
    expect(model.vpcs.get("vpc-a")).toMatchObject({
      stack: REGION,
      region: REGION,
      ipv4: [{ source: "vpc-a", cidr: { text: "10.0.0.0/24" } }],
    });
    expect(model.routeTables.get("rtb-a")).toMatchObject({ label: "rtb-a (a-private-0)", vpc: "vpc-a" });
    expect(model.routeTableAssociations).toContainEqual({ source: "rtbassoc-a", from: "subnet-a", to: "rtb-a" });
    expect(model.mainRouteTableAssociations).toContainEqual({
      source: "rtbassoc-a-main",
      from: "vpc-a",
      to: "rtb-a-main",
    });
    expect(model.peerings.get("pcx-ab")).toMatchObject({
      requesterVpc: "vpc-a",
      accepterVpc: "vpc-b",
      status: "active",
    });
    expect(model.securityGroups.get("sg-b")?.rules).toEqual([
      expect.objectContaining({ source: "sgr-b-in of sg-b", egress: false, protocol: 1, fromPort: 8, toPort: -1 }),
      expect.objectContaining({ source: "sgr-b-out of sg-b", egress: true, protocol: -1 }),
    ]);
    // EC2 lists the final deny-all entry as rule 32767; the analysis has it built in.
    expect(model.networkAcls.get("acl-a")?.rules.map((r) => r.ruleNo)).toEqual([100, 100]);
    expect(model.gateways.get("nat-a")).toEqual({ address: "nat-a", kind: "NAT gateway", vpc: "vpc-a" });
    expect(model.instances.get(A)).toMatchObject({
      subnet: "subnet-a",
      securityGroups: ["sg-a"],
      ipv4: 0x0a000028n,
      stack: REGION,
    });
  });

  it("follows every page of every Describe call, and gets the same model as from one page", async () => {
    const whole = await load(twoPeeredVpcs());
    const paged = await load(twoPeeredVpcs(), 1);
    expect(paged.calls.count("DescribeRouteTables")).toBe(4);
    expect(paged.calls.list.filter((c) => c.command === "DescribeRouteTables").map((c) => c.input.NextToken)).toEqual([
      undefined,
      "1",
      "2",
      "3",
    ]);
    expect(paged.calls.count("DescribeInstances")).toBe(2);
    expect(analyze(paged.model)).toEqual(analyze(whole.model));
    expect([...paged.model.routeTables.keys()].sort()).toEqual(["rtb-a", "rtb-a-main", "rtb-b", "rtb-b-main"]);
  });

  it("asks only for the tagged instances that are not gone, and only for their VPCs' resources", async () => {
    const account = twoPeeredVpcs();
    account.vpcs.push({ VpcId: "vpc-other", CidrBlock: "10.9.0.0/16" });
    const { calls } = await load(account);
    expect(calls.list.find((c) => c.command === "DescribeInstances")?.input.Filters).toEqual([
      { Name: "tag:Project", Values: ["peering"] },
      { Name: "instance-state-name", Values: ["pending", "running", "stopping", "stopped"] },
    ]);
    expect(calls.list.find((c) => c.command === "DescribeVpcs")?.input.Filters).toEqual([
      { Name: "vpc-id", Values: ["vpc-a", "vpc-b"] },
    ]);
  });

  it("asks for at most 200 ids per filter, as EC2 takes no more", async () => {
    const account = Array.from({ length: 450 }, (_, i) =>
      appVpc(`n${i}`, `10.${i >> 8}.${i & 255}.0/24`, `10.${i >> 8}.${i & 255}.0/27`, `10.${i >> 8}.${i & 255}.10`, {
        cidr: "10.200.0.0/16",
        peering: "pcx-none",
      }),
    ).reduce(merge);
    const { model, calls } = await load(account);
    expect(
      calls.list
        .filter((c) => c.command === "DescribeVpcs")
        .map((c) => (c.input.Filters as { Values: string[] }[])[0].Values.length),
    ).toEqual([200, 200, 50]);
    expect(model.vpcs.size).toBe(450);
    expect(model.instances.size).toBe(450);
  });

  it("leaves out instances without the app's tags and terminated ones, even from an endpoint that ignores the filters", async () => {
    const account = twoPeeredVpcs();
    account.instances[0].Tags = [{ Key: "Name", Value: "a-ping" }];
    account.instances[1].State = { Name: "terminated" };
    const { model } = await load(account);
    expect([...model.instances.keys()]).toEqual([]);
    expect(model.warnings).toEqual([
      { resource: REGION, message: expect.stringContaining("EC2 lists no instance tagged Project = peering here") },
    ]);
  });

  it("reads an instance's security groups from its primary network interface, which carries them on AWS", async () => {
    const account = twoPeeredVpcs();
    // What moto 5.2.1 reports for an instance launched with a network interface spec: no groups on the instance itself.
    account.instances[1].SecurityGroups = [];
    const { model } = await load(account);
    expect(model.instances.get(B)?.securityGroups).toEqual(["sg-b"]);
    expect(verdict(analyze(model), A, B).reachable).toBe(true);
  });

  it.each([
    [
      "a peering pending acceptance",
      "pending-acceptance",
      "the peering is not active: AWS reports it as pending-acceptance",
    ],
    ["a peering being provisioned", "provisioning", "the peering is not active: AWS reports it as provisioning"],
    [
      "a deleted peering (left out of the model)",
      "deleted",
      "pcx-ab is not a peering connection of the loaded configuration",
    ],
  ])("finds the pair unreachable through %s", async (_, status, reason) => {
    const result = analyze((await load(twoPeeredVpcs(status))).model);
    expect(verdict(result, A, B)).toEqual({
      reachable: false,
      reason: `rtb-a (a-private-0): 10.0.1.0/24 → pcx-ab: ${reason}`,
    });
  });

  it("drops what a blackhole route matches, naming the route's lost target", async () => {
    const account = twoPeeredVpcs();
    const route = account.routeTables
      .find((t) => t.RouteTableId === "rtb-b")!
      .Routes!.find((r) => r.VpcPeeringConnectionId)!;
    route.State = "blackhole";
    const result = analyze((await load(account)).model);
    expect(verdict(result, B, A)).toEqual({
      reachable: false,
      reason:
        "rtb-b (b-private-0): 10.0.0.0/24 → pcx-ab: the route is a blackhole: its target pcx-ab no longer exists (AWS reports the route's state as blackhole)",
    });
    expect(verdict(result, A, B)).toMatchObject({
      reachable: false,
      reason: expect.stringMatching(/^reply: rtb-b .*blackhole/),
    });
  });

  it("finds a pair unreachable when its peering route is gone (drift), naming the route table", async () => {
    const account = twoPeeredVpcs();
    const table = account.routeTables.find((t) => t.RouteTableId === "rtb-a")!;
    table.Routes = table.Routes!.filter((r) => !r.VpcPeeringConnectionId);
    const result = analyze((await load(account)).model);
    expect(verdict(result, A, B)).toEqual({
      reachable: false,
      reason:
        "rtb-a (a-private-0): 0.0.0.0/0 → nat-a: the NAT gateway nat-a leaves the VPC; private addresses of other VPCs are not reachable through it",
    });
  });

  describe("security group rules", () => {
    const withIngress = (rule: Parameters<typeof sgRule>[2]): Account => {
      const account = twoPeeredVpcs();
      account.securityGroupRules = account.securityGroupRules.filter((r) => r.SecurityGroupRuleId !== "sgr-b-in");
      account.securityGroupRules.push(sgRule("sgr-b-new", "sg-b", rule));
      return account;
    };

    it("admit the peer through a rule that references the peer's group across the active peering", async () => {
      const { model } = await load(
        withIngress({
          IpProtocol: "icmp",
          FromPort: 8,
          ReferencedGroupInfo: { GroupId: "sg-a", UserId: "111122223333" },
        }),
      );
      expect(model.securityGroups.get("sg-b")?.rules[1]).toMatchObject({ groups: ["sg-a"], cidrs: [], self: false });
      expect(verdict(analyze(model), A, B).reachable).toBe(true);
    });

    it("mark a reference to the group itself as self", async () => {
      const { model } = await load(withIngress({ IpProtocol: "-1", ReferencedGroupInfo: { GroupId: "sg-b" } }));
      expect(model.securityGroups.get("sg-b")?.rules[1]).toMatchObject({ groups: ["sg-b"], self: true });
      expect(verdict(analyze(model), A, B)).toMatchObject({
        reachable: false,
        reason: expect.stringContaining("sg-b (b-ping-1) (ingress)"),
      });
    });

    it.each([
      ["ICMP other than echo", { IpProtocol: "icmp", FromPort: 3, ToPort: -1, CidrIpv4: "10.0.0.0/24" }, false],
      ["all traffic by number", { IpProtocol: "-1", CidrIpv4: "10.0.0.0/8" }, true],
      ["ICMP by protocol number", { IpProtocol: "1", FromPort: 8, ToPort: 0, CidrIpv4: "10.0.0.0/24" }, true],
      ["TCP", { IpProtocol: "tcp", FromPort: 0, ToPort: 65535, CidrIpv4: "10.0.0.0/24" }, false],
      [
        "ICMP from a block that leaves a out",
        { IpProtocol: "icmp", FromPort: 8, ToPort: -1, CidrIpv4: "10.0.1.0/24" },
        false,
      ],
    ])("decide the echo by protocol, type and block: %s", async (_, rule, reachable) => {
      expect(verdict(analyze((await load(withIngress(rule))).model), A, B).reachable).toBe(reachable);
    });

    it("ignore a prefix list with a warning, and a protocol reach does not know with another", async () => {
      const account = withIngress({ IpProtocol: "icmp", FromPort: 8, ToPort: -1, PrefixListId: "pl-1" });
      account.securityGroupRules.push(sgRule("sgr-b-odd", "sg-b", { IpProtocol: "banana", CidrIpv4: "10.0.0.0/24" }));
      const { model } = await load(account);
      expect(model.warnings).toEqual([
        { resource: "sgr-b-new of sg-b", message: "prefix lists are not modeled; pl-1 matches no instance" },
        { resource: "sgr-b-odd of sg-b", message: 'protocol "banana" is not one reach knows; the rule is ignored' },
      ]);
      expect(verdict(analyze(model), A, B).reachable).toBe(false);
    });
  });

  describe("network ACLs", () => {
    it("apply their entries lowest number first, naming the entry that denies", async () => {
      const account = twoPeeredVpcs();
      account.networkAcls[1].Entries!.push({
        CidrBlock: "10.0.0.0/24",
        Egress: false,
        Protocol: "1",
        RuleAction: "deny",
        RuleNumber: 50,
        IcmpTypeCode: { Type: 8, Code: -1 },
      });
      const result = analyze((await load(account)).model);
      expect(verdict(result, A, B)).toEqual({
        reachable: false,
        reason:
          "acl-b (the default ACL of vpc-b) (inbound): the ICMP echo request is dropped: rule 50 (acl-b ingress rule 50) denies 10.0.0.40",
      });
      expect(verdict(result, B, A).reachable).toBe(true);
    });

    it("are checked for the reply too: an ACL without an egress allow drops every reply", async () => {
      const account = twoPeeredVpcs();
      account.networkAcls[1].Entries = account.networkAcls[1].Entries!.filter(
        (e) => !e.Egress || e.RuleNumber === 32767,
      );
      const result = analyze((await load(account)).model);
      expect(verdict(result, A, B).reason).toMatch(
        /^acl-b .*\(outbound reply\): the ICMP echo reply is dropped: no rule allows 10\.0\.0\.40 \(the final deny-all rule\)$/,
      );
    });

    it("cover a subnet EC2 lists in no association through the VPC's default ACL", async () => {
      const account = twoPeeredVpcs();
      for (const acl of account.networkAcls) acl.Associations = [];
      const { model } = await load(account);
      expect(model.networkAclAssociations).toContainEqual({
        source: "the default ACL of vpc-a",
        from: "subnet-a",
        to: "acl-a",
      });
      expect(verdict(analyze(model), A, B).reachable).toBe(true);
    });
  });

  describe("fields EC2 leaves out", () => {
    it("takes the primary block, subnet, address and groups from the instance when no association or interface is listed", async () => {
      const account = twoPeeredVpcs();
      for (const vpc of account.vpcs) delete vpc.CidrBlockAssociationSet;
      for (const instance of account.instances) delete instance.NetworkInterfaces;
      const { model } = await load(account);
      expect(model.vpcs.get("vpc-b")?.ipv4.map((b) => b.cidr.text)).toEqual(["10.0.1.0/24"]);
      expect(model.instances.get(B)).toMatchObject({ subnet: "subnet-b", securityGroups: ["sg-b"] });
      expect(verdict(analyze(model), A, B).reachable).toBe(true);
    });

    it("lets an instance without an address take any of its subnet", async () => {
      const account = twoPeeredVpcs();
      delete account.instances[1].PrivateIpAddress;
      delete account.instances[1].NetworkInterfaces![0].PrivateIpAddress;
      const { model } = await load(account);
      expect(model.instances.get(B)?.ipv4).toBeUndefined();
      expect(verdict(analyze(model), A, B).reachable).toBe(true);
    });

    it("counts a peering without a status as not active, and skips one without its VPCs with a warning", async () => {
      const account = twoPeeredVpcs();
      delete account.peerings[0].Status;
      account.peerings.push({
        VpcPeeringConnectionId: "pcx-half",
        RequesterVpcInfo: { VpcId: "vpc-a" },
        Status: { Code: "active" },
      });
      const { model } = await load(account);
      expect(verdict(analyze(model), A, B).reason).toContain("AWS reports it as unknown");
      expect(model.warnings).toContainEqual({
        resource: "pcx-half",
        message: "EC2 reports the peering without both of its VPCs; it is ignored",
      });
    });

    it("warns about a route to a prefix list and one without a target", async () => {
      const account = twoPeeredVpcs();
      const table = account.routeTables.find((t) => t.RouteTableId === "rtb-a")!;
      table.Routes!.push(
        { DestinationPrefixListId: "pl-s3", GatewayId: "vpce-1", State: "active" },
        { DestinationCidrBlock: "10.7.0.0/16", State: "active" },
      );
      const { model } = await load(account);
      expect(model.warnings).toEqual([
        {
          resource: "rtb-a (a-private-0)",
          message: "the route to the prefix list pl-s3 is not modeled; it is ignored",
        },
        {
          resource: "rtb-a (a-private-0): route to 10.7.0.0/16",
          message: "EC2 reports no target for this route; it is taken to leave the VPC",
        },
      ]);
    });

    it("leaves out an instance whose subnet EC2 did not list, with a warning", async () => {
      const account = twoPeeredVpcs();
      account.subnets = account.subnets.filter((s) => s.SubnetId !== "subnet-b");
      const { model } = await load(account);
      expect([...model.instances.keys()]).toEqual([A]);
      expect(model.warnings).toContainEqual({
        resource: B,
        message: "is in subnet-b, which EC2 did not list with its VPC; the instance is left out",
      });
    });

    it("stops with an input error naming the resource when EC2 reports a block that is no CIDR", async () => {
      const account = twoPeeredVpcs();
      account.subnets[0].CidrBlock = "10.0.0.33/27";
      await expect(load(account)).rejects.toThrow(
        /^subnet-a: EC2 reports "10\.0\.0\.33\/27", which is not an IPv4 CIDR block$/,
      );
    });
  });

  it("reads every target and merges them: a cross-region peering seen from both regions is one peering", async () => {
    const east = "us-east-1";
    const full = twoPeeredVpcs();
    full.peerings = [peering("pcx-ab", "vpc-a", "vpc-b", "active", [REGION, east])];
    const inRegion = (vpc: string): Account => ({
      ...full,
      vpcs: full.vpcs.filter((v) => v.VpcId === vpc),
      subnets: full.subnets.filter((s) => s.VpcId === vpc),
      routeTables: full.routeTables.filter((t) => t.VpcId === vpc),
      securityGroups: full.securityGroups.filter((g) => g.VpcId === vpc),
      securityGroupRules: full.securityGroupRules.filter((r) => r.GroupId?.startsWith(`sg-${vpc.slice(-1)}`)),
      networkAcls: full.networkAcls.filter((a) => a.VpcId === vpc),
      instances: full.instances.filter((i) => i.VpcId === vpc),
    });
    const clients = new Map([
      [REGION, fakeClient(REGION)],
      [east, fakeClient(east)],
    ]);
    mocks.push(
      fakeEc2(inRegion("vpc-a"), { client: clients.get(REGION) }).mock,
      fakeEc2(inRegion("vpc-b"), { client: clients.get(east) }).mock,
    );
    const plan: LivePlan = { targets: [{ region: REGION }, { region: east }], tags: { Project: "peering" } };
    const model = await loadLive(plan, { clientFor: (t) => clients.get(t.region!)! });
    expect([...model.peerings.keys()]).toEqual(["pcx-ab"]);
    expect(model.vpcs.get("vpc-b")).toMatchObject({ region: east, stack: east });
    const result = analyze(model);
    expect(result.errors).toEqual([]);
    expect(verdict(result, A, B).reachable).toBe(true);
  });

  it("never builds an entity twice when two targets see the same resources", async () => {
    const account = twoPeeredVpcs();
    const client = fakeClient();
    mocks.push(fakeEc2(account, { client }).mock);
    const plan: LivePlan = {
      targets: [{ region: REGION }, { region: REGION, roleArn: "arn:aws:iam::111122223333:role/reader" }],
      tags: { Project: "peering" },
    };
    const model = await loadLive(plan, { clientFor: () => client });
    expect([...model.instances.keys()]).toEqual([A, B]);
  });
});

describe("the live loader's plan comes from the synthesized stacks", () => {
  it("reads the default app in its one region, picking instances by the tag every stack shares", () => {
    const plan = withSynthesizedApp(parseConfig(DEFAULT_CONFIG), (outdir) => livePlan(readDocuments([outdir])));
    expect(plan).toEqual({ targets: [{ region: "eu-west-1" }], tags: { Project: "peering" } });
  });

  const doc = (stack: string, providers: unknown[], variable: unknown = {}) => ({
    stack,
    file: `${stack}.tf.json`,
    json: { provider: { aws: providers }, variable },
  });
  const tags = (stack: string) => [{ tags: { Project: "peering", Stack: stack } }];

  it("lists each region and role once, with a region from a variable's default", () => {
    const documents = [
      doc(
        "network",
        [
          { region: "eu-west-1", default_tags: tags("network") },
          { alias: "peer", region: "${var.peer_region}", default_tags: tags("network") },
        ],
        {
          peer_region: { default: "us-east-1" },
        },
      ),
      doc("peering", [
        { region: "eu-west-1", default_tags: tags("peering") },
        {
          alias: "other",
          region: "eu-west-1",
          assume_role: [{ role_arn: "arn:aws:iam::444455556666:role/peering" }],
          default_tags: tags("peering"),
        },
      ]),
    ];
    expect(livePlan(documents)).toEqual({
      targets: [
        { region: "eu-west-1" },
        { region: "us-east-1" },
        { region: "eu-west-1", roleArn: "arn:aws:iam::444455556666:role/peering" },
      ],
      tags: { Project: "peering" },
    });
    expect(livePlan(documents, ["eu-west-1"]).targets).toEqual([
      { region: "eu-west-1" },
      { region: "eu-west-1", roleArn: "arn:aws:iam::444455556666:role/peering" },
    ]);
    expect(livePlan(documents, ["ap-south-1"]).targets).toEqual([{ region: "ap-south-1" }]);
  });

  it("leaves the region to the SDK when no provider names one, and filters by no tag when the stacks share none", () => {
    expect(livePlan([doc("x", [{}])])).toEqual({ targets: [{}], tags: {} });
  });
});

describe("errors of the EC2 API stop the live loader with a message that says what to do", () => {
  const failing = async (error: unknown): Promise<string> => {
    const client = fakeClient();
    const { mock } = fakeEc2(twoPeeredVpcs(), { client });
    mocks.push(mock);
    mock.rejects(error as Error);
    try {
      await loadLive(PLAN, { clientFor: () => client });
    } catch (e) {
      expect(e).toBeInstanceOf(LiveReadError);
      return (e as Error).message;
    }
    throw new Error("the load did not fail");
  };
  const awsError = (name: string, message: string, status: number, extra: Record<string, unknown> = {}) =>
    Object.assign(new Error(message), { name, $fault: "client", $metadata: { httpStatusCode: status }, ...extra });

  it.each([
    [
      "no credentials",
      Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }),
      /^EC2 DescribeInstances in eu-west-1: no AWS credentials \(CredentialsProviderError: Could not load credentials from any providers\); fix: set AWS_PROFILE/,
    ],
    [
      "access denied",
      awsError("UnauthorizedOperation", "You are not authorized to perform this operation.", 403),
      /^EC2 DescribeInstances in eu-west-1: access denied \(UnauthorizedOperation: You are not authorized .*\); fix: allow ec2:DescribeInstances, ec2:DescribeVpcs, .* for this identity$/,
    ],
    [
      "rejected credentials",
      awsError("AuthFailure", "AWS was not able to validate the provided access credentials", 401),
      /^EC2 DescribeInstances in eu-west-1: the credentials were rejected \(AuthFailure: .*\); fix: refresh them/,
    ],
    [
      "an endpoint that is down",
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { name: "Error", code: "ECONNREFUSED" }),
      /^EC2 DescribeInstances in eu-west-1: the endpoint did not answer \(Error: connect ECONNREFUSED 127\.0\.0\.1:9\); fix: check the network/,
    ],
    [
      "an HTML page",
      awsError("Unknown", "UnknownError", 500, {
        $response: { headers: { "content-type": "text/html; charset=utf-8" } },
      }),
      /^EC2 DescribeInstances in eu-west-1: the endpoint answered HTTP 500, text\/html that is not an AWS API response/,
    ],
    [
      "any other API error",
      awsError("InvalidParameterValue", "bad filter", 400),
      /^EC2 DescribeInstances in eu-west-1 failed \(InvalidParameterValue: bad filter, HTTP 400\)$/,
    ],
  ])("%s", async (_, error, message) => {
    expect(await failing(error)).toMatch(message);
  });

  it("names the call that failed after the instances were read", async () => {
    const client = fakeClient();
    const { mock } = fakeEc2(twoPeeredVpcs(), { client });
    mocks.push(mock);
    const { DescribeNetworkAclsCommand } = await import("@aws-sdk/client-ec2");
    mock.on(DescribeNetworkAclsCommand).rejects(awsError("UnauthorizedOperation", "not allowed", 403));
    await expect(loadLive(PLAN, { clientFor: () => client })).rejects.toThrow(
      /^EC2 DescribeNetworkAcls in eu-west-1: access denied/,
    );
  });

  it("reports a real HTTP answer of HTML as no AWS API response", async () => {
    const server = await startLoopbackServer((_req, res) =>
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end("<html><body>Welcome</body></html>"),
    );
    const client = new EC2Client({
      region: REGION,
      endpoint: server.url,
      credentials: { accessKeyId: "fake", secretAccessKey: "fake" },
      maxAttempts: 1,
    });
    try {
      await expect(loadLive(PLAN, { clientFor: () => client })).rejects.toThrow(
        /^EC2 DescribeInstances in eu-west-1: the endpoint answered HTTP 200, text\/html that is not an AWS API response/,
      );
    } finally {
      client.destroy();
      await server.close();
    }
  });
});

describe("reach --live", () => {
  const run = async (args: string[], account = twoPeeredVpcs()) => {
    const client = fakeClient();
    mocks.push(fakeEc2(account, { client }).mock);
    let stdout = "";
    let stderr = "";
    const status = await reachCommand(
      ["--live", ...args],
      { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) },
      {
        clientFor: () => client,
        synthesize: () => withSynthesizedApp(parseConfig(DEFAULT_CONFIG), (outdir) => readDocuments([outdir])),
      },
    );
    return { status, stdout, stderr };
  };

  it("prints the same matrix as reach does from Terraform, for what is deployed", async () => {
    const { status, stdout, stderr } = await run([]);
    expect({ status, stderr }).toEqual({ status: 0, stderr: "" });
    expect(stdout).toMatch(/^Who can ping whom/);
    expect(stdout).toContain(`1  ${A} - ✓`);
    expect(stdout).toContain(`2  ${B} ✓ -`);
  });

  it("prints JSON with --json and takes an instance id for --from", async () => {
    const { status, stdout } = await run(["--json", "--from", "i-b"]);
    expect(status).toBe(0);
    expect(JSON.parse(stdout).pairs).toEqual([expect.objectContaining({ from: B, to: A, reachable: true })]);
  });

  it("with --diff, compares what is deployed with the synthesized config, instances matched by their tags", async () => {
    const same = await run(["--diff", "--json"]);
    expect(same.status).toBe(0);
    expect(JSON.parse(same.stdout)).toEqual(
      expect.objectContaining({ base: "the deployed network", head: "the config", lost: [], gained: [] }),
    );
    const account = twoPeeredVpcs();
    account.securityGroupRules = account.securityGroupRules.filter((r) => r.GroupId !== "sg-b" || r.IsEgress);
    const cut = await run(["--diff"], account);
    expect(cut.status).toBe(0);
    expect(cut.stdout).toMatch(
      /: 0 pairs lost, 1 gained\.\n\nGained:\n {2}instances\/aws_instance\.instance-a_\w+ → instances\/aws_instance\.instance-b_\w+ \(ipv4\): ✗ → ✓\n/,
    );
  });

  it("exits 2 with one line naming the call when EC2 cannot be read", async () => {
    const client = fakeClient();
    const { mock } = fakeEc2(twoPeeredVpcs(), { client });
    mocks.push(mock);
    mock.rejects(
      Object.assign(new Error("You are not authorized"), {
        name: "UnauthorizedOperation",
        $metadata: { httpStatusCode: 403 },
      }),
    );
    let stderr = "";
    const status = await reachCommand(
      ["--live", "--region", "eu-west-1"],
      { stdout: () => undefined, stderr: (t) => void (stderr += t) },
      {
        clientFor: () => client,
        synthesize: () => [],
      },
    );
    expect(status).toBe(2);
    expect(stderr).toMatch(
      /^reach: EC2 DescribeInstances in eu-west-1: access denied \(UnauthorizedOperation: You are not authorized\); fix: [^\n]*\n$/,
    );
  });
});
