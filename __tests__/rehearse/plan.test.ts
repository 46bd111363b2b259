import { type Model, buildModel } from "../../lib/reach";
import { RehearseInputError } from "../../lib/rehearse/errors";
import { listProbes, markOf, placeInstances } from "../../lib/rehearse/endpoints";
import { type NamespaceSpec, planNetwork } from "../../lib/rehearse/plan";
import { toCidrs, without } from "../../lib/rehearse/ranges";
import { type Tf, drop, patch, put, ref, twoPeeredVpcs } from "../reach/terraform";
import { segmented, tgwRoute } from "../../test-support/transit";

function model(tf: Tf): Model {
  return buildModel([{ stack: "test", file: "test.tf.json", json: tf }]);
}

function plan(tf: Tf): { readonly ns: (id: string) => NamespaceSpec } {
  const m = model(tf);
  const network = planNetwork(m, placeInstances(m), "rehearse_test");
  return {
    ns: (id) => {
      const found = network.namespaces.find((n) => n.id === id);
      if (!found) throw new Error(`no namespace ${id} in ${network.namespaces.map((n) => n.id).join(", ")}`);
      return found;
    },
  };
}

describe("rehearse's address arithmetic", () => {
  it("covers a range with the fewest CIDR blocks", () => {
    expect(toCidrs("ipv4", [{ first: 167772160n, last: 167772160n + 255n }])).toEqual(["10.0.0.0/24"]);
    expect(toCidrs("ipv4", [{ first: 167772161n, last: 167772164n }])).toEqual([
      "10.0.0.1/32",
      "10.0.0.2/31",
      "10.0.0.4/32",
    ]);
  });

  it("cuts a more specific block out of a wider one", () => {
    const wide = { first: 0n, last: 255n };
    expect(without([wide], [{ first: 64n, last: 127n }])).toEqual([
      { first: 0n, last: 63n },
      { first: 128n, last: 255n },
    ]);
  });
});

describe("placing instances", () => {
  it("keeps fixed addresses and picks the lowest assignable free address for the others", () => {
    const tf = drop(twoPeeredVpcs(), "aws_instance", "b");
    put(tf, "aws_instance", "b", {
      subnet_id: ref("aws_subnet.a.id"),
      vpc_security_group_ids: [ref("aws_security_group.a.id")],
    });
    put(tf, "aws_instance", "c", {
      subnet_id: ref("aws_subnet.a.id"),
      vpc_security_group_ids: [ref("aws_security_group.a.id")],
    });
    const placed = placeInstances(model(tf));
    expect(placed.map((e) => [e.instance.address, e.ipv4, e.picked])).toEqual([
      ["aws_instance.a", 167772426n, []],
      ["aws_instance.b", 167772420n, ["ipv4"]],
      ["aws_instance.c", 167772421n, ["ipv4"]],
    ]);
  });

  it("refuses a subnet with no address left, naming the instance and the subnet", () => {
    const tf = twoPeeredVpcs();
    patch(tf, "aws_subnet", "a", { cidr_block: "10.0.1.0/28" });
    patch(tf, "aws_instance", "a", { private_ip: undefined });
    for (let i = 0; i < 11; i += 1)
      put(tf, "aws_instance", `x${i}`, {
        subnet_id: ref("aws_subnet.a.id"),
        vpc_security_group_ids: [ref("aws_security_group.a.id")],
      });
    expect(() => placeInstances(model(tf))).toThrow(
      new RehearseInputError(
        "aws_instance.x10: its subnet aws_subnet.a (10.0.1.0/28) has no free address left to give it; fix private_ip or the subnet's size",
      ),
    );
  });

  it("tells instances that share an address apart by the TTL their replies are sent with", () => {
    const tf = twoPeeredVpcs();
    put(tf, "aws_instance", "twin", { subnet_id: ref("aws_subnet.a.id"), private_ip: "10.1.1.10" });
    const m = model(tf);
    const placed = placeInstances(m);
    const probes = listProbes(m, placed);
    const toB = probes.find((p) => p.from === "aws_instance.a" && p.to === "aws_instance.b");
    const toTwin = probes.find((p) => p.from === "aws_instance.a" && p.to === "aws_instance.twin");
    expect(new Set([toB?.mark, toTwin?.mark]).size).toBe(2);
    const twin = placed.findIndex((e) => e.instance.address === "aws_instance.twin");
    expect(plan(tf).ns(`i${twin}`).nft).toContain(`icmp type echo-reply ip ttl set ${toTwin?.mark}`);
  });

  it.each([255, 250, 240, 239, 224, 16])(
    "reads a reply that arrived with TTL %i as sent with the mark of the nearest spacing above",
    (ttl) => {
      const mark = markOf(ttl);
      expect(mark).toBeGreaterThanOrEqual(ttl);
      expect(mark - ttl).toBeLessThan(16);
      expect((255 - mark) % 16).toBe(0);
    },
  );

  it("narrows the pairs with --from and --to as reach does, including a bare address", () => {
    const m = model(twoPeeredVpcs());
    const placed = placeInstances(m);
    expect(listProbes(m, placed, { from: "aws_instance.b" }).map((p) => [p.from, p.to])).toEqual([
      ["aws_instance.b", "aws_instance.a"],
    ]);
    // aws_instance.a holds 10.0.1.10: it is left out, as --to aws_instance.a leaves it out.
    expect(listProbes(m, placed, { to: "10.0.1.10" }).map((p) => [p.from, p.to, p.target])).toEqual([
      ["aws_instance.b", "10.0.1.10", 0],
    ]);
    expect(listProbes(m, placed, { to: "10.0.9.9" }).map((p) => [p.from, p.to, p.target])).toEqual([
      ["aws_instance.a", "10.0.9.9", undefined],
      ["aws_instance.b", "10.0.9.9", undefined],
    ]);
    expect(() => listProbes(m, placed, { from: "aws_instance.zz" })).toThrow(RehearseInputError);
  });
});

