import { MESH_STAGES } from "../../test-support/migration";
import * as fs from "fs";
import * as path from "path";
import { parseConfig, type PeeringConfig } from "../../lib/config";
import {
  MigrateInputError,
  planStages,
  proveStages,
  provesSafe,
  segmentsFromFile,
  segmentsOfPeerings,
  migrationWarnings,
  type Stage,
} from "../../lib/migrate";
import { loadTerraform, readDocuments } from "../../lib/reach";
import { editStack, synthToTemp } from "../../test-support/synth";
import { withSynthesizedApp } from "../../app/synth-input";

const synthesize = (config: PeeringConfig) => withSynthesizedApp(config, (outdir) => readDocuments([outdir]));

function example(name: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "examples", `${name}.json`), "utf8"));
}

/** The stages of an example moved as its peerings reach, proved. */
function migrate(name: string, batches = 2) {
  const raw = example(name);
  const config = parseConfig(raw);
  const stages = planStages(raw, config, segmentsOfPeerings(config), { batches, keepSummary: false });
  return { config, stages, proof: proveStages(config, stages, { synthesize }) };
}

/** "requester ↔ accepter" of each peering a stage removes. */
const removed = (stage: Stage) => stage.removes.map(([a, b]) => `${a} ↔ ${b}`);

describe.each([
  ["three-vpcs", ["shared ↔ app"], ["shared ↔ data"]],
  ["hub-spoke", ["shared ↔ app", "shared ↔ data"], ["shared ↔ ci"]],
])("a migration of examples/%s.json", (name, firstBatch, secondBatch) => {
  let run: ReturnType<typeof migrate>;
  beforeAll(() => {
    run = migrate(name);
  });

  it("attaches, removes the peerings in two batches, adds the routes per block, then removes the summary routes", () => {
    expect(run.stages.map((s) => s.id)).toEqual([...MESH_STAGES]);
    expect(run.stages.map(removed)).toEqual([[], firstBatch, secondBatch, [], []]);
  });

  it("writes stage configs the config checks accept as they stand", () => {
    for (const stage of run.stages) expect(() => parseConfig(JSON.parse(JSON.stringify(stage.raw)))).not.toThrow();
  });

  it("attaches with summary routes only, and ends with a route per reached block", () => {
    expect(run.stages[0].config.transitGateways?.[0].summaryRoutes).toEqual(["10.0.0.0/8"]);
    expect(run.stages.at(-1)!.config.transitGateways?.[0].summaryRoutes).toBeUndefined();
    expect(run.stages.at(-1)!.config.peerings).toEqual([]);
  });

  it("adds the gateway first and removes nothing then; each removal stage removes only its peerings' resources", () => {
    const [attach, ...rest] = run.proof.stages;
    expect(attach.removed).toEqual([]);
    expect(attach.added.some((a) => a.startsWith("transit/aws_ec2_transit_gateway."))).toBe(true);
    rest.slice(0, 2).forEach((proof, i) => {
      expect(proof.added).toEqual([]);
      const names = run.stages[i + 1].removes.map(([a, b]) => `peering-${a}_${b}_`);
      expect(proof.removed.every((r) => names.some((n) => r.includes(n)))).toBe(true);
    });
  });

  it("loses no pair in any stage, and the last stage reaches exactly what the peering config did", () => {
    for (const stage of run.proof.stages) {
      expect(stage.diff.lost).toEqual([]);
      expect(stage.unexpected).toEqual([]);
    }
    expect(run.proof.sameReach).toBe(true);
    expect(run.proof.stages.at(-1)!.reachable).toBe(run.proof.before);
    expect(provesSafe(run.proof)).toBe(true);
  });
});

describe("an unsafe order", () => {
  it("a peering removed before the transit gateway route exists is caught as a lost pair, both ways", () => {
    const raw = example("three-vpcs");
    const config = parseConfig(raw);
    const early = parseConfig({ ...raw, peerings: [["shared", "data"]] });
    const proof = proveStages(config, [{ id: "01-too-early", config: early, narrows: [] }], { synthesize });
    const short = (address: string) => address.replace(/^instances\/aws_instance\.instance-(\w+)_instance_\w+$/, "$1");
    expect(proof.stages[0].unexpected.map((p) => `${short(p.from)} → ${short(p.to)}`).sort()).toEqual([
      "app → shared",
      "shared → app",
    ]);
    expect(proof.stages[0].unexpected[0].hops.map((h) => `${h.change} ${h.kind}`)).toContain("removed peering");
    expect(provesSafe(proof)).toBe(false);
  });
});

