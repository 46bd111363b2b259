/**
 * Growing a network must not move what is already deployed: a resource whose address changes is
 * destroyed and created again by the next apply. Adding a region, an account or a VPC to a config
 * keeps every existing address, and the provider each existing resource is created with.
 */
import * as fs from "fs";
import * as path from "path";
import { THREE_VPCS_CONFIG } from "../test-support/configs";
import { synthToTemp } from "../test-support/synth";

type Json = Record<string, Record<string, Record<string, { provider?: string }>>>;

/** Every resource and data source of every stack, as "stack/type.name", with the provider it names. */
function addresses(raw: unknown): Map<string, string> {
  const app = synthToTemp(raw);
  try {
    const found = new Map<string, string>();
    const stacks = path.join(app.outdir, "stacks");
    for (const stack of fs.readdirSync(stacks)) {
      const json = JSON.parse(fs.readFileSync(path.join(stacks, stack, "cdk.tf.json"), "utf8")) as Json;
      for (const kind of ["resource", "data"] as const) {
        for (const [type, byName] of Object.entries(json[kind] ?? {})) {
          for (const [name, body] of Object.entries(byName))
            found.set(`${stack}/${kind === "data" ? "data." : ""}${type}.${name}`, body.provider ?? "aws");
        }
      }
    }
    return found;
  } finally {
    app.remove();
  }
}

const ROLE = "arn:aws:iam::222222222222:role/peering";
const base = THREE_VPCS_CONFIG;
const inUsEast1 = { name: "dr", cidr: "10.40.0.0/24", region: "us-east-1" };
const inNetworkAccount = { name: "tools", cidr: "10.50.0.0/24", account: "network" };

describe("adding to a config", () => {
  const before = addresses(base);

  it.each([
    [
      "a VPC in the same region, peered with shared",
      {
        vpcs: [...base.vpcs, { name: "ci", cidr: "10.60.0.0/24" }],
        peerings: [...(base.peerings as unknown[]), ["shared", "ci"]],
      },
    ],
    [
      "a VPC in another region, peered with shared",
      { vpcs: [...base.vpcs, inUsEast1], peerings: [...(base.peerings as unknown[]), ["shared", "dr"]] },
    ],
    [
      "an account with a VPC, peered with app",
      {
        accounts: { network: { roleArn: ROLE } },
        vpcs: [...base.vpcs, inNetworkAccount],
        peerings: [...(base.peerings as unknown[]), ["app", "tools"]],
      },
    ],
    [
      "a region and an account at once, with DNS resolution on the new peerings",
      {
        accounts: { network: { roleArn: ROLE } },
        vpcs: [...base.vpcs, inUsEast1, inNetworkAccount],
        peerings: [
          ...(base.peerings as unknown[]),
          { vpcs: ["shared", "dr"], dnsResolution: true },
          { vpcs: ["tools", "data"], dnsResolution: true },
        ],
      },
    ],
  ])("keeps every existing address and provider when it adds %s", (_, changes) => {
    const after = addresses({ ...base, ...changes });
    const moved = [...before]
      .filter(([address, provider]) => after.get(address) !== provider)
      .map(([address, provider]) => `${address} (${provider} → ${after.get(address) ?? "gone"})`);
    expect(moved).toEqual([]);
    expect(after.size).toBeGreaterThan(before.size);
  });
});
