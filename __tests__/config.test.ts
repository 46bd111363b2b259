import fc from "fast-check";
import {
  ConfigError,
  DEFAULT_CONFIG,
  fullMesh,
  loadConfig,
  MAX_LISTED_PROBLEMS,
  parseConfig,
  peersOf,
} from "../lib/config";
import {
  defaultWith,
  errorOf,
  EXAMPLE_PATHS,
  FULL_MESH_CONFIG,
  fullMeshConfig,
  manyVpcs,
  problemsOf,
} from "../test-support/configs";

describe("parseConfig", () => {
  it("resolves the built-in default to the seed: two peered VPCs in eu-west-1, one AZ each", () => {
    expect(parseConfig(DEFAULT_CONFIG)).toEqual({
      region: "eu-west-1",
      natGateways: "per-az",
      instanceType: "t3.nano",
      vpcs: [
        { name: "a", cidr: "10.0.0.0/24", maxAzs: 1, region: "eu-west-1" },
        { name: "b", cidr: "10.0.1.0/24", maxAzs: 1, region: "eu-west-1" },
      ],
      peerings: [["a", "b"]],
      terraformCloud: undefined,
      reachabilityAnalyzer: false,
      ssmEndpoints: true,
      maxPeeringStackResources: 3000,
      peeringShards: 16,
    });
  });

  it("lets a VPC's maxAzs override the top-level one", () => {
    const config = parseConfig(
      defaultWith({
        maxAzs: 2,
        vpcs: [
          { name: "a", cidr: "10.0.0.0/24", maxAzs: 3 },
          { name: "b", cidr: "10.0.1.0/24" },
        ],
      }),
    );
    expect(config.vpcs.map((v) => v.maxAzs)).toEqual([3, 2]);
  });

  it("expands full-mesh into every pair, in list order", () => {
    expect(parseConfig(FULL_MESH_CONFIG).peerings).toEqual(fullMesh(["a", "b", "c", "d"]));
    expect(fullMesh(["a", "b", "c"])).toEqual([
      ["a", "b"],
      ["a", "c"],
      ["b", "c"],
    ]);
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
    expect(() => parseConfig({ vpcs, peerings: "full-mesh", peeringQuota: 60, routesPerRouteTable: 60 })).not.toThrow();
  });

  it("lists peers from both sides of each pair", () => {
    const config = parseConfig({
      ...FULL_MESH_CONFIG,
      peerings: [
        ["a", "b"],
        ["c", "a"],
      ],
    });
    expect(peersOf(config, "a").map((v) => v.name)).toEqual(["b", "c"]);
    expect(peersOf(config, "d")).toEqual([]);
  });

  const vpcA = { name: "a", cidr: "10.0.0.0/24" };
  const vpcB = { name: "b", cidr: "10.0.1.0/24" };
  it.each([
    [
      "an unknown top-level key",
      { ...DEFAULT_CONFIG, vpc: [] },
      'the config has unknown key "vpc": remove it (allowed: $schema, region,',
    ],
    [
      "an unknown VPC key",
      defaultWith({ vpcs: [{ ...vpcA, cidrBlock: "x" }, vpcB] }),
      'vpcs[0] has unknown key "cidrBlock": remove it (allowed: name, cidr, maxAzs',
    ],
    [
      "a missing CIDR",
      defaultWith({ vpcs: [{ name: "a" }, vpcB] }),
      'vpcs[0].cidr is missing: use an IPv4 network in CIDR notation such as "10.0.0.0/24"',
    ],
    [
      "a malformed CIDR",
      defaultWith({ vpcs: [{ name: "a", cidr: "10.0.0/24" }, vpcB] }),
      'vpcs[0].cidr "10.0.0/24" is not an IPv4 CIDR block',
    ],
    [
      "a CIDR with host bits set",
      defaultWith({ vpcs: [{ name: "a", cidr: "10.0.0.1/24" }, vpcB] }),
      'vpcs[0].cidr "10.0.0.1/24" is not a network address (host bits are set): use "10.0.0.0/24"',
    ],
    [
      "a VPC larger than /16",
      defaultWith({ vpcs: [{ name: "a", cidr: "10.0.0.0/15" }, vpcB] }),
      'vpcs[0].cidr "10.0.0.0/15" has prefix /15: AWS accepts VPC blocks from /16 to /28',
    ],
    [
      "a VPC smaller than /28",
      defaultWith({ vpcs: [{ name: "a", cidr: "10.0.0.0/29" }, vpcB] }),
      'vpcs[0].cidr "10.0.0.0/29" has prefix /29',
    ],
    [
      "a duplicate VPC name",
      defaultWith({ vpcs: [vpcA, { ...vpcB, name: "a" }], peerings: [] }),
      'vpcs[1].name "a" is already used by vpcs[0]: give every VPC its own name',
    ],
    [
      "a bad VPC name",
      defaultWith({ vpcs: [{ ...vpcA, name: "Prod_A" }, vpcB] }),
      'vpcs[0].name is "Prod_A": use 1 to 31 characters',
    ],
    [
      "a peering with an unknown VPC",
      defaultWith({ peerings: [["a", "c"]] }),
      'peerings[0] names VPC "c", which is not in vpcs: use one of "a", "b"',
    ],
    [
      "a VPC peered with itself",
      defaultWith({ peerings: [["a", "a"]] }),
      'peerings[0] peers "a" with itself: a peering joins two different VPCs',
    ],
    [
      "the same pair twice",
      defaultWith({
        peerings: [
          ["a", "b"],
          ["b", "a"],
        ],
      }),
      'peerings[1] ["b","a"] repeats peerings[0]: AWS allows one peering per pair of VPCs',
    ],
    [
      "a malformed peering",
      defaultWith({ peerings: [["a", "b"], ["a"]] }),
      'peerings[1] is ["a"]: use a pair of VPC names such as ["a", "b"]',
    ],
    [
      "peerings of the wrong type",
      defaultWith({ peerings: "mesh" }),
      'peerings is "mesh": use a list of VPC name pairs such as [["a", "b"]]',
    ],
    [
      "overlapping CIDRs on a peered pair",
      defaultWith({ vpcs: [{ name: "a", cidr: "10.0.0.0/16" }, vpcB] }),
      'vpcs[1].cidr "10.0.1.0/24" overlaps vpcs[0].cidr "10.0.0.0/16" (peerings[0] peers them; peered VPCs need disjoint ranges)',
    ],
    [
      "overlapping CIDRs in a full mesh",
      defaultWith({ vpcs: [vpcA, { ...vpcB, cidr: "10.0.0.0/25" }], peerings: "full-mesh" }),
      '(peerings "full-mesh" peers them',
    ],
    [
      "subnets that do not fit",
      defaultWith({ maxAzs: 3, vpcs: [{ name: "a", cidr: "10.0.0.0/27" }, vpcB] }),
      'vpcs[0].cidr "10.0.0.0/27" is too small for a public and a private subnet in each of 3 AZs (AWS\'s smallest subnet is /28)',
    ],
    [
      "a VPC's own AZ count that does not fit",
      defaultWith({ vpcs: [{ ...vpcA, cidr: "10.0.0.0/26", maxAzs: 3 }, vpcB] }),
      'vpcs[0].cidr "10.0.0.0/26" is too small for a public and a private subnet in each of 3 AZs',
    ],
    ["zero AZs", defaultWith({ maxAzs: 0 }), "maxAzs is 0: use a whole number from 1 to 6"],
    ["seven AZs", defaultWith({ maxAzs: 7 }), "maxAzs is 7: use a whole number from 1 to 6"],
    [
      "seven AZs on one VPC",
      defaultWith({ vpcs: [{ ...vpcA, maxAzs: 7 }, vpcB] }),
      "vpcs[0].maxAzs is 7: use a whole number from 1 to 6",
    ],
    [
      "a bad natGateways value",
      defaultWith({ natGateways: "per-vpc" }),
      'natGateways is "per-vpc": use one of "per-az", "single", "none"',
    ],
    ["no VPCs", { vpcs: [] }, "vpcs is []: list at least one VPC"],
    [
      "a bad region",
      defaultWith({ region: "Ireland" }),
      'region is "Ireland": use an AWS region code such as "eu-west-1"',
    ],
    [
      "more peerings on one VPC than AWS's default quota",
      { vpcs: [...manyVpcs(52)], peerings: "full-mesh" },
      'VPC "v0" has 51 peerings, over the quota of 50 active peerings per VPC (AWS\'s default is 50): request an increase of "Active VPC peering connections per VPC" (L-7E9ECCDB) in Service Quotas, up to 125, and set "peeringQuota" to it',
    ],
    [
      "more peerings than AWS allows at all",
      { vpcs: manyVpcs(127), peerings: "full-mesh", peeringQuota: 125 },
      'VPC "v0" has 126 peerings, over AWS\'s hard limit of 125 active peerings per VPC',
    ],
    [
      "an unknown Terraform Cloud key",
      defaultWith({ terraformCloud: { organization: "acme", project: "x" } }),
      'terraformCloud has unknown key "project": remove it (allowed: organization, workspacePrefix, hostname)',
    ],
    [
      "a quota above AWS's ceiling",
      defaultWith({ peeringQuota: 200 }),
      "peeringQuota is 200: use your account's quota of active peerings per VPC: a whole number from 1 to 125",
    ],
    [
      "a single peering shard",
      defaultWith({ peeringShards: 1 }),
      "peeringShards is 1: use a whole number of stacks from 2 to 64",
    ],
    [
      "a peering stack bound of zero",
      defaultWith({ maxPeeringStackResources: 0 }),
      "maxPeeringStackResources is 0: use a whole number of resources, at least 1",
    ],
    [
      "a peering stack over the bound",
      { vpcs: manyVpcs(8), peerings: "full-mesh", maxPeeringStackResources: 10, peeringShards: 2 },
      'would hold more than maxPeeringStackResources (10) resources: set "maxPeeringStackResources" to at least',
    ],
  ])("rejects %s, naming the field, the value and the fix", (_, raw, message) => {
    expect(problemsOf(raw)).toEqual(expect.arrayContaining([expect.stringContaining(message)]));
  });

  it("lists every problem in one error", () => {
    const problems = problemsOf({
      natGateways: "x",
      vpcs: [{ name: "a", cidr: "10.0.0.1/24" }],
      peerings: [["a", "z"]],
    });
    expect(problems).toHaveLength(3);
  });
});

