import { availableParallelism } from "node:os";
import { defaultConcurrency } from "../../lib/rehearse/host";
import { CLASSES, checkTopology, describeDisagreement, runDifferential } from "../../test-support/differential";
import { requireNamespaces } from "../../test-support/rehearse";
import { bareVpc, type TerraformJson, type VpcShape, toTerraform } from "../../test-support/topologies";
import {
  type TgwDoc,
  attach,
  peeredGateways,
  peeringRoutes,
  segmented,
  subnet,
  twoOnHub,
} from "../../test-support/transit";
import { TRANSIT_CLASSES } from "../../test-support/transit-topologies";

/** Fixed, so that `npm test` checks the same 300 topologies every time; `npm run rehearse:fuzz` explores further. */
const SEED = 20250917;

beforeAll(requireNamespaces);

describe("reach and rehearse, on generated topologies", () => {
  it("refuse the same networks and agree on every pair of the others, over 300 topologies of every class", async () => {
    const report = await runDifferential({ seed: SEED, runs: 300 });
    const counts = CLASSES.map((c) => `  ${report.classes[c]} ${c}`);
    console.info(`topologies of each class among ${report.runs}:\n${counts.join("\n")}`);
    expect(report.disagreements.map(describeDisagreement)).toEqual([]);
    // A generator change that stops producing a class shows here, with the class's name.
    expect(CLASSES.filter((c) => report.classes[c] === 0)).toEqual([]);
    expect(report.skipped).toBeLessThan(10);
    expect(report.refused).toBeGreaterThan(100);
    expect(report.replied).toBeGreaterThan(300);
    expect(report.silent).toBeGreaterThan(300);
    expect(report.ipv6).toBeGreaterThan(50);
  }, 300_000);
});

describe("reach and rehearse, on generated transit gateway networks", () => {
  it("refuse the same networks and agree on every pair of the others, over 120 networks of every class", async () => {
    const report = await runDifferential({ seed: SEED, runs: 120, transit: true });
    const counts = TRANSIT_CLASSES.map((c) => `  ${report.classes[c]} ${c}`);
    console.info(`transit networks of each class among ${report.runs}:\n${counts.join("\n")}`);
    expect(report.disagreements.map(describeDisagreement)).toEqual([]);
    expect(TRANSIT_CLASSES.filter((c) => report.classes[c] === 0)).toEqual([]);
    expect(report.skipped).toBe(0);
    expect(report.replied).toBeGreaterThan(300);
    expect(report.silent).toBeGreaterThan(300);
    expect(report.ipv6).toBeGreaterThan(100);
  }, 300_000);
});

