/**
 * rehearse refuses what reach refuses: for every class of network AWS would reject, both give the
 * same configuration errors (one check, findConfigurationProblems), and rehearse builds nothing, so
 * these run without root.
 */
import { analyze } from "../../lib/reach";
import { rehearse } from "../../lib/rehearse/rehearse";
import { modelOf } from "../../test-support/differential";
import {
  bareVpc,
  type Scenario,
  type TerraformJson,
  type Topology,
  type VpcShape,
  toTerraform,
} from "../../test-support/topologies";

const vpc = bareVpc;
const peered = (vpcs: readonly VpcShape[], mutations: Topology["mutations"] = []): TerraformJson =>
  toTerraform({ vpcs, peerings: [{ a: 0, b: 1, accept: "auto" }], mutations });

/** A hub (10.0.0.0/24) peered with `spokes` VPCs 10.<1 + k / 256>.<k % 256>.0/24; no subnets or instances. */
function hubWith(spokes: number): TerraformJson {
  const vpcs: Record<string, { cidr_block: string }> = { hub: { cidr_block: "10.0.0.0/24" } };
  const peerings: Record<string, { vpc_id: string; peer_vpc_id: string; auto_accept: boolean }> = {};
  for (let k = 0; k < spokes; k++) {
    vpcs[`s${k}`] = { cidr_block: `10.${1 + Math.floor(k / 256)}.${k % 256}.0/24` };
    peerings[`p${k}`] = { vpc_id: "${aws_vpc.hub.id}", peer_vpc_id: `\${aws_vpc.s${k}.id}`, auto_accept: true };
  }
  return {
    provider: { aws: [{ region: "eu-west-1" }] },
    resource: { aws_vpc: vpcs, aws_vpc_peering_connection: peerings },
  } as unknown as TerraformJson;
}

function withDuplicatePeering(): TerraformJson {
  const terraform = peered([vpc(0), vpc(1)]);
  terraform.resource.aws_vpc_peering_connection.p1 = {
    ...terraform.resource.aws_vpc_peering_connection.p0,
    vpc_id: "${aws_vpc.v1.id}",
    peer_vpc_id: "${aws_vpc.v0.id}",
  };
  return terraform;
}

function withRouteInsideOwnBlock(): TerraformJson {
  const terraform = peered([vpc(0), vpc(1)]);
  terraform.resource.aws_route.v0t0r0.destination_cidr_block = "10.0.1.0/24";
  return terraform;
}

describe("rehearse and reach on networks AWS would reject", () => {
  it.each<[string, () => TerraformJson, RegExp]>([
    [
      "peered VPCs whose primary blocks overlap",
      () => peered([vpc(0), vpc(3)]),
      /have overlapping CIDR blocks; AWS rejects peering them/,
    ],
    [
      "peered VPCs whose blocks overlap, though both have IPv6",
      () => peered([vpc(0, { ipv6: true }), vpc(3, { ipv6: true })]),
      /have overlapping CIDR blocks/,
    ],
    [
      "peered VPCs where a secondary block overlaps the peer",
      () => peered([vpc(2), vpc(6)], [{ kind: "secondary-block", vpc: 1, block: 1 }]),
      /have overlapping CIDR blocks/,
    ],
    [
      "two peering connections between one pair of VPCs",
      withDuplicatePeering,
      /are already peered by .*; AWS allows one peering connection between two VPCs/,
    ],
    [
      "more active peerings on one VPC than the quota allows",
      () => hubWith(126),
      /active peering connections; AWS allows at most 125 per VPC/,
    ],
    [
      "a peering route more specific than the VPC's local route",
      withRouteInsideOwnBlock,
      /more specific than .*local route/,
    ],
    [
      "peered VPCs that overlap where only IPv6 is routed across the peering",
      () =>
        toTerraform({
          vpcs: [vpc(0), vpc(1)],
          peerings: [],
          mutations: [],
          scenario: { kind: "ipv6-only-overlap", peering: 0, block: 0 },
        }),
      /have overlapping CIDR blocks; AWS rejects peering them/,
    ],
    [
      "a security-group rule that references a group in another region",
      () => peered([vpc(0), vpc(1, { region: 1 })], [{ kind: "group-rule", vpc: 0, peerVpc: 1, egress: false }]),
      /AWS allows security group references across a peering only within one region/,
    ],
  ])("%s: both refuse it with the same errors, and rehearse builds nothing", async (_, terraform, message) => {
    const model = modelOf(terraform());
    if (!model) throw new Error("reach could not load the network");
    const reached = analyze(model);
    const rehearsed = await rehearse(model);
    expect(reached.errors.map((e) => e.message).join("\n")).toMatch(message);
    expect(rehearsed.refused).toBe(true);
    expect(rehearsed.errors).toEqual(reached.errors);
    expect(rehearsed.pairs).toEqual([]);
    expect(rehearsed.counts.namespaces).toBe(0);
  });

  it.each<[string, Scenario, RegExp]>([
    [
      "overlapping primary blocks",
      { kind: "overlap", peering: 0, block: 1, secondary: false },
      /have overlapping CIDR blocks/,
    ],
    [
      "a secondary block overlapping the peer",
      { kind: "overlap", peering: 0, block: 0, secondary: true },
      /have overlapping CIDR blocks/,
    ],
    [
      "an overlap where only IPv6 is routed",
      { kind: "ipv6-only-overlap", peering: 0, block: 0 },
      /have overlapping CIDR blocks/,
    ],
    ["two peerings of one pair", { kind: "duplicate-peering", peering: 0, reverse: true }, /are already peered by/],
    [
      "more peerings than the quota",
      { kind: "over-quota", vpc: 0 },
      /has 126 active peering connections; AWS allows at most 125/,
    ],
    ["a peering route to the VPC's own block", { kind: "local-route", peering: 0, whole: true }, /local route/],
    ["a peering route to the VPC's own subnet", { kind: "local-route", peering: 0, whole: false }, /local route/],
    [
      "a group reference across regions",
      { kind: "cross-region-reference", peering: 0, egress: true },
      /only within one region/,
    ],
  ])("the generator's scenario of %s makes a network both refuse alike", async (_, scenario, message) => {
    const model = modelOf(toTerraform({ vpcs: [vpc(0), vpc(1)], peerings: [], mutations: [], scenario }));
    if (!model) throw new Error("reach could not load the network");
    const reached = analyze(model);
    expect(reached.errors.map((e) => e.message)).toContainEqual(expect.stringMatching(message));
    const rehearsed = await rehearse(model);
    expect([rehearsed.refused, rehearsed.errors, rehearsed.counts.namespaces]).toEqual([true, reached.errors, 0]);
  });

  it("refuses nothing AWS accepts: two peered VPCs with disjoint blocks are not refused", () => {
    const model = modelOf(peered([vpc(0), vpc(1)]));
    expect(model && analyze(model).errors).toEqual([]);
  });
});
