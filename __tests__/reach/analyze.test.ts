import type { Reachable } from "../../lib/reach";
import {
  type Tf,
  addRoute,
  addVpc,
  allTraffic,
  crossRegionPeering,
  drop,
  icmpFromPrivate,
  pair,
  patch,
  peer,
  put,
  reach,
  ref,
  twoPeeredVpcs,
} from "./terraform";

interface Case {
  readonly says: string;
  readonly tf: () => Tf;
  readonly reachable: Reachable;
  readonly from?: string;
  readonly to?: string;
  readonly protocol?: "ipv4" | "ipv6";
  readonly reason?: RegExp;
}

const A = "aws_instance.a";
const B = "aws_instance.b";

/** The pair's verdict and reason as the case says; a brief analysis (check's) reaches the same verdict. */
function check({ tf, reachable, from = A, to = B, protocol = "ipv4", reason }: Case): void {
  const verdict = pair(reach(tf()), from, to, protocol);
  expect({ reachable: verdict.reachable, reason: verdict.reason }).toEqual({
    reachable,
    reason: reason ? expect.stringMatching(reason) : expect.any(String),
  });
  expect(pair(reach(tf(), { brief: true }), from, to, protocol).reachable).toBe(reachable);
}

const withoutAssociation = (): Tf => drop(twoPeeredVpcs(), "aws_route_table_association", "a");

const routing: Case[] = [
  { says: "answers across an auto-accepted peering with routes both ways", tf: twoPeeredVpcs, reachable: true },
  { says: "answers in the other direction too", tf: twoPeeredVpcs, reachable: true, from: B, to: A },
  {
    says: "drops the echo at the VPC's main route table when the subnet has no association and the main table has no peering route",
    tf: withoutAssociation,
    reachable: false,
    reason: /^the default route table of aws_vpc\.a: no route matches 10\.1\.1\.10/,
  },
  {
    says: "follows an aws_main_route_table_association to the table that replaces the main one",
    tf: () =>
      put(withoutAssociation(), "aws_main_route_table_association", "a", {
        vpc_id: ref("aws_vpc.a.id"),
        route_table_id: ref("aws_route_table.a.id"),
      }),
    reachable: true,
  },
  {
    says: "uses the routes of an aws_default_route_table for subnets without association",
    tf: () =>
      put(withoutAssociation(), "aws_default_route_table", "a", {
        default_route_table_id: ref("aws_vpc.a.default_route_table_id"),
        route: { cidr_block: "10.1.0.0/16", vpc_peering_connection_id: ref("aws_vpc_peering_connection.ab.id") },
      }),
    reachable: true,
  },
  {
    says: "adds an aws_route to the main table named by main_route_table_id",
    tf: () =>
      put(withoutAssociation(), "aws_route", "a", {
        route_table_id: ref("aws_vpc.a.main_route_table_id"),
        destination_cidr_block: "10.1.0.0/16",
        vpc_peering_connection_id: ref("aws_vpc_peering_connection.ab.id"),
      }),
    reachable: true,
  },
  {
    says: "drops the echo when a longer prefix sends the target's subnet to an internet gateway",
    tf: () => {
      const tf = twoPeeredVpcs();
      put(tf, "aws_internet_gateway", "a", { vpc_id: ref("aws_vpc.a.id") });
      return put(tf, "aws_route", "igw", {
        route_table_id: ref("aws_route_table.a.id"),
        destination_cidr_block: "10.1.1.0/24",
        gateway_id: ref("aws_internet_gateway.a.id"),
      });
    },
    reachable: false,
    reason:
      /^aws_route_table\.a: 10\.1\.1\.0\/24 → aws_internet_gateway\.a \(aws_route\.igw\): the internet gateway aws_internet_gateway\.a leaves the VPC/,
  },
  {
    says: "prefers a longer prefix through the peering over a shorter one to an internet gateway",
    tf: () => {
      const tf = twoPeeredVpcs();
      put(tf, "aws_internet_gateway", "a", { vpc_id: ref("aws_vpc.a.id") });
      patch(tf, "aws_route_table", "a", {
        route: [{ cidr_block: "0.0.0.0/0", gateway_id: ref("aws_internet_gateway.a.id") }],
      });
      return addRoute(tf, "a", "10.1.1.0/24", "ab");
    },
    reachable: true,
  },
  {
    says: "delivers within a VPC by the local route, without any route declared",
    tf: () => {
      const tf = twoPeeredVpcs();
      put(tf, "aws_subnet", "a2", { vpc_id: ref("aws_vpc.a.id"), cidr_block: "10.0.2.0/24" });
      return put(tf, "aws_instance", "a2", {
        subnet_id: ref("aws_subnet.a2.id"),
        vpc_security_group_ids: [ref("aws_security_group.a.id")],
        private_ip: "10.0.2.10",
      });
    },
    to: "aws_instance.a2",
    reachable: true,
    reason: /within aws_vpc\.a/,
  },
  {
    says: "drops the reply when the responder's route table has no route back",
    tf: () => patch(twoPeeredVpcs(), "aws_route_table", "b", { route: [] }),
    reachable: false,
    reason: /^reply: aws_route_table\.b: no route matches 10\.0\.1\.10/,
  },
  {
    says: "routes the reply on the responder's own routes alone (a route for the source's /24 is enough)",
    tf: () => {
      const tf = patch(twoPeeredVpcs(), "aws_route_table", "b", { route: [] });
      return addRoute(tf, "b", "10.0.1.0/24", "ab");
    },
    reachable: true,
  },
];

