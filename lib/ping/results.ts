import { EXIT } from "../core/exit-codes";
import { DeployedInstance } from "./outputs";
import { parsePingOutput, PingStats } from "./parse";

/** What a pair's ping showed: replies came back, it ran and none came back, or there is no ping result at all. */
export type PairStatus = "reachable" | "unreachable" | "no-answer";

/** reach's prediction for a pair: true or false, "depends" on something it cannot see, or null when it has none. */
export type Expected = boolean | "depends" | null;

/** Where an instance's SSM agent stood when pinging started. */
export type AgentStatus = "Online" | "ConnectionLost" | "Inactive" | "NotRegistered" | "InvalidInstanceId";

/** How one (command, instance) invocation ended, as the SSM layer saw it. */
export type InvocationOutcome =
  | {
      readonly kind: "finished";
      /** SSM's final Status: Success, Failed, TimedOut, Cancelled, ... */
      readonly status: string;
      /** SSM's StatusDetails, e.g. DeliveryTimedOut, Undeliverable, Terminated. */
      readonly statusDetails?: string;
      readonly stdout: string;
      readonly stderr: string;
    }
  | {
      /** No final status: not sent, agent offline, deadline passed or an API error. */
      readonly kind: "no-result";
      readonly detail: string;
    };

/** One pair's observation: its status, ping's statistics when ping ran, and a human-readable detail. */
export interface Observation {
  readonly status: PairStatus;
  readonly stats?: PingStats;
  readonly detail: string;
}

/** One row of the report: a source VPC's instance pinging a target VPC's instance. */
export interface PairResult {
  readonly from: string;
  readonly to: string;
  readonly fromInstanceId: string;
  readonly toIp: string;
  readonly status: PairStatus;
  readonly detail: string;
  readonly transmitted: number | null;
  readonly received: number | null;
  readonly lossPercent: number | null;
  readonly rttAvgMs: number | null;
  readonly expected: Expected;
  /** Whether the status agrees with a true/false expectation; null when there is none or no answer. */
  readonly matches: boolean | null;
}

/** An instance as the report lists it. */
export interface InstanceReport extends DeployedInstance {
  readonly agent: AgentStatus;
}

/** The JSON that `--report FILE` writes. */
export interface PingReport {
  readonly region: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly instances: readonly InstanceReport[];
  readonly pairs: readonly PairResult[];
  /** Pairs whose status differs from reach's true/false prediction. */
  readonly mismatches: readonly PairResult[];
  /** Pairs with no ping result: never counted as reachable, and they fail the run. */
  readonly unanswered: readonly PairResult[];
}

/** Key of a directed pair of VPC names in observation and expectation maps. */
export function pairKey(from: string, to: string): string {
  return `${from} -> ${to}`;
}

/** Turns an invocation's outcome into a pair status; only a parsed ping summary with replies is "reachable". */
export function observe(outcome: InvocationOutcome): Observation {
  if (outcome.kind === "no-result") return { status: "no-answer", detail: outcome.detail };
  const { status, statusDetails, stdout, stderr } = outcome;
  // ping exits 1 when no reply came back, which SSM reports as Failed: the summary still tells what happened.
  const details = statusDetails && statusDetails !== status ? ` (${statusDetails})` : "";
  if (status === "Success" || status === "Failed") {
    const stats = parsePingOutput(stdout);
    if (stats === undefined) {
      const said = firstLine(stderr) || firstLine(stdout) || "no output";
      return { status: "no-answer", detail: `command ${status}${details} without a ping summary: ${said}` };
    }
    if (stats.received === 0) {
      const errors = stats.errors > 0 ? `, ${stats.errors} ICMP errors` : "";
      return { status: "unreachable", stats, detail: `${stats.lossPercent}% packet loss${errors}` };
    }
    return { status: "reachable", stats, detail: `${stats.lossPercent}% packet loss` };
  }
  return { status: "no-answer", detail: `command ${status}${details}` };
}

/** Every ordered pair of distinct instances with its observation (missing ones are "no-answer") and expectation. */
export function buildPairs(
  instances: readonly DeployedInstance[],
  observations: ReadonlyMap<string, Observation>,
  expectations: ReadonlyMap<string, Expected> | null,
): PairResult[] {
  return instances.flatMap((from) =>
    instances
      .filter((to) => to.name !== from.name)
      .map((to): PairResult => {
        const key = pairKey(from.name, to.name);
        const seen = observations.get(key) ?? { status: "no-answer", detail: "not measured" };
        const expected = expectations?.get(key) ?? null;
        const comparable = typeof expected === "boolean" && seen.status !== "no-answer";
        return {
          from: from.name,
          to: to.name,
          fromInstanceId: from.id,
          toIp: to.privateIp,
          status: seen.status,
          detail: seen.detail,
          transmitted: seen.stats?.transmitted ?? null,
          received: seen.stats?.received ?? null,
          lossPercent: seen.stats?.lossPercent ?? null,
          rttAvgMs: seen.stats?.rtt?.avgMs ?? null,
          expected,
          matches: comparable ? (seen.status === "reachable") === expected : null,
        };
      }),
  );
}

/** Pairs that differ from reach and pairs without an answer; the run passes only when both are empty. */
export function verdict(pairs: readonly PairResult[]): {
  readonly mismatches: PairResult[];
  readonly unanswered: PairResult[];
} {
  return {
    mismatches: pairs.filter((p) => p.matches === false),
    unanswered: pairs.filter((p) => p.status === "no-answer"),
  };
}

/** Exit code of a finished run: EXIT.ok when every pair answered and agreed with reach, else EXIT.differs. */
export function exitCodeOf(
  report: Pick<PingReport, "mismatches" | "unanswered">,
): typeof EXIT.ok | typeof EXIT.differs {
  return report.mismatches.length === 0 && report.unanswered.length === 0 ? EXIT.ok : EXIT.differs;
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0]?.trim() ?? "";
}
