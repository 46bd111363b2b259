import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  SendCommandCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
import { PingInputError } from "./errors";
import { DeployedInstance } from "./outputs";
import { chunk, MAX_INSTANCES_PER_COMMAND, pingCommand, PingCommandPlan, planPingCommands } from "./plan";
import { Progress } from "./progress";
import { AgentStatus, InvocationOutcome, pairKey } from "./results";
import { backoffMs, classifyError, describeError, unsupportedOperation } from "./retry";

/** Time as the SSM layer sees it; tests pass a fake whose sleep advances now() and resolves at once. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** What the SSM layer needs from outside: the client (mocked in tests), time, randomness for jitter, a progress display. */
export interface SsmDeps {
  /** The SSM client of instances in the default region and account. */
  readonly client: SSMClient;
  /**
   * The SSM client of an instance's region and account (one per region and account, each assuming
   * the account's role): every call about an instance goes through it.
   * @default - `client` for every instance
   */
  readonly clientOf?: (instance: DeployedInstance) => SSMClient;
  readonly clock: Clock;
  readonly random: () => number;
  readonly progress: Progress;
}

/** Deadlines (epoch ms) and pacing of the SSM calls. */
export interface SsmTiming {
  /** Nothing is sent or polled after this. */
  readonly deadline: number;
  /** Waiting for SSM agents to come Online stops here (at the latest at `deadline`). */
  readonly agentDeadline: number;
  /** Pause between two DescribeInstanceInformation rounds. */
  readonly agentPollMs: number;
  /** Pause between two GetCommandInvocation calls on an unfinished invocation. */
  readonly invocationPollMs: number;
  /** First retry delay after a throttling, transient or not-yet-visible error; doubles up to backoffCapMs. */
  readonly backoffBaseMs: number;
  readonly backoffCapMs: number;
  /** How many SendCommand or GetCommandInvocation loops run at once. */
  readonly concurrency: number;
}

/** Sensible pacing; deadlines are set by the caller. */
export const DEFAULT_PACING = {
  agentPollMs: 10_000,
  invocationPollMs: 2_000,
  backoffBaseMs: 500,
  backoffCapMs: 20_000,
  concurrency: 8,
} as const;

/** How long the shell command may run on an instance: ping -c 3 ends within about 12 s even without replies. */
export const EXECUTION_TIMEOUT_SECONDS = 60;

/** SSM's longest delivery timeout (30 days). */
const MAX_DELIVERY_TIMEOUT_SECONDS = 2_592_000;

/** What measuring found: each instance's agent status, and each pair's invocation outcome keyed by pairKey(from, to). */
export interface Measurement {
  readonly agents: ReadonlyMap<string, AgentStatus>;
  readonly outcomes: ReadonlyMap<string, InvocationOutcome>;
}

/** Waits for the agents, pings every instance from every other Online one and collects each invocation's outcome. */
export async function measure(
  instances: readonly DeployedInstance[],
  deps: SsmDeps,
  timing: SsmTiming,
): Promise<Measurement> {
  const agents = await waitForAgents(instances, deps, timing);
  const online = instances.filter((i) => agents.get(i.id) === "Online");
  const outcomes = new Map<string, InvocationOutcome>();
  for (const from of instances.filter((i) => agents.get(i.id) !== "Online")) {
    for (const to of instances.filter((t) => t.id !== from.id)) {
      const detail = `SSM agent of ${from.id} not Online (${agents.get(from.id)}), nothing sent`;
      outcomes.set(pairKey(from.name, to.name), { kind: "no-result", detail });
    }
  }

  // A command runs where its sources are: one per target and client of its sources.
  const plans = planPingCommands(instances, online).flatMap((plan) =>
    [...groupByClient(plan.sources, deps).values()].map((sources) => ({ target: plan.target, sources })),
  );
  let commands = 0;
  const sent = (
    await mapLimit(plans, timing.concurrency, async (plan) => {
      const result = await sendPlan(plan, deps, timing);
      deps.progress.update(`ping commands sent: ${++commands}/${plans.length}`);
      return result;
    })
  ).flat();

  let answered = 0;
  const total = sent.length;
  deps.progress.update(`pings answered: 0/${total}`);
  await mapLimit(sent, timing.concurrency, async (s) => {
    const outcome = "commandId" in s ? await pollInvocation(s.commandId, s.source, deps, timing) : s.outcome;
    outcomes.set(pairKey(s.source.name, s.target.name), outcome);
    answered += 1;
    deps.progress.update(`pings answered: ${answered}/${total}`);
  });
  deps.progress.done();
  return { agents, outcomes };
}