const peering: Case[] = [
  {
    says: "drops the echo at a peering that nobody accepts",
    tf: () => patch(twoPeeredVpcs(), "aws_vpc_peering_connection", "ab", { auto_accept: false }),
    reachable: false,
    reason:
      /^aws_route_table\.a: 10\.1\.0\.0\/16 → aws_vpc_peering_connection\.ab: the peering is not active: it stays pending acceptance/,
  },
  {
    says: "answers when an accepter resource with auto_accept = true accepts the peering",
    tf: () => {
      const tf = patch(twoPeeredVpcs(), "aws_vpc_peering_connection", "ab", { auto_accept: false });
      return put(tf, "aws_vpc_peering_connection_accepter", "ab", {
        vpc_peering_connection_id: ref("aws_vpc_peering_connection.ab.id"),
        auto_accept: true,
      });
    },
    reachable: true,
  },
  {
    says: "drops the echo when the accepter does not set auto_accept",
    tf: () => {
      const tf = patch(twoPeeredVpcs(), "aws_vpc_peering_connection", "ab", { auto_accept: false });
      return put(tf, "aws_vpc_peering_connection_accepter", "ab", {
        vpc_peering_connection_id: ref("aws_vpc_peering_connection.ab.id"),
      });
    },
    reachable: false,
    reason: /not active/,
  },
  {
    says: "answers across regions when the accepter uses the peer region's provider alias",
    tf: crossRegionPeering,
    reachable: true,
  },
  {
    says: "drops the echo across regions when the requester sets auto_accept with peer_region",
    tf: () =>
      patch(
        drop(crossRegionPeering(), "aws_vpc_peering_connection_accepter", "ab"),
        "aws_vpc_peering_connection",
        "ab",
        {
          auto_accept: true,
        },
      ),
    reachable: false,
    reason: /auto_accept cannot be combined with peer_region/,
  },
  {
    says: "never routes transitively through a peer VPC to a third VPC",
    tf: () => {
      const tf = twoPeeredVpcs();
      addVpc(tf, "c", 2);
      peer(tf, "b", "c", [1, 2]);
      return addRoute(tf, "a", "10.2.0.0/16", "ab");
    },
    to: "aws_instance.c",
    reachable: false,
    reason:
      /^aws_route_table\.a: 10\.2\.0\.0\/16 → aws_vpc_peering_connection\.ab: 10\.2\.1\.10 is outside aws_vpc\.b's CIDRs: a peering delivers only to the peer VPC itself/,
  },
  {
    says: "answers the third VPC once it is peered directly",
    tf: () => {
      const tf = twoPeeredVpcs();
      addVpc(tf, "c", 2);
      return peer(tf, "a", "c", [0, 2]);
    },
    to: "aws_instance.c",
    reachable: true,
  },
  {
    says: "never sends our traffic through a peer's internet gateway (edge to edge)",
    tf: () => {
      const tf = twoPeeredVpcs();
      put(tf, "aws_internet_gateway", "b", { vpc_id: ref("aws_vpc.b.id") });
      return put(tf, "aws_route", "edge", {
        route_table_id: ref("aws_route_table.a.id"),
        destination_cidr_block: "10.1.1.0/24",
        gateway_id: ref("aws_internet_gateway.b.id"),
      });
    },
    reachable: false,
    reason:
      /aws_internet_gateway\.b belongs to aws_vpc\.b: a peer's internet gateway never carries another VPC's traffic/,
  },
  {
    says: "treats a peering between overlapping VPCs as never created",
    tf: () =>
      put(twoPeeredVpcs(), "aws_vpc_ipv4_cidr_block_association", "b2", {
        vpc_id: ref("aws_vpc.b.id"),
        cidr_block: "10.0.0.0/16",
      }),
    reachable: false,
    reason: /AWS rejects it: 10\.0\.0\.0\/16 and 10\.0\.0\.0\/16 overlap/,
  },
];