describe("transit gateway networks built by hand", () => {
  const concurrency = defaultConcurrency(availableParallelism());
  const verdicts = async (doc: TgwDoc): Promise<Record<string, [boolean, boolean | "depends" | undefined]>> => {
    const checked = await checkTopology(doc as unknown as TerraformJson, concurrency);
    expect(checked?.refusal).toBeUndefined();
    expect(checked?.pairs.filter((p) => p.differs)).toEqual([]);
    return Object.fromEntries(
      (checked?.pairs ?? []).map((p) => [`${p.from} → ${p.to} ${p.protocol}`, [p.reachable, p.reach]]),
    );
  };
  const a = "aws_instance.a";
  const b = "aws_instance.b";

  it.each<[string, () => TgwDoc, Record<string, [boolean, boolean]>]>([
    [
      "two VPCs on one gateway's default route table reach each other",
      () => twoOnHub(),
      { [`${a} → ${b} ipv4`]: [true, true], [`${b} → ${a} ipv4`]: [true, true] },
    ],
    [
      "IPv6 does not cross attachments without ipv6_support, IPv4 does",
      () => twoOnHub({ ipv6: true }),
      {
        [`${a} → ${b} ipv4`]: [true, true],
        [`${b} → ${a} ipv4`]: [true, true],
        [`${a} → ${b} ipv6`]: [false, false],
        [`${b} → ${a} ipv6`]: [false, false],
      },
    ],
    [
      "IPv6 crosses attachments with ipv6_support",
      () => twoOnHub({ ipv6: true, attachIpv6: true }),
      {
        [`${a} → ${b} ipv4`]: [true, true],
        [`${b} → ${a} ipv4`]: [true, true],
        [`${a} → ${b} ipv6`]: [true, true],
        [`${b} → ${a} ipv6`]: [true, true],
      },
    ],
    [
      "a VPC attached only through a subnet of another Availability Zone cannot enter the gateway",
      () => {
        const doc = twoOnHub();
        subnet(doc, "a_other", "a", "10.1.2.0/24", "eu-west-1b");
        return attach(doc, "hub", "a", { subnets: ["a_other"] });
      },
      { [`${a} → ${b} ipv4`]: [false, false], [`${b} → ${a} ipv4`]: [false, false] },
    ],
    [
      "peered gateways carry traffic over their static routes",
      () => peeringRoutes(peeredGateways()),
      { [`${a} → ${b} ipv4`]: [true, true], [`${b} → ${a} ipv4`]: [true, true] },
    ],
    [
      "peered gateways carry nothing without static routes (propagation does not cross a peering)",
      () => peeredGateways(),
      { [`${a} → ${b} ipv4`]: [false, false], [`${b} → ${a} ipv4`]: [false, false] },
    ],
    [
      "a peering attachment nobody accepted carries nothing",
      () => peeringRoutes(peeredGateways(false)),
      { [`${a} → ${b} ipv4`]: [false, false], [`${b} → ${a} ipv4`]: [false, false] },
    ],
  ])(
    "%s, by ping as by reach",
    async (_, doc, expected) => {
      expect(await verdicts(doc())).toEqual(expected);
    },
    60_000,
  );

  it("segments: prod and dev reach shared services and not each other, by ping as by reach", async () => {
    const got = await verdicts(segmented());
    const replied = Object.entries(got)
      .filter(([, [ping]]) => ping)
      .map(([pair]) => pair.replace(/aws_instance\./g, "").replace(" ipv4", ""))
      .sort();
    expect(replied).toEqual(["dev → shared", "prod → shared", "shared → dev", "shared → prod"]);
  }, 60_000);
});

