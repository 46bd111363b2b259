import { DEFAULT_CONFIG, type PeeringConfig } from "../../lib/config";
import {
  estimate,
  formatEstimate,
  monthlyTotal,
  priceTable,
  stacksOf,
  stackTotal,
  usd,
  type CostLine,
  type Estimate,
} from "../../lib/cost";
import { buildModel, readDocuments } from "../../lib/reach";
import { jsonResources } from "../../lib/core/terraform-json";
import { analyzerEndpoints, analyzerPairs } from "../../lib/constructs/reachability-analyzer";
import { EXAMPLES_BY_NAME } from "../../test-support/configs";
import { synthToTemp } from "../../test-support/synth";

/** The built-in default and every example, as `describe.each` cases. */
const EVERY_CONFIG = [
  { name: "the built-in default", raw: DEFAULT_CONFIG as unknown as Record<string, unknown> },
  ...EXAMPLES_BY_NAME,
];

/** GB a month over each peering, NAT gateway and interface endpoint, so that data lines are not zero. */
const GB = 10;

/** GB a month each VPC attachment sends into its transit gateway. */
const TGW_GB = 7;

/** The SSM agent's interface endpoints in each AZ of a VPC without NAT gateways. */
const SSM_SERVICES = 3;

describe.each(EVERY_CONFIG)("the cost estimate of $name", ({ raw }) => {
  let config: PeeringConfig;
  let stacks: string[];
  let e: Estimate;
  beforeAll(() => {
    const app = synthToTemp(raw);
    try {
      config = app.config;
      const documents = readDocuments([app.outdir]);
      // A stack that declares no resource (the peering stack of a config without peerings) costs nothing.
      stacks = [...new Set(jsonResources(documents).map((r) => r.stack))];
      e = estimate(documents, buildModel(documents), {
        gb: GB,
        tgwGb: TGW_GB,
        prices: (region) => priceTable(region),
      });
    } finally {
      app.remove();
    }
  });
  /** The summed quantity of the lines of an item, over stacks and regions. */
  const quantity = (item: string) =>
    e.lines.filter((l: CostLine) => l.item === item).reduce((n, l) => n + l.quantity, 0);
  const sum = (f: (v: PeeringConfig["vpcs"][number]) => number) => config.vpcs.reduce((n, v) => n + f(v), 0);

  it("prices every stack, each with a positive total, and ends with a positive monthly total", () => {
    for (const line of e.lines) expect(Number.isFinite(line.amount) && line.amount >= 0).toBe(true);
    expect(stacksOf(e).sort()).toEqual([...stacks].sort());
    for (const stack of stacks) expect(stackTotal(e, stack)).toBeGreaterThan(0);
    expect(monthlyTotal(e)).toBeGreaterThan(0);
    expect([...e.unpriced]).toEqual([]);
    expect(formatEstimate(e, "x").trimEnd().split("\n").pop()).toBe(`Monthly total: ${usd(monthlyTotal(e))}`);
  });

  it("charges one instance and one root volume per VPC, in the VPC's region", () => {
    expect(quantity(`${config.instanceType} instances`)).toBe(config.vpcs.length);
    const regions = new Set(config.vpcs.map((v) => v.region));
    expect(new Set(e.lines.filter((l) => l.item.endsWith(" instances")).map((l) => l.region))).toEqual(regions);
  });

  it("charges NAT gateways (hours, data and their Elastic IPs) exactly where natGateways is not none", () => {
    const expected = { none: 0, single: config.vpcs.length, "per-az": sum((v) => v.maxAzs) }[config.natGateways];
    expect(quantity("NAT gateway hours")).toBe(expected);
    expect(quantity("NAT gateway data processing")).toBe(expected * GB);
    expect(quantity("public IPv4 addresses (Elastic IPs)")).toBe(expected);
  });

  it("charges the SSM interface endpoints in each AZ of each VPC when there is no NAT gateway", () => {
    const withEndpoints = config.natGateways === "none" && config.ssmEndpoints !== false;
    expect(quantity("interface endpoint hours (per AZ)")).toBe(withEndpoints ? SSM_SERVICES * sum((v) => v.maxAzs) : 0);
    expect(quantity("interface endpoint data processing")).toBe(
      withEndpoints ? SSM_SERVICES * config.vpcs.length * GB : 0,
    );
  });

  it("charges each Site-to-Site VPN connection by the hour", () => {
    expect(quantity("Site-to-Site VPN connection hours")).toBe(sum((v) => Object.keys(v.vpnConnections ?? {}).length));
  });

  it("charges each transit gateway VPC attachment by the hour and what it sends in by the GB, at its gateway's region's rates", () => {
    const attachments = (config.transitGateways ?? []).flatMap((g) => g.attachments.map(() => g.region));
    expect(quantity("transit gateway VPC attachment hours")).toBe(attachments.length);
    expect(quantity("transit gateway data processing (sent by VPC attachments)")).toBe(attachments.length * TGW_GB);
    for (const line of e.lines.filter((l) => l.item === "transit gateway VPC attachment hours")) {
      expect(line.amount).toBe(
        Math.round(line.quantity * 730 * priceTable(line.region).transitGateway.attachmentHourly * 100) / 100,
      );
      expect(attachments).toContain(line.region);
    }
  });

  it("charges data over each peering, at the inter-region rate where the two VPCs are in different regions", () => {
    const region = new Map(config.vpcs.map((v) => [v.name, v.region]));
    const interRegion = config.peerings.filter(([a, b]) => region.get(a) !== region.get(b)).length;
    expect(quantity("data over inter-region peerings")).toBe(interRegion * GB);
    expect(quantity("data over peerings, across AZs (both directions charged)")).toBe(
      (config.peerings.length - interRegion) * GB,
    );
    for (const line of e.lines.filter((l) => l.item === "data over inter-region peerings"))
      expect(line.unitPrice).toBeGreaterThan(0);
  });
});

describe.each(EVERY_CONFIG)("the cost estimate of $name with reachabilityAnalyzer", ({ raw }) => {
  it("charges each analysis once, outside the monthly total", () => {
    const app = synthToTemp({ ...raw, reachabilityAnalyzer: true });
    try {
      const documents = readDocuments([app.outdir]);
      const e = estimate(documents, buildModel(documents), { gb: 0, prices: (region) => priceTable(region) });
      const pairs = analyzerPairs(app.config, analyzerEndpoints(app.config));
      const once = e.lines.filter((l) => !l.monthly);
      expect(
        once.every((l) => l.item === "Reachability Analyzer analyses" && l.stack === "reachability" && l.amount > 0),
      ).toBe(true);
      expect(once.reduce((n, l) => n + l.quantity, 0)).toBe(pairs.length);
    } finally {
      app.remove();
    }
  });
});
