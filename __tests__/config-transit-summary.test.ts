import { synthToTemp } from "../test-support/synth";
import { analyze, loadTerraform } from "../lib/reach";
import { problemsIfAny } from "../test-support/configs";
import { parseConfig } from "../lib/config";

/** `n` VPCs in one segment of one transit gateway, with the given summary routes. */
function many(n: number, summaryRoutes?: string[]) {
  return {
    vpcs: Array.from({ length: n }, (_, i) => ({
      name: `v${i}`,
      cidr: `10.0.${i}.0/24`,
      transitAttachments: { hub: "all" },
    })),
    transitGateways: [{ name: "hub", segments: [{ name: "all" }], ...(summaryRoutes ? { summaryRoutes } : {}) }],
  };
}

/** Two peered VPCs on one transit gateway, with the given summary routes. */
function config(summaryRoutes: unknown, peerings: unknown = [["a", "b"]]) {
  return {
    maxAzs: 1,
    vpcs: [
      { name: "a", cidr: "10.0.0.0/24", transitAttachments: { hub: "all" } },
      { name: "b", cidr: "10.0.1.0/24", transitAttachments: { hub: "all" } },
    ],
    peerings,
    transitGateways: [{ name: "hub", segments: [{ name: "all" }], summaryRoutes }],
  };
}

describe("a transit gateway's summaryRoutes", () => {
  it.each([
    ["0.0.0.0/0", "is the destination of the private route tables' default route"],
    ["10.0.0.0/24", 'is the block of VPC "a" (vpcs[0].cidr)'],
    ["10.0.1.0/25", 'is inside the block "10.0.1.0/24" of VPC "b"'],
    ["10.0.0.1/8", "is not a network address"],
    ["ten", "is not an IPv4 CIDR block"],
  ])("refuses %s, naming the field", (summary, message) => {
    expect(problemsIfAny(config([summary]))).toEqual([
      expect.stringMatching(
        new RegExp(`^transitGateways\\[0\\]\\.summaryRoutes\\[0\\] "${summary.replace(/[./]/g, "\\$&")}" `),
      ),
    ]);
    expect(problemsIfAny(config([summary]))[0]).toContain(message);
  });

  it("refuses a summary listed twice", () => {
    expect(problemsIfAny(config(["10.0.0.0/8", "10.0.0.0/8"]))).toEqual([
      expect.stringContaining('transitGateways[0].summaryRoutes[1] "10.0.0.0/8" is listed twice'),
    ]);
  });

  it("counts against the routes-per-table quota in place of the routes per reached block", () => {
    expect(problemsIfAny(many(51, ["10.0.0.0/8"]))).toEqual([]);
    expect(parseConfig(many(51, ["10.0.0.0/8"])).transitGateways![0].summaryRoutes).toEqual(["10.0.0.0/8"]);
  });

  it.each([
    ["routes per reached block pass the quota", 51, {}, ["10.0.0.0/18"]],
    ["the raised quota holds the routes per reached block", 51, { routesPerRouteTable: 51 }, undefined],
    ["the routes fit AWS's default quota", 50, {}, undefined],
  ])("gives a gateway without summaryRoutes, where %s, the summary routes that need: %j", (_, n, quotas, expected) => {
    expect(problemsIfAny({ ...many(n), ...quotas })).toEqual([]);
    expect(parseConfig({ ...many(n), ...quotas }).transitGateways![0].summaryRoutes).toEqual(expected);
  });

  it("covers each private range apart, one bit wider than a lone VPC's block, and not across ranges", () => {
    const config = many(51);
    config.vpcs[50] = { name: "v50", cidr: "172.16.0.0/24", transitAttachments: { hub: "all" } };
    expect(parseConfig(config).transitGateways![0].summaryRoutes).toEqual(["10.0.0.0/18", "172.16.0.0/23"]);
  });

  it("leaves the far side of a gateway peering to the routes quota: its routes to the peer's blocks are not summed", () => {
    const peeredMany = (summaryRoutes?: string[]) => ({
      vpcs: [
        ...Array.from({ length: 51 }, (_, i) => ({
          name: `v${i}`,
          cidr: `10.0.${i}.0/24`,
          transitAttachments: { eu: "all" },
        })),
        { name: "far", cidr: "172.16.0.0/24", region: "us-east-1", transitAttachments: { us: "all" } },
      ],
      transitGateways: [
        { name: "eu", segments: [{ name: "all" }], ...(summaryRoutes ? { summaryRoutes } : {}) },
        { name: "us", region: "us-east-1", segments: [{ name: "all" }] },
      ],
      transitPeerings: [{ requester: { gateway: "eu", segment: "all" }, accepter: { gateway: "us", segment: "all" } }],
    });
    // The far VPC routes to each of the 51 blocks across the peering: over the quota, summary or not.
    for (const summaryRoutes of [undefined, ["10.0.0.0/8"]])
      expect(problemsIfAny(peeredMany(summaryRoutes))).toEqual([
        expect.stringMatching(/^VPC "far": .* needs 52 IPv4 routes/),
      ]);
  });

  it("leaves the security-group rules counted per reached block, as the instances admit each", () => {
    const vpcs = Array.from({ length: 62 }, (_, i) => ({
      name: `v${i}`,
      cidr: `10.0.${i}.0/24`,
      transitAttachments: { hub: "all" },
    }));
    const found = problemsIfAny({
      vpcs,
      transitGateways: [{ name: "hub", segments: [{ name: "all" }], summaryRoutes: ["10.0.0.0/8"] }],
    });
    const listed = found.filter((p) => !p.includes("... and"));
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((p) => p.includes("needs 61 inbound IPv4 rules"))).toBe(true);
  });

  it("sends the summary to the gateway in place of a route per block, and a peering's more specific route wins", () => {
    const peered = synthToTemp(config(["10.0.0.0/8"]));
    const unpeered = synthToTemp(config(["10.0.0.0/8"], []));
    try {
      for (const [app, via] of [
        [peered, "aws_vpc_peering_connection"],
        [unpeered, "aws_ec2_transit_gateway_vpc_attachment"],
      ] as const) {
        const result = analyze(loadTerraform([app.outdir]));
        expect(result.pairs.map((p) => p.reachable)).toEqual([true, true]);
        for (const pair of result.pairs) expect(pair.path.join("\n")).toContain(via);
      }
      const routes = loadTerraform([unpeered.outdir]);
      const toGateway = [...routes.routeTables.values()].flatMap((t) =>
        t.routes.filter((r) => r.target.kind === "gateway" && r.target.gatewayKind === "transit gateway"),
      );
      expect(toGateway.map((r) => r.destination.text)).toEqual(["10.0.0.0/8", "10.0.0.0/8"]);
    } finally {
      peered.remove();
      unpeered.remove();
    }
  });
});