/** Polls DescribeInstanceInformation until every agent is Online (or its instance id is invalid) or the agent deadline passes. */
async function waitForAgents(
  instances: readonly DeployedInstance[],
  deps: SsmDeps,
  timing: SsmTiming,
): Promise<Map<string, AgentStatus>> {
  const { clock, progress } = deps;
  const deadline = Math.min(timing.agentDeadline, timing.deadline);
  const agents = new Map<string, AgentStatus>(instances.map((i) => [i.id, "NotRegistered"]));
  const settled = (id: string): boolean => agents.get(id) === "Online" || agents.get(id) === "InvalidInstanceId";
  for (;;) {
    const pending = groupByClient(
      instances.filter((i) => !settled(i.id)),
      deps,
    );
    try {
      for (const [client, group] of pending) {
        for (const batch of chunk(
          group.map((i) => i.id),
          MAX_INSTANCES_PER_COMMAND,
        )) {
          const found = await describeAgents(batch, client, deps, timing, deadline);
          for (const id of batch) agents.set(id, found.get(id) ?? "NotRegistered");
        }
      }
    } catch (e) {
      if (classifyError(e) === "unsupported") throw unsupportedOperation("DescribeInstanceInformation", e);
      if (!(e instanceof DeadlineError)) {
        throw new PingInputError(
          `SSM DescribeInstanceInformation failed (${describeError(e)}); fix: check the AWS credentials, the region (--region), ` +
            `the roles of the instances' accounts (role_arn in the instances output) and the ssm:DescribeInstanceInformation permission`,
        );
      }
      progress.log(`could not read SSM agent status before the deadline: ${e.message}`);
    }
    const waiting = instances.filter((i) => !settled(i.id));
    const online = instances.filter((i) => agents.get(i.id) === "Online").length;
    const shown = waiting.slice(0, 5).map((i) => `${i.name}: ${agents.get(i.id)}`);
    if (waiting.length > shown.length) shown.push(`${waiting.length - shown.length} more`);
    progress.update(
      `SSM agents online: ${online}/${instances.length}${shown.length > 0 ? ` (waiting for ${shown.join(", ")})` : ""}`,
    );
    if (waiting.length === 0 || clock.now() + timing.agentPollMs > deadline) break;
    await clock.sleep(timing.agentPollMs);
  }
  for (const i of instances.filter((x) => agents.get(x.id) !== "Online")) {
    progress.log(
      `instance ${i.id} (VPC ${i.name}): SSM agent ${agents.get(i.id)}, not Online, so it pings nothing; ` +
        `fix: check that it is running and can reach the SSM endpoints`,
    );
  }
  return agents;
}

async function describeAgents(
  ids: readonly string[],
  client: SSMClient,
  deps: SsmDeps,
  timing: SsmTiming,
  deadline: number,
): Promise<Map<string, AgentStatus>> {
  const found = new Map<string, AgentStatus>();
  if (ids.length === 0) return found;
  try {
    let nextToken: string | undefined;
    do {
      const page = await withRetry(
        () =>
          client.send(
            new DescribeInstanceInformationCommand({
              Filters: [{ Key: "InstanceIds", Values: [...ids] }],
              MaxResults: MAX_INSTANCES_PER_COMMAND,
              NextToken: nextToken,
            }),
          ),
        deps,
        timing,
        deadline,
      );
      for (const info of page.InstanceInformationList ?? []) {
        if (info.InstanceId && ids.includes(info.InstanceId))
          found.set(info.InstanceId, info.PingStatus ?? "NotRegistered");
      }
      nextToken = page.NextToken;
    } while (nextToken);
  } catch (e) {
    if (classifyError(e) !== "invalid-instance") throw e;
    // One unknown id fails the whole call: ask again one id at a time to find it, and stop waiting for it.
    if (ids.length === 1) return new Map([[ids[0], "InvalidInstanceId"]]);
    for (const id of ids) {
      for (const [one, status] of await describeAgents([id], client, deps, timing, deadline)) found.set(one, status);
    }
  }
  return found;
}

/** A pair whose ping was sent (its command id) or could not be (its outcome). */
type Sent =
  | { readonly source: DeployedInstance; readonly target: DeployedInstance; readonly commandId: string }
  | { readonly source: DeployedInstance; readonly target: DeployedInstance; readonly outcome: InvocationOutcome };