describe("parseConfig on input that is wrong in kind, not just in value", () => {
  const vpcA = { name: "a", cidr: "10.0.0.0/24" };
  const vpcB = { name: "b", cidr: "10.0.1.0/24" };
  it.each([
    [
      "an array instead of an object",
      [],
      'the config is [] (an array): write a JSON object such as {"vpcs": [{"name": "a", "cidr": "10.0.0.0/24"}]}',
    ],
    ["a string instead of an object", "vpcs", 'the config is "vpcs" (a string): write a JSON object'],
    ["null instead of an object", null, "the config is null (null): write a JSON object"],
    [
      "vpcs as an object",
      { vpcs: { a: "10.0.0.0/24" } },
      'vpcs is {"a":"10.0.0.0/24"} (an object): list at least one VPC as {"name": "a", "cidr": "10.0.0.0/24"}',
    ],
    [
      "a VPC as a string",
      { vpcs: ["10.0.0.0/24"] },
      'vpcs[0] is "10.0.0.0/24" (a string): write each VPC as an object such as {"name": "a", "cidr": "10.0.0.0/24"}',
    ],
    ["maxAzs as a string", defaultWith({ maxAzs: "2" }), 'maxAzs is "2" (a string): use a whole number from 1 to 6'],
    [
      "a fractional peering quota",
      defaultWith({ peeringQuota: 50.5 }),
      "peeringQuota is 50.5 (a number): use your account's quota of active peerings per VPC",
    ],
    [
      "terraformCloud as a string",
      defaultWith({ terraformCloud: "acme" }),
      'terraformCloud is "acme" (a string): write {"organization": "<your organization>"}',
    ],
    [
      "$schema as a number",
      defaultWith({ $schema: 1 }),
      "$schema is 1 (a whole number): use the path or URL of schema/peering-config.schema.json",
    ],
    [
      "a prefix with a leading zero",
      defaultWith({ vpcs: [{ ...vpcA, cidr: "10.0.0.0/024" }, vpcB] }),
      'vpcs[0].cidr "10.0.0.0/024" has a leading zero in the prefix length ("/024"), which tools read differently (some as octal): write "10.0.0.0/24"',
    ],
    [
      "an address byte with a leading zero",
      defaultWith({ vpcs: [{ ...vpcA, cidr: "010.0.0.0/24" }, vpcB] }),
      'vpcs[0].cidr "010.0.0.0/24" has a leading zero in an address byte, which tools read differently (some as octal): write "10.0.0.0/24"',
    ],
    [
      "an address byte over 255",
      defaultWith({ vpcs: [{ ...vpcA, cidr: "10.0.256.0/24" }, vpcB] }),
      'vpcs[0].cidr "10.0.256.0/24" has the address byte 256, outside 0-255: use an IPv4 network',
    ],
    [
      "a prefix over 32",
      defaultWith({ vpcs: [{ ...vpcA, cidr: "10.0.0.0/33" }, vpcB] }),
      'vpcs[0].cidr "10.0.0.0/33" has the prefix /33, outside /0-/32',
    ],
    [
      "a /28, which AWS accepts but which holds no two subnets",
      defaultWith({ vpcs: [{ ...vpcA, cidr: "10.0.0.0/28" }, vpcB] }),
      'vpcs[0].cidr "10.0.0.0/28" has prefix /28: AWS accepts a /28 VPC, but this app needs a public and a private subnet of at least /28 in each AZ, so its smallest VPC is a /27: use /27 or shorter',
    ],
    [
      "a loopback block",
      defaultWith({ vpcs: [{ ...vpcA, cidr: "127.0.0.0/16" }, vpcB] }),
      'vpcs[0].cidr "127.0.0.0/16" lies in 127.0.0.0/8 (loopback), which AWS does not allow for VPCs: use a private range (RFC 1918) such as "10.0.0.0/16"',
    ],
    [
      "a link-local block",
      defaultWith({ vpcs: [{ ...vpcA, cidr: "169.254.0.0/24" }, vpcB] }),
      "lies in 169.254.0.0/16 (link-local",
    ],
    [
      'a block of "this network"',
      defaultWith({ vpcs: [{ ...vpcA, cidr: "0.0.0.0/16" }, vpcB] }),
      'lies in 0.0.0.0/8 ("this network"',
    ],
    [
      "a multicast block",
      defaultWith({ vpcs: [{ ...vpcA, cidr: "224.1.0.0/16" }, vpcB] }),
      "lies in 224.0.0.0/4 (multicast)",
    ],
    [
      "a block of the reserved class E",
      defaultWith({ vpcs: [{ ...vpcA, cidr: "255.255.255.0/24" }, vpcB] }),
      "lies in 240.0.0.0/4 (reserved for future use",
    ],
    [
      "an organization with a space",
      defaultWith({ terraformCloud: { organization: "acme corp" } }),
      `terraformCloud.organization is "acme corp": use your Terraform Cloud organization's name: 1 to 90 letters, digits, '-' and '_'`,
    ],
    [
      "an organization with a template",
      defaultWith({ terraformCloud: { organization: "${var.x}" } }),
      'terraformCloud.organization is "${var.x}"',
    ],
    [
      "an organization longer than 90 characters",
      defaultWith({ terraformCloud: { organization: "a".repeat(91) } }),
      "terraformCloud.organization is",
    ],
    [
      "a workspace prefix with a newline",
      defaultWith({ terraformCloud: { organization: "acme", workspacePrefix: "x\ny" } }),
      `terraformCloud.workspacePrefix is "x\\ny": use at most 78 letters, digits, '-' and '_'`,
    ],
    [
      "a workspace prefix too long for the workspace name",
      defaultWith({ terraformCloud: { organization: "acme", workspacePrefix: "p".repeat(82) } }),
      "(a workspace name, <workspacePrefix><stack>, has at most 90 characters)",
    ],
    [
      "a hostname with a path",
      defaultWith({ terraformCloud: { organization: "acme", hostname: "tfe.example.com/x" } }),
      'terraformCloud.hostname is "tfe.example.com/x": use a host name such as "app.terraform.io"',
    ],
    [
      "a hostname with a label starting with '-'",
      defaultWith({ terraformCloud: { organization: "acme", hostname: "-tfe.example.com" } }),
      "terraformCloud.hostname is",
    ],
    [
      "a hostname with a port out of range",
      defaultWith({ terraformCloud: { organization: "acme", hostname: "tfe.example.com:70000" } }),
      "terraformCloud.hostname is",
    ],
  ])("rejects %s, naming the field, the value and the fix", (_, raw, message) => {
    expect(problemsOf(raw)).toEqual(expect.arrayContaining([expect.stringContaining(message)]));
  });

  it.each([
    ["a VPC with a bad name", { vpcs: [{ name: "Prod_A", cidr: "10.0.0.0/24" }, vpcB], peerings: [["Prod_A", "b"]] }],
    ["a VPC with a bad CIDR", { vpcs: [{ name: "a", cidr: "ten" }, vpcB], peerings: [["a", "b"]] }],
    ["a VPC with an unknown key", { vpcs: [{ ...vpcA, zone: 1 }, vpcB], peerings: [["a", "b"]] }],
  ])("reports %s once, without false problems about the peerings that name it", (_, raw) => {
    const problems = problemsOf(raw);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^vpcs\[0\]/);
  });

  it("accepts the most permissive Terraform Cloud settings", () => {
    const cloud = { organization: "Acme_Corp-2", workspacePrefix: "p".repeat(78), hostname: "tfe.example.com:8443" };
    expect(parseConfig(defaultWith({ terraformCloud: cloud })).terraformCloud).toEqual(cloud);
  });

  it("accepts a /27, the smallest VPC the app builds, with one AZ", () => {
    expect(parseConfig(defaultWith({ vpcs: [{ ...vpcA, cidr: "10.0.0.0/27" }, vpcB] })).vpcs[0].cidr).toBe(
      "10.0.0.0/27",
    );
  });

  it(`lists at most ${MAX_LISTED_PROBLEMS} problems and counts the rest`, () => {
    const vpcs = Array.from({ length: 12_400 }, (_, i) => ({ name: `BAD${i}`, cidr: "10.0.0.0/24" }));
    let message = "";
    try {
      parseConfig({ vpcs });
    } catch (e) {
      message = (e as ConfigError).message;
    }
    expect(message.split("\n").filter((l) => l.startsWith("  - "))).toHaveLength(MAX_LISTED_PROBLEMS);
    expect(message).toMatch(/\n {2}\.\.\. and 12,350 more$/);
  });

  it("cuts long values it echoes and escapes control characters", () => {
    const [problem] = problemsOf(defaultWith({ region: `\u001b[31m${"x".repeat(100_000)}` }));
    expect(problem).toContain('region is "\\u001b[31mxxx');
    expect(problem.length).toBeLessThan(300);
  });

  it("finds overlaps in a large full mesh by sorting, without comparing every pair", () => {
    const vpcs = [...manyVpcs(20_000), { name: "late", cidr: "10.3.0.0/16" }];
    const error = errorOf({ vpcs, peerings: "full-mesh", peeringQuota: 125 });
    // 10.3.0.0/16 overlaps the 256 /24s of v768..v1023; every one of the 20,001 VPCs has 20,000
    // peers, over the peering quota, the rules quota and the routes quota.
    expect(error.total).toBe(256 + 3 * 20_001);
    expect(error.problems[0]).toBe(
      'vpcs[20000].cidr "10.3.0.0/16" overlaps vpcs[768].cidr "10.3.0.0/24" (peerings "full-mesh" peers them; peered VPCs need disjoint ranges): change one of the blocks',
    );
  });
});