describe("one VPC peered with two that share a CIDR, as the generator makes it", () => {
  const concurrency = defaultConcurrency(availableParallelism());
  const shape = (block: number): VpcShape => bareVpc(block);

  // The hub v0 (10.1.0.0/16, 10.1.0.10) peers with v1 and v2, both 10.0.0.0/16; v1s0i0 and v2s0i0 both hold
  // 10.0.0.10, v2s1i0 holds 10.0.0.74. Every kind of route leads 10.0.0.10 to v1 and 10.0.0.74 to v2.
  it.each<[string, "subnet" | "instance" | "longest-prefix"]>([
    ["subnet routes (10.0.0.0/26 to v1, 10.0.0.64/26 to v2)", "subnet"],
    ["/32 instance routes (10.0.0.10/32 to v1, 10.0.0.74/32 to v2)", "instance"],
    ["the longest prefix (10.0.0.0/16 to v1, 10.0.0.74/32 to v2)", "longest-prefix"],
  ])(
    "reach and rehearse give the same verdicts when routed by %s, replies following the hub's route",
    async (_, routes) => {
      const terraform = toTerraform({
        vpcs: [shape(0), shape(0), shape(0)],
        peerings: [],
        mutations: [],
        scenario: { kind: "same-cidr", routes, block: 0 },
      });
      const checked = await checkTopology(terraform, concurrency);
      expect(checked?.refused).toBe(false);
      const verdicts = Object.fromEntries(
        (checked?.pairs ?? []).map((p) => [`${p.from} → ${p.to} ${p.address}`, [p.reachable, p.reach, p.differs]]),
      );
      expect(verdicts).toEqual({
        "aws_instance.v0s0i0 → aws_instance.v1s0i0 10.0.0.10": [true, true, false],
        // The route to 10.0.0.10 leads to v1: its twin answers, with its own mark.
        "aws_instance.v0s0i0 → aws_instance.v2s0i0 10.0.0.10": [false, false, false],
        "aws_instance.v0s0i0 → aws_instance.v2s1i0 10.0.0.74": [true, true, false],
        "aws_instance.v1s0i0 → aws_instance.v0s0i0 10.1.0.10": [true, true, false],
        // The echo arrives; the hub's reply to 10.0.0.10 follows its route into v1.
        "aws_instance.v2s0i0 → aws_instance.v0s0i0 10.1.0.10": [false, false, false],
        "aws_instance.v2s1i0 → aws_instance.v0s0i0 10.1.0.10": [true, true, false],
        "aws_instance.v1s0i0 → aws_instance.v2s0i0 10.0.0.10": [false, false, false],
        "aws_instance.v1s0i0 → aws_instance.v2s1i0 10.0.0.74": [false, false, false],
        "aws_instance.v2s0i0 → aws_instance.v1s0i0 10.0.0.10": [false, false, false],
        "aws_instance.v2s1i0 → aws_instance.v1s0i0 10.0.0.10": [false, false, false],
        "aws_instance.v2s0i0 → aws_instance.v2s1i0 10.0.0.74": [true, true, false],
        "aws_instance.v2s1i0 → aws_instance.v2s0i0 10.0.0.10": [true, true, false],
      });
    },
    60_000,
  );
});

describe("the differential harness", () => {
  const concurrency = defaultConcurrency(availableParallelism());

  it("counts a network rehearse cannot build as a disagreement, naming the pair and why, never as pairs without a verdict", async () => {
    // 16 unpeered VPCs, all 10.0.0.0/16, each with one instance at 10.0.0.10: one more than the reply marks.
    const terraform = toTerraform({ vpcs: Array.from({ length: 16 }, () => bareVpc(0)), peerings: [], mutations: [] });
    const instances = terraform.resource.aws_instance;
    for (let k = 0; k < 16; k += 1) {
      const placed = {
        subnet_id: `\${aws_subnet.v${k}s0.id}`,
        vpc_security_group_ids: [`\${aws_security_group.v${k}.id}`],
      };
      instances[`v${k}s0i0`] = { ...instances.v0s0i0, ...placed, private_ip: "10.0.0.10" };
    }
    const checked = await checkTopology(terraform, concurrency);
    expect(checked?.pairs).toEqual([]);
    expect(checked?.refusal).toMatch(
      /^reach decides every pair, rehearse cannot build it: cannot rehearse aws_instance\.v0s0i0 → aws_instance\.v15s0i0 \(ipv4\): 16 instances hold 10\.0\.0\.10/,
    );
  }, 60_000);
});

