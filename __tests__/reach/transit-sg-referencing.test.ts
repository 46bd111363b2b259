/**
 * Security group rules that name a group of another VPC across a transit gateway
 * (security_group_referencing_support, AWS 2023-11): reach admits that group's instances arriving
 * through the gateway only when the gateway and both VPC attachments enable it, in inbound rules
 * only, and never across a transit gateway peering; otherwise the rule admits nothing from there and
 * the verdict says why. Read from Terraform and from the EC2 API alike, and rehearse's nft rules agree.
 * And reach across two peerings: AWS routes a packet by the table associated with the attachment it
 * arrives on, so it goes on from one peering to another only where a static route says so.
 */
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { AwsClientStub } from "aws-sdk-client-mock";
import { type Result, analyze, buildModel, loadLive } from "../../lib/reach";
import { placeInstances } from "../../lib/rehearse/endpoints";
import { planNetwork } from "../../lib/rehearse/plan";
import {
  type TgwDoc,
  attach,
  patch,
  peeredGateways,
  peeringRoutes,
  put,
  tgw,
  tgwRoute,
  twoOnHub,
  vpc,
  vpcRoute,
} from "../../test-support/transit";
import { type Account, REGION, fakeClient, fakeEc2, sgRule, twoVpcsOnATransitGateway } from "./live-account";

const ref = (expr: string) => `\${${expr}}`;

function reach(doc: TgwDoc): Result {
  return analyze(buildModel([{ stack: "test", file: "test.tf.json", json: doc }]));
}

/** "true" or "false: <reason>" for the IPv4 pair. */
function verdict(result: Result, from: string, to: string): string {
  const found = result.pairs.find(
    (p) => p.from === `aws_instance.${from}` && p.to === `aws_instance.${to}` && p.protocol === "ipv4",
  );
  if (!found) throw new Error(`no pair ${from} → ${to}`);
  return found.reachable === true ? "true" : `${found.reachable}: ${found.reason}`;
}

const RULE = {
  description: null,
  cidr_blocks: [],
  ipv6_cidr_blocks: [],
  prefix_list_ids: [],
  security_groups: [],
  self: false,
  protocol: "icmp",
  from_port: -1,
  to_port: -1,
};

/** `owner`'s group admits ICMP inbound from `referenced`'s group only (no block). */
function admitsGroupOnly(doc: TgwDoc, owner: string, referenced: string): TgwDoc {
  return patch(doc, "aws_security_group", owner, {
    ingress: [{ ...RULE, security_groups: [ref(`aws_security_group.${referenced}.id`)] }],
  });
}

/** twoOnHub, b admitting a's group only, the gateway's and the attachments' support as given (undefined: left out). */
function referenced(gateway?: "enable" | "disable", attachments: { a?: string; b?: string } = {}): TgwDoc {
  const doc = admitsGroupOnly(twoOnHub(), "b", "a");
  if (gateway) patch(doc, "aws_ec2_transit_gateway", "hub", { security_group_referencing_support: gateway });
  for (const [name, value] of Object.entries(attachments))
    if (value)
      patch(doc, "aws_ec2_transit_gateway_vpc_attachment", `hub_${name}`, {
        security_group_referencing_support: value,
      });
  return doc;
}