describe("a narrower target from --segments", () => {
  const raw = example("three-vpcs");
  const config = parseConfig(raw);

  it("cuts exactly the pairs it drops, in a stage of their own, and proves the narrowing", () => {
    const segments = segmentsFromFile(
      {
        segments: [
          { name: "core", vpcs: ["shared", "app"] },
          { name: "data", vpcs: ["data"], isolated: true },
        ],
      },
      "segments.json",
      config,
    );
    const stages = planStages(raw, config, segments, { batches: 1, keepSummary: true });
    expect(stages.map((s) => s.id)).toEqual(["01-attach", "02-remove-peerings-1", "03-narrow"]);
    const proof = proveStages(config, stages, { synthesize });
    expect(proof.stages.map((s) => s.diff.lost.length)).toEqual([0, 0, 2]);
    expect(proof.stages.every((s) => s.unexpected.length === 0)).toBe(true);
    expect(proof.sameReach).toBe(true);
    expect(proof.stages.at(-1)!.reachable).toBe(2);
  });

  it.each([
    [{ segments: [] }, "segments: Too small"],
    [
      { segments: [{ name: "all", vpcs: ["shared", "app", "nope"] }] },
      'segments[0].vpcs[2] "nope" is not a VPC of the config',
    ],
    [
      {
        segments: [
          { name: "a", vpcs: ["shared", "app"] },
          { name: "b", vpcs: ["app", "data"] },
        ],
      },
      'segments[1].vpcs[0] "app" is already in segment "a"',
    ],
    [{ segments: [{ name: "a", vpcs: ["shared", "app"] }] }, 'VPC "data" is peered but in no segment'],
    [
      { segments: [{ name: "all", vpcs: ["shared", "app", "data"] }] },
      'lets "app" and "data" reach each other, which the peerings do not',
    ],
    [
      { segments: [{ name: "a", vpcs: ["shared"], reaches: ["b"] }] },
      'segments[0].reaches[0] "b" is not a segment of the file',
    ],
  ])("refuses %j", (file, message) => {
    const run = () => segmentsFromFile(file, "segments.json", config);
    expect(run).toThrow(MigrateInputError);
    expect(run).toThrow(message);
  });
});

describe("segments derived from the peerings", () => {
  it.each([
    [
      "a full mesh: one segment whose VPCs reach each other",
      { peerings: "full-mesh" },
      [["group-1", "a,b,c", false, ""]],
    ],
    [
      "hub and spoke: the hub alone, the spokes isolated together",
      { peerings: { hub: "a" } },
      [
        ["a", "a", true, "group-1"],
        ["group-1", "b,c", true, "a"],
      ],
    ],
  ])("%s", (_name, peerings, expected) => {
    const config = parseConfig({
      vpcs: [
        { name: "a", cidr: "10.0.0.0/24" },
        { name: "b", cidr: "10.0.1.0/24" },
        { name: "c", cidr: "10.0.2.0/24" },
      ],
      ...peerings,
    });
    expect(segmentsOfPeerings(config).map((s) => [s.name, s.vpcs.join(), s.isolated, s.reaches.join()])).toEqual(
      expected,
    );
  });

  it("refuses a config that already has a transit gateway", () => {
    const raw = example("transit-gateway");
    const config = parseConfig(raw);
    expect(() => planStages(raw, config, [], { batches: 1, keepSummary: false })).toThrow(
      "the config already has transitGateways",
    );
  });
});

describe("a mesh whose peerings are split across shard stacks", () => {
  const raw = {
    maxAzs: 1,
    vpcs: ["a", "b", "c", "d"].map((name, i) => ({ name, cidr: `10.0.${i}.0/24` })),
    peerings: "full-mesh",
    maxPeeringStackResources: 12,
    peeringShards: 2,
  };
  let stages: Stage[];
  let proof: ReturnType<typeof proveStages>;
  beforeAll(() => {
    const config = parseConfig(raw);
    stages = planStages(raw, config, segmentsOfPeerings(config), { batches: 2, keepSummary: false });
    proof = proveStages(config, stages, { synthesize });
  });

  it("keeps the peerings left in their shards while some are left, so none is destroyed and made anew", () => {
    expect(stages[1].raw.maxPeeringStackResources).toBeLessThan(12);
    expect(proof.stages[1].added).toEqual([]);
    expect(proof.stages[1].stacksLeft).toEqual([]);
  });

  it("names the shard stacks the last removal leaves out of the synth, which deploy would leave standing", () => {
    expect(proof.stages[2].stacksLeft.map((s) => s.stack).sort()).toEqual(["peering-00", "peering-01"]);
    expect(provesSafe(proof)).toBe(true);
  });
});

describe("the warnings", () => {
  it("name a rule that references a peer VPC's security group, which a transit gateway does not carry", () => {
    const app = synthToTemp(example("three-vpcs"));
    try {
      editStack(app.outdir, "instances", (json) => {
        const groups = Object.keys(json.resource.aws_security_group);
        const [shared, app_] = ["instance-shared_sg", "instance-app_sg"].map((p) =>
          groups.find((g) => g.startsWith(p))!,
        );
        json.resource.aws_vpc_security_group_ingress_rule["from-app-group"] = {
          security_group_id: `\${aws_security_group.${shared}.id}`,
          ip_protocol: "tcp",
          from_port: 443,
          to_port: 443,
          referenced_security_group_id: `\${aws_security_group.${app_}.id}`,
        };
      });
      const warnings = migrationWarnings(loadTerraform([app.outdir]), app.config);
      expect(warnings).toContainEqual(
        expect.stringMatching(
          /^security-group references: instances\/aws_vpc_security_group_ingress_rule\.from-app-group \(in .*instance-shared_sg.*\) name a peer VPC's security group/,
        ),
      );
      expect(warnings[0]).toMatch(/^MTU: .* 9001 bytes .* 8500 bytes /);
    } finally {
      app.remove();
    }
  });
});
