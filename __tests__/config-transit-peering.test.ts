/**
 * Transit gateway peerings and gateways of named accounts in the config: a valid config resolves
 * its peerings and what they mean (who reaches whom across them); every bad one is refused with a
 * problem naming the field, the value and the fix.
 */
import fc from "fast-check";
import { parseConfig } from "../lib/config";
import { transitReachable } from "../lib/config/transit";
import { problemsOf } from "../test-support/configs";

type Json = Record<string, unknown>;

/** eu (eu-west-1) and us (us-east-1), peered through eu's shared and us's prod segments. */
function peeredConfig(): Json {
  return {
    region: "eu-west-1",
    maxAzs: 2,
    transitGateways: [
      {
        name: "eu",
        segments: [
          { name: "shared", reaches: ["prod"] },
          { name: "prod", reaches: ["shared"], isolated: true },
        ],
      },
      { name: "us", region: "us-east-1", segments: [{ name: "prod" }, { name: "dev", isolated: true }] },
    ],
    transitPeerings: [
      { requester: { gateway: "eu", segment: "shared" }, accepter: { gateway: "us", segment: "prod" } },
    ],
    vpcs: [
      { name: "eu-shared", cidr: "10.0.0.0/24", transitAttachments: { eu: "shared" } },
      { name: "eu-prod", cidr: "10.1.0.0/24", transitAttachments: { eu: "prod" } },
      { name: "us-prod", cidr: "10.100.0.0/24", region: "us-east-1", transitAttachments: { us: "prod" } },
      { name: "us-dev", cidr: "10.101.0.0/24", region: "us-east-1", transitAttachments: { us: "dev" } },
    ],
    peerings: [],
  };
}

const gateways = (c: Json) => c.transitGateways as Json[];
const peerings = (c: Json) => c.transitPeerings as Json[];
const vpcs = (c: Json) => c.vpcs as Json[];

describe("a valid config with a transit gateway peering", () => {
  const config = parseConfig(peeredConfig());

  it("resolves the peering with both sides' gateways and segments", () => {
    expect(config.transitPeerings).toEqual([
      { requester: { gateway: "eu", segment: "shared" }, accepter: { gateway: "us", segment: "prod" } },
    ]);
  });

  it.each([
    // shared reaches the peering's segment (itself) and us's prod reaches its members, not dev's.
    ["eu-shared", ["eu-prod", "us-prod"]],
    // prod reaches shared, the peering's segment on eu.
    ["eu-prod", ["eu-shared", "us-prod"]],
    ["us-prod", ["eu-shared", "eu-prod"]],
    // dev is isolated and does not reach prod, where the peering is on us.
    ["us-dev", []],
  ])("lets %s reach exactly %j", (from, to) => {
    expect(transitReachable(config, from).map((r) => r.vpc.name)).toEqual(to);
  });

  it("accepts two gateways of one region peered, as AWS allows", () => {
    const raw = peeredConfig();
    gateways(raw)[1].region = "eu-west-1";
    for (const v of vpcs(raw)) delete v.region;
    expect(parseConfig(raw).transitPeerings).toHaveLength(1);
  });

  it("accepts a gateway in a named account with VPCs of other accounts attached", () => {
    const raw = peeredConfig();
    raw.accounts = {
      network: { roleArn: "arn:aws:iam::111111111111:role/peering" },
      apps: { roleArn: "arn:aws:iam::222222222222:role/peering" },
    };
    gateways(raw)[0].account = "network";
    vpcs(raw)[1].account = "apps";
    expect(parseConfig(raw).transitGateways![0].account).toBe("network");
  });
});

type Edit = (c: Json) => void;

