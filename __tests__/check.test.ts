import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { AwsClientStub } from "aws-sdk-client-mock";
import {
  blockProbes,
  CheckInputError,
  compareWithIntent,
  formatReport,
  instanceAddresses,
  intended,
  judgeModel,
  liveInstances,
  runProbes,
  synthDifferences,
} from "../lib/check/intent";
import { TerraformResource } from "cdktf";
import { DEFAULT_CONFIG, parseConfig } from "../lib/config";
import { analyze, buildModel, livePlan, loadLive, loadTerraform, readDocuments } from "../lib/reach";
import { findPeering } from "../stacks";
import { type Account, fakeClient, fakeEc2, twoPeeredVpcs } from "./reach/live-account";
import {
  EXAMPLES_BY_NAME,
  FULL_MESH_CONFIG,
  SHARDED_MESH_CONFIG,
  THREE_VPCS_CONFIG,
  withoutConfig,
} from "../test-support/configs";
import { editStack, SynthesizedApp, synthToTemp } from "../test-support/synth";
import { runScript } from "../test-support/scripts";

/**
 * check's verdict on a synthesized app, judged both ways: judgeModel (a byte per pair, as npm run
 * check judges) must report exactly what compareWithIntent makes of the whole analysis.
 */
function check(app: SynthesizedApp) {
  const model = loadTerraform([app.outdir]);
  const addresses = instanceAddresses(app.outdir);
  const report = judgeModel(app.config, addresses, model);
  const probed = runProbes(blockProbes(app.config), addresses, model);
  expect(report).toEqual(compareWithIntent(app.config, addresses, analyze(model), new Map(), probed));
  return report;
}

describe("intended", () => {
  const config = parseConfig(THREE_VPCS_CONFIG);
  it.each([
    ["shared", "app", true],
    ["app", "shared", true],
    ["data", "shared", true],
    ["app", "data", false],
    ["data", "app", false],
  ])("means %s → %s to be %s", (from, to, want) => {
    expect(intended(config, from, to)).toBe(want);
  });
});

describe("check on the app's own stacks", () => {
  it.each([
    ["the default config", DEFAULT_CONFIG, 2, 2],
    ["the full-mesh example", FULL_MESH_CONFIG, 12, 12],
    ["the three-VPC example, whose spokes must not reach each other", THREE_VPCS_CONFIG, 6, 4],
    ["a mesh sharded into several peering stacks", SHARDED_MESH_CONFIG, 12, 12],
  ])("passes for %s: reach finds exactly the peered pairs reachable both ways", (_, raw, pairs, reachable) => {
    const app = synthToTemp(raw);
    try {
      const report = check(app);
      expect(report).toEqual({ pairs, ipv6Pairs: 0, probes: 0, reachable, mismatches: [], errors: [] });
      expect(formatReport(report)).toContain(
        `check passed: reach agrees with the config on all ${pairs} ordered pairs`,
      );
    } finally {
      app.remove();
    }
  });

  it("fails, naming the route, when a route points at the wrong peering", () => {
    const app = synthToTemp(FULL_MESH_CONFIG);
    try {
      const broken = findPeering(app.stacks, "a", "b")!.peering.requesterRoutes[0].friendlyUniqueId;
      const wrongPeering = findPeering(app.stacks, "a", "c")!.peering.connection.friendlyUniqueId;
      editStack(app.outdir, "peering", (json) => {
        json.resource.aws_route[broken].vpc_peering_connection_id = `\${aws_vpc_peering_connection.${wrongPeering}.id}`;
      });
      const report = check(app);
      expect(report.mismatches.map((m) => [m.from, m.to, m.intended, m.found])).toEqual([
        ["a", "b", true, false],
        ["b", "a", true, false],
      ]);
      expect(formatReport(report)).toContain(`peering/aws_route.${broken}`);
      expect(formatReport(report)).toMatch(/^check failed: 2 of 12 ordered pairs differ from the config/m);
    } finally {
      app.remove();
    }
  });

  it("fails, naming the shard and the route, when a route of a sharded mesh points at a peering that does not exist", () => {
    const app = synthToTemp(SHARDED_MESH_CONFIG);
    try {
      const ab = findPeering(app.stacks, "a", "b")!;
      expect(ab.stack.node.id).toMatch(/^peering-\d\d$/);
      const broken = ab.peering.requesterRoutes[0].friendlyUniqueId;
      editStack(app.outdir, ab.stack.node.id, (json) => {
        json.resource.aws_route[broken].vpc_peering_connection_id = "pcx-0123456789abcdef0";
      });
      const report = check(app);
      expect(report.mismatches.map((m) => `${m.from}→${m.to}`)).toEqual(["a→b", "b→a"]);
      expect(formatReport(report)).toContain(`${ab.stack.node.id}/aws_route.${broken}`);
    } finally {
      app.remove();
    }
  });

  it("fails, naming the security group, when an instance stops admitting a peer", () => {
    const app = synthToTemp(DEFAULT_CONFIG);
    try {
      const sg = app.stacks.pingInstances.get("b")!.securityGroup.friendlyUniqueId;
      editStack(app.outdir, "instances", (json) => {
        for (const [name, rule] of Object.entries(json.resource.aws_vpc_security_group_ingress_rule)) {
          if (rule.security_group_id === `\${aws_security_group.${sg}.id}`)
            delete json.resource.aws_vpc_security_group_ingress_rule[name];
        }
      });
      const report = check(app);
      expect(report.mismatches).toEqual([
        expect.objectContaining({
          from: "a",
          to: "b",
          intended: true,
          found: false,
          reason: expect.stringContaining(`instances/aws_security_group.${sg}`),
        }),
      ]);
    } finally {
      app.remove();
    }
  });

  it("fails when a pair the config leaves unpeered can ping", () => {
    const app = synthToTemp(DEFAULT_CONFIG);
    try {
      const report = compareWithIntent(
        { ...app.config, peerings: [] },
        instanceAddresses(app.outdir),
        analyze(loadTerraform([app.outdir])),
      );
      expect(report.mismatches.map((m) => `${m.from}→${m.to}:${m.found}`)).toEqual(["a→b:true", "b→a:true"]);
    } finally {
      app.remove();
    }
  });
});

