import { type Result, analyze, buildModel, findConfigurationProblems } from "../../lib/reach";
import type { TransitNetwork, TransitVpcAttachment } from "../../lib/reach/transit";
import { transitRefusalFixtures } from "../../test-support/transit-refusals";
import {
  type TgwDoc,
  associate,
  attach,
  patch,
  peerGateways,
  peeredGateways,
  peeringRoutes,
  put,
  segmented,
  subnet,
  tgw,
  tgwDoc,
  tgwRoute,
  tgwTable,
  twoOnHub,
  vpc,
  vpcRoute,
} from "../../test-support/transit";

function reach(doc: TgwDoc): Result {
  return analyze(buildModel([{ stack: "test", file: "test.tf.json", json: doc }]));
}

/** "true", "false: <reason>" or "depends: <reason>" for one pair. */
function verdict(result: Result, from: string, to: string, protocol: "ipv4" | "ipv6" = "ipv4"): string {
  const found = result.pairs.find(
    (p) => p.from === `aws_instance.${from}` && p.to === `aws_instance.${to}` && p.protocol === protocol,
  );
  if (!found) throw new Error(`no ${protocol} pair ${from} → ${to}`);
  return found.reachable === true ? "true" : `${found.reachable}: ${found.reason}`;
}

const HUB_DEFAULT = "aws_ec2_transit_gateway.hub.association_default_route_table_id";