describe("a pair rehearse cannot measure", () => {
  /** twoPeeredVpcs with `count` more instances in b's subnet, all holding b's address 10.1.1.10. */
  function withTwins(count: number): Model {
    const tf = twoPeeredVpcs();
    for (let k = 0; k < count; k += 1)
      put(tf, "aws_instance", `t${k}`, { subnet_id: ref("aws_subnet.b.id"), private_ip: "10.1.1.10" });
    return model(tf);
  }

  it.each<[string, Model, { from?: string; to?: string }, string]>([
    [
      "--from an instance with --to its own address",
      model(twoPeeredVpcs()),
      { from: "aws_instance.a", to: "10.0.1.10" },
      "cannot rehearse aws_instance.a → 10.0.1.10 (ipv4): 10.0.1.10 is aws_instance.a's own address, so the echo " +
        "would never leave it; give --from another instance, or leave --from out",
    ],
    [
      "--to an address several instances hold",
      withTwins(1),
      { to: "10.1.1.10" },
      "cannot rehearse aws_instance.a → 10.1.1.10 (ipv4): 2 instances hold 10.1.1.10 (aws_instance.b, aws_instance.t0), " +
        "so a reply would not tell which of them answered; give --to one of them by its instance address",
    ],
    [
      "a target whose address more than 15 instances share",
      withTwins(15),
      { from: "aws_instance.a" },
      "cannot rehearse aws_instance.a → aws_instance.t14 (ipv4): 16 instances hold 10.1.1.10, more than the 15 whose " +
        "replies rehearse can tell apart; give at most 15 of them that private_ip, or narrow the pairs with --to an " +
        "instance that holds another address",
    ],
  ])("is refused, never listed without a verdict: %s", (_, m, options, message) => {
    expect(() => listProbes(m, placeInstances(m), options)).toThrow(new RehearseInputError(message));
  });

  it("is measured, with a mark of its own, for each of 15 instances sharing one address", () => {
    const m = withTwins(14);
    const probes = listProbes(m, placeInstances(m), { from: "aws_instance.a" });
    expect(probes).toHaveLength(15);
    expect(new Set(probes.map((p) => p.mark)).size).toBe(15);
  });
});