const securityGroups: Case[] = [
  {
    says: "drops the echo at the source's security group when it has no egress rule (Terraform removes AWS's default)",
    tf: () => patch(twoPeeredVpcs(), "aws_security_group", "a", { egress: undefined }),
    reachable: false,
    reason: /^aws_security_group\.a \(egress\): no egress rule allows an ICMP echo request to 10\.1\.1\.10/,
  },
  {
    says: "drops the echo at the target's security group when no ingress rule allows ICMP",
    tf: () =>
      patch(twoPeeredVpcs(), "aws_security_group", "b", {
        ingress: [{ ...icmpFromPrivate, protocol: "tcp", from_port: 22, to_port: 22 }],
      }),
    reachable: false,
    reason: /^aws_security_group\.b \(ingress\): no ingress rule allows an ICMP echo request from 10\.0\.1\.10/,
  },
  {
    says: "lets the reply out of a target group without egress rules (security groups are stateful)",
    tf: () => patch(twoPeeredVpcs(), "aws_security_group", "b", { egress: [] }),
    reachable: true,
  },
  {
    says: "adds up the rules of all groups attached to the target",
    tf: () => {
      const tf = patch(twoPeeredVpcs(), "aws_security_group", "b", { ingress: [] });
      put(tf, "aws_security_group", "b2", { vpc_id: ref("aws_vpc.b.id"), ingress: [icmpFromPrivate] });
      return patch(tf, "aws_instance", "b", {
        vpc_security_group_ids: [ref("aws_security_group.b.id"), ref("aws_security_group.b2.id")],
      });
    },
    reachable: true,
  },
  {
    says: "accepts an echo request rule (ICMP type 8) from an aws_security_group_rule",
    tf: () => {
      const tf = patch(twoPeeredVpcs(), "aws_security_group", "b", { ingress: undefined });
      return put(tf, "aws_security_group_rule", "echo", {
        type: "ingress",
        security_group_id: ref("aws_security_group.b.id"),
        protocol: "icmp",
        from_port: 8,
        to_port: 0,
        cidr_blocks: ["10.0.1.10/32"],
      });
    },
    reachable: true,
  },
  {
    says: "drops the echo when the only rule allows echo replies (ICMP type 0)",
    tf: () => {
      const tf = patch(twoPeeredVpcs(), "aws_security_group", "b", { ingress: undefined });
      return put(tf, "aws_vpc_security_group_ingress_rule", "reply", {
        security_group_id: ref("aws_security_group.b.id"),
        ip_protocol: "icmp",
        from_port: 0,
        to_port: 0,
        cidr_ipv4: "10.0.0.0/16",
      });
    },
    reachable: false,
    reason: /aws_security_group\.b \(ingress\)/,
  },
  {
    says: "accepts an aws_vpc_security_group_egress_rule with protocol -1",
    tf: () => {
      const tf = patch(twoPeeredVpcs(), "aws_security_group", "a", { egress: undefined });
      return put(tf, "aws_vpc_security_group_egress_rule", "all", {
        security_group_id: ref("aws_security_group.a.id"),
        ip_protocol: "-1",
        cidr_ipv4: "0.0.0.0/0",
      });
    },
    reachable: true,
  },
  {
    says: "matches a reference to the peer's security group within one region",
    tf: () =>
      patch(twoPeeredVpcs(), "aws_security_group", "b", {
        ingress: [{ protocol: "icmp", from_port: -1, to_port: -1, security_groups: [ref("aws_security_group.a.id")] }],
      }),
    reachable: true,
  },
  {
    says: "never matches a reference to a security group in another region",
    tf: () =>
      patch(crossRegionPeering(), "aws_security_group", "b", {
        ingress: [{ protocol: "icmp", from_port: -1, to_port: -1, security_groups: [ref("aws_security_group.a.id")] }],
      }),
    reachable: false,
    reason: /^aws_security_group\.b \(ingress\)/,
  },
  {
    says: "lets two instances on their VPC's unmanaged default group ping each other (ingress from itself, egress to all)",
    tf: sameVpcOnDefaultGroup,
    to: "aws_instance.a2",
    reachable: true,
  },
  {
    says: "drops the echo when aws_default_security_group takes over the default group without rules",
    tf: () => put(sameVpcOnDefaultGroup(), "aws_default_security_group", "a", { vpc_id: ref("aws_vpc.a.id") }),
    to: "aws_instance.a2",
    reachable: false,
    reason: /^aws_default_security_group\.a \(egress\)/,
  },
  {
    says: "says it depends when the target's group covers only part of the source's subnet and the source has no fixed address",
    tf: () => {
      const tf = patch(twoPeeredVpcs(), "aws_instance", "a", { private_ip: undefined });
      return patch(tf, "aws_security_group", "b", { ingress: [{ ...icmpFromPrivate, cidr_blocks: ["10.0.1.0/25"] }] });
    },
    reachable: "depends",
    reason:
      /^it works only when aws_instance\.a gets an address in 10\.0\.1\.0\/25 \(limited by aws_security_group\.b \(ingress\)\)$/,
  },
];