describe("a transit gateway's routesPerBlock", () => {
  it("refuses routesPerBlock without summaryRoutes, naming the field and the fix", () => {
    const raw = many(3);
    const config = { ...raw, transitGateways: [{ ...raw.transitGateways[0], routesPerBlock: true }] };
    expect(problemsIfAny(config)).toEqual([
      "transitGateways[0].routesPerBlock is true without summaryRoutes: it keeps a route per reached block beside the summary routes; list summaryRoutes, or leave routesPerBlock out",
    ]);
  });

  it("counts the summary routes and the routes per block against the routes quota together", () => {
    const raw = many(49, ["10.0.0.0/8"]);
    const config = { ...raw, transitGateways: [{ ...raw.transitGateways[0], routesPerBlock: true }] };
    // 48 routes per block, the summary and the default route: 50, AWS's default quota; one more VPC passes it.
    expect(problemsIfAny(config)).toEqual([]);
    const more = many(50, ["10.0.0.0/8"]);
    expect(
      problemsIfAny({ ...more, transitGateways: [{ ...more.transitGateways[0], routesPerBlock: true }] })[0],
    ).toContain("needs 51 IPv4 routes");
  });

  it("sends the summary and each reached block to the gateway, the block's route winning", () => {
    const raw = config(["10.0.0.0/8"], []);
    const app = synthToTemp({ ...raw, transitGateways: [{ ...raw.transitGateways[0], routesPerBlock: true }] });
    try {
      const model = loadTerraform([app.outdir]);
      const toGateway = [...model.routeTables.values()].flatMap((t) =>
        t.routes.filter((r) => r.target.kind === "gateway" && r.target.gatewayKind === "transit gateway"),
      );
      expect(toGateway.map((r) => r.destination.text).sort()).toEqual([
        "10.0.0.0/24",
        "10.0.0.0/8",
        "10.0.0.0/8",
        "10.0.1.0/24",
      ]);
      const result = analyze(model);
      expect(result.pairs.map((p) => p.reachable)).toEqual([true, true]);
      for (const pair of result.pairs) expect(pair.path.join("\n")).toMatch(/10\.0\.[01]\.0\/24 →/);
    } finally {
      app.remove();
    }
  });
});