describe("the plan of a VPC's router", () => {
  it("routes each subnet by its table: peer block through the peering link, own block locally, host routes to instances", () => {
    const router = plan(twoPeeredVpcs()).ns("v0");
    expect(router.ip).toEqual(
      expect.arrayContaining([
        "route add 10.1.0.0/16 via 169.254.0.2 dev rhp0 onlink table 1000 metric 10",
        "route add blackhole 10.0.0.0/16 table 1000 metric 0",
        "route add 10.0.1.10/32 dev rhi0 table 1000 metric 0",
        "rule add iif rhi0 table 1000 pref 100",
        "rule add iif rhp0 table 900 pref 100",
        "route add 10.0.1.10/32 dev rhi0 table 900",
        "rule add pref 30000 blackhole",
      ]),
    );
    expect(router.ip6).toEqual([
      "rule add iif rhi0 table 1000 pref 100",
      "rule add iif rhp0 table 900 pref 100",
      "rule add pref 30000 blackhole",
    ]);
    expect(router.sysctls).toContainEqual(["net/ipv4/ip_forward", "1"]);
  });

  it("lets a more specific declared route, not the local route, decide the addresses it covers", () => {
    const tf = twoPeeredVpcs();
    put(tf, "aws_internet_gateway", "a", { vpc_id: ref("aws_vpc.a.id") });
    put(tf, "aws_route", "inside", {
      route_table_id: ref("aws_route_table.a.id"),
      destination_cidr_block: "10.0.1.0/24",
      gateway_id: ref("aws_internet_gateway.a.id"),
    });
    const router = plan(tf).ns("v0");
    expect(router.ip).toContain("route add 10.0.1.0/24 via 169.254.0.2 dev rhg0 onlink table 1000 metric 11");
    expect(router.ip).not.toContain("route add 10.0.1.10/32 dev rhi0 table 1000 metric 0");
  });

  it("blackholes a route through a peering nobody accepted, which gets no link", () => {
    const router = plan(patch(twoPeeredVpcs(), "aws_vpc_peering_connection", "ab", { auto_accept: false })).ns("v0");
    expect(router.ip).toContain("route add blackhole 10.1.0.0/16 table 1000 metric 10");
    expect(router.ip.some((l) => l.includes("rhp0"))).toBe(false);
  });

  it.each([
    { status: "active", autoAccept: false, linked: true },
    { status: "pending-acceptance", autoAccept: true, linked: false },
    { status: "provisioning", autoAccept: true, linked: false },
  ])(
    "links a peering the live loader reports as $status (auto_accept $autoAccept) only when it is active: AWS's status alone decides",
    ({ status, autoAccept, linked }) => {
      const m = model(twoPeeredVpcs());
      const peerings = new Map([...m.peerings].map(([key, p]) => [key, { ...p, autoAccept, accepters: [], status }]));
      const router = planNetwork({ ...m, peerings }, placeInstances(m), "rehearse_test").namespaces.find(
        (n) => n.id === "v0",
      );
      expect(router?.ip).toContain(
        linked
          ? "route add 10.1.0.0/16 via 169.254.0.2 dev rhp0 onlink table 1000 metric 10"
          : "route add blackhole 10.1.0.0/16 table 1000 metric 10",
      );
      expect(router?.ip.some((l) => l.includes("rhp0"))).toBe(linked);
    },
  );

  it("blackholes a route the live loader reports as blackhole, even through an active peering", () => {
    const m = model(twoPeeredVpcs());
    const routeTables = new Map(
      [...m.routeTables].map(([key, table]) => [
        key,
        { ...table, routes: table.routes.map((r) => (r.target.kind === "peering" ? { ...r, blackhole: true } : r)) },
      ]),
    );
    const router = planNetwork({ ...m, routeTables }, placeInstances(m), "rehearse_test").namespaces.find(
      (n) => n.id === "v0",
    );
    expect(router?.ip).toContain("route add blackhole 10.1.0.0/16 table 1000 metric 10");
  });

  it("lets the peering link carry only the two VPCs' blocks, and only into an instance", () => {
    const { nft } = plan(twoPeeredVpcs()).ns("v0");
    expect(nft).toContain(
      [
        "\tchain from_rhp0 {",
        "\t\tip saddr != { 10.1.0.0/16 } drop",
        "\t\tip daddr != { 10.0.0.0/16 } drop",
        "\t\tmeta nfproto ipv6 drop",
        '\t\toifname != { "rhi0" } drop',
        "\t}",
      ].join("\n"),
    );
  });

  it("checks a subnet's network ACL in rule-number order, first match wins, ending in a drop", () => {
    const tf = twoPeeredVpcs();
    put(tf, "aws_network_acl", "b", {
      vpc_id: ref("aws_vpc.b.id"),
      subnet_ids: [ref("aws_subnet.b.id")],
      ingress: [
        { rule_no: 200, action: "allow", protocol: "-1", cidr_block: "0.0.0.0/0", from_port: 0, to_port: 0 },
        {
          rule_no: 100,
          action: "deny",
          protocol: "icmp",
          cidr_block: "10.0.0.0/16",
          icmp_type: 8,
          icmp_code: -1,
          from_port: 0,
          to_port: 0,
        },
      ],
      egress: [],
    });
    const { nft } = plan(tf).ns("v1");
    expect(nft).toContain(
      [
        "\tchain nacl_in_0 {",
        "\t\tip saddr { 10.0.0.0/16 } meta l4proto icmp icmp type 8 drop",
        "\t\tmeta nfproto ipv4 return",
        "\t\tdrop",
        "\t}",
      ].join("\n"),
    );
    expect(nft).toContain(["\tchain nacl_out_0 {", "\t\tdrop", "\t}"].join("\n"));
    expect(nft).toContain('iifname { "rhi1" } oifname != { "rhi1" } jump nacl_out_0');
  });
});

