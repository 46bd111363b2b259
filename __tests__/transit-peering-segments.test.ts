/**
 * One transit gateway peering joining several pairs of segments (`segmentPairs`):
 * examples/transit-peering-segments.json synthesized byte for byte, each side's peering attachment
 * associated with a route table of its own into which the paired members propagate, the static
 * routes of each paired segment, reach's verdicts exactly what the config means (segmentation
 * decided at the sending gateway), and every bad form refused with the field, the value and the fix.
 */
import fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { compareWithIntent, instanceAddresses } from "../lib/check";
import { parseConfig } from "../lib/config";
import { transitReachable } from "../lib/config/transit";
import { analyze, buildModel, readDocuments } from "../lib/reach";
import { example, problemsOf } from "../test-support/configs";
import { SynthesizedApp, synthToTemp } from "../test-support/synth";

type Json = Record<string, unknown>;
type Resources = Record<string, Record<string, Record<string, unknown>>>;

const FILE = "transit-peering-segments.json";

function stackText(outdir: string, stack: string): string {
  return fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8");
}

const bodies = (resources: Resources, type: string) => Object.entries(resources[type] ?? {});
const ref = (value: unknown) => String(value).replace(/^\$\{|\}$/g, "");

describe(`synth of examples/${FILE}`, () => {
  let app: SynthesizedApp;
  let transit: Resources;
  beforeAll(() => {
    app = synthToTemp(example(FILE));
    transit = (JSON.parse(stackText(app.outdir, "transit")) as { resource: Resources }).resource;
  });
  afterAll(() => app.remove());

  it.each(["network", "instances", "transit"])("writes stacks/%s/cdk.tf.json byte for byte as committed", (stack) => {
    expect(stackText(app.outdir, stack)).toMatchSnapshot(`examples/${FILE} stacks/${stack}/cdk.tf.json`);
  });

  it("means prod reaches prod and dev reaches dev across the peering, and nothing else crosses it", () => {
    const reach = (vpc: string) => transitReachable(app.config, vpc).map((r) => r.vpc.name);
    expect(reach("eu-prod")).toEqual(["eu-shared", "us-prod"]);
    expect(reach("eu-dev")).toEqual(["eu-shared", "us-dev"]);
    expect(reach("eu-shared")).toEqual(["eu-prod", "eu-dev"]);
    expect(reach("us-prod")).toEqual(["eu-prod"]);
    expect(reach("us-dev")).toEqual(["eu-dev"]);
  });

  it("gives each side's peering attachment a route table of its own and associates the accepted attachment with it", () => {
    const tables = bodies(transit, "aws_ec2_transit_gateway_route_table").filter(([n]) => n.startsWith("tgw-peering-"));
    expect(tables.map(([, t]) => [t.provider, (t.tags as Json).Name, ref(t.transit_gateway_id)]).sort()).toEqual([
      ["aws", "eu-peering-eu-us", expect.stringMatching(/^aws_ec2_transit_gateway\.tgw-eu_tgw_\w+\.id$/)],
      ["aws.us-east-1", "us-peering-eu-us", expect.stringMatching(/^aws_ec2_transit_gateway\.tgw-us_tgw_\w+\.id$/)],
    ]);
    const associations = bodies(transit, "aws_ec2_transit_gateway_route_table_association").filter(([n]) =>
      n.startsWith("tgw-peering-"),
    );
    expect(
      associations.map(([, a]) => [ref(a.transit_gateway_route_table_id), ref(a.transit_gateway_attachment_id)]),
    ).toEqual(
      expect.arrayContaining([
        [
          expect.stringMatching(/requester-table_\w+\.id$/),
          expect.stringMatching(/^aws_ec2_transit_gateway_peering_attachment_accepter\./),
        ],
        [
          expect.stringMatching(/accepter-table_\w+\.id$/),
          expect.stringMatching(/^aws_ec2_transit_gateway_peering_attachment_accepter\./),
        ],
      ]),
    );
    expect(associations).toHaveLength(2);
  });

  it("propagates the paired segments' members, and only them, into each side's peering table", () => {
    const into = bodies(transit, "aws_ec2_transit_gateway_route_table_propagation")
      .filter(([n]) => n.startsWith("tgw-peering-"))
      .map(
        ([, p]) =>
          `${ref(p.transit_gateway_route_table_id).match(/(requester|accepter)-table/)?.[1]} ${ref(p.transit_gateway_attachment_id).match(/tgw-\w+?_att-([\w-]+?)_/)?.[1]}`,
      )
      .sort();
    expect(into).toEqual(["accepter us-dev", "accepter us-prod", "requester eu-dev", "requester eu-prod"]);
  });

  it("routes each paired segment's table to the far members of its pair through the peering, and no other table", () => {
    const routes = bodies(transit, "aws_ec2_transit_gateway_route")
      .filter(([n]) => n.startsWith("tgw-peering-"))
      .map(
        ([, r]) =>
          `${ref(r.transit_gateway_route_table_id)
            .match(/tgw-(\w+)_rt-(\w+)_/)
            ?.slice(1)
            .join(":")} ${r.destination_cidr_block}`,
      )
      .sort();
    expect(routes).toEqual([
      "eu:dev 10.120.0.0/24",
      "eu:prod 10.110.0.0/24",
      "us:dev 10.20.0.0/24",
      "us:prod 10.10.0.0/24",
    ]);
  });

  it("is judged by reach exactly as the config means, and eu's dev traffic to us's prod stops at eu's dev table", () => {
    const results = analyze(buildModel(readDocuments([app.outdir])));
    const report = compareWithIntent(app.config, instanceAddresses(app.outdir), results);
    expect([report.errors, report.mismatches, report.pairs, report.reachable]).toEqual([[], [], 20, 8]);
    const pair = (from: string, to: string) => results.pairs.find((p) => p.from.includes(from) && p.to.includes(to))!;
    expect(pair("eu-prod", "us-prod").path.join("\n")).toMatch(
      /eu-prod[\s\S]*aws_ec2_transit_gateway_peering_attachment\.tgw-peering-eu_us[\s\S]*us-peering-eu-us[\s\S]*us-prod/,
    );
    // eu's VPCs send all of 10.0.0.0/8 to the gateway (summaryRoutes): the segment's table decides.
    expect(pair("eu-dev", "us-prod").reason).toMatch(
      /no route of the transit gateway route table eu-dev .* matches 10\.110\./,
    );
  });
});