describe("check on every example", () => {
  /** Every peering of every example, as [example, requester, accepter]. */
  const peerings = EXAMPLES_BY_NAME.flatMap(({ name, raw }) =>
    parseConfig(raw).peerings.map(([a, b]) => ({ name, raw, a, b })),
  );

  it.each(EXAMPLES_BY_NAME)("passes on $name", ({ raw }) => {
    const app = synthToTemp(raw);
    try {
      const report = check(app);
      expect([report.mismatches, report.errors]).toEqual([[], []]);
      expect(formatReport(report)).toMatch(/^check passed: /m);
    } finally {
      app.remove();
    }
  });

  it.each(peerings)(
    "fails on $name without the $a → $b route, naming $a's route table for the request and for the reply",
    ({ raw, a, b }) => {
      const app = synthToTemp(raw);
      try {
        const route = findPeering(app.stacks, a, b)!.peering.requesterRoutes[0].friendlyUniqueId;
        editStack(app.outdir, "peering", (json) => delete json.resource.aws_route[route]);
        const report = check(app);
        const table = app.stacks.vpcs.vpcs.get(a)!.privateRouteTables[0].friendlyUniqueId;
        const culprit = {
          intended: true,
          found: false,
          reason: expect.stringContaining(`network/aws_route_table.${table}`),
        };
        // A probe of a secondary block of either VPC fails too: its reply takes the same table.
        const pairs = report.mismatches.filter((m) => m.probe === undefined);
        expect(pairs).toHaveLength(2);
        expect(pairs).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ from: a, to: b, ...culprit }),
            expect.objectContaining({ from: b, to: a, ...culprit }),
          ]),
        );
        expect(report.mismatches).toEqual(report.mismatches.map(() => expect.objectContaining(culprit)));
        expect(formatReport(report)).toMatch(
          new RegExp(`^check failed: ${report.mismatches.length} of \\d+ (ordered pairs|comparisons) `, "m"),
        );
      } finally {
        app.remove();
      }
    },
  );

  it.each(peerings)("fails on $name when $b stops admitting $a, naming $b's security group", ({ raw, a, b }) => {
    const app = synthToTemp(raw);
    try {
      const rule = app.stacks.instances[0].node
        .findChild(`instance-${b}`)
        .node.findChild(`ping-from-${a}`) as TerraformResource;
      editStack(
        app.outdir,
        "instances",
        (json) => delete json.resource.aws_vpc_security_group_ingress_rule[rule.friendlyUniqueId],
      );
      const report = check(app);
      const sg = app.stacks.pingInstances.get(b)!.securityGroup.friendlyUniqueId;
      expect(report.mismatches).toEqual([
        expect.objectContaining({
          from: a,
          to: b,
          intended: true,
          found: false,
          reason: expect.stringContaining(`instances/aws_security_group.${sg}`),
        }),
      ]);
    } finally {
      app.remove();
    }
  });

  it("says why spokes of a hub must not reach each other, and names it when two of them can", () => {
    const hubSpoke = EXAMPLES_BY_NAME.find((e) => e.name === "examples/hub-spoke.json")!.raw;
    const app = synthToTemp(hubSpoke);
    try {
      const report = check(app);
      expect(report.notes).toEqual([
        expect.stringMatching(
          /^spokes app, data and ci cannot ping each other, as the config means: each is peered with the hub shared only, and peering is not transitive/,
        ),
      ]);
      const result = analyze(loadTerraform([app.outdir]));
      const leaky = {
        ...result,
        pairs: result.pairs.map((p) =>
          p.from.includes("instance-app_") && p.to.includes("instance-data_") ? { ...p, reachable: true } : p,
        ),
      };
      const wrong = compareWithIntent(app.config, instanceAddresses(app.outdir), leaky);
      expect(wrong.notes).toBeUndefined();
      expect(formatReport(wrong)).toContain(
        "✗ app → data: the config means unreachable (both are spokes of the hub shared, and peering is not transitive",
      );
    } finally {
      app.remove();
    }
  });

  it("adds no note where the config has no hub, even when two VPCs share a peer", () => {
    const app = synthToTemp(THREE_VPCS_CONFIG);
    try {
      expect(check(app).notes).toBeUndefined();
    } finally {
      app.remove();
    }
  });
});