describe("a security group rule naming a group of another VPC across a transit gateway", () => {
  it("admits the group's instances when the gateway enables it and the attachments keep AWS's default (enable)", () => {
    const result = reach(referenced("enable"));
    expect(result.errors).toEqual([]);
    expect(verdict(result, "a", "b")).toBe("true");
  });

  it.each<[string, TgwDoc, RegExp]>([
    [
      "the gateway leaves it out (AWS's default for a gateway is disable)",
      referenced(),
      /security_group_referencing_support is not enabled on hub \(aws_ec2_transit_gateway\.hub\): AWS honours/,
    ],
    ["the gateway disables it", referenced("disable"), /not enabled on hub \(aws_ec2_transit_gateway\.hub\):/],
    [
      "the receiving VPC's attachment disables it",
      referenced("enable", { b: "disable" }),
      /not enabled on hub-b \(aws_ec2_transit_gateway_vpc_attachment\.hub_b\): .*the gateway and both VPC attachments enable it/,
    ],
    [
      "the sending VPC's attachment disables it",
      referenced("enable", { a: "disable" }),
      /not enabled on hub-a \(aws_ec2_transit_gateway_vpc_attachment\.hub_a\):/,
    ],
  ])("admits nothing from there when %s, and says so", (_, doc, why) => {
    const found = verdict(reach(doc), "a", "b");
    expect(found).toMatch(
      /^false: aws_security_group\.b \(ingress\): no ingress rule allows an ICMP echo request from 10\.1\.1\.10; aws_security_group\.b ingress\[0\] names aws_security_group\.a, but the echo comes through the transit gateway hub/,
    );
    expect(found).toMatch(why);
  });

  it("is refused as AWS refuses the rule when the gateway does not enable it, and accepted when it does", () => {
    expect(reach(referenced()).errors).toEqual([
      {
        resource: "aws_security_group.b ingress[0]",
        message: expect.stringMatching(
          /^references aws_security_group\.a of aws_vpc\.a, which has no active peering with aws_vpc\.b nor a transit gateway with both attached that enables security_group_referencing_support; AWS rejects it: .*enable the support on their transit gateway/,
        ),
      },
    ]);
    expect(reach(referenced("enable", { b: "disable" })).errors).toEqual([]);
  });

  it("leaves the other direction to its own rules: a still reaches b's block rule the other way", () => {
    expect(verdict(reach(referenced()), "b", "a")).toBe("true");
  });

  it("admits nothing through an outbound rule naming the far group, which AWS does not support across a gateway", () => {
    const doc = referenced("enable");
    patch(doc, "aws_security_group", "b", {
      ingress: [{ ...RULE, cidr_blocks: ["10.0.0.0/8"] }],
    });
    patch(doc, "aws_security_group", "a", {
      egress: [
        { ...RULE, protocol: "-1", from_port: 0, to_port: 0, security_groups: [ref("aws_security_group.b.id")] },
      ],
    });
    expect(verdict(reach(doc), "a", "b")).toMatch(
      /^false: aws_security_group\.a \(egress\): no egress rule allows .*names aws_security_group\.b, but the echo goes through the transit gateway hub .*in inbound rules only/,
    );
  });

  it("admits nothing across a transit gateway peering, even with every flag on", () => {
    const doc = admitsGroupOnly(peeringRoutes(peeredGateways()), "b", "a");
    for (const gateway of ["hub", "far"])
      patch(doc, "aws_ec2_transit_gateway", gateway, { security_group_referencing_support: "enable" });
    expect(verdict(reach(doc), "a", "b")).toMatch(
      /^false: .*names aws_security_group\.a, but the echo crosses the transit gateway peering hub_far .*not across a peering/,
    );
  });

  it("plans rehearse's nft rules to match: the group's address is admitted only with every flag on", () => {
    // b's group has no block rule inbound: any source address in its ruleset is a's, admitted by the reference.
    const admitted = (doc: TgwDoc) => {
      const model = buildModel([{ stack: "test", file: "test.tf.json", json: doc }]);
      const b = planNetwork(model, placeInstances(model), "t").namespaces.find((n) => n.stands === "aws_instance.b")!;
      return /saddr/.test(b.nft);
    };
    expect(admitted(referenced("enable"))).toBe(true);
    expect(admitted(referenced())).toBe(false);
    expect(admitted(referenced("enable", { b: "disable" }))).toBe(false);
  });
});

