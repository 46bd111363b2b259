import { availableParallelism } from "node:os";
import { defaultConcurrency } from "../../lib/rehearse/host";
import { checkTopology, describeDisagreement, runDifferential } from "../../test-support/differential";
import { requireNamespaces } from "../../test-support/rehearse";
import { type TerraformJson, toTerraform } from "../../test-support/topologies";

/** Fixed, so that `npm test` checks the same 200 topologies every time; `npm run rehearse:fuzz` explores further. */
const SEED = 20250917;

beforeAll(requireNamespaces);

describe("reach and rehearse, on generated topologies", () => {
  it("refuse the same networks and agree on every pair of the others, over 200 random topologies", async () => {
    const report = await runDifferential({ seed: SEED, runs: 200 });
    expect(report.disagreements.map(describeDisagreement)).toEqual([]);
    expect(report.skipped).toBeLessThan(10);
    expect(report.refused).toBeGreaterThan(20);
    expect(report.replied).toBeGreaterThan(300);
    expect(report.silent).toBeGreaterThan(300);
    expect(report.ipv6).toBeGreaterThan(50);
  }, 300_000);
});

describe("regression cases the differential test found", () => {
  const concurrency = defaultConcurrency(availableParallelism());

  it("does not count a reply from another instance holding the target's address (overlapping VPCs) as the target's", async () => {
    const terraform: TerraformJson = toTerraform({
      vpcs: [
        { block: 1, ipv6: false, subnets: [[{ fixed: false, ipv6: false }, { fixed: false, ipv6: false }]], igw: false, nat: false, sharedTable: true, autoIpv6: false, region: 0 },
        { block: 1, ipv6: false, subnets: [[{ fixed: false, ipv6: false }]], igw: false, nat: false, sharedTable: true, autoIpv6: false, region: 0 },
      ],
      peerings: [],
      mutations: [],
    });
    terraform.resource.aws_instance.v0s0i0.private_ip = "10.1.0.10";
    terraform.resource.aws_instance.v1s0i0.private_ip = "10.1.0.10";
    const checked = await checkTopology(terraform, concurrency);
    const pair = checked?.pairs.find((p) => p.from === "aws_instance.v0s0i1" && p.to === "aws_instance.v1s0i0");
    expect(pair).toEqual(
      expect.objectContaining({
        reachable: null,
        differs: false,
        note: "aws_instance.v0s0i0 holds 10.1.0.10 too, so a reply would not tell which of them answered",
      })
    );
  }, 60_000);

  it("builds a VPC whose secondary block contains its primary one", async () => {
    const terraform = toTerraform({
      vpcs: [{ block: 2, ipv6: false, subnets: [[{ fixed: true, ipv6: false }, { fixed: false, ipv6: false }]], igw: false, nat: false, sharedTable: true, autoIpv6: false, region: 0 }],
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
