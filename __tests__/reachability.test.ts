import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Testing } from "cdktf";
import { parseConfig } from "../lib/config";
import { ANALYZER_PROBE_PORT, analyzerEndpoints, analyzerPairs } from "../lib/reachability";
import { InstancesStack, NetworkStack, PeeringStack, ReachabilityStack } from "../stacks";
import { DEFAULT_CONFIG } from "../lib/config";
import { THREE_VPCS_CONFIG } from "../test-support/configs";
import { synthToTemp } from "../test-support/synth";
import { testApp } from "../test-support/testing";
import { terraformTools } from "../test-support/terraform";
import { reachabilityTftest } from "../test-support/reachability-tftest";

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
    const config = parseConfig({ ...withAnalyzer, vpcs: THREE_VPCS_CONFIG.vpcs.map((v) => (v.name === "data" ? { ...v, region: "us-east-1" } : v)) });
    const pairs = analyzerPairs(config, analyzerEndpoints(config));
    expect(pairs.map((p) => `${p.from}->${p.to}@${p.region}`)).toEqual(["shared->app@eu-west-1", "app->shared@eu-west-1"]);
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
      expect(Object.keys(analyses).sort()).toEqual(["analysis-app_data", "analysis-app_shared", "analysis-data_app", "analysis-data_shared", "analysis-shared_app", "analysis-shared_data"]);
      expect(analyses["analysis-shared_app"].lifecycle.postcondition).toEqual([expect.objectContaining({ condition: "${self.path_found == true}" })]);
      expect(analyses["analysis-app_data"].lifecycle.postcondition).toEqual([expect.objectContaining({ condition: "${self.path_found == false}" })]);
      for (const p of Object.values(json.resource.aws_ec2_network_insights_path) as Record<string, unknown>[]) {
        expect(p).toEqual(expect.objectContaining({ protocol: "tcp", destination_port: ANALYZER_PROBE_PORT }));
      }
      const probes = Object.values(json.resource.aws_vpc_security_group_ingress_rule) as Record<string, unknown>[];
      expect(probes.map((r) => r.cidr_ipv4).sort()).toEqual(["10.10.0.0/24", "10.10.0.0/24", "10.20.0.0/24", "10.30.0.0/24"]);
    } finally {
      app.remove();
    }
  });

  it("gives instances in another region their own provider and pairs them only among themselves", () => {
    const inUsEast1 = (v: { name: string; cidr: string }) => (v.name === "data" || v.name === "far" ? { ...v, region: "us-east-1" } : v);
    const config = parseConfig({ ...withAnalyzer, vpcs: [...THREE_VPCS_CONFIG.vpcs, { name: "far", cidr: "10.40.0.0/24" }].map(inUsEast1) });
    const app = testApp();
    const network = new NetworkStack(app, "network", { config });
    const instances = new InstancesStack(app, "instances", { config, network });
    const peering = new PeeringStack(app, "peering", { config, network });
    const stack = new ReachabilityStack(app, "reachability", { config, instances, after: [instances, peering] });
    const json = JSON.parse(Testing.synth(stack));
    expect(json.provider.aws.map((p: { alias?: string; region: string }) => [p.alias, p.region])).toEqual([
      [undefined, "eu-west-1"],
      ["us-east-1", "us-east-1"],
    ]);
    expect(json.resource.aws_ec2_network_insights_path["path-data_far"].provider).toBe("aws.us-east-1");
    expect(Object.keys(json.resource.aws_ec2_network_insights_path)).not.toContain("path-shared_data");
  });
});

describe("the reachability stack in Terraform, offline", () => {
  let root: string | undefined;
  afterAll(() => {
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it("validates, and its mocked apply passes when every analysis agrees with the config and fails when one does not", () => {
    const { mirror } = terraformTools();
    root = fs.mkdtempSync(path.join(os.tmpdir(), "peering-reachability-"));
    const app = synthToTemp(withAnalyzer);
    const dir = path.join(root, "reachability");
    try {
      fs.cpSync(path.join(app.outdir, "stacks", "reachability"), dir, { recursive: true });
    } finally {
      app.remove();
    }
    const config = parseConfig(withAnalyzer);
    const pairs = analyzerPairs(config, analyzerEndpoints(config));
    const flip = [pairs.find((p) => p.pathFound)!, pairs.find((p) => !p.pathFound)!];
    const json = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8"));
    fs.writeFileSync(path.join(dir, "reachability.tftest.hcl"), reachabilityTftest(json, pairs, flip));
    const cliConfig = path.join(root, "terraform.rc");
    fs.writeFileSync(cliConfig, "");
    const env = { PATH: process.env.PATH, HOME: root, CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: cliConfig, TF_IN_AUTOMATION: "1", TF_INPUT: "0" };
    const terraform = (...args: string[]) => {
      const run = spawnSync("terraform", [...args, "-no-color"], { cwd: dir, env, encoding: "utf8" });
      return { status: run.status, output: `${run.stdout}${run.stderr}` };
    };
    const init = terraform("init", "-backend=false", `-plugin-dir=${mirror}`, "-input=false");
    expect(init).toEqual({ status: 0, output: expect.any(String) });
    const validate = terraform("validate");
    expect(validate).toEqual({ status: 0, output: expect.stringContaining("The configuration is valid") });
    const test = terraform("test");
    expect(test.output).toMatch(/run "agrees"\.\.\. pass/);
    for (const p of flip) expect(test.output).toMatch(new RegExp(`run "disagrees_${p.from}_${p.to}"\\.\\.\\. pass`));
    expect(test).toEqual({ status: 0, output: expect.stringMatching(/\b3 passed, 0 failed\b/) });
  }, 600_000);
});