describe("reach routes through a transit gateway as AWS documents", () => {
  it("carries an echo between two VPCs on the default route table, naming every hop", () => {
    const result = reach(twoOnHub());
    expect(result.errors).toEqual([]);
    expect(verdict(result, "a", "b")).toBe("true");
    const path = result.pairs.find((p) => p.from === "aws_instance.a")?.path ?? [];
    expect(path).toEqual(
      expect.arrayContaining([
        "hub-a (aws_ec2_transit_gateway_vpc_attachment.hub_a)",
        expect.stringMatching(
          /^hub \(aws_ec2_transit_gateway\.hub\) default route table: 10\.2\.0\.0\/16 → hub-b .*propagated/,
        ),
        expect.stringMatching(
          /^reply: hub \(aws_ec2_transit_gateway\.hub\) default route table: 10\.1\.0\.0\/16 → hub-a/,
        ),
      ]),
    );
  });

  it("segments prod, dev and shared: prod and dev each reach shared, not each other", () => {
    const result = reach(segmented());
    expect(result.errors).toEqual([]);
    expect(verdict(result, "prod", "shared")).toBe("true");
    expect(verdict(result, "dev", "shared")).toBe("true");
    expect(verdict(result, "shared", "prod")).toBe("true");
    expect(verdict(result, "prod", "dev")).toMatch(
      /^false: .*no route of the transit gateway route table spokes \(aws_ec2_transit_gateway_route_table\.spokes\) matches 10\.2\.1\.\d+/,
    );
    expect(verdict(result, "dev", "prod")).toMatch(/^false: .*spokes/);
  });

  const cases: readonly (readonly [string, () => TgwDoc, string])[] = [
    [
      "drops everything when the default route table is off and nothing is associated",
      () => {
        const doc = twoOnHub();
        patch(doc, "aws_ec2_transit_gateway", "hub", {
          default_route_table_association: "disable",
          default_route_table_propagation: "disable",
        });
        for (const name of ["a", "b"])
          patch(doc, "aws_ec2_transit_gateway_vpc_attachment", `hub_${name}`, {
            transit_gateway_default_route_table_association: false,
            transit_gateway_default_route_table_propagation: false,
          });
        return doc;
      },
      "false: .*hub-a \\(aws_ec2_transit_gateway_vpc_attachment\\.hub_a\\) is associated with no route table of hub",
    ],
    [
      "drops what a static blackhole route hides the propagated route of the same prefix for",
      () => tgwRoute(twoOnHub(), "hole", HUB_DEFAULT, "10.2.0.0/16", undefined),
      "false: .*aws_ec2_transit_gateway_route\\.hole is a blackhole route",
    ],
    [
      "lets the more specific blackhole win over a shorter propagated route",
      () => tgwRoute(twoOnHub(), "hole", HUB_DEFAULT, "10.2.1.0/24", undefined),
      "false: .*10\\.2\\.1\\.0/24 → blackhole",
    ],
    [
      "lets a longer propagated route win over a shorter blackhole",
      () => tgwRoute(twoOnHub(), "hole", HUB_DEFAULT, "10.0.0.0/8", undefined),
      "true",
    ],
    [
      "needs a route back: the reply is dropped when b's table has none",
      () => {
        const doc = twoOnHub();
        patch(doc, "aws_ec2_transit_gateway_vpc_attachment", "hub_a", {
          transit_gateway_default_route_table_propagation: false,
        });
        return doc;
      },
      "false: reply: .*no route of the transit gateway route table hub \\(aws_ec2_transit_gateway\\.hub\\) default route table matches 10\\.1\\.1\\.",
    ],
    [
      "drops traffic from an Availability Zone where the attachment has no subnet",
      () => {
        const doc = twoOnHub();
        subnet(doc, "a_tgw", "a", "10.1.200.0/28", "eu-west-1b");
        return patch(doc, "aws_ec2_transit_gateway_vpc_attachment", "hub_a", {
          subnet_ids: ["${aws_subnet.a_tgw.id}"],
        });
      },
      "false: .*has no subnet in eu-west-1a, where aws_subnet\\.a is .*cannot reach the transit gateway",
    ],
    [
      "enters through the attachment subnet of the source's zone, whichever subnet it is",
      () => {
        const doc = twoOnHub();
        subnet(doc, "a_tgw", "a", "10.1.200.0/28", "eu-west-1a");
        return patch(doc, "aws_ec2_transit_gateway_vpc_attachment", "hub_a", {
          subnet_ids: ["${aws_subnet.a_tgw.id}"],
        });
      },
      "true",
    ],
    [
      "applies the attachment subnet's network ACL on the way out of the transit gateway",
      () => {
        const doc = twoOnHub();
        subnet(doc, "b_tgw", "b", "10.2.200.0/28", "eu-west-1a");
        patch(doc, "aws_ec2_transit_gateway_vpc_attachment", "hub_b", { subnet_ids: ["${aws_subnet.b_tgw.id}"] });
        return put(doc, "aws_network_acl", "b_tgw", {
          vpc_id: "${aws_vpc.b.id}",
          subnet_ids: ["${aws_subnet.b_tgw.id}"],
          ingress: [
            { rule_no: 100, action: "allow", protocol: "-1", cidr_block: "0.0.0.0/0", from_port: 0, to_port: 0 },
          ],
          egress: [
            { rule_no: 100, action: "deny", protocol: "-1", cidr_block: "10.2.1.0/24", from_port: 0, to_port: 0 },
          ],
        });
      },
      "false: aws_network_acl\\.b_tgw \\(outbound, transit gateway attachment subnet aws_subnet\\.b_tgw\\): .*rule 100",
    ],
  ];

  it.each(cases)("%s", (_name, build, expected) => {
    const result = reach(build());
    expect(result.errors).toEqual([]);
    expect(verdict(result, "a", "b")).toMatch(new RegExp(`^${expected}`));
  });

  it("carries IPv6 only through attachments with ipv6_support, and propagates IPv6 blocks only then", () => {
    const without = reach(twoOnHub({ ipv6: true }));
    expect(verdict(without, "a", "b")).toBe("true");
    expect(verdict(without, "a", "b", "ipv6")).toMatch(/^false: .*ipv6_support disabled/);
    const withSupport = reach(twoOnHub({ ipv6: true, attachIpv6: true }));
    expect(verdict(withSupport, "a", "b", "ipv6")).toBe("true");
  });

  it("crosses a transit gateway peering between two regions by static routes only", () => {
    const unrouted = reach(peeredGateways());
    expect(unrouted.errors).toEqual([]);
    expect(verdict(unrouted, "a", "b")).toMatch(
      /^false: .*no route of the transit gateway route table hub .* matches 10\.2\.1\./,
    );
    const routed = reach(peeringRoutes(peeredGateways()));
    expect(routed.errors).toEqual([]);
    expect(verdict(routed, "a", "b")).toBe("true");
    expect(verdict(routed, "b", "a")).toBe("true");
  });

  it("does not cross a transit gateway peering nobody accepted", () => {
    const result = reach(peeringRoutes(peeredGateways(false)));
    expect(verdict(result, "a", "b")).toMatch(/^false: .*hub_far .*is not accepted/);
  });

  it("takes the more specific route when a VPC is both attached and peered", () => {
    const doc = twoOnHub();
    put(doc, "aws_vpc_peering_connection", "ab", {
      vpc_id: "${aws_vpc.a.id}",
      peer_vpc_id: "${aws_vpc.b.id}",
      auto_accept: true,
    });
    put(doc, "aws_route", "a_peer", {
      route_table_id: "${aws_route_table.a.id}",
      destination_cidr_block: "10.2.0.0/16",
      vpc_peering_connection_id: "${aws_vpc_peering_connection.ab.id}",
    });
    const result = reach(doc);
    const path = result.pairs.find((p) => p.from === "aws_instance.a" && p.protocol === "ipv4")?.path ?? [];
    expect(verdict(result, "a", "b")).toBe("true");
    expect(path).toContain("aws_route_table.a: 10.2.0.0/16 → aws_vpc_peering_connection.ab (aws_route.a_peer)");
    expect(path).toContain("reply: hub-b (aws_ec2_transit_gateway_vpc_attachment.hub_b)");
  });

  it("delivers through an attachment in another zone when the receiving VPC has none in the sender's", () => {
    const doc = twoOnHub();
    subnet(doc, "b_tgw", "b", "10.2.200.0/28", "eu-west-1b");
    patch(doc, "aws_subnet", "b", { availability_zone: "eu-west-1b" });
    patch(doc, "aws_ec2_transit_gateway_vpc_attachment", "hub_b", { subnet_ids: ["${aws_subnet.b_tgw.id}"] });
    expect(verdict(reach(doc), "a", "b")).toBe("true");
  });

  it("reads an association with a custom route table that replaces the default one", () => {
    const doc = twoOnHub();
    put(doc, "aws_ec2_transit_gateway_route_table", "empty", {
      transit_gateway_id: "${aws_ec2_transit_gateway.hub.id}",
    });
    associate(doc, "a_empty", "hub_a", "empty");
    patch(doc, "aws_ec2_transit_gateway_route_table_association", "a_empty", { replace_existing_association: true });
    expect(verdict(reach(doc), "a", "b")).toMatch(/^false: .*aws_ec2_transit_gateway_route_table\.empty matches/);
  });

  it("leaves models without transit gateways as they were", () => {
    const doc = tgwDoc();
    vpc(doc, "a", 1);
    expect(buildModel([{ stack: "test", file: "test.tf.json", json: doc }]).transit).toBeUndefined();
  });

  it("keeps the gateway helpers in use", () => {
    const doc = tgwDoc();
    tgw(doc, "x");
    vpc(doc, "v", 9);
    attach(doc, "x", "v");
    vpcRoute(doc, "v", "10.0.0.0/8", "x");
    peerGateways(doc, "p", "x", "x");
    expect(Object.keys(doc.resource)).toContain("aws_ec2_transit_gateway_peering_attachment");
  });
});

