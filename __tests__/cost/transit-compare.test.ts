import {
  binding,
  breakEven,
  HOURS_PER_MONTH,
  LARGEST_MESH,
  networkCosts,
  pairsOf,
  perAttachmentGb,
  priceTable,
  type PriceTable,
} from "../../lib/cost";
import { runScript } from "../../test-support/scripts";
import { withoutConfig } from "../../test-support/configs";

/** A region's table with other rates for inter-AZ transfer and transit gateway processing. */
function withRates(region: string, interAz: number, processing: number): PriceTable {
  const table = priceTable(region);
  return {
    ...table,
    perGb: { ...table.perGb, interAzEachDirection: interAz },
    transitGateway: { ...table.transitGateway, dataProcessingPerGb: processing },
  };
}

/**
 * The break-even size from the rates alone: the gateway costs less once n VPCs' pairs save more on
 * traffic than their attachments cost, (n - 1) / 2 × gb × (2 × interAz - processing) > 730 × hourly,
 * so n is the first whole number past 1 + 2 × 730 × hourly / (gb × saving); none when it saves nothing
 * or only past the largest mesh.
 */
function expectedBreakEven(table: PriceTable, gb: number): number | undefined {
  const saving = gb * (2 * table.perGb.interAzEachDirection - table.transitGateway.dataProcessingPerGb);
  if (saving <= 0) return undefined;
  const n = Math.floor(1 + (2 * HOURS_PER_MONTH * table.transitGateway.attachmentHourly) / saving) + 1;
  return n <= LARGEST_MESH ? n : undefined;
}

describe("the peering mesh beside one transit gateway", () => {
  it.each([
    ["eu-west-1 as published", priceTable("eu-west-1"), 100],
    ["us-east-1 as published", priceTable("us-east-1"), 1000],
    ["no traffic", priceTable("eu-west-1"), 0],
    ["inter-AZ at $0.02 each way, 100 GB a pair", withRates("eu-west-1", 0.02, 0.02), 100],
    ["inter-AZ at $0.02 each way, 10 GB a pair", withRates("us-east-1", 0.02, 0.02), 10],
    ["inter-AZ at $0.03 each way, 1,000 GB a pair", withRates("eu-west-1", 0.03, 0.02), 1000],
    ["processing dearer than the mesh's transfer", withRates("eu-west-1", 0.01, 0.03), 1000],
  ])("finds the break-even size from the rates, %s", (_, table, gb) => {
    const found = breakEven(table, gb);
    expect(found).toBe(expectedBreakEven(table, gb));
    if (found !== undefined) {
      const at = networkCosts(table, found, gb);
      const before = networkCosts(table, found - 1, gb);
      expect([at.transit < at.mesh, before.transit < before.mesh]).toEqual([true, false]);
    }
  });

  it.each([2, 6, 125, 126, 1000])(
    "charges %s VPCs' pairs' traffic over the mesh out and in, and through the gateway once plus an attachment each",
    (n) => {
      const table = priceTable("eu-west-1");
      const gb = 40;
      const cents = (x: number) => Math.round(x * 100) / 100;
      expect(networkCosts(table, n, gb)).toEqual({
        mesh: cents(pairsOf(n) * gb * 2 * table.perGb.interAzEachDirection),
        transit: cents(
          n * 730 * table.transitGateway.attachmentHourly + pairsOf(n) * gb * table.transitGateway.dataProcessingPerGb,
        ),
      });
      expect(n * perAttachmentGb(n, gb)).toBe(pairsOf(n) * gb);
    },
  );
});

describe("whether a quota binds", () => {
  it.each([
    [50, ""],
    [51, "needs a quota increase (default 50)"],
    [125, "needs a quota increase (default 50)"],
    [126, "over AWS's most (125): cannot be built"],
  ])("says so for %s peerings of one VPC", (used, says) => {
    expect(
      binding({
        quota: "Active VPC peering connections per VPC",
        label: "peerings per VPC",
        used,
        awsDefault: 50,
        max: 125,
      }),
    ).toBe(says);
  });
});

describe("npm run cost -- --compare with transit gateways", () => {
  const cost = (args: readonly string[], config: string) =>
    runScript("cost", args, { ...withoutConfig(process.env), CHECKPOINT_DISABLE: "1", PEERING_CONFIG: config });
  const usd = (x: number) => `$${x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  const amounts = (line: string) => [...line.matchAll(/\$([\d,]+\.\d\d)/g)].map((m) => Number(m[1].replace(/,/g, "")));

  it("prints the six VPCs of the example as a mesh and as one gateway: totals that differ by exactly the peerings' and attachments' cost, resources, quotas and no break-even", () => {
    const run = cost(["--compare", "--gb", "100"], "examples/transit-gateway.json");
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const table = priceTable("eu-west-1");
    const differs = networkCosts(table, 6, 100);
    const line = (label: string) => run.stdout.split("\n").find((l) => l.startsWith(label)) ?? "";
    expect(run.stdout).toMatch(/its 6 VPCs as a full mesh of peerings and as one transit gateway/);
    expect(line("  of it peerings' or gateway's")).toMatch(
      new RegExp(`${usd(differs.mesh).replace("$", "\\$")} +${usd(differs.transit).replace("$", "\\$")}$`),
    );
    const [mesh, transit] = amounts(line("Monthly total"));
    expect(Math.round((transit - mesh) * 100) / 100).toBe(Math.round((differs.transit - differs.mesh) * 100) / 100);
    expect(line("  peerings per VPC")).toMatch(/ 5 +0$/);
    expect(line("  attachments per transit gateway")).toMatch(/ - +6$/);
    expect(line("  route tables per transit gateway")).toMatch(/ - +1$/);
    expect(line("Break-even:")).toBe(
      `Break-even: none from 2 to ${LARGEST_MESH} VPCs (the largest full mesh AWS allows): at 100 GB a month between each pair of VPCs the mesh costs less at every size; past ${LARGEST_MESH} VPCs only a transit gateway connects them all.`,
    );
    expect(run.stdout).toContain(`Transit Gateway prices taken ${table.transitGateway.taken}`);
  });

  it("compares a peering config against a transit gateway with --compare-transit, and keeps --compare for natGateways", () => {
    const transit = cost(["--compare-transit"], "examples/three-vpcs.json");
    expect(transit.status).toBe(0);
    expect(transit.stdout).toMatch(/its 3 VPCs as a full mesh/);
    expect(transit.stdout).toMatch(/^ {2}attachments per transit gateway +- +3$/m);
    expect(cost(["--compare"], "examples/three-vpcs.json").stdout).toMatch(/natGateways +per-az +single\* +none/);
  });

  it.each([
    [
      "VPCs in two regions",
      ["--compare-transit"],
      "examples/inter-region.json",
      /^cost: --compare against a transit gateway takes VPCs of one region .*: compare one region's VPCs at a time\n$/,
    ],
    [
      "a negative --tgw-gb",
      ["--tgw-gb", "-5"],
      "examples/transit-gateway.json",
      /"-5" is not a number of GB \(use 0 to 1000000000, e\.g\. 100\)/,
    ],
    [
      "a PATH",
      ["--compare-transit", "cdktf.out"],
      "examples/transit-gateway.json",
      /^cost: --compare-transit synthesizes the config .* leave out PATH/,
    ],
  ])("refuses %s with one line, exit 2", (_, args, config, message) => {
    const run = cost(args, config);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(message);
  });
});