describe("rulesPerSecurityGroup", () => {
  const mesh = (n: number, extra: Record<string, unknown> = {}) => ({
    vpcs: manyVpcs(n),
    peerings: "full-mesh",
    peeringQuota: 125,
    routesPerRouteTable: 125,
    ...extra,
  });

  it("allows exactly AWS's default of 60 inbound rules: a 61-VPC full mesh gives each group 60", () => {
    expect(() => parseConfig(mesh(61))).not.toThrow();
  });

  it.each([
    [
      "a 62-VPC full mesh at the default quota",
      mesh(62),
      62,
      'VPC "v0": its ping security group needs 61 inbound IPv4 rules (one per block of each peered VPC), over the quota of 60 inbound rules per security group (AWS\'s default is 60): request an increase of "Inbound or outbound rules per security group" (L-0EA8095F) in Service Quotas, up to 1,000 divided by the security groups per network interface, and set "rulesPerSecurityGroup" to it',
    ],
    [
      "a VPC peered with more VPCs than a lowered quota",
      {
        vpcs: manyVpcs(4),
        peerings: [
          ["v0", "v1"],
          ["v0", "v2"],
          ["v0", "v3"],
        ],
        rulesPerSecurityGroup: 2,
      },
      1,
      'VPC "v0": its ping security group needs 3 inbound IPv4 rules (one per block of each peered VPC), over the quota of 2 inbound rules per security group',
    ],
  ])("rejects %s, naming the VPC, the count and the quota to raise", (_, raw, groups, message) => {
    const error = errorOf(raw);
    expect(error.total).toBe(groups);
    expect(error.problems[0]).toContain(message);
  });

  it.each([
    ["62 VPCs in a full mesh with the quota raised to 61", mesh(62, { rulesPerSecurityGroup: 61 })],
    ["62 VPCs in a full mesh with the quota at its maximum", mesh(62, { rulesPerSecurityGroup: 1000 })],
  ])("accepts %s", (_, raw) => {
    expect(() => parseConfig(raw)).not.toThrow();
  });

  it("accepts the 125-VPC full mesh that npm run bench and validate:mesh build", () => {
    expect(parseConfig(fullMeshConfig(125)).peerings).toHaveLength(7750);
  });

  it.each([
    [
      0,
      "rulesPerSecurityGroup is 0: use your account's quota of inbound or outbound rules per security group: a whole number from 1 to 1,000",
    ],
    [1001, "rulesPerSecurityGroup is 1001: use your account's quota"],
    ["60", 'rulesPerSecurityGroup is "60" (a string): use your account\'s quota'],
  ])("rejects the quota %p", (value, message) => {
    expect(problemsOf(defaultWith({ rulesPerSecurityGroup: value }))).toEqual([expect.stringContaining(message)]);
  });
});