describe("reach refuses transit gateway configurations AWS rejects", () => {
  it.each(transitRefusalFixtures())("refuses %s", (_name, doc, pattern) => {
    const messages = reach(doc).errors.map((e) => `${e.resource}: ${e.message}`);
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(pattern)]));
  });

  it("refuses nothing in the fixtures that AWS accepts", () => {
    for (const doc of [segmented(), twoOnHub({ ipv6: true, attachIpv6: true }), peeringRoutes(peeredGateways())])
      expect(reach(doc).errors).toEqual([]);
  });

  it("warns when a transit gateway passes an adjustable quota, and refuses a hard one", () => {
    const doc = twoOnHub();
    for (let i = 0; i <= 20; i++) tgwTable(doc, `t${i}`, "hub");
    const result = reach(doc);
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((w) => `${w.resource}: ${w.message}`)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^aws_ec2_transit_gateway\.hub: has 22 route tables, above the default quota of 20 "Transit gateway route tables per transit gateway"/,
        ),
      ]),
    );
    const model = buildModel([{ stack: "test", file: "test.tf.json", json: twoOnHub() }]);
    const transit = model.transit as TransitNetwork;
    const hubA = transit.vpcAttachments.get("aws_ec2_transit_gateway_vpc_attachment.hub_a") as TransitVpcAttachment;
    const many = new Map(transit.vpcAttachments);
    for (let i = 0; i < 5000; i++)
      many.set(`attachment-${i}`, { ...hubA, address: `attachment-${i}`, vpc: `vpc-${i}` });
    const errors = findConfigurationProblems({ ...model, transit: { ...transit, vpcAttachments: many } }).errors;
    expect(errors.map((e) => `${e.resource}: ${e.message}`)).toContainEqual(
      expect.stringMatching(/^aws_ec2_transit_gateway\.hub: has 5002 attachments; AWS allows at most 5000/),
    );
  });
});