/** eu and us, each with prod and dev, peered with prod to prod and dev to dev. */
function pairedConfig(): Json {
  const raw = example(FILE) as unknown as Json;
  return JSON.parse(JSON.stringify(raw)) as Json;
}

const peering = (c: Json) => (c.transitPeerings as Json[])[0];
const vpcs = (c: Json) => c.vpcs as Json[];

describe("a peering with segmentPairs in the config", () => {
  it("resolves the pairs and no segment on either side", () => {
    expect(parseConfig(pairedConfig()).transitPeerings).toEqual([
      {
        requester: { gateway: "eu" },
        accepter: { gateway: "us" },
        segmentPairs: [
          { requester: "prod", accepter: "prod" },
          { requester: "dev", accepter: "dev" },
        ],
      },
    ]);
  });

  it("joins a segment with several of the far side's when it is in several pairs", () => {
    const raw = pairedConfig();
    (peering(raw).segmentPairs as Json[]).push({ requester: "prod", accepter: "dev" });
    const reached = transitReachable(parseConfig(raw), "eu-prod").map((r) => r.vpc.name);
    expect(reached).toEqual(["eu-shared", "us-prod", "us-dev"]);
    expect(transitReachable(parseConfig(raw), "us-dev").map((r) => r.vpc.name)).toEqual(["eu-prod", "eu-dev"]);
  });

  it("lets a VPC of one side reach one of the other exactly when their segments are a pair, both ways", () => {
    const SEGMENTS = ["prod", "dev"] as const;
    const allPairs = SEGMENTS.flatMap((r) => SEGMENTS.map((a) => ({ requester: r, accepter: a })));
    fc.assert(
      fc.property(fc.subarray(allPairs, { minLength: 1 }), (pairs) => {
        const raw = pairedConfig();
        peering(raw).segmentPairs = pairs;
        const config = parseConfig(raw);
        const reaches = (from: string, to: string) => transitReachable(config, from).some((r) => r.vpc.name === to);
        for (const r of SEGMENTS)
          for (const a of SEGMENTS) {
            const paired = pairs.some((p) => p.requester === r && p.accepter === a);
            expect([reaches(`eu-${r}`, `us-${a}`), reaches(`us-${a}`, `eu-${r}`)]).toEqual([paired, paired]);
          }
      }),
      { numRuns: 30 },
    );
  });

  it.each<[string, (c: Json) => void, RegExp]>([
    [
      "segmentPairs beside a segment on a side",
      (c) => (peering(c).requester = { gateway: "eu", segment: "prod" }),
      /^transitPeerings\[0\] has both segmentPairs and requester\.segment: .*remove the segment from the sides, or remove segmentPairs$/,
    ],
    [
      "neither a segment per side nor segmentPairs",
      (c) => delete peering(c).segmentPairs,
      /^transitPeerings\[0\]\.requester\.segment and transitPeerings\[0\]\.accepter\.segment are missing: .*list segmentPairs such as/,
    ],
    [
      "an empty segmentPairs",
      (c) => (peering(c).segmentPairs = []),
      /^transitPeerings\[0\]\.segmentPairs is \[\]: list pairs of a requester segment and an accepter segment such as/,
    ],
    [
      "a pair naming a segment the far gateway lacks",
      (c) => ((peering(c).segmentPairs as Json[])[1].accepter = "shared"),
      /^transitPeerings\[0\]\.segmentPairs\[1\]\.accepter "shared" is not a segment of transitGateways\[1\] \("us"\): use one of "prod", "dev"$/,
    ],
    [
      "a pair whose segment is no name",
      (c) => ((peering(c).segmentPairs as Json[])[0].requester = "Prod"),
      /^transitPeerings\[0\]\.segmentPairs\[0\]\.requester is "Prod": list pairs of a requester segment and an accepter segment/,
    ],
    [
      "the same pair twice",
      (c) => (peering(c).segmentPairs as Json[]).push({ requester: "dev", accepter: "dev" }),
      /^transitPeerings\[0\]\.segmentPairs\[2\] joins "dev" with "dev" again, as segmentPairs\[1\] does: list each pair once$/,
    ],
    [
      "overlapping blocks of two paired segments, which would propagate into one peering table",
      (c) => {
        // No segment of eu reaches both prod and dev: only the peering's own table would hold both.
        const [prod, dev, shared] = (c.transitGateways as Json[])[0].segments as Json[];
        [prod.reaches, dev.reaches, shared.reaches] = [["shared"], [], ["prod"]];
        vpcs(c)[1].cidr = "10.10.0.0/24";
      },
      /^vpcs\[0\]\.cidr "10\.10\.0\.0\/24" \("eu-prod"\) and vpcs\[1\]\.cidr "10\.10\.0\.0\/24" \("eu-dev"\) overlap, and both would be routed by the route table of transitPeerings\[0\]'s own route table on "eu": .*pair only one of their segments$/,
    ],
    [
      "20 segments and the peering's own route table: 21 route tables",
      (c) => {
        const eu = (c.transitGateways as Json[])[0];
        const extra = Array.from({ length: 17 }, (_, i) => ({ name: `spare-${i}` }));
        eu.segments = [...(eu.segments as Json[]), ...extra];
      },
      /^transitGateways\[0\] \("eu"\) needs 21 route tables, 20 for its segments and 1 for its peerings with segmentPairs \(one each\), over the quota of 20 route tables per transit gateway/,
    ],
  ])("is refused: %s", (_, edit, expected) => {
    const raw = pairedConfig();
    edit(raw);
    expect(problemsOf(raw)).toContainEqual(expect.stringMatching(expected));
  });
});