describe("a bad transit gateway peering", () => {
  const fifty = (c: Json) => {
    const others = Array.from({ length: 51 }, (_, i) => `g${i}`);
    gateways(c).push(...others.map((name) => ({ name, segments: [{ name: "all" }] })));
    c.transitPeerings = others.map((name) => ({
      requester: { gateway: "eu", segment: "shared" },
      accepter: { gateway: name, segment: "all" },
    }));
  };
  it.each<[string, Edit, RegExp]>([
    [
      "a gateway not in transitGateways",
      (c) => ((peerings(c)[0].accepter as Json).gateway = "asia"),
      /^transitPeerings\[0\]\.accepter\.gateway "asia" is not in transitGateways: use one of "eu", "us"$/,
    ],
    [
      "a segment the gateway lacks",
      (c) => ((peerings(c)[0].requester as Json).segment = "dev"),
      /^transitPeerings\[0\]\.requester\.segment "dev" is not a segment of transitGateways\[0\] \("eu"\): use one of "shared", "prod"$/,
    ],
    [
      "a gateway peered with itself",
      (c) => (peerings(c)[0].accepter = { gateway: "eu", segment: "prod" }),
      /^transitPeerings\[0\] peers the transit gateway "eu" with itself: .*name another gateway as accepter/,
    ],
    [
      "a second peering of the same two gateways, either way round",
      (c) =>
        peerings(c).push({
          requester: { gateway: "us", segment: "dev" },
          accepter: { gateway: "eu", segment: "prod" },
        }),
      /^transitPeerings\[1\] peers "us" and "eu" again, as transitPeerings\[0\] does: AWS allows 1 peering attachment between two transit gateways \("Peering attachments between two transit gateways", which AWS does not raise\)/,
    ],
    [
      "more than 50 peerings of one gateway",
      fifty,
      /^transitGateways\[0\] \("eu"\) takes part in 51 transitPeerings, over the quota of 50 peering attachments per transit gateway \("Peering attachments per transit gateway"/,
    ],
    [
      "a block across the peering that overlaps one propagated into the same table",
      (c) => (vpcs(c)[2].cidr = "10.1.0.0/24"),
      /^vpcs\[1\]\.cidr "10\.1\.0\.0\/24" \("eu-prod"\) and vpcs\[2\]\.cidr "10\.1\.0\.0\/24" \("us-prod" across transitPeerings\[0\]\) overlap, and both would be routed by the route table of transitGateways\[0\]\.segments\[0\] \("shared"\): .*give the VPCs disjoint blocks/,
    ],
    [
      "a static route inside a block reached across the peering",
      (c) => ((gateways(c)[0].segments as Json[])[0].routes = [{ destination: "10.100.0.0/25", blackhole: true }]),
      /^transitGateways\[0\]\.segments\[0\]\.routes\[0\]\.destination "10\.100\.0\.0\/25" lies in vpcs\[2\]\.cidr "10\.100\.0\.0\/24" of VPC "us-prod", which transitPeerings\[0\] routes into the same route table: .*drop/,
    ],
    [
      "a gateway in an account that accounts lacks",
      (c) => (gateways(c)[0].account = "network"),
      /^transitGateways\[0\]\.account "network" is not in accounts: use one of \(none: add it to accounts with its roleArn\), or leave account out/,
    ],
    [
      "a gateway in a region its account's role does not work in",
      (c) => {
        c.accounts = { china: { roleArn: "arn:aws-cn:iam::111111111111:role/peering" } };
        gateways(c)[0].account = "china";
      },
      /^transitGateways\[0\]\.region "eu-west-1" is in the partition aws, but account "china"'s roleArn is in aws-cn/,
    ],
    [
      "a side written without its segment",
      (c) => (peerings(c)[0].requester = { gateway: "eu" }),
      /^transitPeerings\[0\]\.requester\.segment/,
    ],
  ])("is refused: %s", (_, edit, expected) => {
    const raw = peeredConfig();
    edit(raw);
    expect(problemsOf(raw)).toContainEqual(expect.stringMatching(expected));
  });

  it("is refused when a VPC would reach another both through a gateway and across a peering", () => {
    const raw = peeredConfig();
    gateways(raw)[1].region = "eu-west-1";
    gateways(raw)[1].segments = [{ name: "prod" }];
    for (const v of vpcs(raw)) delete v.region;
    vpcs(raw).splice(3, 1);
    // us-prod is attached to both: eu-shared reaches it through eu's shared segment and across the peering.
    (vpcs(raw)[2].transitAttachments as Json).eu = "shared";
    expect(problemsOf(raw)).toContainEqual(
      expect.stringMatching(
        /^VPCs "eu-shared" and "us-prod" reach each other through both transitGateways\[0\] \("eu"\) and transitPeerings\[0\]/,
      ),
    );
  });
});

describe("what any peering of two gateways means", () => {
  /** Segments s0..s2 of one gateway: which pairs reach each other (mutual, as the checks demand) and which are isolated. */
  const segmentsArb = fc
    .record({
      pairs: fc.subarray([[0, 1] as const, [0, 2] as const, [1, 2] as const]),
      isolated: fc.subarray([0, 1, 2]),
    })
    .map(({ pairs, isolated }) =>
      [0, 1, 2].map((i) => ({
        name: `s${i}`,
        reaches: pairs.flatMap(([a, b]) => (a === i ? [`s${b}`] : b === i ? [`s${a}`] : [])),
        isolated: isolated.includes(i),
      })),
    );
  const configArb = fc
    .record({
      eu: segmentsArb,
      us: segmentsArb,
      members: fc.array(fc.record({ us: fc.boolean(), segment: fc.nat(2) }), { minLength: 2, maxLength: 8 }),
      sides: fc.tuple(fc.nat(2), fc.nat(2)),
    })
    .map(({ eu, us, members, sides }) => ({
      region: "eu-west-1",
      transitGateways: [
        { name: "eu", segments: eu },
        { name: "us", region: "us-east-1", segments: us },
      ],
      transitPeerings: [
        { requester: { gateway: "eu", segment: `s${sides[0]}` }, accepter: { gateway: "us", segment: `s${sides[1]}` } },
      ],
      vpcs: members.map((m, i) => ({
        name: `v${i}`,
        cidr: `10.${i}.0.0/24`,
        ...(m.us ? { region: "us-east-1" } : {}),
        transitAttachments: { [m.us ? "us" : "eu"]: `s${m.segment}` },
      })),
      peerings: [],
    }));

  it("is accepted, and every VPC reaches exactly the VPCs that reach it back", () => {
    fc.assert(
      fc.property(configArb, (raw) => {
        const config = parseConfig(raw);
        const reaches = (a: string, b: string) => transitReachable(config, a).some((r) => r.vpc.name === b);
        for (const a of config.vpcs)
          for (const b of config.vpcs)
            if (a !== b)
              expect([a.name, b.name, reaches(a.name, b.name)]).toEqual([a.name, b.name, reaches(b.name, a.name)]);
      }),
      { numRuns: 200 },
    );
  });
});
