import { DeployedInstance } from "./outputs";
import { buildPairs, Expected, observe, PingReport, verdict } from "./results";
import { DEFAULT_PACING, measure, SsmDeps } from "./ssm";

/** What a run pings and compares against. */
export interface RunInput {
  readonly instances: readonly DeployedInstance[];
  /** reach's predictions keyed by pairKey(from, to); null skips the comparison. */
  readonly expectations: ReadonlyMap<string, Expected> | null;
  /** Region the client talks to, for the report. */
  readonly region: string;
}

/** Time limits of a run, in milliseconds from its start: overall, and for the SSM agents to come Online. */
export interface RunLimits {
  readonly timeoutMs: number;
  readonly agentTimeoutMs: number;
}

/** Pings every pair through SSM and returns the report; never throws for an unanswered pair, only for unusable input. */
export async function runPing(input: RunInput, deps: SsmDeps, limits: RunLimits): Promise<PingReport> {
  const started = deps.clock.now();
  const { agents, outcomes } = await measure(input.instances, deps, {
    ...DEFAULT_PACING,
    deadline: started + limits.timeoutMs,
    agentDeadline: started + Math.min(limits.agentTimeoutMs, limits.timeoutMs),
  });
  const observations = new Map([...outcomes].map(([key, outcome]) => [key, observe(outcome)]));
  const pairs = buildPairs(input.instances, observations, input.expectations);
  return {
    region: input.region,
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date(deps.clock.now()).toISOString(),
    instances: input.instances.map((i) => ({ ...i, agent: agents.get(i.id) ?? "NotRegistered" })),
    pairs,
    ...verdict(pairs),
  };
}
