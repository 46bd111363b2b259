import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Testing } from "cdktf";
import { parseConfig } from "../lib/config";
import {
  ANALYZER_PROBE_PORT,
  analyzerEndpoints,
  analyzerPairs,
  type AnalyzerPair,
} from "../lib/constructs/reachability-analyzer";
import { InstancesStack, NetworkStack, PeeringStack, ReachabilityAnalyzerStack } from "../stacks";
import { DEFAULT_CONFIG } from "../lib/config";
import { EXAMPLES_BY_NAME, THREE_VPCS_CONFIG } from "../test-support/configs";
import { synthToTemp } from "../test-support/synth";
import { testApp } from "../test-support/testing";
import { runTerraformSync, type TerraformRun, terraformTools } from "../test-support/terraform";
import { reachabilityTftest } from "../test-support/reachability-analyzer-tftest";
import { MOCK } from "../test-support/tftest";

/** The built-in default and every example, as `describe.each` cases. */
const EVERY_CONFIG = [
  { name: "the built-in default", raw: DEFAULT_CONFIG as unknown as Record<string, unknown> },
  ...EXAMPLES_BY_NAME,
];

/** A raw config's VPCs, read without the app's parser: name, region (the config's when none), account name. */
function rawVpcs(raw: Record<string, unknown>): { name: string; region: string; account: string | undefined }[] {
  const vpcs = raw.vpcs as { name: string; region?: string; account?: string }[];
  return vpcs.map((v) => ({
    name: v.name,
    region: v.region ?? (raw.region as string | undefined) ?? DEFAULT_CONFIG.region,
    account: v.account,
  }));
}

/** The account id in the role ARN of a raw config's named account; undefined for the credentials' own. */
function rawAccountId(raw: Record<string, unknown>, account: string | undefined): string | undefined {
  if (account === undefined) return undefined;
  const accounts = raw.accounts as Record<string, { roleArn: string }>;
  return /:iam::(\d{12}):/.exec(accounts[account].roleArn)?.[1];
}

const withAnalyzer = { ...THREE_VPCS_CONFIG, reachabilityAnalyzer: true };

describe("analyzerPairs", () => {
  const config = parseConfig(withAnalyzer);

  it("pairs every instance with every other one in its region, expecting a path exactly where the config peers them", () => {
    const pairs = analyzerPairs(config, analyzerEndpoints(config));
    expect(pairs.map((p) => [p.from, p.to, p.pathFound])).toEqual([
      ["shared", "app", true],
      ["shared", "data", true],
      ["app", "shared", true],
      ["app", "data", false],
      ["data", "shared", true],
      ["data", "app", false],
    ]);
    expect(new Set(pairs.map((p) => p.region))).toEqual(new Set(["eu-west-1"]));
  });

  it("leaves out pairs whose instances are in different regions", () => {
    const config = parseConfig({
      ...withAnalyzer,
      vpcs: THREE_VPCS_CONFIG.vpcs.map((v) => (v.name === "data" ? { ...v, region: "us-east-1" } : v)),
    });
    const pairs = analyzerPairs(config, analyzerEndpoints(config));
    expect(pairs.map((p) => `${p.from}->${p.to}@${p.region}`)).toEqual([
      "shared->app@eu-west-1",
      "app->shared@eu-west-1",
    ]);
  });

  it("leaves out pairs whose instances are in different accounts of one region", () => {
    const config = parseConfig({
      ...withAnalyzer,
      accounts: { other: { roleArn: "arn:aws:iam::222222222222:role/peering" } },
      vpcs: THREE_VPCS_CONFIG.vpcs.map((v) => (v.name === "data" ? { ...v, account: "other" } : v)),
    });
    const pairs = analyzerPairs(config, analyzerEndpoints(config));
    expect(pairs.map((p) => `${p.from}->${p.to}`)).toEqual(["shared->app", "app->shared"]);
  });
});

