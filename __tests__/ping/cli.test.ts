import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  SendCommandCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { writeFileAtomic } from "../../lib/core/files";
import { CliDeps, main } from "../../lib/ping/cli";
import { PingInputError } from "../../lib/ping/errors";
import { DeployedInstance } from "../../lib/ping/outputs";
import { Expected, PingReport } from "../../lib/ping/results";
import { agentInfo, fakeClock, fakeCommands, instances, invocation, pingOutput } from "./fixtures";

jest.setTimeout(5_000);

const ssm = mockClient(SSMClient);
const fleet = instances(3);
const everyPair = (value: Expected): Map<string, Expected> =>
  new Map(
    fleet.flatMap((f) =>
      fleet.filter((t) => t !== f).map((t): [string, Expected] => [`${f.name} -> ${t.name}`, value]),
    ),
  );

/** A fake SSM where every agent is Online and `answer` decides each pair (all reply by default). */
function healthySsm(
  answer = (_s: DeployedInstance, t: DeployedInstance) => invocation("Success", pingOutput(t.privateIp, 3)),
): void {
  const fake = fakeCommands(fleet, answer);
  ssm.on(DescribeInstanceInformationCommand).resolves({ InstanceInformationList: agentInfo(fleet.map((i) => i.id)) });
  ssm.on(SendCommandCommand).callsFake(async (input) => fake.send(input));
  ssm.on(GetCommandInvocationCommand).callsFake(async (input) => fake.get(input));
}

/** Runs the CLI with fakes; returns its exit code, what it printed, and the calls it made to its dependencies. */
async function cli(argv: string[], overrides: Partial<CliDeps> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const files = new Map<string, string>();
  const regions: (string | undefined)[] = [];
  const sources: { outputsFile?: string; stackDir: string }[] = [];
  const synthDirs: string[] = [];
  const deps: CliDeps = {
    stdout: (text) => out.push(text),
    stderr: { isTTY: false, write: (text: string) => err.push(text) },
    createClient: (region) => {
      regions.push(region);
      return new SSMClient({
        region: region ?? "eu-west-1",
        credentials: { accessKeyId: "test", secretAccessKey: "test" },
      });
    },
    readInstances: (source) => {
      sources.push(source);
      return fleet;
    },
    loadExpectations: async (synthDir) => {
      synthDirs.push(synthDir);
      return everyPair(true);
    },
    synthesizedRegion: () => "eu-west-1",
    writeFile: (file, text) => files.set(file, text),
    clock: fakeClock(),
    random: () => 0.5,
    ...overrides,
  };
  const code = await main(argv, deps);
  return { code, stdout: out.join(""), stderr: err.join(""), files, regions, sources, synthDirs };
}

beforeEach(() => ssm.reset());