describe("check of a synth that is not the config's", () => {
  const threeVpcs = {
    ...DEFAULT_CONFIG,
    vpcs: [...DEFAULT_CONFIG.vpcs, { name: "c", cidr: "10.0.2.0/24" }],
    peerings: "full-mesh",
  };
  const differences = (app: SynthesizedApp, raw: unknown) =>
    synthDifferences(parseConfig(raw), readDocuments([app.outdir]), instanceAddresses(app.outdir));

  it.each([
    ["the default config", DEFAULT_CONFIG],
    ["the full-mesh example", FULL_MESH_CONFIG],
    ["a sharded mesh", SHARDED_MESH_CONFIG],
  ])("finds no difference between %s and its own synth", (_, raw) => {
    const app = synthToTemp(raw);
    try {
      expect(differences(app, raw)).toEqual([]);
    } finally {
      app.remove();
    }
  });

  it("names the VPC and the instance a synth holds that the config does not describe", () => {
    const app = synthToTemp(threeVpcs);
    try {
      const found = differences(app, DEFAULT_CONFIG);
      expect(found).toEqual([
        expect.stringMatching(
          /^the synth holds VPC network\/aws_vpc\.vpc-c_vpc_\w+ named "c", which the config does not describe$/,
        ),
        expect.stringMatching(
          /^the synth's instances output lists instances\/aws_instance\.instance-c_\w+ for VPC "c", which the config does not describe$/,
        ),
      ]);
    } finally {
      app.remove();
    }
  });

  it("names the VPC of the config that a synth lacks", () => {
    const app = synthToTemp(DEFAULT_CONFIG);
    try {
      expect(differences(app, threeVpcs)).toEqual([
        'the config\'s VPC "c" has no aws_vpc in the synth',
        "the config's VPC \"c\" has no instance in the synth's instances output",
      ]);
    } finally {
      app.remove();
    }
  });

  it("names a VPC whose block differs, a VPC without a Name tag and an instance no output lists", () => {
    const app = synthToTemp(DEFAULT_CONFIG);
    try {
      editStack(app.outdir, "network", (json) => {
        const [a, b] = Object.keys(json.resource.aws_vpc);
        json.resource.aws_vpc[a].cidr_block = "10.9.0.0/24";
        delete json.resource.aws_vpc[b].tags;
      });
      editStack(app.outdir, "instances", (json) => {
        const [first] = Object.values(json.resource.aws_instance);
        json.resource.aws_instance.stray = { ...first };
      });
      expect(differences(app, DEFAULT_CONFIG)).toEqual([
        expect.stringMatching(
          /^VPC "a" \(network\/aws_vpc\.vpc-a_vpc_\w+\) has the block "10\.9\.0\.0\/24" in the synth, 10\.0\.0\.0\/24 in the config$/,
        ),
        expect.stringMatching(
          /^the synth holds VPC network\/aws_vpc\.vpc-b_vpc_\w+ with no literal Name tag, which the config does not describe$/,
        ),
        'the config\'s VPC "b" has no aws_vpc in the synth',
        "the synth holds instance instances/aws_instance.stray, which is no VPC's of the config",
      ]);
    } finally {
      app.remove();
    }
  });

  it("fails the report, listing each difference, when only differences are found", () => {
    const text = formatReport({
      pairs: 2,
      ipv6Pairs: 0,
      probes: 0,
      reachable: 2,
      mismatches: [],
      errors: [],
      stale: ["one", "two"],
    });
    expect(text.split("\n")).toEqual([
      "✗ one",
      "✗ two",
      expect.stringMatching(
        /^check failed: 0 of 2 ordered pairs differ from the config, 0 configuration error\(s\), 2 difference\(s\) between the synth and the config \(a stale or foreign synth/,
      ),
      "",
    ]);
  });
});

describe("npm run check", () => {
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runScript("check", args, { ...withoutConfig(process.env), CHECKPOINT_DISABLE: "1", ...env });

  it("synthesizes the default app and passes", () => {
    const result = run([]);
    expect([result.status, result.stdout]).toEqual([0, expect.stringContaining("check passed")]);
  });

  it("reads an existing cdktf.out with --out, and exits 3 naming the broken route", () => {
    const app = synthToTemp(DEFAULT_CONFIG);
    try {
      const route = findPeering(app.stacks, "a", "b")!.peering.accepterRoutes[0].friendlyUniqueId;
      editStack(app.outdir, "peering", (json) => {
        json.resource.aws_route[route].vpc_peering_connection_id = "pcx-0123456789abcdef0";
      });
      const result = run(["--out", app.outdir]);
      expect(result.status).toBe(3);
      expect(result.stdout).toContain("✗ a → b: the config means reachable, reach finds unreachable");
      expect(result.stdout).toContain(`peering/aws_route.${route}`);
    } finally {
      app.remove();
    }
  });

  it("synthesizes a sharded mesh from PEERING_CONFIG and passes", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "peering-check-config-"));
    try {
      const config = path.join(dir, "sharded.json");
      fs.writeFileSync(config, JSON.stringify(SHARDED_MESH_CONFIG));
      const result = run([], { PEERING_CONFIG: config });
      expect([result.status, result.stdout]).toEqual([
        0,
        expect.stringContaining("check passed: reach agrees with the config on all 12 ordered pairs"),
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(["inter-region", "cross-account", "dns", "hub-spoke"])(
    "synthesizes examples/%s.json from PEERING_CONFIG and passes",
    (shape) => {
      const result = run([], { PEERING_CONFIG: path.join(__dirname, "..", "examples", `${shape}.json`) });
      expect([result.status, result.stdout]).toEqual([
        0,
        expect.stringMatching(/check passed: reach agrees with the config on all \d+ ordered pairs/),
      ]);
      if (shape === "hub-spoke")
        expect(result.stdout).toContain("✓ spokes app, data and ci cannot ping each other, as the config means");
    },
  );

  it("exits 3 on the cross-account example when the accepter uses the requester's account, naming the accepter and the account that must accept", () => {
    const raw = EXAMPLES_BY_NAME.find((e) => e.name === "examples/cross-account.json")!.raw;
    const app = synthToTemp(raw);
    try {
      const accepter = findPeering(app.stacks, "app", "shared")!.peering.accepterConnection!.friendlyUniqueId;
      editStack(
        app.outdir,
        "peering",
        (json) => delete json.resource.aws_vpc_peering_connection_accepter[accepter].provider,
      );
      const result = run(["--out", app.outdir], {
        PEERING_CONFIG: path.join(__dirname, "..", "examples", "cross-account.json"),
      });
      expect(result.status).toBe(3);
      expect(result.stdout).toContain(`✗ peering/aws_vpc_peering_connection_accepter.${accepter}: accepts`);
      expect(result.stdout).toContain("222222222222");
      expect(result.stdout).toContain("✗ app → shared: the config means reachable, reach finds unreachable");
    } finally {
      app.remove();
    }
  });

  it("exits 3 naming the VPC and instance of a stale --out that the config no longer describes", () => {
    const app = synthToTemp({
      ...DEFAULT_CONFIG,
      vpcs: [...DEFAULT_CONFIG.vpcs, { name: "c", cidr: "10.0.2.0/24" }],
      peerings: "full-mesh",
    });
    try {
      const result = run(["--out", app.outdir]);
      expect(result.status).toBe(3);
      expect(result.stdout).toMatch(
        /^✗ the synth holds VPC network\/aws_vpc\.vpc-c_vpc_\w+ named "c", which the config does not describe$/m,
      );
      expect(result.stdout).toMatch(
        /^✗ the synth's instances output lists instances\/aws_instance\.instance-c_\w+ for VPC "c"/m,
      );
      expect(result.stdout).toMatch(
        /^check failed: 0 of 2 ordered pairs differ from the config, 0 configuration error\(s\), 2 difference\(s\) between the synth and the config/m,
      );
    } finally {
      app.remove();
    }
  });

  it("exits 2, saying what to do in one line and without a stack trace, when --out holds no synthesized stacks", () => {
    const result = run(["--out", path.join(__dirname, "..", "examples")]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /^check: .* does not exist: synthesize the app as JSON \(npm run synth\) or leave out --out\n$/,
    );
  });

  it("with --against BASE, prints the pairs the change loses and exits 4 although the check passes", () => {
    const base = synthToTemp({
      ...DEFAULT_CONFIG,
      vpcs: [...DEFAULT_CONFIG.vpcs, { name: "c", cidr: "10.0.2.0/24" }],
      peerings: "full-mesh",
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "peering-check-against-"));
    try {
      const config = path.join(dir, "chain.json");
      const chain = {
        vpcs: [...DEFAULT_CONFIG.vpcs, { name: "c", cidr: "10.0.2.0/24" }],
        peerings: [
          ["a", "b"],
          ["b", "c"],
        ],
      };
      fs.writeFileSync(config, JSON.stringify(chain));
      const result = run(["--against", base.outdir], { PEERING_CONFIG: config });
      expect(result.stdout).toContain("check passed");
      expect(result.stdout).toContain(`Reach diff of the config against ${base.outdir}: 2 pairs lost, 0 gained.`);
      expect(result.stdout).toMatch(
        /instance-a_\w+ → instances\/aws_instance\.instance-c_\w+ \(ipv4\): ✓ → ✗\n {6}now: /,
      );
      expect(result.stdout).toMatch(/\n {6}removed peering: peering\/aws_vpc_peering_connection\.peering-a_c_/);
      expect(result.status).toBe(4);
    } finally {
      base.remove();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exits 2 with the config's problems when the config is bad", () => {
    const result = run([], { PEERING_CONFIG: path.join(__dirname, "..", "package.json") });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("the config has unknown key");
  });
});

describe("instanceAddresses", () => {
  let outdir: string;
  beforeEach(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), "check-out-"));
    fs.mkdirSync(path.join(outdir, "stacks", "instances"), { recursive: true });
  });
  afterEach(() => fs.rmSync(outdir, { recursive: true, force: true }));

  const withStack = (text: string) => fs.writeFileSync(path.join(outdir, "stacks", "instances", "cdk.tf.json"), text);
  const failure = (): string => {
    try {
      instanceAddresses(outdir);
    } catch (e) {
      if (e instanceof CheckInputError) return e.message;
      throw e;
    }
    throw new Error("expected a CheckInputError");
  };

  it("reads each VPC's instance address from the instances output", () => {
    withStack(JSON.stringify({ output: { instances: { value: { a: { address: "aws_instance.x" } } } } }));
    expect(instanceAddresses(outdir)).toEqual(new Map([["a", "instances/aws_instance.x"]]));
  });

  it.each([
    ["a stack that is not JSON", "{ not json", /cdk\.tf\.json: is not valid JSON \(.*\): synthesize the app as JSON/],
    [
      "a null output entry",
      JSON.stringify({ output: { instances: { value: { a: null } } } }),
      /output "instances"\.a = null has no address/,
    ],
    ["no instances output", JSON.stringify({ output: null }), /has no "instances" output/],
    [
      "an instances output declared twice (Terraform refuses it)",
      '{"output": {"instances": {"value": {}}}, "output": {"instances": {"value": {}}}}',
      /output "instances" is declared twice/,
    ],
    [
      "an output nested 10,000 levels deep",
      `{"output": {"instances": {"value": {"a": ${"[".repeat(10_000)}${"]".repeat(10_000)}}}}}`,
      /cdk\.tf\.json: nested too deeply at output\.instances\.value\.a\[0\]/,
    ],
  ])("refuses %s with an input error", (_, text, message) => {
    withStack(text);
    expect(failure()).toMatch(message);
  });
});