describe("the examples", () => {
  it.each(EXAMPLE_PATHS)("%s is a valid config", (file) => {
    expect(() => loadConfig({ PEERING_CONFIG: file })).not.toThrow();
  });
});

describe("regions, accounts, DNS and hub and spoke", () => {
  const role = "arn:aws:iam::222222222222:role/peering";
  const three = manyVpcs(3);

  it("places each VPC in its own region, or the top-level one, and reads each account's id from its role", () => {
    const config = parseConfig({
      region: "eu-west-1",
      accounts: { network: { roleArn: role } },
      vpcs: [three[0], { ...three[1], region: "us-east-1" }, { ...three[2], account: "network" }],
    });
    expect(config.vpcs.map((v) => [v.name, v.region, v.account])).toEqual([
      ["v0", "eu-west-1", undefined],
      ["v1", "us-east-1", undefined],
      ["v2", "eu-west-1", "network"],
    ]);
    expect(config.accounts).toEqual({ network: { roleArn: role, accountId: "222222222222", partition: "aws" } });
  });

  it("turns DNS resolution on for every pair with the top-level key, unless a pair object says otherwise", () => {
    const config = parseConfig({
      vpcs: three,
      dnsResolution: true,
      peerings: [["v0", "v1"], { vpcs: ["v1", "v2"], dnsResolution: false }, { vpcs: ["v2", "v0"] }],
    });
    expect([config.peerings, config.dnsResolution]).toEqual([
      [
        ["v0", "v1"],
        ["v1", "v2"],
        ["v2", "v0"],
      ],
      [
        ["v0", "v1"],
        ["v2", "v0"],
      ],
    ]);
    expect(parseConfig({ vpcs: three, peerings: [["v0", "v1"]] }).dnsResolution).toBeUndefined();
  });

  it("peers the hub with every other VPC, or with the spokes it lists, the hub requesting, and no spoke with another", () => {
    const names = fc.uniqueArray(fc.integer({ min: 0, max: 7 }), { minLength: 2, maxLength: 8 });
    fc.assert(
      fc.property(names, fc.boolean(), (picked, listSpokes) => {
        const vpcs = manyVpcs(8);
        const [hub, ...spokes] = picked.map((i) => `v${i}`);
        const config = parseConfig({ vpcs, peerings: listSpokes ? { hub, spokes } : { hub } });
        const expected = listSpokes ? spokes : vpcs.map((v) => v.name).filter((n) => n !== hub);
        expect(config.peerings).toEqual(expected.map((s) => [hub, s]));
        expect(config.hub).toEqual({ name: hub, spokes: expected });
        for (const s of expected) expect(peersOf(config, s).map((p) => p.name)).toEqual([hub]);
      }),
      { seed: 7, numRuns: 100 },
    );
  });
});
