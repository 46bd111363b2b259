/**
 * ping in a network split into cells: the instances are in the stacks instances-00, instances-01,
 * ..., and reach's predictions name them by those stacks.
 */
import { TerraformStack } from "cdktf";
import { expectationsFrom } from "../../lib/ping/expect";
import { DeployedInstance, instancesStacks, parseOutputsFile } from "../../lib/ping/outputs";
import { pairKey } from "../../lib/ping/results";
import { analyze, loadTerraform } from "../../lib/reach";
import { transitReachable } from "../../lib/config/transit";
import { example } from "../../test-support/configs";
import { synthToTemp } from "../../test-support/synth";

const instance = (id: string, ip: string) => ({ id, private_ip: ip, address: `aws_instance.${id}` });

describe("the instances stacks", () => {
  it.each([
    ["the one stack instances", ["network", "instances", "peering"], ["instances"]],
    [
      "every cell's, in order",
      ["network-00", "instances-01", "transit-00", "instances-00"],
      ["instances-00", "instances-01"],
    ],
    ["none", ["network", "peering"], []],
  ])("are %s", (_, stacks, found) => {
    expect(instancesStacks(stacks)).toEqual(found);
  });
});

describe("parseOutputsFile in a network split into cells", () => {
  it("reads the instances of every instances-NN stack, each marked with its stack", () => {
    const file = {
      "network-00": {},
      "instances-00": { instances: { b: instance("i-0000000000000000b", "10.0.1.4") } },
      "instances-01": { instances: { a: instance("i-0000000000000000a", "10.0.0.4") } },
    };
    expect(parseOutputsFile(file, "out.json")).toEqual([
      {
        name: "a",
        id: "i-0000000000000000a",
        privateIp: "10.0.0.4",
        address: "aws_instance.i-0000000000000000a",
        stack: "instances-01",
      },
      {
        name: "b",
        id: "i-0000000000000000b",
        privateIp: "10.0.1.4",
        address: "aws_instance.i-0000000000000000b",
        stack: "instances-00",
      },
    ]);
  });
});

describe("ping's expectations for a transit network split into cells", () => {
  it("predicts each pair as the config's transit segments say, from the cells' stacks together", () => {
    const app = synthToTemp({ ...example("transit-gateway.json"), networkCells: 3 });
    try {
      const instances: DeployedInstance[] = app.config.vpcs.map((v, i) => {
        const made = app.stacks.pingInstances.get(v.name)!;
        return {
          name: v.name,
          id: `i-0000000000000000${i}`,
          privateIp: v.cidr.replace(/0\/\d+$/, "40"),
          address: `aws_instance.${made.instance.friendlyUniqueId}`,
          stack: TerraformStack.of(made).node.id,
        };
      });
      expect(new Set(instances.map((i) => i.stack)).size).toBeGreaterThan(1);
      const expected = expectationsFrom(analyze(loadTerraform([app.outdir])).pairs, instances);
      const names = app.config.vpcs.map((v) => v.name);
      const pairs = names.flatMap((a) => names.filter((b) => b !== a).map((b) => [a, b] as const));
      const reaches = (a: string, b: string) => transitReachable(app.config, a).some((r) => r.vpc.name === b);
      expect(Object.fromEntries(pairs.map(([a, b]) => [pairKey(a, b), expected.get(pairKey(a, b))]))).toEqual(
        Object.fromEntries(pairs.map(([a, b]) => [pairKey(a, b), reaches(a, b) && reaches(b, a)])),
      );
    } finally {
      app.remove();
    }
  });
});
