import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { reachCommand } from "../../lib/reach/cli";
import { runScript } from "../../test-support/scripts";

const ROOT = path.join(__dirname, "..", "..");
const FIXTURES = path.join(__dirname, "..", "fixtures", "reach");

/** Runs scripts/reach.ts in its own process, as `npm run reach` does. */
function spawnReach(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnReachIn({ ...process.env, CHECKPOINT_DISABLE: "1" }, ...args);
}

function spawnReachIn(
  env: NodeJS.ProcessEnv,
  ...args: string[]
): { status: number | null; stdout: string; stderr: string } {
  return runScript("reach", args, env);
}

/** Runs the reach command in this process; returns its exit code and what it wrote. */
async function reach(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const status = await reachCommand(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { status, stdout, stderr };
}

describe("the reach CLI, in its own process", () => {
  it("exits 0 and prints the matrix when the analysis finds no configuration error", () => {
    expect(spawnReach(path.join(FIXTURES, "two-stacks"))).toEqual({
      status: 0,
      stdout: expect.stringContaining("1  instances/aws_instance.a - ✓"),
      stderr: "",
    });
  });

  it("exits 3 when the configuration has errors AWS would reject, and lists them", () => {
    const { status, stdout } = spawnReach("--json", path.join(FIXTURES, "overlap.tf.json"));
    expect(status).toBe(3);
    expect(JSON.parse(stdout).errors).toContainEqual({
      resource: "aws_vpc_peering_connection.ab",
      message: expect.stringContaining("overlapping CIDR blocks"),
    });
  });

  it("exits 2 with one line on stderr, no stack trace, for unusable input", () => {
    expect(spawnReach(path.join(FIXTURES, "unresolvable.tf.json"))).toEqual({
      status: 2,
      stdout: "",
      stderr: expect.stringMatching(/^reach: aws_vpc\.b: cidr_block = .* unsupported expression syntax[^\n]*\n$/),
    });
  });
});

describe("reach --live in its own process, with the AWS SDK's own credential chain and HTTP", () => {
  /** An environment with no AWS setting of this machine: no profile files, no instance metadata, every endpoint on a closed loopback port. */
  let closedPort: number;
  beforeAll(async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    closedPort = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
  });
  const isolated = (extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("AWS_"))),
    CHECKPOINT_DISABLE: "1",
    AWS_CONFIG_FILE: os.devNull,
    AWS_SHARED_CREDENTIALS_FILE: os.devNull,
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    AWS_ENDPOINT_URL: `http://127.0.0.1:${closedPort}`,
    ...extra,
  });

  it.each([
    [
      "no credentials",
      {},
      /^reach: EC2 DescribeInstances in eu-west-1: no AWS credentials \(CredentialsProviderError: [^\n]*\); fix: set AWS_PROFILE[^\n]*\n$/,
    ],
    [
      "an endpoint that is down",
      { AWS_ACCESS_KEY_ID: "fake", AWS_SECRET_ACCESS_KEY: "fake" },
      /^reach: EC2 DescribeInstances in eu-west-1: the endpoint did not answer \([^\n]*ECONNREFUSED[^\n]*\); fix: [^\n]*\n$/,
    ],
  ])("exits 2 with one line and no stack trace for %s", (_, extra, message) => {
    expect(spawnReachIn(isolated(extra), "--live", path.join(FIXTURES, "two-stacks"))).toEqual({
      status: 2,
      stdout: "",
      stderr: expect.stringMatching(message),
    });
  });

  it("exits 2 with the config's problems, before any call, when it has no PATH and PEERING_CONFIG is bad", () => {
    expect(spawnReachIn(isolated({ PEERING_CONFIG: path.join(ROOT, "package.json") }), "--live")).toEqual({
      status: 2,
      stdout: "",
      stderr: expect.stringMatching(
        /^reach: Invalid peering config \(.*package\.json\):\n( {2}- .*\n)* {2}- the config has unknown keys/,
      ),
    });
  });
});

describe("the reach command", () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "reach-cli-"));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** A file in the temp directory holding `text`. */
  const file = (name: string, text: string): string => {
    const target = path.join(tmp, name);
    fs.writeFileSync(target, text);
    return target;
  };

  it("prints pairs, errors, warnings and instances with --json", async () => {
    const { status, stdout } = await reach(
      "--json",
      "--from",
      "aws_instance.a",
      "--to",
      "aws_instance.b",
      path.join(FIXTURES, "two-stacks"),
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

  it("names its exit codes in --help, and exits 0 for it", async () => {
    const { status, stdout } = await reach("--help");
    expect(status).toBe(0);
    expect(stdout).toContain(
      "Exit codes: 0 no configuration error, 3 configuration errors AWS would reject, 4 (--diff) a pair reachable in BASE is not in HEAD, 2 unusable input, 1 crash.",
    );
  });

  it.each([
    ["no PATH", () => [], /^reach: give PATH\.\.\. .*, or --live to read what is deployed\n$/],
    [
      "--region without --live",
      () => ["--region", "eu-west-1", path.join(FIXTURES, "two-stacks")],
      /--region only applies with --live/,
    ],
    [
      "a --region that is no region name",
      () => ["--live", "--region", "Ireland"],
      /"Ireland" is not an AWS region name/,
    ],
    ["a directory of HCL", () => [path.join(FIXTURES, "hcl")], /reach reads Terraform JSON/],
    ["a missing file", () => [path.join(FIXTURES, "nothing.tf.json")], /no such file or directory/],
    ["a character device", () => ["/dev/null"], /\/dev\/null: is a character device/],
    ["a file that is not JSON", () => [path.join(ROOT, "README.md")], /README\.md: is not valid JSON/],
    [
      "JSON nested 10,000 levels deep",
      () => [file("deep.tf.json", `{"resource": ${"[".repeat(10_000)}${"]".repeat(10_000)}}`)],
      /deep\.tf\.json: nested too deeply at resource\[0\]\[0\]/,
    ],
    [
      "an unknown instance",
      () => ["--from", "aws_instance.zz", path.join(FIXTURES, "two-stacks")],
      /--from aws_instance\.zz is not an aws_instance/,
    ],
    [
      "a --to address with a zone id",
      () => ["--to", "fe80::1%eth0", path.join(FIXTURES, "two-stacks")],
      /--to "fe80::1%eth0" has an IPv6 zone id/,
    ],
  ])("exits 2 for %s, saying why on stderr", async (_, args, message) => {
    const { status, stdout, stderr } = await reach(...args());
    expect({ status, stdout, stderr }).toEqual({ status: 2, stdout: "", stderr: expect.stringMatching(message) });
  });
});
