/**
 * reach models a transit gateway shared through AWS RAM as AWS documents it: a VPC of another
 * account attaches only to a gateway shared with that account, only an account outside the
 * organization gets an invitation (so accepting one needs a share that allows external
 * principals), and an attachment from another account waits for the gateway owner's accepter
 * unless the gateway auto-accepts shared attachments. Each refusal is an error (exit 3).
 */
import { type Result, analyze, buildModel } from "../../lib/reach";
import {
  type TgwDoc,
  associate,
  attach,
  patch,
  propagate,
  put,
  ref,
  tgw,
  tgwDoc,
  tgwTable,
  vpc,
  vpcRoute,
} from "../../test-support/transit";

const NETWORK = "111111111111";
const WORKLOADS = "222222222222";

function reach(doc: TgwDoc): Result {
  return analyze(buildModel([{ stack: "test", file: "test.tf.json", json: doc }]));
}

/**
 * Gateway hub in the network account, shared through RAM with the workloads account; VPC a
 * (network) and VPC b (workloads) attached, b's attachment made in workloads and accepted in network.
 */
function sharedHub(): TgwDoc {
  const doc = tgwDoc();
  doc.provider.aws.push(
    { alias: "network", region: "eu-west-1", assume_role: [{ role_arn: `arn:aws:iam::${NETWORK}:role/peering` }] },
    { alias: "workloads", region: "eu-west-1", assume_role: [{ role_arn: `arn:aws:iam::${WORKLOADS}:role/peering` }] },
  );
  tgw(doc, "hub", "disable", "aws.network");
  tgwTable(doc, "all", "hub", "aws.network");
  vpc(doc, "a", 1, { provider: "aws.network" });
  vpc(doc, "b", 2, { provider: "aws.workloads" });
  for (const name of ["a", "b"]) {
    attach(doc, "hub", name, { defaults: false });
    vpcRoute(doc, name, "10.0.0.0/8", "hub");
  }
  put(doc, "aws_ram_resource_share", "hub", { name: "hub", provider: "aws.network" });
  put(doc, "aws_ram_resource_association", "hub", {
    resource_share_arn: ref("aws_ram_resource_share.hub.arn"),
    resource_arn: ref("aws_ec2_transit_gateway.hub.arn"),
    provider: "aws.network",
  });
  put(doc, "aws_ram_principal_association", "workloads", {
    resource_share_arn: ref("aws_ram_resource_share.hub.arn"),
    principal: WORKLOADS,
    provider: "aws.network",
  });
  put(doc, "aws_ec2_transit_gateway_vpc_attachment_accepter", "hub_b", {
    transit_gateway_attachment_id: ref("aws_ec2_transit_gateway_vpc_attachment.hub_b.id"),
    transit_gateway_default_route_table_association: false,
    transit_gateway_default_route_table_propagation: false,
    provider: "aws.network",
  });
  const accepted = "aws_ec2_transit_gateway_vpc_attachment_accepter.hub_b";
  associate(doc, "a_all", "hub_a", "all", "aws.network");
  propagate(doc, "a_into_all", "hub_a", "all", "aws.network");
  associate(doc, "b_all", accepted, "all", "aws.network");
  propagate(doc, "b_into_all", accepted, "all", "aws.network");
  return doc;
}

/** workloads accepts the share's invitation, as an account outside the organization does. */
function acceptInvitation(doc: TgwDoc): TgwDoc {
  return put(doc, "aws_ram_resource_share_accepter", "workloads", {
    share_arn: ref("aws_ram_principal_association.workloads.resource_share_arn"),
    provider: "aws.workloads",
  });
}

/** The gateway not shared with workloads. */
function unshared(doc: TgwDoc): TgwDoc {
  delete doc.resource.aws_ram_principal_association.workloads;
  return doc;
}

