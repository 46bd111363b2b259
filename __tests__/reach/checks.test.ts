import {
  type Tf,
  addRoute,
  crossAccountPeering,
  crossAccountPeeringFromPeer,
  crossRegionPeering,
  pair,
  patch,
  put,
  reach,
  ref,
  twoPeeredVpcs,
} from "./terraform";

interface Case {
  readonly says: string;
  readonly tf: () => Tf;
  readonly resource: string;
  readonly message: RegExp;
}

/** A hub VPC peered with `spokes` VPCs. */
function hub(spokes: number): Tf {
  const tf: Tf = { provider: { aws: [{ region: "eu-west-1" }] }, resource: {} };
  put(tf, "aws_vpc", "hub", { cidr_block: "10.0.0.0/16" });
  for (let i = 1; i <= spokes; i += 1) {
    put(tf, "aws_vpc", `s${i}`, { cidr_block: `10.${i}.0.0/16` });
    put(tf, "aws_vpc_peering_connection", `p${i}`, {
      vpc_id: ref("aws_vpc.hub.id"),
      peer_vpc_id: ref(`aws_vpc.s${i}.id`),
      auto_accept: true,
    });
  }
  return tf;
}

const errors: Case[] = [
  {
    says: "rejects peering VPCs whose primary blocks overlap",
    tf: () => patch(twoPeeredVpcs(), "aws_vpc", "b", { cidr_block: "10.0.0.0/16" }),
    resource: "aws_vpc_peering_connection.ab",
    message: /aws_vpc\.a \(10\.0\.0\.0\/16\) and aws_vpc\.b \(10\.0\.0\.0\/16\) have overlapping CIDR blocks/,
  },
  {
    says: "rejects peering VPCs when a secondary block overlaps",
    tf: () =>
      put(twoPeeredVpcs(), "aws_vpc_ipv4_cidr_block_association", "b2", {
        vpc_id: ref("aws_vpc.b.id"),
        cidr_block: "10.0.128.0/17",
      }),
    resource: "aws_vpc_peering_connection.ab",
    message: /\(10\.0\.0\.0\/16\) and aws_vpc\.b \(10\.0\.128\.0\/17\) have overlapping/,
  },
  {
    says: "rejects a second peering between the same two VPCs",
    tf: () =>
      put(twoPeeredVpcs(), "aws_vpc_peering_connection", "ba", {
        vpc_id: ref("aws_vpc.b.id"),
        peer_vpc_id: ref("aws_vpc.a.id"),
        auto_accept: true,
      }),
    resource: "aws_vpc_peering_connection.ba",
    message: /aws_vpc\.a and aws_vpc\.b are already peered by aws_vpc_peering_connection\.ab/,
  },
  {
    says: "rejects more than 125 active peerings on one VPC",
    tf: () => hub(126),
    resource: "aws_vpc.hub",
    message: /has 126 active peering connections; AWS allows at most 125/,
  },
  {
    says: "rejects a peering route as specific as the local route",
    tf: () => addRoute(twoPeeredVpcs(), "a", "10.0.1.0/24", "ab"),
    resource: "aws_route_table.a route[1]",
    message:
      /the route to 10\.0\.1\.0\/24 via aws_vpc_peering_connection\.ab is as specific as or more specific than aws_vpc\.a's local route 10\.0\.0\.0\/16/,
  },
  {
    says: "rejects a security group reference to a group in another region",
    tf: () =>
      patch(crossRegionPeering(), "aws_security_group", "b", {
        ingress: [{ protocol: "icmp", from_port: -1, to_port: -1, security_groups: [ref("aws_security_group.a.id")] }],
      }),
    resource: "aws_security_group.b ingress[0]",
    message: /references aws_security_group\.a in eu-west-1 from aws_security_group\.b in us-west-2/,
  },
  {
    says: "rejects auto_accept together with peer_region",
    tf: () => patch(crossRegionPeering(), "aws_vpc_peering_connection", "ab", { auto_accept: true }),
    resource: "aws_vpc_peering_connection.ab",
    message: /auto_accept = true cannot be combined with peer_region/,
  },
  {
    says: "rejects a peer VPC in another region than the peering's peer region",
    tf: () => patch(crossRegionPeering(), "aws_vpc_peering_connection", "ab", { peer_region: undefined }),
    resource: "aws_vpc_peering_connection.ab",
    message: /peer_vpc_id aws_vpc\.b is in us-west-2 but the peer region is eu-west-1: set peer_region = "us-west-2"/,
  },
  {
    says: "rejects a cross-account peering accepted with the requester's account",
    tf: () => patch(crossAccountPeering(), "aws_vpc_peering_connection_accepter", "ab", { provider: undefined }),
    resource: "aws_vpc_peering_connection_accepter.ab",
    message:
      /accepts aws_vpc_peering_connection\.ab from the credentials' own account, but the peer VPC aws_vpc\.b is in 222222222222: use the peer account's provider/,
  },
  {
    says: "rejects a cross-account peering without peer_owner_id",
    tf: () => patch(crossAccountPeering(), "aws_vpc_peering_connection", "ab", { peer_owner_id: undefined }),
    resource: "aws_vpc_peering_connection.ab",
    message:
      /peer_vpc_id aws_vpc\.b is in 222222222222 but AWS looks for it in the credentials' own account \(the requester's, without peer_owner_id\): set peer_owner_id/,
  },
  {
    says: "rejects a peer_owner_id read by the wrong account's provider",
    tf: () => crossAccountPeeringFromPeer("aws.peer"),
    resource: "aws_vpc_peering_connection.ab",
    message: /peer_vpc_id aws_vpc\.a is in the credentials' own account but AWS looks for it in 222222222222/,
  },
  {
    says: "rejects auto_accept across accounts",
    tf: () => patch(crossAccountPeering(), "aws_vpc_peering_connection", "ab", { auto_accept: true }),
    resource: "aws_vpc_peering_connection.ab",
    message: /auto_accept = true works within one account only, and peer_vpc_id aws_vpc\.b is in 222222222222/,
  },
  {
    says: "rejects a peering requested with another account than its VPC's",
    tf: () =>
      patch(crossAccountPeering(), "aws_vpc_peering_connection", "ab", {
        provider: "aws.peer",
        peer_owner_id: undefined,
      }),
    resource: "aws_vpc_peering_connection.ab",
    message:
      /vpc_id aws_vpc\.a is in the credentials' own account but the peering is requested from 222222222222: use the requester VPC's provider/,
  },
  {
    says: "rejects a route through a peer's internet gateway",
    tf: () => {
      const tf = put(twoPeeredVpcs(), "aws_internet_gateway", "b", { vpc_id: ref("aws_vpc.b.id") });
      return put(tf, "aws_route", "edge", {
        route_table_id: ref("aws_route_table.a.id"),
        destination_cidr_block: "0.0.0.0/0",
        gateway_id: ref("aws_internet_gateway.b.id"),
      });
    },
    resource: "aws_route.edge",
    message: /routes to aws_internet_gateway\.b \(the internet gateway of aws_vpc\.b\) from aws_vpc\.a/,
  },
  {
    says: "rejects a private_ip outside the instance's subnet",
    tf: () => patch(twoPeeredVpcs(), "aws_instance", "a", { private_ip: "10.0.2.10" }),
    resource: "aws_instance.a",
    message: /10\.0\.2\.10 is not a usable address of aws_subnet\.a/,
  },
];

