/**
 * The config's transit gateways: a valid config resolves to gateways with their segments and attached
 * VPCs, and what the segments mean (who reaches whom) follows the segments; every bad transit config
 * is refused with one problem naming the field, the value and the fix.
 */
import { parseConfig } from "../lib/config";
import { propagatedInto, transitReachable, withTransitPeers } from "../lib/config/transit";
import { planSubnets } from "../lib/plan/subnets";
import { planTransitSubnets } from "../lib/plan/transit-subnets";
import { problemsOf } from "../test-support/configs";

type Json = Record<string, unknown>;

/** shared reaches prod and dev; prod and dev do not reach each other; dev's members are isolated. */
function hubConfig(): Json {
  return {
    region: "eu-west-1",
    maxAzs: 2,
    transitGateways: [
      {
        name: "hub",
        segments: [
          { name: "shared", reaches: ["prod", "dev"] },
          { name: "prod", reaches: ["shared"], routes: [{ destination: "10.255.0.0/16", blackhole: true }] },
          { name: "dev", reaches: ["shared"], isolated: true },
        ],
      },
    ],
    vpcs: [
      { name: "shared", cidr: "10.0.0.0/24", transitAttachments: { hub: "shared" } },
      { name: "prod-a", cidr: "10.1.0.0/24", transitAttachments: { hub: "prod" } },
      { name: "prod-b", cidr: "10.1.1.0/24", transitAttachments: { hub: "prod" } },
      { name: "dev-a", cidr: "10.2.0.0/24", transitAttachments: { hub: "dev" } },
      { name: "dev-b", cidr: "10.2.1.0/24", transitAttachments: { hub: "dev" } },
      { name: "alone", cidr: "10.3.0.0/24" },
    ],
    peerings: [],
  };
}

type Edit = (c: Json) => void;
const tgw = (c: Json) => (c.transitGateways as Json[])[0];
const segment = (c: Json, i: number) => (tgw(c).segments as Json[])[i];
const vpc = (c: Json, i: number) => (c.vpcs as Json[])[i];

