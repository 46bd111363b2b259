/**
 * AWS allows 10 pending peering attachments per transit gateway (Transit Gateway quotas, adjustable).
 * Offline, reach counts as pending for good a peering attachment that no accepter of the
 * configuration accepts, on both its gateways, and warns past the default quota, as it does for
 * the other adjustable transit gateway quotas.
 */
import { analyze, buildModel } from "../../lib/reach";
import { type TgwDoc, peerGateways, tgw, tgwDoc, vpc } from "../../test-support/transit";

/** Gateway hub (eu-west-1) peered with `peers` gateways of us-west-2, `accepted` of the peerings accepted. */
function hubPeeredWith(peers: number, accepted: number): TgwDoc {
  const doc = tgwDoc();
  tgw(doc, "hub");
  vpc(doc, "a", 1);
  for (let i = 0; i < peers; i++) {
    tgw(doc, `g${i}`, "enable", "aws.west");
    peerGateways(doc, `hub_g${i}`, "hub", `g${i}`, i < accepted);
  }
  return doc;
}

const pendingWarnings = (doc: TgwDoc) =>
  analyze(buildModel([{ stack: "test", file: "test.tf.json", json: doc }])).warnings.filter((w) =>
    w.message.includes("pendingAcceptance"),
  );

describe("pending peering attachments of a transit gateway", () => {
  it.each([
    ["10 unaccepted of 10", 10, 0],
    ["1 unaccepted of 12 (the other 11 accepted in the configuration)", 12, 11],
  ])("are within the quota with %s", (_, peers, accepted) => {
    expect(pendingWarnings(hubPeeredWith(peers, accepted))).toEqual([]);
  });

  it("are over the quota with 11 unaccepted: a warning on the gateway to request an increase before applying", () => {
    expect(pendingWarnings(hubPeeredWith(11, 0))).toEqual([
      {
        resource: "aws_ec2_transit_gateway.hub",
        message: expect.stringContaining(
          'has 11 peering attachments that no accepter accepts (pendingAcceptance), above the default quota of 10 "Pending peering attachments per transit gateway"',
        ),
      },
    ]);
  });
});