describe("the reachability stack", () => {
  it("is not added unless the config asks for it", () => {
    const app = synthToTemp(DEFAULT_CONFIG);
    try {
      expect(app.stacks.reachability).toBeUndefined();
      expect(fs.existsSync(path.join(app.outdir, "stacks", "reachability"))).toBe(false);
    } finally {
      app.remove();
    }
  });

  it("analyses each same-region pair with a postcondition on what the config means, after the instances and every peering stack", () => {
    const app = synthToTemp(withAnalyzer);
    try {
      const manifest = JSON.parse(fs.readFileSync(path.join(app.outdir, "manifest.json"), "utf8"));
      expect(manifest.stacks.reachability.dependencies).toEqual(expect.arrayContaining(["instances", "peering"]));
      const json = JSON.parse(fs.readFileSync(path.join(app.outdir, "stacks", "reachability", "cdk.tf.json"), "utf8"));
      const analyses = json.resource.aws_ec2_network_insights_analysis;
      expect(Object.keys(analyses).sort()).toEqual([
        "analysis-app_data",
        "analysis-app_shared",
        "analysis-data_app",
        "analysis-data_shared",
        "analysis-shared_app",
        "analysis-shared_data",
      ]);
      expect(analyses["analysis-shared_app"].lifecycle.postcondition).toEqual([
        expect.objectContaining({ condition: "${self.path_found == true}" }),
      ]);
      expect(analyses["analysis-app_data"].lifecycle.postcondition).toEqual([
        expect.objectContaining({ condition: "${self.path_found == false}" }),
      ]);
      for (const p of Object.values(json.resource.aws_ec2_network_insights_path) as Record<string, unknown>[]) {
        expect(p).toEqual(expect.objectContaining({ protocol: "tcp", destination_port: ANALYZER_PROBE_PORT }));
      }
      const probes = Object.values(json.resource.aws_vpc_security_group_ingress_rule) as Record<string, unknown>[];
      expect(probes.map((r) => r.cidr_ipv4).sort()).toEqual([
        "10.10.0.0/24",
        "10.10.0.0/24",
        "10.20.0.0/24",
        "10.30.0.0/24",
      ]);
    } finally {
      app.remove();
    }
  });

  it("gives instances in another region their own provider and pairs them only among themselves", () => {
    const inUsEast1 = (v: { name: string; cidr: string }) =>
      v.name === "data" || v.name === "far" ? { ...v, region: "us-east-1" } : v;
    const config = parseConfig({
      ...withAnalyzer,
      vpcs: [...THREE_VPCS_CONFIG.vpcs, { name: "far", cidr: "10.40.0.0/24" }].map(inUsEast1),
    });
    const app = testApp();
    const network = new NetworkStack(app, "network", { config });
    const instances = new InstancesStack(app, "instances", { config, network });
    const peering = new PeeringStack(app, "peering", { config, network });
    const stack = new ReachabilityAnalyzerStack(app, "reachability", {
      config,
      instances,
      after: [instances, peering],
    });
    const json = JSON.parse(Testing.synth(stack));
    expect(json.provider.aws.map((p: { alias?: string; region: string }) => [p.alias, p.region])).toEqual([
      [undefined, "eu-west-1"],
      ["us-east-1", "us-east-1"],
    ]);
    expect(json.resource.aws_ec2_network_insights_path["path-data_far"].provider).toBe("aws.us-east-1");
    expect(Object.keys(json.resource.aws_ec2_network_insights_path)).not.toContain("path-shared_data");
  });
});

describe.each(EVERY_CONFIG)("reachabilityAnalyzer on $name", ({ raw }) => {
  const withIt = { ...raw, reachabilityAnalyzer: true };

  it("parses, synthesizes, and analyses exactly each ordered pair of instances that share a region and an account", () => {
    const config = parseConfig(withIt);
    const vpcs = rawVpcs(raw);
    const expected = vpcs.flatMap((from) =>
      vpcs
        .filter((to) => to !== from && to.region === from.region && to.account === from.account)
        .map((to) => `${from.name}_${to.name}`),
    );
    const pairs = analyzerPairs(config, analyzerEndpoints(config));
    expect(pairs.map((p) => `${p.from}_${p.to}`).sort()).toEqual([...expected].sort());
    const app = synthToTemp(withIt);
    try {
      const json = JSON.parse(fs.readFileSync(path.join(app.outdir, "stacks", "reachability", "cdk.tf.json"), "utf8"));
      const paths: Record<string, { provider?: string }> = json.resource?.aws_ec2_network_insights_path ?? {};
      const analyses: Record<string, { lifecycle: { postcondition: { condition: string }[] } }> =
        json.resource?.aws_ec2_network_insights_analysis ?? {};
      expect(Object.keys(paths).sort()).toEqual(expected.map((k) => `path-${k}`).sort());
      expect(Object.keys(analyses).sort()).toEqual(expected.map((k) => `analysis-${k}`).sort());
      const providers = new Map<string | undefined, { region: string; assume_role?: { role_arn: string }[] }>(
        [json.provider.aws]
          .flat()
          .map((p: { alias?: string; region: string; assume_role?: { role_arn: string }[] }) => [
            p.alias === undefined ? undefined : `aws.${p.alias}`,
            p,
          ]),
      );
      const peered = (a: string, b: string) =>
        config.peerings.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
      for (const from of vpcs) {
        for (const to of vpcs.filter((t) => expected.includes(`${from.name}_${t.name}`))) {
          const key = `${from.name}_${to.name}`;
          expect(analyses[`analysis-${key}`].lifecycle.postcondition[0].condition).toBe(
            `\${self.path_found == ${peered(from.name, to.name)}}`,
          );
          const provider = providers.get(paths[`path-${key}`].provider);
          expect(provider?.region).toBe(from.region);
          const role = provider?.assume_role?.[0]?.role_arn;
          expect(role === undefined ? undefined : /:iam::(\d{12}):/.exec(role)?.[1]).toBe(
            rawAccountId(raw, from.account),
          );
        }
      }
    } finally {
      app.remove();
    }
  });
});