/** Sends one planned command, retrying throttling; an InvalidInstanceId in a batch is retried one source at a time. */
async function sendPlan(plan: PingCommandPlan, deps: SsmDeps, timing: SsmTiming): Promise<Sent[]> {
  const { target, sources } = plan;
  const failAll = (detail: string): Sent[] =>
    sources.map((source) => ({ source, target, outcome: { kind: "no-result", detail } }));
  if (sources.length > MAX_INSTANCES_PER_COMMAND) {
    throw new RangeError(
      `${sources.length} instances in one SendCommand: at most ${MAX_INSTANCES_PER_COMMAND}; split with planPingCommands`,
    );
  }
  const remainingSeconds = Math.ceil((timing.deadline - deps.clock.now()) / 1000);
  if (remainingSeconds <= 0) return failAll("deadline passed before the ping was sent");
  try {
    const out = await withRetry(
      () =>
        clientOf(sources[0], deps).send(
          new SendCommandCommand({
            DocumentName: "AWS-RunShellScript",
            InstanceIds: sources.map((s) => s.id),
            Parameters: {
              commands: [pingCommand(target.privateIp)],
              executionTimeout: [String(EXECUTION_TIMEOUT_SECONDS)],
            },
            // SSM's delivery timeout (30 s at least): a command not started by then ends as DeliveryTimedOut.
            TimeoutSeconds: Math.min(MAX_DELIVERY_TIMEOUT_SECONDS, Math.max(30, remainingSeconds)),
            // Run on every source at once, and never stop after failures: ping exits 1 when nothing answers,
            // and SSM's default MaxErrors of 0 would cancel the other sources' pings as "Terminated".
            MaxConcurrency: "100%",
            MaxErrors: "100%",
            Comment: `peering ping ${target.name} ${target.privateIp}`.slice(0, 100),
          }),
        ),
      deps,
      timing,
      timing.deadline,
    );
    const commandId = out.Command?.CommandId;
    if (!commandId) return failAll("SendCommand returned no CommandId");
    return sources.map((source) => ({ source, target, commandId }));
  } catch (e) {
    if (classifyError(e) === "unsupported") throw unsupportedOperation("SendCommand", e);
    if (classifyError(e) === "invalid-instance") {
      if (sources.length === 1) {
        return failAll(`SendCommand: InvalidInstanceId (instance terminated, stopped or not managed by SSM)`);
      }
      const one = await mapLimit(sources, 1, (source) => sendPlan({ target, sources: [source] }, deps, timing));
      return one.flat();
    }
    return failAll(`SendCommand failed: ${e instanceof DeadlineError ? e.message : describeError(e)}`);
  }
}

const FINAL_STATUSES = new Set(["Success", "Failed", "TimedOut", "Cancelled"]);
const FINAL_DETAILS = new Set([
  "Success",
  "Failed",
  "Cancelled",
  "DeliveryTimedOut",
  "ExecutionTimedOut",
  "Undeliverable",
  "Terminated",
]);

/** Polls GetCommandInvocation until the invocation ends; errors are retried with backoff, and the deadline ends the wait. */
async function pollInvocation(
  commandId: string,
  source: DeployedInstance,
  deps: SsmDeps,
  timing: SsmTiming,
): Promise<InvocationOutcome> {
  const { clock } = deps;
  const client = clientOf(source, deps);
  let failures = 0;
  for (;;) {
    let pause: number;
    let last: string;
    try {
      const out = await client.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: source.id }));
      failures = 0;
      const status = out.Status ?? out.StatusDetails ?? "unknown";
      if (FINAL_STATUSES.has(status) || FINAL_DETAILS.has(out.StatusDetails ?? "")) {
        return {
          kind: "finished",
          status,
          ...(out.StatusDetails ? { statusDetails: out.StatusDetails } : {}),
          stdout: out.StandardOutputContent ?? "",
          stderr: out.StandardErrorContent ?? "",
        };
      }
      last = `status ${status}`;
      pause = timing.invocationPollMs;
    } catch (e) {
      const kind = classifyError(e);
      if (kind === "unsupported") throw unsupportedOperation("GetCommandInvocation", e);
      if (kind !== "retry") return { kind: "no-result", detail: `GetCommandInvocation failed: ${describeError(e)}` };
      last = describeError(e);
      pause = backoffMs(failures++, timing.backoffBaseMs, timing.backoffCapMs, deps.random);
    }
    if (clock.now() + pause > timing.deadline)
      return { kind: "no-result", detail: `no result before the deadline (last: ${last})` };
    await clock.sleep(pause);
  }
}

/** The SSM client of an instance's region and account. */
function clientOf(instance: DeployedInstance, deps: SsmDeps): SSMClient {
  return deps.clientOf?.(instance) ?? deps.client;
}

/** Instances by the client that answers for them, in the order each client is first met. */
function groupByClient(instances: readonly DeployedInstance[], deps: SsmDeps): Map<SSMClient, DeployedInstance[]> {
  const groups = new Map<SSMClient, DeployedInstance[]>();
  for (const i of instances) {
    const client = clientOf(i, deps);
    const group = groups.get(client);
    if (group) group.push(i);
    else groups.set(client, [i]);
  }
  return groups;
}

/** The deadline passed while a call kept failing with retryable errors. */
class DeadlineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeadlineError";
  }
}

async function withRetry<T>(call: () => Promise<T>, deps: SsmDeps, timing: SsmTiming, deadline: number): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      if (classifyError(e) !== "retry") throw e;
      const pause = backoffMs(attempt, timing.backoffBaseMs, timing.backoffCapMs, deps.random);
      if (deps.clock.now() + pause > deadline)
        throw new DeadlineError(`still failing at the deadline: ${describeError(e)}`);
      await deps.clock.sleep(pause);
    }
  }
}

/**
 * Runs fn over items with at most `limit` calls in flight, keeping the order of results. After a
 * call throws, no further item is started, and the first error is thrown.
 */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failed) {
      const index = next++;
      try {
        results[index] = await fn(items[index]);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