function sameVpcOnDefaultGroup(): Tf {
  const tf = twoPeeredVpcs();
  put(tf, "aws_subnet", "a2", { vpc_id: ref("aws_vpc.a.id"), cidr_block: "10.0.2.0/24" });
  put(tf, "aws_instance", "a2", { subnet_id: ref("aws_subnet.a2.id") });
  return patch(tf, "aws_instance", "a", { vpc_security_group_ids: undefined });
}

const aclRule = (rule_no: number, action: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  rule_no,
  action,
  protocol: "-1",
  cidr_block: "0.0.0.0/0",
  from_port: 0,
  to_port: 0,
  ...extra,
});

function withAcl(ingress: unknown[], egress: unknown[]): Tf {
  return put(twoPeeredVpcs(), "aws_network_acl", "b", {
    vpc_id: ref("aws_vpc.b.id"),
    subnet_ids: [ref("aws_subnet.b.id")],
    ingress,
    egress,
  });
}

const networkAcls: Case[] = [
  {
    says: "denies everything through a custom network ACL without rules (the final deny-all rule)",
    tf: () => withAcl([], []),
    reachable: false,
    reason:
      /^aws_network_acl\.b \(inbound\): the ICMP echo request is dropped: no rule allows 10\.0\.1\.10 \(the final deny-all rule\)/,
  },
  {
    says: "answers through a custom network ACL that allows all both ways",
    tf: () => withAcl([aclRule(100, "allow")], [aclRule(100, "allow")]),
    reachable: true,
  },
  {
    says: "applies the lowest-numbered matching rule first (deny 100 before allow 200)",
    tf: () =>
      withAcl([aclRule(200, "allow"), aclRule(100, "deny", { cidr_block: "10.0.0.0/16" })], [aclRule(100, "allow")]),
    reachable: false,
    reason: /rule 100 \(aws_network_acl\.b ingress\[1\]\) denies 10\.0\.1\.10/,
  },
  {
    says: "ignores a later deny once an earlier rule allowed (allow 100 before deny 200)",
    tf: () => withAcl([aclRule(100, "allow"), aclRule(200, "deny")], [aclRule(100, "allow")]),
    reachable: true,
  },
  {
    says: "drops the reply when the responder's outbound rules allow only echo requests",
    tf: () =>
      withAcl([aclRule(100, "allow")], [aclRule(100, "allow", { protocol: "icmp", icmp_type: 8, icmp_code: -1 })]),
    reachable: false,
    reason: /^aws_network_acl\.b \(outbound reply\): the ICMP echo reply is dropped/,
  },
  {
    says: "answers when ICMP rules allow the request in and the reply (type 0, the default icmp_type) out",
    tf: () =>
      withAcl([aclRule(100, "allow", { protocol: "icmp", icmp_type: 8 })], [aclRule(100, "allow", { protocol: "1" })]),
    reachable: true,
  },
  {
    says: "reads standalone aws_network_acl_rule and aws_network_acl_association resources",
    tf: () => {
      const tf = put(twoPeeredVpcs(), "aws_network_acl", "b", { vpc_id: ref("aws_vpc.b.id") });
      put(tf, "aws_network_acl_association", "b", {
        network_acl_id: ref("aws_network_acl.b.id"),
        subnet_id: ref("aws_subnet.b.id"),
      });
      put(tf, "aws_network_acl_rule", "in", {
        network_acl_id: ref("aws_network_acl.b.id"),
        rule_number: 100,
        egress: false,
        protocol: "-1",
        rule_action: "allow",
        cidr_block: "0.0.0.0/0",
      });
      return put(tf, "aws_network_acl_rule", "out", {
        network_acl_id: ref("aws_network_acl.b.id"),
        rule_number: 100,
        egress: true,
        protocol: "all",
        rule_action: "deny",
        cidr_block: "0.0.0.0/0",
      });
    },
    reachable: false,
    reason: /^aws_network_acl\.b \(outbound reply\): .*rule 100 \(aws_network_acl_rule\.out\) denies 10\.0\.1\.10/,
  },
  {
    says: "denies everything once aws_default_network_acl manages the default ACL without rules",
    tf: () => {
      const tf = drop(twoPeeredVpcs(), "aws_route_table_association", "b");
      return put(tf, "aws_default_network_acl", "a", {
        default_network_acl_id: ref("aws_vpc.a.default_network_acl_id"),
      });
    },
    reachable: false,
    reason: /^aws_default_network_acl\.a \(outbound\)/,
  },
  {
    says: "skips network ACLs between instances of the same subnet",
    tf: () => {
      const tf = put(twoPeeredVpcs(), "aws_default_network_acl", "a", {
        default_network_acl_id: ref("aws_vpc.a.default_network_acl_id"),
      });
      return put(tf, "aws_instance", "a2", {
        subnet_id: ref("aws_subnet.a.id"),
        vpc_security_group_ids: [ref("aws_security_group.a.id")],
        private_ip: "10.0.1.11",
      });
    },
    to: "aws_instance.a2",
    reachable: true,
  },
];