describe("check --live: the deployed network against the config", () => {
  let app: SynthesizedApp;
  let mock: AwsClientStub<EC2Client> | undefined;
  beforeAll(() => {
    app = synthToTemp(DEFAULT_CONFIG);
  });
  afterAll(() => app.remove());
  afterEach(() => mock?.restore());

  /** check --live's comparison on `account`, an EC2 account as the fake reports it. */
  async function checkLive(account: Account) {
    const client = fakeClient();
    mock = fakeEc2(account, { client }).mock;
    const documents = readDocuments([app.outdir]);
    const live = await loadLive(livePlan(documents), { clientFor: () => client });
    const synthesized = instanceAddresses(app.outdir);
    const deployed = liveInstances(synthesized, buildModel(documents), live);
    return { deployed, report: compareWithIntent(app.config, deployed.addresses, analyze(live), deployed.absent) };
  }

  it("finds each VPC's deployed instance by its synthesized instance's tags, and passes", async () => {
    const { deployed, report } = await checkLive(twoPeeredVpcs());
    expect(deployed.addresses).toEqual(
      new Map([
        ["a", "a-ping/i-a"],
        ["b", "b-ping/i-b"],
      ]),
    );
    expect(report).toEqual({ pairs: 2, ipv6Pairs: 0, probes: 0, reachable: 2, mismatches: [], errors: [] });
  });

  it("fails naming both when a peering route and a security group rule were deleted (drift)", async () => {
    const account = twoPeeredVpcs();
    const table = account.routeTables.find((t) => t.RouteTableId === "rtb-a")!;
    table.Routes = table.Routes!.filter((r) => !r.VpcPeeringConnectionId);
    account.securityGroupRules = account.securityGroupRules.filter((r) => r.SecurityGroupRuleId !== "sgr-a-in");
    const { report } = await checkLive(account);
    expect(report.mismatches.map((m) => [m.from, m.to, m.found])).toEqual([
      ["a", "b", false],
      ["b", "a", false],
    ]);
    const text = formatReport(report);
    expect(text).toContain(
      "✗ a → b: the config means reachable, reach finds unreachable: rtb-a (a-private-0): 0.0.0.0/0 → nat-a",
    );
    expect(text).toContain(
      "✗ b → a: the config means reachable, reach finds unreachable: sg-a (a-ping-1) (ingress): no ingress rule allows an ICMP echo request from 10.0.1.40",
    );
  });

  it("fails for a VPC whose instance is not deployed, saying so", async () => {
    const account = twoPeeredVpcs();
    account.instances = account.instances.filter((i) => i.InstanceId !== "i-b");
    const { report } = await checkLive(account);
    expect(report.mismatches.map((m) => m.reason)).toEqual([
      "b's instance is not deployed: EC2 lists no instance tagged Name = b-ping among the app's instances",
      "b's instance is not deployed: EC2 lists no instance tagged Name = b-ping among the app's instances",
    ]);
  });

  it("refuses to guess between two deployed instances with the same tags", async () => {
    const account = twoPeeredVpcs();
    account.instances.push({ ...account.instances[1], InstanceId: "i-b2" });
    await expect(checkLive(account)).rejects.toThrow(
      new CheckInputError(
        `the deployed instances b-ping/i-b and b-ping/i-b2 all carry the tags of ${instanceAddresses(app.outdir).get("b")} (Name = b-ping): check cannot tell which is b's; terminate the stray ones`,
      ),
    );
  });
});

describe("npm run check -- --live", () => {
  it("exits 2 naming --live when --region comes without it", () => {
    const result = runScript("check", ["--region", "eu-west-1"], { ...process.env, CHECKPOINT_DISABLE: "1" });
    expect([result.status, result.stderr]).toEqual([2, "check: --region only applies with --live\n"]);
  });
});