describe("reach --live reads security group referencing support of gateways and VPC attachments", () => {
  let mocks: AwsClientStub<EC2Client>[] = [];
  afterEach(() => {
    for (const m of mocks) m.restore();
    mocks = [];
  });

  /** twoVpcsOnATransitGateway, b's group admitting a's group only, with the support AWS reports. */
  function served(gateway: "enable" | "disable", attachment: "enable" | "disable"): Account {
    const account = twoVpcsOnATransitGateway();
    account.securityGroupRules = account.securityGroupRules.map((r) =>
      r.SecurityGroupRuleId === "sgr-b-in"
        ? sgRule("sgr-b-in", "sg-b", {
            IpProtocol: "icmp",
            FromPort: 8,
            ToPort: -1,
            ReferencedGroupInfo: { GroupId: "sg-a" },
          })
        : r,
    );
    account.transitGateways = account.transitGateways.map((g) => ({
      ...g,
      Options: { SecurityGroupReferencingSupport: gateway },
    }));
    account.transitVpcAttachments = account.transitVpcAttachments.map((a) => ({
      ...a,
      Options: { ...a.Options, SecurityGroupReferencingSupport: attachment },
    }));
    return account;
  }

  async function liveVerdict(account: Account) {
    const client = fakeClient();
    mocks.push(fakeEc2(account, { client }).mock);
    const model = await loadLive(
      { targets: [{ region: REGION }], tags: { Project: "peering" } },
      { clientFor: () => client },
    );
    return analyze(model).pairs.find((p) => p.from === "a-ping/i-a" && p.to === "b-ping/i-b")!;
  }

  it("admits a's group through the gateway when AWS reports the support enabled on all three", async () => {
    expect((await liveVerdict(served("enable", "enable"))).reachable).toBe(true);
  });

  it("admits nothing when AWS reports it disabled on the attachments, naming them", async () => {
    const pair = await liveVerdict(served("enable", "disable"));
    expect(pair.reachable).toBe(false);
    expect(pair.reason).toMatch(/names sg-a.*not enabled on tgw-attach-a and tgw-attach-b/);
  });
});

describe("reach across two transit gateway peerings, as AWS routes it", () => {
  const HUB = "aws_ec2_transit_gateway.hub.association_default_route_table_id";
  const FAR = "aws_ec2_transit_gateway.far.association_default_route_table_id";
  const EAST = "aws_ec2_transit_gateway.east.association_default_route_table_id";

  /**
   * a (10.1) on hub, b (10.2) on far, c (10.3) on east; hub peered with far, far with east; hub
   * routes c's block to far and east routes a's block to far; far's table (associated with both
   * peerings on its side) routes a's block back, and c's block on to east when `onward`.
   */
  function chain(onward: boolean): TgwDoc {
    const doc = peeringRoutes(peeredGateways());
    tgw(doc, "east");
    vpc(doc, "c", 3);
    attach(doc, "east", "c");
    vpcRoute(doc, "c", "10.0.0.0/8", "east");
    put(doc, "aws_ec2_transit_gateway_peering_attachment", "far_east", {
      provider: "aws.west",
      transit_gateway_id: ref("aws_ec2_transit_gateway.far.id"),
      peer_transit_gateway_id: ref("aws_ec2_transit_gateway.east.id"),
      peer_region: "eu-west-1",
      tags: { Name: "far_east" },
    });
    put(doc, "aws_ec2_transit_gateway_peering_attachment_accepter", "far_east", {
      transit_gateway_attachment_id: ref("aws_ec2_transit_gateway_peering_attachment.far_east.id"),
    });
    const hubFar = "aws_ec2_transit_gateway_peering_attachment.hub_far";
    const farEast = "aws_ec2_transit_gateway_peering_attachment.far_east";
    tgwRoute(doc, "hub_to_c", HUB, "10.3.0.0/16", hubFar);
    tgwRoute(doc, "east_to_a", EAST, "10.1.0.0/16", "aws_ec2_transit_gateway_peering_attachment_accepter.far_east");
    if (onward) tgwRoute(doc, "far_to_c", FAR, "10.3.0.0/16", farEast, "aws.west");
    return doc;
  }

  it("does not carry a packet from one peering onto another without a static route that says so", () => {
    expect(verdict(reach(chain(false)), "a", "c")).toMatch(
      /^false: .*no route of the transit gateway route table far .*default route table matches 10\.3\.1\./,
    );
  });

  it("carries it across both peerings when the middle gateway's table routes it on, hop by hop", () => {
    const result = reach(chain(true));
    expect(result.errors).toEqual([]);
    expect(verdict(result, "a", "c")).toBe("true");
    const path = result.pairs.find((p) => p.from === "aws_instance.a" && p.to === "aws_instance.c")!.path.join("\n");
    expect(path).toMatch(/hub_far[\s\S]*far .*default route table: 10\.3\.0\.0\/16 → far_east[\s\S]*east-c/);
  });
});