describe("a valid transit config", () => {
  const config = parseConfig(hubConfig());

  it("resolves each gateway with its region, the default ASN and its attached VPCs in config order", () => {
    const [hub] = config.transitGateways!;
    expect(hub).toMatchObject({ name: "hub", region: "eu-west-1", amazonSideAsn: 64512 });
    expect(hub.attachments.map((a) => `${a.vpc}:${a.segment}`)).toEqual([
      "shared:shared",
      "prod-a:prod",
      "prod-b:prod",
      "dev-a:dev",
      "dev-b:dev",
    ]);
    expect(hub.segments[1].routes).toEqual([{ destination: "10.255.0.0/16", blackhole: true }]);
  });

  it.each([
    ["shared", ["prod-a", "prod-b", "dev-a", "dev-b"]],
    ["prod-a", ["shared", "prod-b"]],
    ["dev-a", ["shared"]],
    ["alone", []],
  ])("lets %s reach exactly %j", (from, to) => {
    expect(transitReachable(config, from).map((r) => r.vpc.name)).toEqual(to);
  });

  it("propagates each VPC into the segments that reach its own, and into its own unless isolated", () => {
    expect(Object.fromEntries(propagatedInto(config.transitGateways![0]))).toEqual({
      shared: ["shared", "prod-a", "prod-b", "dev-a", "dev-b"],
      prod: ["shared", "prod-a", "prod-b"],
      dev: ["shared"],
    });
  });

  it("admits a peer once when it is both peered and reached through the gateway", () => {
    const peered = parseConfig({ ...hubConfig(), peerings: [["shared", "prod-a"]] });
    const peers = peered.vpcs.filter((v) => v.name === "prod-a");
    expect(withTransitPeers(peered, "shared", peers).map((v) => v.name)).toEqual([
      "prod-a",
      "prod-b",
      "dev-a",
      "dev-b",
    ]);
  });

  it("counts the IPv6 routes to the VPCs reached, where both ends have IPv6, against the routes-per-table quota", () => {
    // The IPv4 routes pass the quota too, so the gateway gets summary routes; IPv6 keeps a route per block.
    const problems = problemsOf({ ...hubConfig(), ipv6: true, routesPerRouteTable: 4 });
    expect(problems).toEqual([
      expect.stringMatching(
        /^VPC "shared": each private route table \(shared-private-0, shared-private-1\) needs 5 IPv6 routes \(a default route to the egress-only internet gateway and 4 to its peers' blocks\), over the quota of 4/,
      ),
    ]);
  });

  it("counts a peer reached through the gateway too once against the routes-per-table quota: its peering's routes serve both", () => {
    // shared reaches 4 VPCs through the gateway, one of them peered too: a NAT default route and 4 routes.
    const peered = { ...hubConfig(), routesPerRouteTable: 4, peerings: [["shared", "prod-a"]] };
    expect(problemsOf(peered)).toEqual([
      expect.stringMatching(
        /^VPC "shared": .* needs 5 IPv4 routes \(a default route to the NAT gateway and 4 to its peers' blocks\)/,
      ),
    ]);
    expect(() => parseConfig({ ...peered, routesPerRouteTable: 5 })).not.toThrow();
  });

  it("leaves a config without transitGateways without the key", () => {
    const { transitGateways: _, ...rest } = hubConfig();
    const plain = parseConfig({ ...rest, vpcs: [{ name: "a", cidr: "10.0.0.0/24" }] });
    expect("transitGateways" in plain).toBe(false);
  });
});

describe("attachment subnets", () => {
  it.each([
    ["10.0.0.0/24", 2, ["10.0.0.240/28", "10.0.0.224/28"]],
    ["10.0.0.0/16", 3, ["10.0.255.240/28", "10.0.255.224/28", "10.0.255.208/28"]],
    ["10.0.0.0/25", 1, ["10.0.0.112/28"]],
  ])("in %s across %i AZs are %j, after every public and private subnet", (cidr, azs, expected) => {
    const plan = planTransitSubnets(cidr, azs)!;
    expect(plan).toEqual(expected);
    const lastPrivate = planSubnets(cidr, azs)!.at(-1)!.private;
    expect(plan.every((s) => s.localeCompare(lastPrivate, undefined, { numeric: true }) > 0)).toBe(true);
  });

  it.each([
    ["10.0.0.0/24", 4],
    ["10.0.0.0/26", 1],
  ])("do not fit %s across %i AZs, which its own subnets fill", (cidr, azs) => {
    expect(planTransitSubnets(cidr, azs)).toBeUndefined();
  });
});

describe("a bad transit config is refused with the field, the value and the fix", () => {
  const cases: [string, Edit, RegExp][] = [
    [
      "a segment reaching one that does not exist",
      (c) => (segment(c, 1).reaches = ["shared", "staging"]),
      /^transitGateways\[0\]\.segments\[1\]\.reaches\[1\] is "staging", which is not a segment of transitGateways\[0\]: use one of "shared", "dev"$/,
    ],
    [
      "a reach that is not mutual",
      (c) => (segment(c, 1).reaches = ["shared", "dev"]),
      /^transitGateways\[0\]\.segments\[1\]\.reaches\[1\] is "dev", but transitGateways\[0\]\.segments\[2\] \("dev"\) does not reach "prod": replies .* no route back, so add "prod" to transitGateways\[0\]\.segments\[2\]\.reaches, or remove "dev" here$/,
    ],
    [
      "a segment reaching itself",
      (c) => (segment(c, 1).reaches = ["shared", "prod"]),
      /reaches\[1\] is "prod", the segment itself: .*"isolated": true/,
    ],
    [
      "a segment named twice",
      (c) => (tgw(c).segments as Json[]).push({ name: "prod" }),
      /segments\[3\]\.name "prod" is already used by transitGateways\[0\]\.segments\[1\]/,
    ],
    [
      "a gateway named twice",
      (c) => (c.transitGateways as Json[]).push({ name: "hub", segments: [{ name: "x" }] }),
      /transitGateways\[1\]\.name "hub" is already used by transitGateways\[0\]/,
    ],
    [
      "a VPC attached to a gateway that does not exist",
      (c) => (vpc(c, 1).transitAttachments = { core: "prod" }),
      /^vpcs\[1\]\.transitAttachments\.core names the transit gateway "core", which is not in transitGateways: use one of "hub"$/,
    ],
    [
      "a VPC attached in a segment that does not exist",
      (c) => (vpc(c, 1).transitAttachments = { hub: "staging" }),
      /^vpcs\[1\]\.transitAttachments\.hub is "staging", which is not a segment of transitGateways\[0\] \("hub"\): use one of "shared", "prod", "dev"$/,
    ],
    [
      "a VPC in another region than its gateway",
      (c) => (vpc(c, 1).region = "eu-central-1"),
      /vpcs\[1\]\.transitAttachments\.hub: VPC "prod-a" is in eu-central-1, but the transit gateway "hub" is in eu-west-1/,
    ],
    [
      "a VPC without room for its attachment subnets",
      (c) => (vpc(c, 1).maxAzs = 4),
      /vpcs\[1\]\.transitAttachments\.hub: VPC "prod-a"'s block "10\.1\.0\.0\/24" has no room left for a \/28 attachment subnet in each of its 4 AZs.*use a larger block or fewer AZs/,
    ],
    [
      "overlapping blocks propagated into one route table",
      (c) => (vpc(c, 2).cidr = "10.1.0.0/24"),
      /^vpcs\[1\]\.cidr "10\.1\.0\.0\/24" \("prod-a"\) and vpcs\[2\]\.cidr "10\.1\.0\.0\/24" \("prod-b"\) overlap, and both would be propagated into the route table of transitGateways\[0\]\.segments\[0\] \("shared"\): AWS silently drops/,
    ],
    [
      "an isolated member whose block overlaps one it reaches",
      (c) => (vpc(c, 3).cidr = "10.0.0.0/24"),
      /vpcs\[0\]\.cidr "10\.0\.0\.0\/24" \("shared"\) and vpcs\[3\]\.cidr "10\.0\.0\.0\/24" \("dev-a"\) overlap/,
    ],
    [
      "a route with neither vpc nor blackhole",
      (c) => (segment(c, 1).routes = [{ destination: "10.9.0.0/16" }]),
      /segments\[1\]\.routes\[0\] names no vpc and is no blackhole: give it either "vpc"/,
    ],
    [
      "a route with a bad destination",
      (c) => (segment(c, 1).routes = [{ destination: "10.9.0.1/16", blackhole: true }]),
      /routes\[0\]\.destination "10\.9\.0\.1\/16" is not a network address.*"10\.9\.0\.0\/16"/,
    ],
    [
      "two routes to one destination",
      (c) =>
        (segment(c, 1).routes = [
          { destination: "10.9.0.0/16", blackhole: true },
          { destination: "10.9.0.0/16", vpc: "shared" },
        ]),
      /^transitGateways\[0\]\.segments\[1\]\.routes\[1\]\.destination "10\.9\.0\.0\/16" repeats transitGateways\[0\]\.segments\[1\]\.routes\[0\]\.destination: .*keep one$/,
    ],
    [
      "a route to a VPC not attached to the gateway",
      (c) => (segment(c, 1).routes = [{ destination: "192.168.0.0/16", vpc: "alone" }]),
      /routes\[0\]\.vpc "alone" is not attached to "hub": name a VPC whose transitAttachments include "hub"/,
    ],
    [
      "a blackhole that hides a propagated VPC",
      (c) => (segment(c, 1).routes = [{ destination: "10.1.0.0/25", blackhole: true }]),
      /routes\[0\]\.destination "10\.1\.0\.0\/25" lies in vpcs\[1\]\.cidr "10\.1\.0\.0\/24" of VPC "prod-a".*drop/,
    ],
    [
      "an ASN outside the private ranges",
      (c) => (tgw(c).amazonSideAsn = 65535),
      /transitGateways\[0\]\.amazonSideAsn 65535 is outside AWS's private ASN ranges/,
    ],
    [
      "a region that is not one",
      (c) => (tgw(c).region = "mars"),
      /transitGateways\[0\]\.region "mars" is not an AWS region/,
    ],
    [
      "an unknown key in a segment",
      (c) => (segment(c, 0).reach = ["prod"]),
      /transitGateways\[0\]\.segments\[0\] has unknown key "reach": remove it \(allowed: name, reaches, isolated, routes\)/,
    ],
    [
      "more than 20 segments",
      (c) => (tgw(c).segments as Json[]).push(...Array.from({ length: 18 }, (_, i) => ({ name: `s${i}` }))),
      /transitGateways\[0\]\.segments has 21 segments, each a route table, over the quota of 20 route tables per transit gateway/,
    ],
    [
      "a VPC attached to more than 5 gateways",
      (c) => {
        c.transitGateways = Array.from({ length: 6 }, (_, i) => ({ name: `t${i}`, segments: [{ name: "s" }] }));
        c.vpcs = [
          {
            name: "a",
            cidr: "10.0.0.0/24",
            transitAttachments: Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`t${i}`, "s"])),
          },
        ];
      },
      /^vpcs\[0\]\.transitAttachments attaches VPC "a" to 6 transit gateways, over AWS's limit of 5 .*attach it to at most 5$/,
    ],
    [
      "a VPC reached through two gateways",
      (c) => {
        c.transitGateways = ["t1", "t2"].map((name) => ({ name, segments: [{ name: "s" }] }));
        c.vpcs = [
          { name: "a", cidr: "10.0.0.0/24", transitAttachments: { t1: "s", t2: "s" } },
          { name: "b", cidr: "10.0.1.0/24", transitAttachments: { t1: "s", t2: "s" } },
        ];
      },
      /^VPCs "a" and "b" reach each other through both transitGateways\[0\] \("t1"\) and transitGateways\[1\] \("t2"\): .*on one transit gateway$/,
    ],
  ];

  it.each(cases)("%s", (_, edit, expected) => {
    const config = hubConfig();
    edit(config);
    const problems = problemsOf(config);
    expect(problems).toEqual([expect.stringMatching(expected)]);
  });

  /** `n` VPCs spread over `segments` segments that all reach each other (or one isolated segment). */
  function many(n: number, segments: number): Json {
    const names = Array.from({ length: segments }, (_, i) => `s${i}`);
    return {
      transitGateways: [
        {
          name: "hub",
          segments: names.map((name) =>
            segments === 1 ? { name, isolated: true } : { name, reaches: names.filter((o) => o !== name) },
          ),
        },
      ],
      vpcs: Array.from({ length: n }, (_, i) => ({
        name: `v${i}`,
        cidr: `10.${Math.floor(i / 256)}.${i % 256}.0/24`,
        transitAttachments: { hub: names[i % segments] },
      })),
      peerings: [],
    };
  }

  it("more attachments than one transit gateway takes", () => {
    expect(problemsOf(many(5001, 1))).toEqual([
      expect.stringMatching(
        /^transitGateways\[0\] \("hub"\) has 5,001 VPC attachments, over AWS's limit of 5,000 attachments per transit gateway .*attach the other VPCs to a second transit gateway$/,
      ),
    ]);
  });

  it("more routes than one transit gateway holds: every block in every segment's table", () => {
    const problems = problemsOf(many(2501, 4));
    expect(problems).toContainEqual(
      expect.stringMatching(
        /^transitGateways\[0\] \("hub"\) needs 10,004 routes across its route tables .*over the quota of 10,000 routes per transit gateway/,
      ),
    );
  });
});
