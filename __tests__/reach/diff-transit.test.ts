import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { diffReach, type ReachDiff } from "../../lib/reach/diff";
import { formatDiffText } from "../../lib/reach/diff-format";
import { analyze, loadTerraform } from "../../lib/reach";
import { editStack, synthToTemp, type SynthesizedApp } from "../../test-support/synth";

type Json = Parameters<Parameters<typeof editStack>[2]>[0];

/** Three VPCs on one transit gateway: shared reaches app and data, which do not reach each other. */
const HUB = {
  region: "eu-west-1",
  maxAzs: 1,
  transitGateways: [
    {
      name: "hub",
      segments: [
        { name: "shared", reaches: ["spokes"] },
        { name: "spokes", reaches: ["shared"], isolated: true },
      ],
    },
  ],
  vpcs: [
    { name: "shared", cidr: "10.10.0.0/24", transitAttachments: { hub: "shared" } },
    { name: "app", cidr: "10.20.0.0/24", transitAttachments: { hub: "spokes" } },
    { name: "data", cidr: "10.30.0.0/24", transitAttachments: { hub: "spokes" } },
  ],
  peerings: [],
};

/** The one resource of `type` whose name starts with `prefix`, in a stack's JSON. */
function named(json: Json, type: string, prefix: string): string {
  const names = Object.keys(json.resource[type] ?? {}).filter((n) => n.startsWith(prefix));
  if (names.length !== 1) throw new Error(`expected one ${type} named ${prefix}*, found ${names.join(", ") || "none"}`);
  return names[0];
}

let base: SynthesizedApp;
let head: string;

beforeAll(() => {
  base = synthToTemp(HUB);
});

afterAll(() => base.remove());

beforeEach(() => {
  head = fs.mkdtempSync(path.join(os.tmpdir(), "peering-diff-transit-"));
  fs.cpSync(base.outdir, head, { recursive: true });
});

afterEach(() => fs.rmSync(head, { recursive: true, force: true }));

function diff(): ReachDiff {
  const side = (dir: string) => {
    const model = loadTerraform([dir]);
    return { model, result: analyze(model) };
  };
  return diffReach(side(base.outdir), side(head));
}

/** The lost pairs as "from → to", with the VPC names of the instances. */
function lostPairs(d: ReachDiff): string[] {
  const short = (address: string) => address.replace(/^instances\/aws_instance\.instance-(\w+)_instance_\w+$/, "$1");
  return d.lost.map((p) => `${short(p.from)} → ${short(p.to)}`).sort();
}

/** Each lost pair's changed hops as "change kind". */
function hopKinds(d: ReachDiff): string[][] {
  return d.lost.map((p) => p.hops.map((h) => `${h.change} ${h.kind}`));
}

describe("reach --diff names the transit gateway hop that changed", () => {
  it("for a removed propagation: the pairs whose replies it carried are lost, and the propagation is named", () => {
    editStack(head, "transit", (json) => {
      const type = "aws_ec2_transit_gateway_route_table_propagation";
      delete json.resource[type][named(json, type, "tgw-hub_prop-app-shared")];
    });
    const d = diff();
    expect(lostPairs(d)).toEqual(["app → shared", "shared → app"]);
    for (const hops of hopKinds(d)) expect(hops).toEqual(["removed transit gateway propagation"]);
    expect(d.lost[0].hops[0].element).toMatch(
      /^hub-app \(.*\) propagated into hub-shared \(.*\) \(transit\/.*prop-app-shared/,
    );
  });

  it("for a removed association: every pair through the attachment is lost, and the association is named", () => {
    editStack(head, "transit", (json) => {
      const type = "aws_ec2_transit_gateway_route_table_association";
      delete json.resource[type][named(json, type, "tgw-hub_assoc-data")];
    });
    const d = diff();
    expect(lostPairs(d)).toEqual(["data → shared", "shared → data"]);
    for (const hops of hopKinds(d)) expect(hops).toEqual(["removed transit gateway association"]);
    expect(d.lost[0].hops[0].element).toMatch(/^hub-data \(.*\) associated with hub-spokes \(/);
  });

  it("for an added blackhole route: the pairs whose echo or reply it drops are lost, and the route is named", () => {
    editStack(head, "transit", (json) => {
      const table = named(json, "aws_ec2_transit_gateway_route_table", "tgw-hub_rt-spokes");
      json.resource.aws_ec2_transit_gateway_route = {
        drop: {
          transit_gateway_route_table_id: `\${aws_ec2_transit_gateway_route_table.${table}.id}`,
          destination_cidr_block: "10.10.0.0/24",
          blackhole: true,
        },
      };
    });
    const d = diff();
    expect(lostPairs(d)).toEqual(["app → shared", "data → shared", "shared → app", "shared → data"]);
    for (const pair of d.lost)
      expect(pair.hops).toEqual([
        expect.objectContaining({
          change: "added",
          kind: "transit gateway route",
          element: expect.stringMatching(
            /^hub-spokes \(.*\): 10\.10\.0\.0\/24 → blackhole \(static, transit\/aws_ec2_transit_gateway_route\.drop\)$/,
          ),
        }),
      ]);
  });

  it("for a removed attachment: the attachment and what hangs on it are named", () => {
    editStack(head, "transit", (json) => {
      const remove = (type: string, prefix: string) => {
        for (const name of Object.keys(json.resource[type] ?? {}))
          if (name.startsWith(prefix)) delete json.resource[type][name];
      };
      remove("aws_ec2_transit_gateway_vpc_attachment", "tgw-hub_att-app");
      remove("aws_ec2_transit_gateway_route_table_association", "tgw-hub_assoc-app");
      remove("aws_ec2_transit_gateway_route_table_propagation", "tgw-hub_prop-app");
      remove("aws_route", "tgw-hub_app-");
    });
    const d = diff();
    expect(lostPairs(d)).toEqual(["app → shared", "shared → app"]);
    for (const hops of hopKinds(d)) {
      expect(hops).toContain("removed transit gateway attachment");
      expect(hops).toContain("removed transit gateway association");
      expect(hops).toContain("removed transit gateway propagation");
    }
  });

  it("reports nothing for transit resources listed in another order", () => {
    editStack(head, "transit", (json) => {
      for (const type of Object.keys(json.resource))
        json.resource[type] = Object.fromEntries(Object.entries(json.resource[type]).reverse());
    });
    const d = diff();
    expect(d).toEqual({ lost: [], gained: [], changed: [], elementsChanged: 0 });
    expect(formatDiffText(d, { base: "a", head: "b" })).toBe(
      "Reach diff of b against a: no pair changes (0 elements changed).\n",
    );
  });
});