describe("reach reports configurations AWS would reject", () => {
  it.each(errors.map((c) => [c.says, c] as const))("%s", (_says, { tf, resource, message }) => {
    expect(reach(tf()).errors).toContainEqual({ resource, message: expect.stringMatching(message) });
  });

  it("finds no error in a correct two-VPC peering, nor across regions with an accepter", () => {
    expect([reach(twoPeeredVpcs()).errors, reach(crossRegionPeering()).errors]).toEqual([[], []]);
  });

  it("finds no error in a correct cross-account peering, requested from either account, and lets both ends ping", () => {
    for (const tf of [crossAccountPeering(), crossAccountPeeringFromPeer()]) {
      const result = reach(tf);
      expect(result.errors).toEqual([]);
      expect([
        pair(result, "aws_instance.a", "aws_instance.b").reachable,
        pair(result, "aws_instance.b", "aws_instance.a").reachable,
      ]).toEqual([true, true]);
    }
  });

  it.each([
    [
      "accepted with the requester's account",
      (tf: Tf) => patch(tf, "aws_vpc_peering_connection_accepter", "ab", { provider: undefined }),
      /accepts it from the credentials' own account, but only 222222222222, which owns aws_vpc\.b, can/,
    ],
    [
      "without peer_owner_id",
      (tf: Tf) => patch(tf, "aws_vpc_peering_connection", "ab", { peer_owner_id: undefined }),
      /AWS looks for aws_vpc\.b in the credentials' own account/,
    ],
  ])("never counts a cross-account peering %s as active", (_, breakIt, why) => {
    const result = reach(breakIt(crossAccountPeering()));
    expect(pair(result, "aws_instance.a", "aws_instance.b")).toEqual(
      expect.objectContaining({ reachable: false, reason: expect.stringMatching(why) }),
    );
  });

  it("warns, without an error, above the default quota of 50 active peerings", () => {
    const result = reach(hub(51));
    expect([result.errors, result.warnings]).toEqual([
      [],
      [
        {
          resource: "aws_vpc.hub",
          message: expect.stringMatching(/51 active peering connections, above the default quota of 50/),
        },
      ],
    ]);
  });

  it("does not count peerings that are never accepted towards the quota", () => {
    const tf = hub(51);
    patch(tf, "aws_vpc_peering_connection", "p1", { auto_accept: false });
    expect(reach(tf).warnings).toEqual([]);
  });
});
