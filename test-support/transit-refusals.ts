/** Transit gateway configurations AWS rejects, each with the message reach refuses it with. */
import {
  type TgwDoc,
  associate,
  attach,
  patch,
  peerGateways,
  peeredGateways,
  propagate,
  put,
  ref,
  subnet,
  tgw,
  tgwRoute,
  tgwTable,
  twoOnHub,
} from "./transit";

const HUB_DEFAULT = "aws_ec2_transit_gateway.hub.association_default_route_table_id";

/** [what is wrong, the document, a pattern the error names]. */
export function transitRefusalFixtures(): readonly (readonly [string, TgwDoc, RegExp])[] {
  return [
    [
      "an attachment associated with two route tables",
      (() => {
        const doc = twoOnHub();
        tgwTable(doc, "other", "hub");
        return associate(doc, "a_other", "hub_a", "other");
      })(),
      /aws_ec2_transit_gateway_route_table_association\.a_other: associates .*hub_a with other .* while .*hub_a \(default association\) associates it with hub .*default route table; AWS associates an attachment with one route table: set transit_gateway_default_route_table_association = false/,
    ],
    [
      "two attachments of one transit gateway to one VPC",
      (() => {
        const doc = twoOnHub();
        put(doc, "aws_ec2_transit_gateway_vpc_attachment", "hub_a_again", {
          ...doc.resource.aws_ec2_transit_gateway_vpc_attachment.hub_a,
        });
        return doc;
      })(),
      /hub_a_again: aws_vpc\.a is already attached to hub .* by aws_ec2_transit_gateway_vpc_attachment\.hub_a; AWS allows one attachment between a VPC and a transit gateway/,
    ],
    [
      "two subnets of one attachment in one Availability Zone",
      (() => {
        const doc = twoOnHub();
        subnet(doc, "a_second", "a", "10.1.2.0/24", "eu-west-1a");
        return patch(doc, "aws_ec2_transit_gateway_vpc_attachment", "hub_a", {
          subnet_ids: [ref("aws_subnet.a.id"), ref("aws_subnet.a_second.id")],
        });
      })(),
      /hub_a: subnet_ids names aws_subnet\.a and aws_subnet\.a_second, both in eu-west-1a; AWS takes one subnet per Availability Zone/,
    ],
    [
      "an association with a route table of another transit gateway",
      (() => {
        const doc = twoOnHub();
        tgw(doc, "other", "disable");
        tgwTable(doc, "elsewhere", "other");
        patch(doc, "aws_ec2_transit_gateway_vpc_attachment", "hub_a", {
          transit_gateway_default_route_table_association: false,
        });
        return associate(doc, "a_elsewhere", "hub_a", "elsewhere");
      })(),
      /a_elsewhere: associates .*hub_a \(an attachment of aws_ec2_transit_gateway\.hub\) with elsewhere .*, a route table of aws_ec2_transit_gateway\.other; AWS links an attachment only with route tables of its own transit gateway/,
    ],
    [
      "a propagation into a route table of another transit gateway",
      (() => {
        const doc = twoOnHub();
        tgw(doc, "other", "disable");
        tgwTable(doc, "elsewhere", "other");
        return propagate(doc, "a_elsewhere", "hub_a", "elsewhere");
      })(),
      /a_elsewhere: propagates .*hub_a .* a route table of aws_ec2_transit_gateway\.other/,
    ],
    [
      "a propagation of a peering attachment",
      (() => {
        const doc = peeredGateways();
        return propagate(doc, "peer", "aws_ec2_transit_gateway_peering_attachment.hub_far", HUB_DEFAULT);
      })(),
      /peer: propagates the peering attachment .*hub_far; transit gateway peering attachments carry static routes only/,
    ],
    [
      "two peering attachments between the same two transit gateways",
      peerGateways(peeredGateways(), "again", "hub", "far"),
      /again: aws_ec2_transit_gateway\.far and aws_ec2_transit_gateway\.hub are already peered by .*hub_far; AWS allows one peering attachment between two transit gateways/,
    ],
    [
      "two static routes for one prefix in one route table",
      (() => {
        const doc = twoOnHub();
        tgwRoute(doc, "one", HUB_DEFAULT, "10.9.0.0/16", "hub_a");
        return tgwRoute(doc, "two", HUB_DEFAULT, "10.9.0.0/16", "hub_b");
      })(),
      /two: .*route\.one already routes 10\.9\.0\.0\/16 in hub .*default route table/,
    ],
    [
      "a VPC attached to a transit gateway of another region",
      (() => {
        const doc = twoOnHub();
        return patch(doc, "aws_ec2_transit_gateway", "hub", { provider: "aws.west" });
      })(),
      /hub_a: aws_vpc\.a is in eu-west-1 but hub .* is in us-west-2: a VPC attaches only to a transit gateway of its own region/,
    ],
    [
      "a VPC attached to more transit gateways than AWS allows",
      (() => {
        const doc = twoOnHub();
        for (let i = 1; i <= 5; i++) {
          tgw(doc, `extra${i}`);
          attach(doc, `extra${i}`, "a");
        }
        return doc;
      })(),
      /aws_vpc\.a: has 6 transit gateway attachments; AWS allows at most 5 "Transit gateway attachments per VPC"/,
    ],
  ];
}
