import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { withoutConfig } from "../../test-support/configs";
import { runScript } from "../../test-support/scripts";

const ROOT = path.join(__dirname, "..", "..");
const FIXTURES = path.join(ROOT, "__tests__", "fixtures", "reach");

function cost(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): { status: number | null; stdout: string; stderr: string } {
  return runScript("cost", args, { ...withoutConfig(process.env), CHECKPOINT_DISABLE: "1", ...env });
}

describe("npm run cost", () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "peering-cost-"));
    fs.mkdirSync(path.join(tmp, "empty"));
    const instance = (body: Record<string, unknown>) => ({
      provider: { aws: [{ region: "eu-west-1" }] },
      resource: {
        aws_vpc: { v: { cidr_block: "10.0.0.0/24" } },
        aws_subnet: { s: { vpc_id: "${aws_vpc.v.id}", cidr_block: "10.0.0.0/25" } },
        aws_instance: { i: { ami: "ami-1", instance_type: "t3.nano", subnet_id: "${aws_subnet.s.id}", ...body } },
      },
    });
    fs.writeFileSync(path.join(tmp, "constructor.tf.json"), JSON.stringify(instance({ instance_type: "constructor" })));
    fs.writeFileSync(
      path.join(tmp, "negative.tf.json"),
      JSON.stringify(instance({ root_block_device: { volume_size: -8 } })),
    );
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("estimates the built-in default per stack and ends with the monthly total", () => {
    const run = cost(["--gb", "10"]);
    expect(run.status).toBe(0);
    // 2 NAT gateways (2 × 730 h × $0.048 = 70.08, 20 GB × $0.048 = 0.96), 2 EIPs (7.30), 2 t3.nano (8.32),
    // 2 × 8 GB gp3 (1.41), one peering (10 GB × $0.02 = 0.20).
    expect(run.stdout).toMatch(/^network \(eu-west-1\)$/m);
    expect(run.stdout).toMatch(/^ {2}network total +\$78\.34$/m);
    expect(run.stdout).toMatch(/^ {2}instances total +\$9\.73$/m);
    expect(run.stdout.trimEnd().split("\n").pop()).toBe("Monthly total: $88.27");
  });

  it("compares natGateways per-az, single and none for the config, with the totals last", () => {
    const run = cost(["--compare"], { PEERING_CONFIG: "examples/three-vpcs.json" });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/natGateways +per-az +single\* +none/);
    // shared and app span 2 AZs, data 1: per-az 5 NAT gateways and EIPs (175.20 + 18.25), single 3 (105.12 + 10.95);
    // always 3 t3.nano (12.48) and 24 GB of gp3 (2.11); none adds the SSM interface endpoints, 3 per
    // AZ of each VPC (15 × 730 h × $0.011 = 120.45).
    expect(run.stdout.trimEnd().split("\n").pop()).toMatch(/^Monthly total +\$208\.04 +\$130\.66 +\$135\.04$/);
  });

  it.each([
    ["a path that does not exist", ["does/not/exist"], /does\/not\/exist: no such file or directory/],
    ["an empty directory", ["<tmp>/empty"], /empty: has no cdk\.tf\.json, \*\.tf\.json or manifest\.json/],
    ["a directory of HCL only", [path.join(FIXTURES, "hcl")], /has only HCL \(main\.tf\)/],
    ["--compare with a PATH", ["--compare", "cdktf.out"], /--compare synthesizes the config .* leave out PATH/],
    ["a negative --gb", ["--gb", "-1"], /"-1" is not a number of GB/],
    ["a --gb too large to add up", ["--gb", "1e308"], /"1e308" is not a number of GB \(use 0 to 1000000000/],
    [
      "an instance type named constructor",
      ["<tmp>/constructor.tf.json"],
      /^cost: aws_instance\.i: no price for instance type "constructor" in the eu-west-1 table/,
    ],
    [
      "a negative volume_size",
      ["<tmp>/negative.tf.json"],
      /^cost: aws_instance\.i: root_block_device\.volume_size = -8 is not a literal whole number of at least 1/,
    ],
  ])("exits 2 with a clear message, and no stack trace, for %s", (_, args, message) => {
    const run = cost(args.map((a) => a.replace("<tmp>", tmp)));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).not.toContain("NaN");
  });
});
