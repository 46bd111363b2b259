/**
 * The synthesized Terraform of the default and the example configs, byte for byte: every file the
 * app writes to cdktf.out is compared with the committed snapshot, so a change meant to touch only
 * how the app runs (speed, sharding of large meshes) cannot change what small configs deploy.
 */
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_CONFIG } from "../lib/config";
import { FULL_MESH_CONFIG, THREE_VPCS_CONFIG } from "../test-support/configs";
import { synthToTemp } from "../test-support/synth";

/** Every file below `dir`, by its path relative to `dir` (with "/"), in sorted order. */
function filesBelow(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (sub: string) => {
    for (const entry of fs
      .readdirSync(path.join(dir, sub), { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else files.set(rel, fs.readFileSync(path.join(dir, rel), "utf8"));
    }
  };
  walk("");
  return files;
}

describe.each([
  ["the default config", DEFAULT_CONFIG],
  ["examples/full-mesh.json", FULL_MESH_CONFIG],
  ["examples/three-vpcs.json", THREE_VPCS_CONFIG],
])("synth of %s", (name, raw) => {
  const app = synthToTemp(raw);
  const files = filesBelow(app.outdir);
  afterAll(() => app.remove());

  it("writes the manifest, and one cdk.tf.json and the provider lock file per stack", () => {
    expect([...files.keys()]).toEqual(
      [
        "manifest.json",
        ...["instances", "network", "peering"].flatMap((s) => [
          `stacks/${s}/.terraform.lock.hcl`,
          `stacks/${s}/cdk.tf.json`,
        ]),
      ].sort(),
    );
  });

  it("holds no absolute path of this machine", () => {
    for (const [file, text] of files)
      expect([file, text.includes(app.outdir) || /"\/(tmp|work|root|home|opt)\//.test(text)]).toEqual([file, false]);
  });

  it.each([
    "manifest.json",
    "stacks/network/cdk.tf.json",
    "stacks/instances/cdk.tf.json",
    "stacks/peering/cdk.tf.json",
  ])(`writes %s byte for byte as committed`, (file) => {
    expect(files.get(file)).toMatchSnapshot(`${name} ${file}`);
  });
});
