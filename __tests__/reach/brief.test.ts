import fc from "fast-check";
import { analyze } from "../../lib/reach";
import { modelOf } from "../../test-support/differential";
import { toTerraform, topologies } from "../../test-support/topologies";
import { toTransitTerraform, transitTopologies } from "../../test-support/transit-topologies";

/** Fixed, so that every run explores the same networks. */
const SEED = 2026_12_08;

describe("a brief analysis (check's byte per pair)", () => {
  it.each([
    [
      "peered VPCs with routes, security groups and network ACLs that drop some pairs",
      () => topologies.map(toTerraform),
    ],
    [
      "transit gateways with segments, peerings, blackholes, zones and attachment ACLs",
      () => transitTopologies.map(toTransitTerraform),
    ],
  ])("decides every pair of random networks of %s as the full analysis does, without path or reason", (_, networks) => {
    fc.assert(
      fc.property(networks(), (terraform) => {
        const model = modelOf(terraform);
        fc.pre(model !== undefined);
        const full = analyze(model!).pairs;
        const brief = analyze(model!, { brief: true }).pairs;
        expect(brief.map((p) => [p.from, p.to, p.protocol, p.reachable])).toEqual(
          full.map((p) => [p.from, p.to, p.protocol, p.reachable]),
        );
        expect(brief.every((p) => p.path.length === 0 && p.reason === "")).toBe(true);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });
});
