/**
 * The last stage of a migration is a transit gateway network that `npm run check` accepts: its
 * synthesized stacks hold no peering and one gateway, check's comparison with the config's intent
 * (as scripts/check.ts makes it offline) finds no mismatch, and every reachable pair goes through
 * the gateway. examples/three-vpcs.json's last stage is checked through the command in cli.test.ts.
 */
import * as fs from "fs";
import * as path from "path";
import { blockProbes, compareWithIntent, formatReport, instanceAddresses, runProbes } from "../../lib/check";
import { parseConfig } from "../../lib/config";
import { planStages, segmentsOfPeerings } from "../../lib/migrate";
import { analyze, buildModel, readDocuments } from "../../lib/reach";
import { type SynthesizedApp, synthToTemp } from "../../test-support/synth";

const raw = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "examples", "full-mesh.json"), "utf8"));
let app: SynthesizedApp;

beforeAll(() => {
  const config = parseConfig(raw);
  const stages = planStages(raw, config, segmentsOfPeerings(config), { batches: 2, keepSummary: false });
  app = synthToTemp(stages.at(-1)!.raw);
});
afterAll(() => app.remove());

describe("the last stage of examples/full-mesh.json's migration", () => {
  it("is a transit gateway network: no peering is synthesized, one gateway is", () => {
    const model = buildModel(readDocuments([app.outdir]));
    expect({ peerings: model.peerings.size, gateways: model.transit?.gateways.size }).toEqual({
      peerings: 0,
      gateways: 1,
    });
  });

  it("passes check offline: reach agrees with the config on all 12 ordered pairs, each over the gateway", () => {
    const model = buildModel(readDocuments([app.outdir]));
    const addresses = instanceAddresses(app.outdir);
    const result = analyze(model);
    const report = compareWithIntent(
      app.config,
      addresses,
      result,
      new Map(),
      runProbes(blockProbes(app.config), addresses, model),
    );
    expect({ mismatches: report.mismatches, errors: report.errors }).toEqual({ mismatches: [], errors: [] });
    expect(formatReport(report)).toContain(
      "check passed: reach agrees with the config on all 12 ordered pairs (12 reachable, 0 not)",
    );
    const ipv4 = result.pairs.filter((p) => p.protocol === "ipv4");
    expect(ipv4).toHaveLength(12);
    expect(
      ipv4.filter((p) => p.reachable !== true || !p.path.some((hop) => hop.includes("aws_ec2_transit_gateway"))),
    ).toEqual([]);
  });
});
