import { LEGEND, renderMatrix, renderSummary } from "../../lib/ping/render";
import {
  buildPairs,
  Expected,
  exitCodeOf,
  InvocationOutcome,
  Observation,
  observe,
  pairKey,
  verdict,
} from "../../lib/ping/results";
import { instances, pingOutput } from "./fixtures";

const finished = (status: string, stdout = "", statusDetails?: string): InvocationOutcome => ({
  kind: "finished",
  status,
  stdout,
  stderr: "",
  ...(statusDetails ? { statusDetails } : {}),
});

describe("observe", () => {
  it.each<[string, InvocationOutcome, Observation["status"], string]>([
    ["a successful ping", finished("Success", pingOutput("10.0.1.40", 3)), "reachable", "0% packet loss"],
    ["partial loss", finished("Success", pingOutput("10.0.1.40", 1)), "reachable", "66.6667% packet loss"],
    [
      "Failed with a 100% loss summary (ping exits 1)",
      finished("Failed", pingOutput("10.0.1.40", 0)),
      "unreachable",
      "100% packet loss",
    ],
    [
      "Failed with ICMP errors",
      finished("Failed", "3 packets transmitted, 0 received, +3 errors, 100% packet loss, time 2043ms"),
      "unreachable",
      "100% packet loss, 3 ICMP errors",
    ],
    [
      "Success without a summary",
      finished("Success", "hello"),
      "no-answer",
      "command Success without a ping summary: hello",
    ],
    [
      "Failed without output (Undeliverable)",
      finished("Failed", "", "Undeliverable"),
      "no-answer",
      "command Failed (Undeliverable) without a ping summary: no output",
    ],
    [
      "TimedOut, even with a summary",
      finished("TimedOut", pingOutput("10.0.1.40", 3), "ExecutionTimedOut"),
      "no-answer",
      "command TimedOut (ExecutionTimedOut)",
    ],
    [
      "DeliveryTimedOut",
      finished("TimedOut", "", "DeliveryTimedOut"),
      "no-answer",
      "command TimedOut (DeliveryTimedOut)",
    ],
    ["Cancelled", finished("Cancelled"), "no-answer", "command Cancelled"],
    [
      "no result at all",
      { kind: "no-result", detail: "no result before the deadline" },
      "no-answer",
      "no result before the deadline",
    ],
  ])("reads %s as %s", (_, outcome, status, detail) => {
    expect(observe(outcome)).toMatchObject({ status, detail });
  });
});

describe("buildPairs and verdict", () => {
  const fleet = instances(3);
  const seen = (status: Observation["status"], received = 3): Observation => {
    if (status === "no-answer") return { status, detail: status };
    const rtt = received > 0 ? { rtt: { minMs: 1, avgMs: 2, maxMs: 3 } } : {};
    return {
      status,
      detail: status,
      stats: { transmitted: 3, received, lossPercent: received === 3 ? 0 : 100, errors: 0, ...rtt },
    };
  };
  const observations = new Map<string, Observation>([
    [pairKey("a", "b"), seen("reachable")],
    [pairKey("a", "c"), seen("unreachable", 0)],
    [pairKey("b", "a"), seen("reachable")],
    [pairKey("b", "c"), seen("unreachable", 0)],
    [pairKey("c", "a"), seen("no-answer")],
  ]);
  const expectations = new Map<string, Expected>([
    [pairKey("a", "b"), true],
    [pairKey("a", "c"), true],
    [pairKey("b", "a"), "depends"],
    [pairKey("b", "c"), false],
    [pairKey("c", "a"), false],
  ]);

  it("lists every ordered pair once, with the ping figures and the comparison", () => {
    const pairs = buildPairs(fleet, observations, expectations);
    expect(pairs.map((p) => [p.from, p.to, p.status, p.expected, p.matches])).toEqual([
      ["a", "b", "reachable", true, true],
      ["a", "c", "unreachable", true, false],
      ["b", "a", "reachable", "depends", null],
      ["b", "c", "unreachable", false, true],
      ["c", "a", "no-answer", false, null],
      ["c", "b", "no-answer", null, null],
    ]);
    expect(pairs[0]).toEqual({
      from: "a",
      to: "b",
      fromInstanceId: fleet[0].id,
      toIp: fleet[1].privateIp,
      status: "reachable",
      detail: "reachable",
      transmitted: 3,
      received: 3,
      lossPercent: 0,
      rttAvgMs: 2,
      expected: true,
      matches: true,
    });
    expect(pairs[5]).toMatchObject({
      detail: "not measured",
      transmitted: null,
      received: null,
      lossPercent: null,
      rttAvgMs: null,
    });
  });

  it("fails the run on a mismatch and on a pair without answer, and passes when neither happens", () => {
    const pairs = buildPairs(fleet, observations, expectations);
    const result = verdict(pairs);
    expect(result.mismatches.map((p) => pairKey(p.from, p.to))).toEqual(["a -> c"]);
    expect(result.unanswered.map((p) => pairKey(p.from, p.to))).toEqual(["c -> a", "c -> b"]);
    expect(exitCodeOf(result)).toBe(3);
    expect(exitCodeOf({ mismatches: [], unanswered: [] })).toBe(0);
  });

  it("compares nothing without expectations", () => {
    const pairs = buildPairs(fleet, observations, null);
    expect(pairs.every((p) => p.expected === null && p.matches === null)).toBe(true);
  });

  it("renders the matrix with rows pinging columns and marks the mismatch", () => {
    const pairs = buildPairs(fleet, observations, expectations);
    expect(renderMatrix(fleet, pairs)).toBe(
      [
        "from \\ to  a          b          c",
        "a          -          0% 2.00ms  100% loss !",
        "b          0% 2.00ms  -          100% loss",
        "c          no answer  no answer  -",
      ].join("\n"),
    );
    expect(LEGEND).toMatch(/Rows ping columns/);
  });

  it("summarises counts, mismatches and unanswered pairs", () => {
    const pairs = buildPairs(fleet, observations, expectations);
    expect(renderSummary({ pairs, ...verdict(pairs) }, true)).toBe(
      [
        "6 pairs: 2 reachable, 2 unreachable, 2 no answer; 1 differs from reach",
        "Differs from reach:",
        "  a -> c: expected reachable, got unreachable (unreachable)",
        "No answer (never counted as reachable):",
        "  c -> a: no-answer",
        "  c -> b: not measured",
      ].join("\n"),
    );
    expect(renderSummary({ pairs, mismatches: [], unanswered: [] }, false)).toMatch(
      /not compared with reach \(--no-expect\)$/,
    );
  });
});
