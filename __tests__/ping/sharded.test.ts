/**
 * ping's expectations come from reach over the whole synth directory; with the peerings split into
 * several stacks, every pair must still be predicted from the stacks together.
 */
import * as fs from "fs";
import * as path from "path";
import { fullMesh, parseConfig } from "../../lib/config";
import { expectationsFrom } from "../../lib/ping/expect";
import { DeployedInstance } from "../../lib/ping/outputs";
import { pairKey } from "../../lib/ping/results";
import { analyze, loadTerraform } from "../../lib/reach";
import { SHARDED_MESH_CONFIG } from "../../test-support/configs";
import { synthToTemp } from "../../test-support/synth";

describe("ping's expectations for a mesh split into several peering stacks", () => {
  it("predicts every pair reachable both ways, from the network, instances and peering-NN stacks together", () => {
    const app = synthToTemp(SHARDED_MESH_CONFIG);
    try {
      expect(fs.readdirSync(path.join(app.outdir, "stacks")).filter((s) => s.startsWith("peering-"))).toHaveLength(4);
      const instances: DeployedInstance[] = app.config.vpcs.map((v, i) => ({
        name: v.name,
        id: `i-0000000000000000${i}`,
        privateIp: v.cidr.replace(/0\/24$/, "40"),
        address: `aws_instance.${app.stacks.pingInstances.get(v.name)!.instance.friendlyUniqueId}`,
      }));
      const expected = expectationsFrom(analyze(loadTerraform([app.outdir])).pairs, instances);
      const names = parseConfig(SHARDED_MESH_CONFIG).vpcs.map((v) => v.name);
      const pairs = fullMesh(names).flatMap(([a, b]) => [pairKey(a, b), pairKey(b, a)]);
      expect(Object.fromEntries(pairs.map((k) => [k, expected.get(k)]))).toEqual(
        Object.fromEntries(pairs.map((k) => [k, true])),
      );
    } finally {
      app.remove();
    }
  });
});