function dualStack(icmpv6Rule: Record<string, unknown>): Tf {
  const tf = twoPeeredVpcs();
  for (const [name, index] of [
    ["a", 1],
    ["b", 2],
  ] as const) {
    patch(tf, "aws_vpc", name, { assign_generated_ipv6_cidr_block: true });
    patch(tf, "aws_subnet", name, { ipv6_cidr_block: ref(`cidrsubnet(aws_vpc.${name}.ipv6_cidr_block, 8, ${index})`) });
    patch(tf, "aws_instance", name, { ipv6_address_count: 1 });
    patch(tf, "aws_security_group", name, {
      ingress: [icmpFromPrivate, icmpv6Rule],
      egress: [allTraffic, { protocol: "-1", from_port: 0, to_port: 0, ipv6_cidr_blocks: ["::/0"] }],
    });
    tf.resource.aws_route_table[name].route = [
      ...(tf.resource.aws_route_table[name].route as unknown[]),
      {
        ipv6_cidr_block: ref(`aws_vpc.${name === "a" ? "b" : "a"}.ipv6_cidr_block`),
        vpc_peering_connection_id: ref("aws_vpc_peering_connection.ab.id"),
      },
    ];
  }
  return tf;
}

const ipv6: Case[] = [
  {
    says: "answers over IPv6 between AWS-assigned blocks when ICMPv6 is allowed",
    tf: () => dualStack({ protocol: "icmpv6", from_port: -1, to_port: -1, ipv6_cidr_blocks: ["::/0"] }),
    protocol: "ipv6",
    reachable: true,
  },
  {
    says: "drops IPv6 echoes when the rule allows ICMP (v4) only",
    tf: () => dualStack({ protocol: "icmp", from_port: -1, to_port: -1, ipv6_cidr_blocks: ["::/0"] }),
    protocol: "ipv6",
    reachable: false,
    reason:
      /^aws_security_group\.b \(ingress\): no ingress rule allows an ICMPv6 echo request from cidrsubnet\(aws_vpc\.a\.ipv6_cidr_block, 8, 1\)/,
  },
  {
    says: "still answers over IPv4 in a dual-stack setup",
    tf: () => dualStack({ protocol: "icmp", from_port: -1, to_port: -1, ipv6_cidr_blocks: ["::/0"] }),
    reachable: true,
  },
];