describe("the plan of an instance", () => {
  it("holds its address behind its security groups as stateful nft rules", () => {
    const instance = plan(twoPeeredVpcs()).ns("i1");
    expect(instance.ip).toEqual(
      expect.arrayContaining(["addr add 10.1.1.10/32 dev rhe0", "route add 0.0.0.0/0 via 169.254.0.1 dev rhe0 onlink"]),
    );
    expect(instance.nft).toContain("ct state established,related accept");
    expect(instance.nft).toContain("ip saddr { 10.0.0.0/8 } meta l4proto icmp accept");
    expect(instance.nft).toContain("meta nfproto ipv4 accept");
  });

  it("turns a reference to a group into the addresses of its members, only where AWS allows the reference", () => {
    const tf = twoPeeredVpcs();
    patch(tf, "aws_security_group", "b", {
      ingress: [{ protocol: "-1", from_port: 0, to_port: 0, security_groups: [ref("aws_security_group.a.id")] }],
    });
    expect(plan(tf).ns("i1").nft).toContain("ip saddr { 10.0.1.10/32 } accept");
    patch(tf, "aws_vpc_peering_connection", "ab", { auto_accept: false });
    expect(plan(tf).ns("i1").nft).not.toContain("10.0.1.10");
  });
});

describe("a transit gateway as a namespace", () => {
  /** segmented(): prod and dev associated with "spokes", shared with "shared"; a blackhole for 10.3.5.0/24 in spokes. */
  function hub(): { readonly gateway: NamespaceSpec; readonly prod: NamespaceSpec } {
    const doc = segmented();
    tgwRoute(doc, "hole", "spokes", "10.3.5.0/24", undefined);
    const m = buildModel([{ stack: "test", file: "test.tf.json", json: doc }]);
    const network = planNetwork(m, placeInstances(m), "rehearse_test");
    const find = (id: string): NamespaceSpec => network.namespaces.find((n) => n.id === id) as NamespaceSpec;
    return { gateway: find("t0p0"), prod: find("v0") };
  }
  const tableOf = (ns: NamespaceSpec, link: string): string | undefined =>
    ns.ip.find((l) => l.startsWith(`rule add iif ${link} `))?.split(" ")[5];

  it("routes what arrives from an attachment by the table associated with it", () => {
    const { gateway } = hub();
    expect(gateway.role).toBe("transit");
    expect(gateway.stands).toBe("aws_ec2_transit_gateway.hub");
    const [prod, dev, shared] = ["rht0", "rht1", "rht2"].map((link) => tableOf(gateway, link));
    expect(prod).toBeDefined();
    expect(dev).toBe(prod);
    expect(shared).not.toBe(prod);
    expect(gateway.ip).toContain("rule add pref 30000 blackhole");
  });

  it("holds the propagated routes behind static ones and a blackhole as a kernel blackhole route", () => {
    const { gateway } = hub();
    const spokes = tableOf(gateway, "rht0");
    const lines = gateway.ip.filter((l) => l.startsWith("route add") && l.includes(` table ${spokes} `));
    expect(lines).toEqual([
      expect.stringMatching(/^route add 10\.3\.0\.0\/16 via 169\.254\.0\.2 dev rhx2 onlink table \d+ metric 1\d{3}$/),
      expect.stringMatching(/^route add blackhole 10\.3\.5\.0\/24 table \d+ metric \d{2}$/),
    ]);
  });

  it("sends the VPC's route to the gateway into its attachment link, behind the entry subnet's inbound ACL", () => {
    const { prod } = hub();
    expect(prod.ip).toContainEqual(
      expect.stringMatching(/^route add 10\.0\.0\.0\/8 via 169\.254\.0\.2 dev rht0 onlink /),
    );
    expect(prod.ip).toContain("rule add iif rhx0 table 900 pref 100");
    expect(prod.nft).toContain('oifname "rht0" jump tgw_to_rht0');
    expect(prod.nft).toContain('iifname "rhx0" jump tgw_from_rhx0');
  });
});
