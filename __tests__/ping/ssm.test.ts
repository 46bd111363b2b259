import {
  DescribeInstanceInformationCommand,
  DescribeInstanceInformationCommandInput,
  GetCommandInvocationCommand,
  GetCommandInvocationCommandOutput,
  InstanceInformation,
  SendCommandCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { PingInputError } from "../../lib/ping/errors";
import { DeployedInstance } from "../../lib/ping/outputs";
import { Expected, pairKey, PingReport } from "../../lib/ping/results";
import { runPing } from "../../lib/ping/run";
import {
  agentInfo,
  awsError,
  fakeClock,
  fakeCommands,
  instances,
  invocation,
  pingOutput,
  recordingProgress,
} from "./fixtures";

jest.setTimeout(5_000);

const ssm = mockClient(SSMClient);
const TIMEOUT_MS = 600_000;
const AGENT_TIMEOUT_MS = 300_000;
const replies = (_source: DeployedInstance, target: DeployedInstance): GetCommandInvocationCommandOutput =>
  invocation("Success", pingOutput(target.privateIp, 3));

/** Agents as the fake SSM lists them: Online unless `status` says otherwise for an id (undefined: not listed at all). */
function agents(
  status: (id: string, round: number) => InstanceInformation["PingStatus"] | undefined = () => "Online",
): void {
  const rounds = new Map<string, number>();
  ssm.on(DescribeInstanceInformationCommand).callsFake(async (input: DescribeInstanceInformationCommandInput) => {
    const ids = input.Filters?.[0]?.Values ?? [];
    const list = ids.flatMap((id) => {
      const round = (rounds.get(id) ?? 0) + 1;
      rounds.set(id, round);
      const s = status(id, round);
      return s === undefined ? [] : agentInfo([id], s);
    });
    return { InstanceInformationList: list };
  });
}

/** SendCommand and GetCommandInvocation of a fake SSM that answers each pair with `answer`. */
type Answer = (source: DeployedInstance, target: DeployedInstance, call: number) => GetCommandInvocationCommandOutput;

function commands(fleet: readonly DeployedInstance[], answer: Answer = replies): void {
  const fake = fakeCommands(fleet, answer);
  ssm.on(SendCommandCommand).callsFake(async (input) => fake.send(input));
  ssm.on(GetCommandInvocationCommand).callsFake(async (input) => fake.get(input));
}

async function run(fleet: readonly DeployedInstance[], expectations: ReadonlyMap<string, Expected> | null = null) {
  const clock = fakeClock();
  const progress = recordingProgress();
  const client = new SSMClient({ region: "eu-west-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  const report = await runPing(
    { instances: fleet, expectations, region: "eu-west-1" },
    { client, clock, random: () => 0.5, progress },
    {
      timeoutMs: TIMEOUT_MS,
      agentTimeoutMs: AGENT_TIMEOUT_MS,
    },
  );
  const elapsedMs = clock.now() - Date.parse(report.startedAt);
  return { report, progress, clock, elapsedMs };
}

const key = (p: { from: string; to: string }): string => pairKey(p.from, p.to);
const statuses = (report: PingReport): Record<string, string> =>
  Object.fromEntries(report.pairs.map((p) => [key(p), p.status]));

/** The safety property of every run: a pair is reachable only when it is one of those that really got replies. */
function expectReachableOnly(report: PingReport, replied: readonly string[]): void {
  expect(
    report.pairs
      .filter((p) => p.status === "reachable")
      .map(key)
      .sort(),
  ).toEqual([...replied].sort());
  for (const p of report.pairs.filter((x) => x.status === "reachable")) expect(p.received).toBeGreaterThan(0);
}

beforeEach(() => ssm.reset());

describe("runPing against a mocked SSM", () => {
  it("pings every pair of a healthy deployment and reports them reachable", async () => {
    const fleet = instances(3);
    agents();
    commands(fleet);
    const { report, progress } = await run(fleet);

    expect(statuses(report)).toEqual({
      "a -> b": "reachable",
      "a -> c": "reachable",
      "b -> a": "reachable",
      "b -> c": "reachable",
      "c -> a": "reachable",
      "c -> b": "reachable",
    });
    expect(report.pairs[0]).toEqual({
      from: "a",
      to: "b",
      fromInstanceId: fleet[0].id,
      toIp: "10.0.1.40",
      status: "reachable",
      detail: "0% packet loss",
      transmitted: 3,
      received: 3,
      lossPercent: 0,
      rttAvgMs: 0.41,
      expected: null,
      matches: null,
    });
    expect(report.instances.map((i) => i.agent)).toEqual(["Online", "Online", "Online"]);
    expect(report).toMatchObject({
      region: "eu-west-1",
      startedAt: "2030-01-01T00:00:00.000Z",
      mismatches: [],
      unanswered: [],
    });
    expect(progress.lines).toEqual(expect.arrayContaining(["SSM agents online: 3/3", "pings answered: 6/6"]));
  });

  it("sends one AWS-RunShellScript ping per target to the other instances, never stopping on failures", async () => {
    const fleet = instances(3);
    agents();
    commands(fleet);
    await run(fleet);

    const sent = ssm.commandCalls(SendCommandCommand).map((c) => c.args[0].input);
    expect(sent.map((s) => [s.Parameters?.commands, s.InstanceIds])).toEqual([
      [["ping -c 3 10.0.0.40"], [fleet[1].id, fleet[2].id]],
      [["ping -c 3 10.0.1.40"], [fleet[0].id, fleet[2].id]],
      [["ping -c 3 10.0.2.40"], [fleet[0].id, fleet[1].id]],
    ]);
    for (const s of sent)
      expect(s).toMatchObject({ DocumentName: "AWS-RunShellScript", MaxErrors: "100%", MaxConcurrency: "100%" });
  });

  it("batches 120 instances into SendCommand calls of at most 50 instance ids, covering every pair once", async () => {
    const fleet = instances(120);
    agents();
    commands(fleet);
    const { report } = await run(fleet);

    const sent = ssm.commandCalls(SendCommandCommand).map((c) => c.args[0].input.InstanceIds ?? []);
    expect(sent).toHaveLength(120 * 3);
    expect(Math.max(...sent.map((ids) => ids.length))).toBe(50);
    const described = ssm
      .commandCalls(DescribeInstanceInformationCommand)
      .map((c) => c.args[0].input.Filters?.[0]?.Values ?? []);
    expect(Math.max(...described.map((ids) => ids.length))).toBeLessThanOrEqual(50);
    expect(report.pairs).toHaveLength(120 * 119);
    expect(report.pairs.every((p) => p.status === "reachable")).toBe(true);
  }, 20_000); // 14,280 mocked GetCommandInvocation calls take a few seconds of the mock library's bookkeeping

  it("stops waiting for an agent that never comes Online at the agent deadline, and sends it nothing", async () => {
    const fleet = instances(3);
    const c = fleet[2];
    agents((id) => (id === c.id ? "ConnectionLost" : "Online"));
    commands(fleet);
    const { report, elapsedMs, progress } = await run(fleet);

    expect(elapsedMs).toBeLessThanOrEqual(AGENT_TIMEOUT_MS);
    expect(report.instances.find((i) => i.name === "c")?.agent).toBe("ConnectionLost");
    expect(statuses(report)).toMatchObject({ "c -> a": "no-answer", "c -> b": "no-answer" });
    expect(report.unanswered.map(key)).toEqual(["c -> a", "c -> b"]);
    expect(report.unanswered[0].detail).toBe(`SSM agent of ${c.id} not Online (ConnectionLost), nothing sent`);
    expect(ssm.commandCalls(SendCommandCommand).flatMap((s) => s.args[0].input.InstanceIds)).not.toContain(c.id);
    expect(progress.lines).toContain("SSM agents online: 2/3 (waiting for c: ConnectionLost)");
    expectReachableOnly(report, ["a -> b", "a -> c", "b -> a", "b -> c"]);
  });

  it("reports every pair unanswered when no agent ever registers, without sending anything", async () => {
    const fleet = instances(3);
    agents(() => undefined);
    commands(fleet);
    const { report, elapsedMs } = await run(fleet);

    expect(elapsedMs).toBeLessThanOrEqual(AGENT_TIMEOUT_MS);
    expect(report.instances.map((i) => i.agent)).toEqual(["NotRegistered", "NotRegistered", "NotRegistered"]);
    expect(report.unanswered).toHaveLength(6);
    expect(ssm.commandCalls(SendCommandCommand)).toHaveLength(0);
    expectReachableOnly(report, []);
  });

  it("waits for agents that come Online late", async () => {
    const fleet = instances(2);
    agents((_id, round) => (round < 3 ? undefined : "Online"));
    commands(fleet);
    const { report, clock } = await run(fleet);

    expect(clock.slept.slice(0, 2)).toEqual([10_000, 10_000]);
    expectReachableOnly(report, ["a -> b", "b -> a"]);
  });

  it("retries InvocationDoesNotExist until the invocation shows up", async () => {
    const fleet = instances(2);
    agents();
    commands(fleet, (source, target, call) => {
      if (call === 1) throw awsError("InvocationDoesNotExist");
      return replies(source, target);
    });
    const { report } = await run(fleet);

    expect(ssm.commandCalls(GetCommandInvocationCommand)).toHaveLength(4);
    expectReachableOnly(report, ["a -> b", "b -> a"]);
  });

  it("retries throttling of every call with growing, capped delays", async () => {
    const fleet = instances(2);
    const fake = fakeCommands(fleet, (source, target, call) => {
      if (call <= 3) throw awsError("ThrottlingException");
      return replies(source, target);
    });
    ssm
      .on(DescribeInstanceInformationCommand)
      .rejectsOnce(awsError("ThrottlingException"))
      .resolves({ InstanceInformationList: agentInfo(fleet.map((i) => i.id)) });
    ssm
      .on(SendCommandCommand)
      .rejectsOnce(awsError("TooManyRequestsException", 429))
      .callsFake(async (input) => fake.send(input));
    ssm.on(GetCommandInvocationCommand).callsFake(async (input) => fake.get(input));
    const { report, clock } = await run(fleet);

    expect(ssm.commandCalls(DescribeInstanceInformationCommand)).toHaveLength(2);
    expect(ssm.commandCalls(SendCommandCommand)).toHaveLength(3);
    expect(ssm.commandCalls(GetCommandInvocationCommand)).toHaveLength(8);
    // 375 ms once each for Describe and Send, then 375, 750, 1500 for each of the two invocations (jitter factor 0.75).
    expect([...clock.slept].sort((x, y) => x - y)).toEqual([375, 375, 375, 375, 750, 750, 1500, 1500]);
    expectReachableOnly(report, ["a -> b", "b -> a"]);
  });
});

describe("runPing when pings fail", () => {
  const throws = (name: string) => (): never => {
    throw awsError(name);
  };
  it.each<[string, () => GetCommandInvocationCommandOutput, string]>([
    [
      "an execution timeout",
      () => invocation("TimedOut", "", { StatusDetails: "ExecutionTimedOut" }),
      "command TimedOut (ExecutionTimedOut)",
    ],
    [
      "a delivery timeout",
      () => invocation("TimedOut", "", { StatusDetails: "DeliveryTimedOut" }),
      "command TimedOut (DeliveryTimedOut)",
    ],
    [
      "an undeliverable command",
      () => invocation("Failed", "", { StatusDetails: "Undeliverable" }),
      "command Failed (Undeliverable) without a ping summary: no output",
    ],
    ["a cancelled command", () => invocation("Cancelled"), "command Cancelled"],
    [
      "an invocation still InProgress at the deadline",
      () => invocation("InProgress"),
      "no result before the deadline (last: status InProgress)",
    ],
    [
      "throttling that outlasts the deadline",
      throws("ThrottlingException"),
      "no result before the deadline (last: ThrottlingException: ThrottlingException from the mock)",
    ],
    [
      "an access error",
      throws("AccessDeniedException"),
      "GetCommandInvocation failed: AccessDeniedException: AccessDeniedException from the mock",
    ],
  ])("reports %s from b as no answer, never reachable, within the deadline", async (_, failure, detail) => {
    const fleet = instances(3);
    agents();
    commands(fleet, (source, target) => (source.name === "b" ? failure() : replies(source, target)));
    const { report, elapsedMs } = await run(fleet);

    expect(elapsedMs).toBeLessThanOrEqual(TIMEOUT_MS);
    expect(report.unanswered.map((p) => [key(p), p.detail])).toEqual([
      ["b -> a", detail],
      ["b -> c", detail],
    ]);
    expectReachableOnly(report, ["a -> b", "a -> c", "c -> a", "c -> b"]);
  });

  it("tells 100% loss (unreachable) from partial loss (reachable, loss reported)", async () => {
    const fleet = instances(3);
    agents();
    commands(fleet, (source, target) => {
      if (target.name === "c") return invocation("Failed", pingOutput(target.privateIp, 0), { ResponseCode: 1 });
      if (source.name === "c") return invocation("Success", pingOutput(target.privateIp, 1));
      return replies(source, target);
    });
    const { report } = await run(fleet);

    expect(report.pairs.map((p) => [key(p), p.status, p.received, p.lossPercent])).toEqual([
      ["a -> b", "reachable", 3, 0],
      ["a -> c", "unreachable", 0, 100],
      ["b -> a", "reachable", 3, 0],
      ["b -> c", "unreachable", 0, 100],
      ["c -> a", "reachable", 1, 66.6667],
      ["c -> b", "reachable", 1, 66.6667],
    ]);
    expect(report.unanswered).toEqual([]);
    expectReachableOnly(report, ["a -> b", "b -> a", "c -> a", "c -> b"]);
  });

  it("handles a terminated instance that SSM no longer lists: nothing from it, 100% loss to it", async () => {
    const fleet = instances(3);
    const c = fleet[2];
    agents((id) => (id === c.id ? undefined : "Online"));
    commands(fleet, (source, target) =>
      target.name === "c" ? invocation("Failed", pingOutput(target.privateIp, 0)) : replies(source, target),
    );
    const { report, elapsedMs } = await run(fleet);

    expect(elapsedMs).toBeLessThanOrEqual(AGENT_TIMEOUT_MS);
    expect(statuses(report)).toMatchObject({
      "a -> c": "unreachable",
      "b -> c": "unreachable",
      "c -> a": "no-answer",
      "c -> b": "no-answer",
    });
    expectReachableOnly(report, ["a -> b", "b -> a"]);
  });

  it("handles an instance terminated after its agent was Online: SendCommand's InvalidInstanceId is isolated to it", async () => {
    const fleet = instances(3);
    const c = fleet[2];
    const fake = fakeCommands(fleet, replies);
    agents();
    ssm.on(SendCommandCommand).callsFake(async (input) => {
      if (input.InstanceIds?.includes(c.id)) throw awsError("InvalidInstanceId");
      return fake.send(input);
    });
    ssm.on(GetCommandInvocationCommand).callsFake(async (input) => fake.get(input));
    const { report } = await run(fleet);

    expect(report.unanswered.map((p) => [key(p), p.detail])).toEqual([
      ["c -> a", "SendCommand: InvalidInstanceId (instance terminated, stopped or not managed by SSM)"],
      ["c -> b", "SendCommand: InvalidInstanceId (instance terminated, stopped or not managed by SSM)"],
    ]);
    expectReachableOnly(report, ["a -> b", "a -> c", "b -> a", "b -> c"]);
  });

  it("stops waiting for an id DescribeInstanceInformation calls invalid, asking one id at a time to find it", async () => {
    const fleet = instances(3);
    const c = fleet[2];
    ssm.on(DescribeInstanceInformationCommand).callsFake(async (input: DescribeInstanceInformationCommandInput) => {
      const ids = input.Filters?.[0]?.Values ?? [];
      if (ids.includes(c.id)) throw awsError("InvalidInstanceId");
      return { InstanceInformationList: agentInfo(ids) };
    });
    commands(fleet);
    const { report, elapsedMs } = await run(fleet);

    expect(elapsedMs).toBeLessThan(10_000);
    expect(report.instances.map((i) => i.agent)).toEqual(["Online", "Online", "InvalidInstanceId"]);
    expect(report.unanswered.map(key)).toEqual(["c -> a", "c -> b"]);
    expectReachableOnly(report, ["a -> b", "a -> c", "b -> a", "b -> c"]);
  });

  it("gives up with unusable input when SSM refuses to describe the instances (credentials, permissions)", async () => {
    ssm.on(DescribeInstanceInformationCommand).rejects(awsError("AccessDeniedException"));
    const attempt = run(instances(2));
    await expect(attempt).rejects.toThrow(PingInputError);
    await expect(attempt).rejects.toThrow(
      /DescribeInstanceInformation failed \(AccessDeniedException.*fix: check the AWS credentials/,
    );
  });

  it("compares with expectations and lists the pairs that differ", async () => {
    const fleet = instances(3);
    agents();
    commands(fleet, (source, target) =>
      target.name === "c" ? invocation("Failed", pingOutput(target.privateIp, 0)) : replies(source, target),
    );
    const expectations = new Map<string, Expected>([
      ["a -> b", true],
      ["a -> c", true],
      ["b -> c", false],
    ]);
    const { report } = await run(fleet, expectations);

    expect(report.mismatches.map((p) => [key(p), p.expected, p.status])).toEqual([["a -> c", true, "unreachable"]]);
    expect(report.pairs.find((p) => key(p) === "b -> c")?.matches).toBe(true);
  });
});
