import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PeeringApp } from "../../lib/app";
import { DEFAULT_CONFIG, parseConfig } from "../../lib/config";
import { analyze, loadTerraform } from "../../lib/reach";
import { addPeeringStacks } from "../../stacks";
import { FULL_MESH_CONFIG } from "../../test-support/configs";

/** Synthesizes the app for a config into a temp cdktf.out and returns reach's verdicts as "a→b" pairs by VPC name. */
function reachableFor(raw: unknown): {
  readonly reachable: string[];
  readonly unreachable: string[];
  readonly errors: unknown[];
  readonly peered: string[];
} {
  const config = parseConfig(raw);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "reach-app-"));
  try {
    const app = new PeeringApp({ outdir });
    addPeeringStacks(app, config);
    app.synth();
    const result = analyze(loadTerraform([outdir]));
    const vpcOf = new Map(
      result.instances.map((i) => [i.address, config.vpcs.find((v) => i.tags.Name === `${v.name}-ping`)?.name])
    );
    const name = (p: { from: string; to: string }) => `${vpcOf.get(p.from)}→${vpcOf.get(p.to)}`;
    return {
      reachable: result.pairs
        .filter((p) => p.reachable === true)
        .map(name)
        .sort(),
      unreachable: result.pairs
        .filter((p) => p.reachable !== true)
        .map(name)
        .sort(),
      errors: [...result.errors],
      peered: config.peerings.flatMap(([a, b]) => [`${a}→${b}`, `${b}→${a}`]).sort(),
    };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

describe("reach on the app's own synthesized stacks", () => {
  it.each([
    ["the default config (a and b peered)", DEFAULT_CONFIG],
    ["a four-VPC full mesh", FULL_MESH_CONFIG],
  ])("finds exactly the peered pairs reachable both ways in %s, without configuration errors", (_, raw) => {
    const verdict = reachableFor(raw);
    expect(verdict).toEqual({ reachable: verdict.peered, unreachable: [], errors: [], peered: verdict.peered });
  });

  it("finds the unpeered spokes of a hub unreachable from each other", () => {
    const verdict = reachableFor(
      JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "examples", "three-vpcs.json"), "utf8"))
    );
    expect(verdict).toEqual({
      reachable: verdict.peered,
      unreachable: ["app→data", "data→app"],
      errors: [],
      peered: verdict.peered,
    });
  });
});