describe.each([
  ["routing", routing],
  ["peering", peering],
  ["security groups", securityGroups],
  ["network ACLs", networkAcls],
  ["IPv6", ipv6],
])("reach %s", (_, cases) => {
  it.each(cases.map((c) => [c.says, c] as const))("%s", (_says, c) => check(c));
});

describe("reach pairs", () => {
  it("analyzes IPv6 only when both ends have an IPv6 address", () => {
    const tf = dualStack({ protocol: "58", from_port: -1, to_port: -1, ipv6_cidr_blocks: ["::/0"] });
    patch(tf, "aws_instance", "b", { ipv6_address_count: 0 });
    expect(reach(tf).pairs.map((p) => `${p.from} ${p.to} ${p.protocol}`)).toEqual([`${A} ${B} ipv4`, `${B} ${A} ipv4`]);
  });

  it("lists the hops of a successful echo and its reply", () => {
    expect(pair(reach(twoPeeredVpcs()), A, B).path).toEqual([
      "aws_instance.a",
      "aws_security_group.a (egress)",
      "the default network ACL of aws_vpc.a (outbound)",
      "aws_route_table.a: 10.1.0.0/16 → aws_vpc_peering_connection.ab",
      "aws_vpc_peering_connection.ab",
      "the default network ACL of aws_vpc.b (inbound)",
      "aws_security_group.b (ingress)",
      "aws_instance.b",
      "the default network ACL of aws_vpc.b (outbound reply)",
      "reply: aws_route_table.b: 10.0.0.0/16 → aws_vpc_peering_connection.ab",
      "reply: aws_vpc_peering_connection.ab",
      "the default network ACL of aws_vpc.a (inbound reply)",
      "aws_instance.a",
    ]);
  });

  it("analyzes one pair with from and to, accepting a plain IP address as the destination", () => {
    const result = reach(twoPeeredVpcs(), { from: A, to: "10.1.1.10" });
    expect(result.pairs.map((p) => [p.to, p.reachable])).toEqual([["10.1.1.10", true]]);
  });

  it("says it depends on the unknown holder of an IP address no instance pins", () => {
    const verdict = reach(twoPeeredVpcs(), { from: A, to: "10.1.1.99" }).pairs[0];
    expect(verdict).toMatchObject({
      reachable: "depends",
      reason: expect.stringMatching(/security groups of whatever holds it in aws_subnet\.b/),
    });
  });

  it("drops an echo to an IP address outside every VPC at the peering (no edge-to-edge routing)", () => {
    const tf = addRoute(twoPeeredVpcs(), "a", "0.0.0.0/0", "ab");
    expect(reach(tf, { from: A, to: "8.8.8.8" }).pairs[0]).toMatchObject({
      reachable: false,
      reason: expect.stringMatching(/outside aws_vpc\.b's CIDRs/),
    });
  });

  it("uses addresses known after deploy to settle a pair that depends", () => {
    const tf = patch(twoPeeredVpcs(), "aws_instance", "a", { private_ip: undefined });
    patch(tf, "aws_security_group", "b", { ingress: [{ ...icmpFromPrivate, cidr_blocks: ["10.0.1.0/25"] }] });
    const verdict = (ip: string) => pair(reach(tf, { addresses: { [A]: { ipv4: ip } } }), A, B).reachable;
    expect([verdict("10.0.1.20"), verdict("10.0.1.200")]).toEqual([true, false]);
  });

  it("summarizes each instance with its VPC, subnet, tags and fixed address", () => {
    expect(reach(twoPeeredVpcs()).instances[0]).toEqual({
      address: A,
      stack: "test",
      vpc: "aws_vpc.a",
      subnet: "aws_subnet.a",
      tags: { Name: "a" },
      ipv4: "10.0.1.10",
      ipv6: undefined,
    });
  });
});