/**
 * `terraform init` and `test` of a config's synthesized reachability stack, with the test file
 * reachabilityTftest writes (`terraform test` validates the configuration before its runs).
 */
function terraformTest(
  root: string,
  raw: Record<string, unknown>,
  placed: boolean,
): { pairs: AnalyzerPair[]; flip: AnalyzerPair[]; init: TerraformRun; test: TerraformRun } {
  const { mirror } = terraformTools();
  const app = synthToTemp(raw);
  const dir = path.join(root, "reachability");
  try {
    fs.cpSync(path.join(app.outdir, "stacks", "reachability"), dir, { recursive: true });
  } finally {
    app.remove();
  }
  const config = parseConfig(raw);
  const pairs = analyzerPairs(config, analyzerEndpoints(config));
  const flip = [pairs.find((p) => p.pathFound)!, pairs.find((p) => !p.pathFound)!];
  const vpcs = rawVpcs(raw);
  const placement = (p: AnalyzerPair) => {
    const from = vpcs.find((v) => v.name === p.from)!;
    return `${from.region}:${rawAccountId(raw, from.account) ?? MOCK.account}`;
  };
  const json = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8"));
  fs.writeFileSync(
    path.join(dir, "reachability.tftest.hcl"),
    reachabilityTftest(json, pairs, flip, placed ? placement : undefined),
  );
  const init = runTerraformSync(["init", "-backend=false", `-plugin-dir=${mirror}`, "-input=false"], dir);
  return { pairs, flip, init, test: runTerraformSync(["test"], dir) };
}

describe("the reachability stack in Terraform, offline", () => {
  const roots: string[] = [];
  const tempRoot = () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "peering-reachability-"));
    roots.push(root);
    return root;
  };
  afterAll(() => {
    for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
  });

  it("validates, and its mocked apply passes when every analysis agrees with the config and fails when one does not", () => {
    const { flip, init, test } = terraformTest(tempRoot(), withAnalyzer, false);
    expect(init).toMatchObject({ status: 0, output: expect.any(String) });
    expect(test.output).toMatch(/run "agrees"\.\.\. pass/);
    for (const p of flip) expect(test.output).toMatch(new RegExp(`run "disagrees_${p.from}_${p.to}"\\.\\.\\. pass`));
    expect(test).toMatchObject({ status: 0, output: expect.stringMatching(/\b3 passed, 0 failed\b/) });
  }, 600_000);

  it("has each path of examples/mixed.json (across regions and accounts) created by its own region's and account's provider", () => {
    // mixed.json alone has no pair in one region and account; ops (the network account's, in
    // eu-west-1) and edge (us-east-1) give each of its aliased providers analyses to make.
    const mixed = EXAMPLES_BY_NAME.find((e) => e.name === "examples/mixed.json")!.raw;
    const raw = {
      ...mixed,
      reachabilityAnalyzer: true,
      vpcs: [
        ...mixed.vpcs,
        { name: "ops", cidr: "10.63.0.0/24", account: "network" },
        { name: "edge", cidr: "10.64.0.0/24", region: "us-east-1" },
      ],
    };
    const { pairs, flip, init, test } = terraformTest(tempRoot(), raw, true);
    expect(pairs.map((p) => [p.from, p.to, p.region, p.pathFound])).toEqual([
      ["shared", "ops", "eu-west-1", true],
      ["data", "edge", "us-east-1", false],
      ["ops", "shared", "eu-west-1", true],
      ["edge", "data", "us-east-1", false],
    ]);
    expect(init).toMatchObject({ status: 0, output: expect.any(String) });
    expect(test.output).toMatch(/run "agrees"\.\.\. pass/);
    for (const p of flip) expect(test.output).toMatch(new RegExp(`run "disagrees_${p.from}_${p.to}"\\.\\.\\. pass`));
    expect(test).toMatchObject({ status: 0, output: expect.stringMatching(/\b3 passed, 0 failed\b/) });
  }, 600_000);
});
