import { ConfigError, DEFAULT_CONFIG, fullMesh, loadConfig, parseConfig, peersOf } from "../lib/config";
import { defaultWith, EXAMPLE_PATHS, FULL_MESH_CONFIG, manyVpcs } from "../test-support/configs";

function problemsOf(raw: unknown): string[] {
  try {
    parseConfig(raw);
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  throw new Error("expected the config to be rejected");
}

describe("parseConfig", () => {
  it("resolves the built-in default to the seed: two peered VPCs in eu-west-1, one AZ each", () => {
    expect(parseConfig(DEFAULT_CONFIG)).toEqual({
      region: "eu-west-1",
      natGateways: "per-az",
      instanceType: "t3.nano",
      vpcs: [
        { name: "a", cidr: "10.0.0.0/24", maxAzs: 1 },
        { name: "b", cidr: "10.0.1.0/24", maxAzs: 1 },
      ],
      peerings: [["a", "b"]],
      terraformCloud: undefined,
      maxPeeringStackResources: 3000,
      peeringShards: 16,
    });
  });

  it("lets a VPC's maxAzs override the top-level one", () => {
    const config = parseConfig(defaultWith({ maxAzs: 2, vpcs: [{ name: "a", cidr: "10.0.0.0/24", maxAzs: 3 }, { name: "b", cidr: "10.0.1.0/24" }] }));
    expect(config.vpcs.map((v) => v.maxAzs)).toEqual([3, 2]);
  });

  it("expands full-mesh into every pair, in list order", () => {
    expect(parseConfig(FULL_MESH_CONFIG).peerings).toEqual(fullMesh(["a", "b", "c", "d"]));
    expect(fullMesh(["a", "b", "c"])).toEqual([["a", "b"], ["a", "c"], ["b", "c"]]);
  });

  it("accepts a VPC without peerings", () => {
    expect(parseConfig({ vpcs: [{ name: "solo", cidr: "10.9.0.0/16" }] }).peerings).toEqual([]);
  });

  it("fills in a Terraform Cloud workspace prefix", () => {
    expect(parseConfig(defaultWith({ terraformCloud: { organization: "acme" } })).terraformCloud).toEqual({
      organization: "acme",
      workspacePrefix: "peering-",
    });
  });

  it("accepts up to the peering quota the config declares", () => {
    const vpcs = manyVpcs(52);
    expect(() => parseConfig({ vpcs, peerings: "full-mesh", peeringQuota: 60 })).not.toThrow();
  });

  it("lists peers from both sides of each pair", () => {
    const config = parseConfig({ ...FULL_MESH_CONFIG, peerings: [["a", "b"], ["c", "a"]] });
    expect(peersOf(config, "a").map((v) => v.name)).toEqual(["b", "c"]);
    expect(peersOf(config, "d")).toEqual([]);
  });

  const vpcA = { name: "a", cidr: "10.0.0.0/24" };
  const vpcB = { name: "b", cidr: "10.0.1.0/24" };
  it.each([
    ["an unknown top-level key", { ...DEFAULT_CONFIG, vpc: [] }, 'the config has unknown key "vpc": remove it (allowed: $schema, region,'],
    ["an unknown VPC key", defaultWith({ vpcs: [{ ...vpcA, cidrBlock: "x" }, vpcB] }), 'vpcs[0] has unknown key "cidrBlock": remove it (allowed: name, cidr, maxAzs)'],
    ["a missing CIDR", defaultWith({ vpcs: [{ name: "a" }, vpcB] }), 'vpcs[0].cidr is missing: use an IPv4 network in CIDR notation such as "10.0.0.0/24"'],
    ["a malformed CIDR", defaultWith({ vpcs: [{ name: "a", cidr: "10.0.0/24" }, vpcB] }), 'vpcs[0].cidr "10.0.0/24" is not an IPv4 CIDR block'],
    ["a CIDR with host bits set", defaultWith({ vpcs: [{ name: "a", cidr: "10.0.0.1/24" }, vpcB] }), 'vpcs[0].cidr "10.0.0.1/24" is not a network address (host bits are set): use "10.0.0.0/24"'],
    ["a VPC larger than /16", defaultWith({ vpcs: [{ name: "a", cidr: "10.0.0.0/15" }, vpcB] }), 'vpcs[0].cidr "10.0.0.0/15" has prefix /15: AWS accepts VPC blocks from /16 to /28'],
    ["a VPC smaller than /28", defaultWith({ vpcs: [{ name: "a", cidr: "10.0.0.0/29" }, vpcB] }), 'vpcs[0].cidr "10.0.0.0/29" has prefix /29'],
    ["a duplicate VPC name", defaultWith({ vpcs: [vpcA, { ...vpcB, name: "a" }], peerings: [] }), 'vpcs[1].name "a" is already used by vpcs[0]: give every VPC its own name'],
    ["a bad VPC name", defaultWith({ vpcs: [{ ...vpcA, name: "Prod_A" }, vpcB] }), 'vpcs[0].name is "Prod_A": use 1 to 31 characters'],
    ["a peering with an unknown VPC", defaultWith({ peerings: [["a", "c"]] }), 'peerings[0] names VPC "c", which is not in vpcs: use one of "a", "b"'],
    ["a VPC peered with itself", defaultWith({ peerings: [["a", "a"]] }), 'peerings[0] peers "a" with itself: a peering joins two different VPCs'],
    ["the same pair twice", defaultWith({ peerings: [["a", "b"], ["b", "a"]] }), 'peerings[1] ["b","a"] repeats peerings[0]: AWS allows one peering per pair of VPCs'],
    ["a malformed peering", defaultWith({ peerings: [["a"]] }), "peerings is [[\"a\"]]: use \"full-mesh\" or a list of name pairs"],
    ["overlapping CIDRs on a peered pair", defaultWith({ vpcs: [{ name: "a", cidr: "10.0.0.0/16" }, vpcB] }), 'vpcs[1].cidr "10.0.1.0/24" overlaps vpcs[0].cidr "10.0.0.0/16" (peerings[0] peers them; peered VPCs need disjoint ranges)'],
    ["overlapping CIDRs in a full mesh", defaultWith({ vpcs: [vpcA, { ...vpcB, cidr: "10.0.0.0/25" }], peerings: "full-mesh" }), '(peerings "full-mesh" peers them'],
    ["subnets that do not fit", defaultWith({ maxAzs: 3, vpcs: [{ name: "a", cidr: "10.0.0.0/27" }, vpcB] }), 'vpcs[0].cidr "10.0.0.0/27" is too small for a public and a private subnet in each of 3 AZs (AWS\'s smallest subnet is /28)'],
    ["a VPC's own AZ count that does not fit", defaultWith({ vpcs: [{ ...vpcA, cidr: "10.0.0.0/28", maxAzs: 1 }, vpcB] }), 'vpcs[0].cidr "10.0.0.0/28" is too small for a public and a private subnet in each of 1 AZ'],
    ["zero AZs", defaultWith({ maxAzs: 0 }), "maxAzs is 0: use a whole number from 1 to 6"],
    ["seven AZs", defaultWith({ maxAzs: 7 }), "maxAzs is 7: use a whole number from 1 to 6"],
    ["seven AZs on one VPC", defaultWith({ vpcs: [{ ...vpcA, maxAzs: 7 }, vpcB] }), "vpcs[0].maxAzs is 7: use a whole number from 1 to 6"],
    ["a bad natGateways value", defaultWith({ natGateways: "per-vpc" }), 'natGateways is "per-vpc": use one of "per-az", "single", "none"'],
    ["no VPCs", { vpcs: [] }, 'vpcs is []: list at least one VPC'],
    ["a bad region", defaultWith({ region: "Ireland" }), 'region is "Ireland": use an AWS region code such as "eu-west-1"'],
    ["more peerings on one VPC than AWS's default quota", { vpcs: [...manyVpcs(52)], peerings: "full-mesh" }, 'VPC "v0" has 51 peerings, over the quota of 50 active peerings per VPC (AWS\'s default is 50): request a quota increase from AWS (up to 125) and set "peeringQuota" to it'],
    ["more peerings than AWS allows at all", { vpcs: manyVpcs(127), peerings: "full-mesh", peeringQuota: 125 }, 'VPC "v0" has 126 peerings, over AWS\'s hard limit of 125 active peerings per VPC'],
    ["an unknown Terraform Cloud key", defaultWith({ terraformCloud: { organization: "acme", project: "x" } }), 'terraformCloud has unknown key "project": remove it (allowed: organization, workspacePrefix, hostname)'],
    ["a quota above AWS's ceiling", defaultWith({ peeringQuota: 200 }), "peeringQuota is 200: use your account's quota of active peerings per VPC: a whole number from 1 to 125"],
    ["a single peering shard", defaultWith({ peeringShards: 1 }), "peeringShards is 1: use a whole number of stacks from 2 to 64"],
    ["a peering stack bound of zero", defaultWith({ maxPeeringStackResources: 0 }), "maxPeeringStackResources is 0: use a whole number of resources, at least 1"],
    ["a peering stack over the bound", { vpcs: manyVpcs(8), peerings: "full-mesh", maxPeeringStackResources: 10, peeringShards: 2 }, 'would hold more than maxPeeringStackResources (10) resources: set "maxPeeringStackResources" to at least'],
  ])("rejects %s, naming the field, the value and the fix", (_, raw, message) => {
    expect(problemsOf(raw)).toEqual(expect.arrayContaining([expect.stringContaining(message)]));
  });

  it("lists every problem in one error", () => {
    const problems = problemsOf({ natGateways: "x", vpcs: [{ name: "a", cidr: "10.0.0.1/24" }], peerings: [["a", "z"]] });
    expect(problems).toHaveLength(3);
  });
});

describe("the examples", () => {
  it.each(EXAMPLE_PATHS)("%s is a valid config", (file) => {
    expect(() => loadConfig({ PEERING_CONFIG: file })).not.toThrow();
  });
});