/** b's attachment without its accepter: what named the accepter names the attachment itself. */
function unaccepted(doc: TgwDoc): TgwDoc {
  delete doc.resource.aws_ec2_transit_gateway_vpc_attachment_accepter.hub_b;
  const attachment = ref("aws_ec2_transit_gateway_vpc_attachment.hub_b.id");
  patch(doc, "aws_ec2_transit_gateway_route_table_association", "b_all", { transit_gateway_attachment_id: attachment });
  patch(doc, "aws_ec2_transit_gateway_route_table_propagation", "b_into_all", {
    transit_gateway_attachment_id: attachment,
  });
  return doc;
}

describe("a transit gateway shared through RAM", () => {
  it.each<[string, (doc: TgwDoc) => TgwDoc]>([
    ["as written: shared with workloads, b's attachment accepted in network", (doc) => doc],
    [
      "with b's attachment auto-accepted by the gateway instead of an accepter",
      (doc) =>
        patch(unaccepted(doc), "aws_ec2_transit_gateway", "hub", {
          auto_accept_shared_attachments: "enable",
        }),
    ],
    [
      "outside one organization: the share allows external principals and workloads accepts the invitation",
      (doc) => patch(acceptInvitation(doc), "aws_ram_resource_share", "hub", { allow_external_principals: true }),
    ],
    [
      "with the organization as principal, whose accounts reach cannot list",
      (doc) =>
        patch(doc, "aws_ram_principal_association", "workloads", {
          principal: `arn:aws:organizations::${NETWORK}:organization/o-exampleorgid`,
        }),
    ],
  ])("is accepted %s, and a and b reach each other", (_, change) => {
    const result = reach(change(sharedHub()));
    expect(result.errors).toEqual([]);
    expect(result.pairs.map((p) => [p.from, p.to, p.reachable])).toEqual([
      ["aws_instance.a", "aws_instance.b", true],
      ["aws_instance.b", "aws_instance.a", true],
    ]);
  });

  it.each<[string, (doc: TgwDoc) => TgwDoc, string, string]>([
    [
      "a VPC attachment from an account the gateway is not shared with",
      unshared,
      "aws_ec2_transit_gateway_vpc_attachment.hub_b",
      `is made from ${WORKLOADS}, but hub (aws_ec2_transit_gateway.hub) is owned by ${NETWORK} and not shared with ${WORKLOADS}: AWS attaches a VPC of another account only to a transit gateway shared with it`,
    ],
    [
      "a share whose invitation an account outside the organization accepts, without allow_external_principals",
      acceptInvitation,
      "aws_ram_resource_share_accepter.workloads",
      `accepts an invitation to aws_ram_resource_share.hub, so ${WORKLOADS} is outside the share's organization (AWS invites no account inside it), but aws_ram_resource_share.hub has allow_external_principals = false (Terraform's default): AWS refuses to share it with an account outside the organization`,
    ],
    [
      "an attachment from another account, no accepter, and auto_accept_shared_attachments off",
      unaccepted,
      "aws_ec2_transit_gateway_vpc_attachment.hub_b",
      `stays pendingAcceptance and carries no traffic: it is made from ${WORKLOADS}, hub (aws_ec2_transit_gateway.hub), owned by ${NETWORK}, has auto_accept_shared_attachments off (AWS's default "disable"), and no aws_ec2_transit_gateway_vpc_attachment_accepter accepts it`,
    ],
    [
      "an attachment accepted from the VPC's account instead of the gateway's",
      (doc) => patch(doc, "aws_ec2_transit_gateway_vpc_attachment_accepter", "hub_b", { provider: "aws.workloads" }),
      "aws_ec2_transit_gateway_vpc_attachment_accepter.hub_b",
      `accepts aws_ec2_transit_gateway_vpc_attachment.hub_b from ${WORKLOADS}, but only ${NETWORK}, which owns hub (aws_ec2_transit_gateway.hub), can accept an attachment to it`,
    ],
  ])("is refused (exit 3) for %s", (_, change, resource, message) => {
    const { errors } = reach(change(sharedHub()));
    expect(errors).toContainEqual({ resource, message: expect.stringContaining(message) });
  });
});
