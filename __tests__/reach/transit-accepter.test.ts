/**
 * reach reads a VPC attachment made in the VPC's account and accepted in the gateway's
 * (aws_ec2_transit_gateway_vpc_attachment_accepter): associations, propagations and static routes
 * that name the accepter are the attachment's.
 */
import { type Result, analyze, buildModel } from "../../lib/reach";
import { ReachInputError } from "../../lib/reach/model";
import {
  type TgwDoc,
  associate,
  attach,
  propagate,
  put,
  ref,
  tgw,
  tgwDoc,
  tgwTable,
  vpc,
  vpcRoute,
} from "../../test-support/transit";

function reach(doc: TgwDoc): Result {
  return analyze(buildModel([{ stack: "test", file: "test.tf.json", json: doc }]));
}

/** VPCs a (10.1) and b (10.2) on hub's table "all", b's attachment accepted by an accepter that the table's edges name. */
function acceptedB(): TgwDoc {
  const doc = tgwDoc();
  tgw(doc, "hub", "disable");
  tgwTable(doc, "all", "hub");
  vpc(doc, "a", 1);
  vpc(doc, "b", 2);
  for (const name of ["a", "b"]) {
    attach(doc, "hub", name, { defaults: false });
    vpcRoute(doc, name, "10.0.0.0/8", "hub");
  }
  put(doc, "aws_ec2_transit_gateway_vpc_attachment_accepter", "hub_b", {
    transit_gateway_attachment_id: ref("aws_ec2_transit_gateway_vpc_attachment.hub_b.id"),
    transit_gateway_default_route_table_association: false,
    transit_gateway_default_route_table_propagation: false,
  });
  const accepted = "aws_ec2_transit_gateway_vpc_attachment_accepter.hub_b";
  associate(doc, "a_all", "hub_a", "all");
  propagate(doc, "a_into_all", "hub_a", "all");
  associate(doc, "b_all", accepted, "all");
  propagate(doc, "b_into_all", accepted, "all");
  return doc;
}

describe("a VPC attachment accepted in the gateway's account", () => {
  it("is associated and propagated through its accepter, so a and b reach each other", () => {
    const result = reach(acceptedB());
    expect(result.errors).toEqual([]);
    const verdicts = result.pairs.map((p) => [p.from, p.to, p.reachable]);
    expect(verdicts).toEqual([
      ["aws_instance.a", "aws_instance.b", true],
      ["aws_instance.b", "aws_instance.a", true],
    ]);
    const path = result.pairs.find((p) => p.from === "aws_instance.a")!.path.join("\n");
    expect(path).toContain(
      "all (aws_ec2_transit_gateway_route_table.all): 10.2.0.0/16 → hub-b (aws_ec2_transit_gateway_vpc_attachment.hub_b) (propagated, aws_ec2_transit_gateway_route_table_propagation.b_into_all: aws_vpc.b)",
    );
  });

  it.each([
    ["a literal attachment id", "tgw-attach-0123456789abcdef0"],
    ["a peering attachment", ref("aws_ec2_transit_gateway.hub.id")],
  ])("is refused when it accepts %s instead of a VPC attachment of the configuration", (_, id) => {
    const doc = acceptedB();
    doc.resource.aws_ec2_transit_gateway_vpc_attachment_accepter.hub_b.transit_gateway_attachment_id = id;
    expect(() => reach(doc)).toThrow(ReachInputError);
    expect(() => reach(doc)).toThrow(
      /aws_ec2_transit_gateway_vpc_attachment_accepter\.hub_b: transit_gateway_attachment_id must refer to an aws_ec2_transit_gateway_vpc_attachment/,
    );
  });
});
