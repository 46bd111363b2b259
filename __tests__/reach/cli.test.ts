import { spawnSync } from "child_process";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");
const FIXTURES = path.join(__dirname, "..", "fixtures", "reach");

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(
    path.join(ROOT, "node_modules", ".bin", "ts-node"),
    ["--transpile-only", path.join(ROOT, "scripts", "reach.ts"), ...args],
    {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, CHECKPOINT_DISABLE: "1" },
    }
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("the reach CLI", () => {
  it("exits 0 and prints the matrix when the analysis finds no configuration error", () => {
    const { status, stdout } = run(path.join(FIXTURES, "two-stacks"));
    expect({ status, stdout }).toEqual({
      status: 0,
      stdout: expect.stringContaining("1  instances/aws_instance.a - ✓"),
    });
  });

  it("prints pairs, errors, warnings and instances with --json", () => {
    const { status, stdout } = run(
      "--json",
      "--from",
      "aws_instance.a",
      "--to",
      "aws_instance.b",
      path.join(FIXTURES, "two-stacks")
    );
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      pairs: [
        {
          from: "instances/aws_instance.a",
          to: "instances/aws_instance.b",
          protocol: "ipv4",
          reachable: true,
          reason: expect.any(String),
          path: expect.arrayContaining([
            "network/aws_vpc_peering_connection.ab",
            "instances/aws_security_group.b (ingress)",
          ]),
        },
      ],
      errors: [],
      warnings: [],
      instances: expect.arrayContaining([
        expect.objectContaining({
          address: "instances/aws_instance.a",
          vpc: "network/aws_vpc.a",
          tags: { Name: "a-ping" },
        }),
      ]),
    });
  });

  it("exits 3 when the configuration has errors AWS would reject, and lists them", () => {
    const { status, stdout } = run("--json", path.join(FIXTURES, "overlap.tf.json"));
    expect(status).toBe(3);
    expect(JSON.parse(stdout).errors).toContainEqual({
      resource: "aws_vpc_peering_connection.ab",
      message: expect.stringContaining("overlapping CIDR blocks"),
    });
  });

  it.each([
    [
      "an expression it cannot evaluate",
      [path.join(FIXTURES, "unresolvable.tf.json")],
      /aws_vpc\.b: cidr_block = .* unsupported expression syntax/,
    ],
    ["a directory of HCL", [path.join(FIXTURES, "hcl")], /reach reads Terraform JSON/],
    ["a missing file", [path.join(FIXTURES, "nothing.tf.json")], /no such file or directory/],
    [
      "an unknown instance",
      ["--from", "aws_instance.zz", path.join(FIXTURES, "two-stacks")],
      /--from aws_instance\.zz is not an aws_instance/,
    ],
    ["no PATH", [], /missing required argument/],
  ])("exits 2 for unusable input: %s", (_, args, message) => {
    const { status, stderr } = run(...args);
    expect({ status, stderr }).toEqual({ status: 2, stderr: expect.stringMatching(message) });
  });
});