describe("npm run ping", () => {
  it("prints the matrix, writes the report and exits 0 when every pair answers as reach predicts", async () => {
    healthySsm();
    const { code, stdout, stderr, files } = await cli(["--report", "ping-report.json"]);

    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        "from \\ to  a          b          c",
        "a          -          0% 0.41ms  0% 0.41ms",
        "b          0% 0.41ms  -          0% 0.41ms",
        "c          0% 0.41ms  0% 0.41ms  -",
        "",
        "Rows ping columns. Cells: packet loss and average RTT; 100% loss = ping ran, no reply; no answer = no result; ! = differs from reach.",
        "6 pairs: 6 reachable, 0 unreachable, 0 no answer; 0 differ from reach",
        "",
      ].join("\n"),
    );
    expect(stderr).toContain("SSM agents online: 3/3");
    const report = JSON.parse(files.get("ping-report.json") ?? "null") as PingReport;
    expect(Object.keys(report)).toEqual([
      "region",
      "startedAt",
      "finishedAt",
      "instances",
      "pairs",
      "mismatches",
      "unanswered",
    ]);
    expect(report.instances[0]).toEqual({ ...fleet[0], agent: "Online" });
    expect(report.pairs).toHaveLength(6);
    expect(report.pairs[0]).toMatchObject({ from: "a", to: "b", status: "reachable", expected: true, matches: true });
    expect(report).toMatchObject({ region: "eu-west-1", mismatches: [], unanswered: [] });
  });

  it("exits 3 and lists the pair when a result differs from reach", async () => {
    healthySsm((s, t) =>
      s.name === "a" && t.name === "c"
        ? invocation("Failed", pingOutput(t.privateIp, 0))
        : invocation("Success", pingOutput(t.privateIp, 3)),
    );
    const { code, stdout } = await cli([]);

    expect(code).toBe(3);
    expect(stdout).toContain("a          -          0% 0.41ms  100% loss !");
    expect(stdout).toContain("Differs from reach:\n  a -> c: expected reachable, got unreachable (100% packet loss)");
  });

  it("exits 3 when a pair does not answer, even when nothing is compared (--no-expect)", async () => {
    healthySsm((s, t) =>
      s.name === "b"
        ? invocation("TimedOut", "", { StatusDetails: "ExecutionTimedOut" })
        : invocation("Success", pingOutput(t.privateIp, 3)),
    );
    const loadExpectations = jest.fn();
    const { code, stdout } = await cli(["--no-expect"], { loadExpectations });

    expect(code).toBe(3);
    expect(loadExpectations).not.toHaveBeenCalled();
    expect(stdout).toContain("b          no answer  -          no answer");
    expect(stdout).toContain("not compared with reach (--no-expect)");
    expect(stdout).toContain("No answer (never counted as reachable):\n  b -> a: command TimedOut (ExecutionTimedOut)");
  });

  it("exits 0 with --no-expect when every pair answers, unreachable ones included", async () => {
    healthySsm((_s, t) =>
      invocation(t.name === "c" ? "Failed" : "Success", pingOutput(t.privateIp, t.name === "c" ? 0 : 3)),
    );
    expect((await cli(["--no-expect"])).code).toBe(0);
  });

  it("passes --outputs-file, --synth-dir and --region on, and reads terraform outputs from the instances stack by default", async () => {
    healthySsm();
    const given = await cli(["--outputs-file", "out.json", "--synth-dir", "build", "--region", "us-east-2"]);
    const defaults = await cli([]);

    expect(given.sources).toEqual([{ outputsFile: "out.json", stackDir: path.join("build", "stacks", "instances") }]);
    expect(given.synthDirs).toEqual(["build"]);
    expect(given.regions).toEqual(["us-east-2"]);
    expect(defaults.sources).toEqual([
      { outputsFile: undefined, stackDir: path.join("cdktf.out", "stacks", "instances") },
    ]);
    expect(defaults.regions).toEqual([undefined]);
  });

  it("warns when reach predicts only some pairs", async () => {
    healthySsm();
    const { code, stderr } = await cli([], { loadExpectations: async () => new Map([["a -> b", true]]) });

    expect(code).toBe(0);
    expect(stderr).toContain("reach predicts 1 of 6 pairs; the others are measured but not compared");
  });

  it("prints help and exits 0", async () => {
    const { code, stdout } = await cli(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/--outputs-file <file>[\s\S]*--report <file>[\s\S]*--no-expect/);
  });

  it.each([
    ["an unknown option", ["--bogus"], /unknown option '--bogus'/],
    [
      "a timeout that is not a number",
      ["--timeout", "soon"],
      /"soon" is not a whole number of seconds; use e\.g\. 600/,
    ],
    ["a zero agent timeout", ["--agent-timeout", "0"], /"0" is not a whole number of seconds/],
    ["a malformed region", ["--region", "Europe"], /"Europe" is not an AWS region name; use e\.g\. eu-west-1/],
    ["a stray argument", ["extra"], /too many arguments/],
  ])("exits 2 on %s", async (_, argv, message) => {
    const { code, stderr } = await cli(argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(ssm.calls()).toHaveLength(0);
  });

  it.each<[string, Partial<CliDeps>, RegExp]>([
    [
      "unusable outputs",
      {
        readInstances: () => {
          throw new PingInputError("outputs file out.json: not valid JSON (x); fix: y");
        },
      },
      /^ping: outputs file out\.json: not valid JSON/,
    ],
    [
      "expectations that cannot be loaded",
      {
        loadExpectations: async () => {
          throw new PingInputError("cdktf.out: no synthesized stacks; fix: npm run synth");
        },
      },
      /^ping: cdktf\.out: no synthesized stacks/,
    ],
    [
      "no AWS region anywhere",
      {
        createClient: () =>
          new SSMClient({
            region: async () => {
              throw new Error("Region is missing");
            },
          }),
      },
      /^ping: AWS region: none found \(Error: Region is missing\); fix: pass --region/,
    ],
    [
      "a default region other than the stacks'",
      { synthesizedRegion: () => "us-east-2" },
      /^ping: the stacks in cdktf\.out deploy to us-east-2, but ping would look in eu-west-1 \(the AWS SDK's default region\); fix: pass --region us-east-2/,
    ],
  ])("exits 2 on %s, before sending anything", async (_, overrides, message) => {
    const { code, stderr } = await cli([], overrides);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(ssm.calls()).toHaveLength(0);
  });

  it("pings instances in several regions and accounts, each through the client of its region and account, and says where each is", async () => {
    const role = "arn:aws:iam::222222222222:role/peering";
    const [a, b, c, d] = instances(4);
    const placed = [
      a,
      { ...b, region: "us-east-1" },
      { ...c, roleArn: role, region: "eu-west-1" },
      { ...d, roleArn: role, region: "us-east-1" },
    ];
    const fake = fakeCommands(placed, (_s, t) => invocation("Success", pingOutput(t.privateIp, 3)));
    ssm
      .on(DescribeInstanceInformationCommand)
      .callsFake(async (input) => ({ InstanceInformationList: agentInfo(input.Filters?.[0]?.Values ?? []) }));
    ssm.on(SendCommandCommand).callsFake(async (input) => fake.send(input));
    ssm.on(GetCommandInvocationCommand).callsFake(async (input) => fake.get(input));
    const made = new Map<SSMClient, string>();
    const createClient = (region: string | undefined, roleArn?: string) => {
      const client = new SSMClient({
        region: region ?? "eu-west-1",
        credentials: { accessKeyId: "test", secretAccessKey: "test" },
      });
      made.set(client, `${region ?? "default"} ${roleArn ?? "own"}`);
      return client;
    };
    const { code, stdout } = await cli(["--no-expect"], { readInstances: () => placed, createClient });

    expect(code).toBe(0);
    expect([...made.values()].sort()).toEqual([
      "default own",
      "eu-west-1 " + role,
      "us-east-1 " + role,
      "us-east-1 own",
    ]);
    const placeOf = new Map(placed.map((i) => [i.id, `${i.region ?? "default"} ${i.roleArn ?? "own"}`]));
    const ids = (input: object): string[] =>
      "InstanceIds" in input
        ? (input.InstanceIds as string[])
        : "InstanceId" in input
          ? [input.InstanceId as string]
          : (input as { Filters: { Values: string[] }[] }).Filters[0].Values;
    const wrong = ssm.send.getCalls().flatMap((call) =>
      ids(call.args[0].input)
        .filter((id) => placeOf.get(id) !== made.get(call.thisValue as SSMClient))
        .map((id) => `${call.args[0].constructor.name} ${id}`),
    );
    expect(wrong).toEqual([]);
    expect(ssm.commandCalls(SendCommandCommand)).toHaveLength(4 * 3);
    expect(stdout).toContain(
      [
        "Instances:",
        `  a  ${a.id}  eu-west-1  own account`,
        `  b  ${b.id}  us-east-1  own account`,
        `  c  ${c.id}  eu-west-1  account 222222222222 (as ${role})`,
        `  d  ${d.id}  us-east-1  account 222222222222 (as ${role})`,
      ].join("\n"),
    );
    expect(stdout).toContain("12 pairs: 12 reachable");
  });

  it("warns, and pings in the region asked for, when --region differs from the stacks' region", async () => {
    healthySsm();
    const { code, stderr, regions } = await cli(["--region", "eu-central-1"], { synthesizedRegion: () => "eu-west-1" });
    expect(code).toBe(0);
    expect(regions).toEqual(["eu-central-1"]);
    expect(stderr).toContain(
      "ping: warning: the stacks in cdktf.out deploy to eu-west-1, but ping would look in eu-central-1 (--region)",
    );
  });

  it("exits 2 when the report cannot be written, after printing the matrix", async () => {
    healthySsm();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ping-cli-"));
    try {
      const writeFile = (): void => {
        throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
      };
      const { code, stdout, stderr } = await cli(["--report", path.join(dir, "r.json")], { writeFile });
      expect(code).toBe(2);
      expect(stdout).toContain("from \\ to");
      expect(stderr).toMatch(/--report .*r\.json: cannot write \(Error: ENOSPC.*fix: choose a writable path/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ["a directory", (dir: string) => dir, /^ping: --report .* is a directory: name a file inside it/],
    [
      "a path under a missing directory",
      (dir: string) => path.join(dir, "missing", "r.json"),
      /^ping: --report .*r\.json cannot be written: its directory .*missing does not exist/,
    ],
  ])("refuses a --report that is %s in one line, before it pings, and leaves no file", async (_, report, message) => {
    healthySsm();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ping-cli-"));
    try {
      const writeFile = (file: string, text: string): void => writeFileAtomic(file, text, { label: "--report" });
      const { code, stdout, stderr } = await cli(["--report", report(dir)], { writeFile });
      expect([code, stdout, ssm.calls()]).toEqual([2, "", []]);
      expect(stderr.split("\n").filter((l) => l.startsWith("ping: "))).toEqual([expect.stringMatching(message)]);
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exits 0 without pinging when only one instance is deployed", async () => {
    const { code, stderr } = await cli([], { readInstances: () => fleet.slice(0, 1) });
    expect(code).toBe(0);
    expect(stderr).toContain("only one instance (VPC a): no pair to ping");
    expect(ssm.calls()).toHaveLength(0);
  });
});
