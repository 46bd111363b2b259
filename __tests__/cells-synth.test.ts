import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { compareWithIntent, instanceAddresses } from "../lib/check/intent";
import { analyze, loadTerraform } from "../lib/reach";
import { MAX_VPCS_PER_STACK, planCells } from "../lib/plan/cells";
import { allStacks } from "../stacks";
import { transitNetworkConfig } from "../scripts/bench-transit";
import { example, EXAMPLES_BY_NAME, withoutConfig } from "../test-support/configs";
import { runScript } from "../test-support/scripts";
import { SynthesizedApp, synthToTemp } from "../test-support/synth";

/** What the tests read of a synthesized stack. */
interface StackJson {
  resource?: Record<string, Record<string, unknown>>;
  data?: { terraform_remote_state?: Record<string, unknown> };
  output?: Record<string, { value: unknown }>;
}

function stackJson(app: SynthesizedApp, stack: string): StackJson {
  return JSON.parse(fs.readFileSync(path.join(app.outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as StackJson;
}

const resourceCount = (json: StackJson) =>
  Object.values(json.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);

/** The stacks whose outputs a stack reads, by the remote states it declares. */
const readsFrom = (json: StackJson) =>
  Object.keys(json.data?.terraform_remote_state ?? {}).map((s) => s.replace(/^cross-stack-reference-input-/, ""));

/** Each read of a stack that is not before the reading one in deploy order, as "<stack> reads <other>". */
function backwardReads(app: SynthesizedApp): string[] {
  const order = allStacks(app.stacks).map((s) => s.node.id);
  return order.flatMap((stack, i) =>
    readsFrom(stackJson(app, stack))
      .filter((from) => !order.slice(0, i).includes(from))
      .map((from) => `${stack} reads ${from}`),
  );
}

/** What check concludes of a synthesized app: reach's verdicts against the config's intent. */
const checked = (app: SynthesizedApp) =>
  compareWithIntent(app.config, instanceAddresses(app.outdir), analyze(loadTerraform([app.outdir])));

const cellIds = (n: number) => Array.from({ length: n }, (_, i) => String(i).padStart(2, "0"));

describe("a 150-VPC transit network with two peerings, split into 16 cells", () => {
  const raw = {
    ...transitNetworkConfig(150),
    peerings: [
      ["v0", "v1"],
      ["v2", "v149"],
    ],
  };
  let app: SynthesizedApp;
  beforeAll(() => {
    app = synthToTemp(raw);
  });
  afterAll(() => app.remove());

  it("has a network, instances and transit stack per cell, the core transit stack and the peering stack", () => {
    const ids = cellIds(16);
    expect(allStacks(app.stacks).map((s) => s.node.id)).toEqual([
      ...ids.map((c) => `network-${c}`),
      ...ids.map((c) => `instances-${c}`),
      "peering",
      "transit",
      ...ids.map((c) => `transit-${c}`),
    ]);
    expect(fs.readdirSync(path.join(app.outdir, "stacks")).sort()).toEqual(
      allStacks(app.stacks)
        .map((s) => s.node.id)
        .sort(),
    );
  });

  it("puts each VPC, its instance and its attachment in its cell's stacks, at most 100 VPCs a cell", () => {
    for (const cell of planCells(app.config)) {
      expect(cell.vpcs.length).toBeLessThanOrEqual(MAX_VPCS_PER_STACK);
      const vpcs = Object.keys(stackJson(app, `network-${cell.id}`).resource?.aws_vpc ?? {});
      expect(vpcs).toHaveLength(cell.vpcs.length);
      const instances = stackJson(app, `instances-${cell.id}`).output!.instances.value as Record<string, unknown>;
      expect(Object.keys(instances).sort()).toEqual([...cell.vpcs].sort());
      const attachments = stackJson(app, `transit-${cell.id}`).resource?.aws_ec2_transit_gateway_vpc_attachment ?? {};
      expect(Object.keys(attachments)).toHaveLength(cell.vpcs.length);
    }
    expect(stackJson(app, "transit").resource).not.toHaveProperty("aws_ec2_transit_gateway_vpc_attachment");
  });

  it("keeps every stack within 2,500 resources", () => {
    const sizes = allStacks(app.stacks).map((s) => [s.node.id, resourceCount(stackJson(app, s.node.id))] as const);
    expect(sizes.filter(([, n]) => n > 2500)).toEqual([]);
    expect(sizes.filter(([s, n]) => /^network-/.test(s) && n > 0)).toHaveLength(16);
  });

  it("has no cycle: each stack reads only stacks before it in deploy order, and the core transit stack no cell", () => {
    expect(backwardReads(app)).toEqual([]);
    expect(readsFrom(stackJson(app, "transit"))).toEqual([]);
    expect(readsFrom(stackJson(app, "peering")).sort()).toEqual(
      [...new Set(["v0", "v1", "v2", "v149"].map((v) => planCells(app.config).find((c) => c.vpcs.includes(v))!.id))]
        .map((c) => `network-${c}`)
        .sort(),
    );
  });

  it("passes check: reach finds exactly the paths the config intends", () => {
    const report = checked(app);
    expect([report.mismatches, report.errors]).toEqual([[], []]);
    expect(report.pairs).toBe(150 * 149);
  });
});

describe.each(EXAMPLES_BY_NAME.filter((e) => "transitGateways" in e.raw))("$name split into 3 cells", ({ raw }) => {
  let app: SynthesizedApp;
  beforeAll(() => {
    app = synthToTemp({ ...raw, networkCells: 3 });
  });
  afterAll(() => app.remove());

  it("passes check, and the core transit stack reads no cell", () => {
    const report = checked(app);
    expect([report.mismatches, report.errors]).toEqual([[], []]);
    expect(readsFrom(stackJson(app, "transit")).filter((s) => /^transit-/.test(s))).toEqual([]);
  });
});

describe.each([
  [
    "the mixed example (regions, accounts, IPv6, DNS, a VPN) with Reachability Analyzer",
    { ...example("mixed.json"), reachabilityAnalyzer: true },
  ],
  [
    "the full-mesh example in four peering shards",
    { ...example("full-mesh.json"), maxPeeringStackResources: 10, peeringShards: 4 },
  ],
])("%s, split into 3 cells", (_, raw) => {
  let app: SynthesizedApp;
  beforeAll(() => {
    app = synthToTemp({ ...raw, networkCells: 3 });
  });
  afterAll(() => app.remove());

  it("passes check, and no stack reads one after it in deploy order", () => {
    const report = checked(app);
    expect([report.mismatches, report.errors]).toEqual([[], []]);
    const order = allStacks(app.stacks).map((s) => s.node.id);
    expect(order.filter((s) => /^(network|instances)-\d\d$/.test(s))).toHaveLength(6);
    expect(backwardReads(app)).toEqual([]);
  });
});

describe("npm run check on a network split into cells", () => {
  it("synthesizes the 150-VPC transit network from PEERING_CONFIG and passes, reading every instances cell", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "peering-check-cells-"));
    try {
      const config = path.join(dir, "cells.json");
      fs.writeFileSync(config, JSON.stringify(transitNetworkConfig(150)));
      const result = runScript("check", [], {
        ...withoutConfig(process.env),
        CHECKPOINT_DISABLE: "1",
        PEERING_CONFIG: config,
      });
      expect([result.status, result.stdout]).toEqual([
        0,
        expect.stringContaining(`check passed: reach agrees with the config on all ${150 * 149} ordered pairs`),
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
