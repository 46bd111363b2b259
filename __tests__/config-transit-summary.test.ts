import { synthToTemp } from "../test-support/synth";
import { analyze, loadTerraform } from "../lib/reach";
import { problemsIfAny } from "../test-support/configs";

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
    const many = (summaryRoutes?: string[]) => ({
      vpcs: Array.from({ length: 51 }, (_, i) => ({
        name: `v${i}`,
        cidr: `10.0.${i}.0/24`,
        transitAttachments: { hub: "all" },
      })),
      transitGateways: [{ name: "hub", segments: [{ name: "all" }], ...(summaryRoutes ? { summaryRoutes } : {}) }],
    });
    expect(problemsIfAny(many())[0]).toContain("needs 51 IPv4 routes");
    expect(problemsIfAny(many(["10.0.0.0/8"]))).toEqual([]);
  });

  it("keeps counting the summary in place of the gateway's routes when the gateway is also peered", () => {
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
    const ofGatewayVpcs = (problems: string[]) => problems.filter((p) => /^VPC "v\d+"/.test(p));
    expect(ofGatewayVpcs(problemsIfAny(peeredMany()))[0]).toContain("needs 52 IPv4 routes");
    // Only the far VPC, which routes to each of the 51 blocks across the peering, is over the quota.
    const summarized = problemsIfAny(peeredMany(["10.0.0.0/8"]));
    expect(ofGatewayVpcs(summarized)).toEqual([]);
    expect(summarized).toEqual([expect.stringMatching(/^VPC "far": .* needs 52 IPv4 routes/)]);
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