describe("regression cases the differential test found", () => {
  const concurrency = defaultConcurrency(availableParallelism());

  it("does not count a reply from another instance holding the target's address (overlapping VPCs) as the target's", async () => {
    const terraform: TerraformJson = toTerraform({
      vpcs: [
        {
          block: 1,
          ipv6: false,
          subnets: [
            [
              { fixed: false, ipv6: false },
              { fixed: false, ipv6: false },
            ],
          ],
          igw: false,
          nat: false,
          sharedTable: true,
          autoIpv6: false,
          region: 0,
        },
        {
          block: 1,
          ipv6: false,
          subnets: [[{ fixed: false, ipv6: false }]],
          igw: false,
          nat: false,
          sharedTable: true,
          autoIpv6: false,
          region: 0,
        },
      ],
      peerings: [],
      mutations: [],
    });
    terraform.resource.aws_instance.v0s0i0.private_ip = "10.1.0.10";
    terraform.resource.aws_instance.v1s0i0.private_ip = "10.1.0.10";
    const checked = await checkTopology(terraform, concurrency);
    const pair = checked?.pairs.find((p) => p.from === "aws_instance.v0s0i1" && p.to === "aws_instance.v1s0i0");
    // v0s0i0, in the source's own VPC, holds 10.1.0.10 and answers; its reply carries its mark, not the target's.
    expect(pair).toEqual(expect.objectContaining({ reachable: false, reach: false, differs: false }));
    const own = checked?.pairs.find((p) => p.from === "aws_instance.v0s0i1" && p.to === "aws_instance.v0s0i0");
    expect(own).toEqual(expect.objectContaining({ reachable: true, reach: true, differs: false }));
  }, 60_000);

  it("gives a verdict for every pair where one VPC peers with two that share a CIDR, routing to each by /32, replies following the responder's route", async () => {
    const shape = (block: number, instances: number): VpcShape =>
      bareVpc(block, { subnets: [Array.from({ length: instances }, () => ({ fixed: true, ipv6: false }))] });
    // v0 (10.2.0.0/24) peers with v1 and v2, both 10.0.0.0/16; v1's instance and v2's second instance both hold 10.0.0.10.
    const terraform: TerraformJson = toTerraform({
      vpcs: [shape(2, 1), shape(0, 1), shape(0, 2)],
      peerings: [
        { a: 0, b: 1, accept: "auto" },
        { a: 0, b: 2, accept: "auto" },
      ],
      mutations: [],
    });
    const { aws_instance: instances, aws_route: routes } = terraform.resource;
    instances.v1s0i0.private_ip = "10.0.0.10";
    instances.v2s0i0.private_ip = "10.0.0.11";
    instances.v2s0i1.private_ip = "10.0.0.10";
    routes.v0t0r0.destination_cidr_block = "10.0.0.10/32";
    routes.v0t0r1.destination_cidr_block = "10.0.0.11/32";
    const checked = await checkTopology(terraform, concurrency);
    expect(checked?.refused).toBe(false);
    const verdicts = Object.fromEntries(
      (checked?.pairs ?? []).map((p) => [`${p.from} → ${p.to}`, [p.reachable, p.reach, p.differs]]),
    );
    expect(verdicts).toEqual(
      expect.objectContaining({
        "aws_instance.v0s0i0 → aws_instance.v1s0i0": [true, true, false],
        "aws_instance.v0s0i0 → aws_instance.v2s0i0": [true, true, false],
        // 10.0.0.10/32 leads to v1: v1's instance answers, not v2's.
        "aws_instance.v0s0i0 → aws_instance.v2s0i1": [false, false, false],
        // v2s0i1's echo arrives, but v0 sends the reply to 10.0.0.10 through v1's peering.
        "aws_instance.v2s0i1 → aws_instance.v0s0i0": [false, false, false],
        "aws_instance.v2s0i0 → aws_instance.v0s0i0": [true, true, false],
      }),
    );
    expect(checked?.refusal).toBeUndefined();
  }, 60_000);

  it("builds a VPC whose secondary block contains its primary one", async () => {
    const terraform = toTerraform({
      vpcs: [
        {
          block: 2,
          ipv6: false,
          subnets: [
            [
              { fixed: true, ipv6: false },
              { fixed: false, ipv6: false },
            ],
          ],
          igw: false,
          nat: false,
          sharedTable: true,
          autoIpv6: false,
          region: 0,
        },
      ],
      peerings: [],
      mutations: [{ kind: "secondary-block", vpc: 0, block: 1 }],
    });
    const checked = await checkTopology(terraform, concurrency);
    expect(checked?.pairs.map((p) => [p.reachable, p.differs])).toEqual([
      [true, false],
      [true, false],
    ]);
  }, 60_000);
});
