import { backoffMs, classifyError, describeError } from "../../lib/ping/retry";
import { awsError } from "./fixtures";

describe("classifyError", () => {
  it.each([
    ["InvocationDoesNotExist (not visible yet)", awsError("InvocationDoesNotExist"), "retry"],
    ["ThrottlingException", awsError("ThrottlingException"), "retry"],
    ["TooManyRequestsException", awsError("TooManyRequestsException", 429), "retry"],
    ["an unnamed 429", awsError("Whatever", 429), "retry"],
    ["InternalServerError", awsError("InternalServerError", 500, "server"), "retry"],
    ["an unnamed 503", awsError("Unknown", 503), "retry"],
    ["a connection reset", Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), "retry"],
    ["InvalidInstanceId", awsError("InvalidInstanceId"), "invalid-instance"],
    ["AccessDeniedException", awsError("AccessDeniedException"), "fatal"],
    ["a missing region", new Error("Region is missing"), "fatal"],
    ["a string", "boom", "fatal"],
  ])("treats %s as %s", (_, error, kind) => {
    expect(classifyError(error)).toBe(kind);
  });
});

describe("describeError", () => {
  it.each([
    [awsError("ThrottlingException"), "ThrottlingException: ThrottlingException from the mock"],
    [Object.assign(new Error(""), { name: "Bare" }), "Bare"],
    ["text", "text"],
  ])("describes %p as %j", (error, text) => {
    expect(describeError(error)).toBe(text);
  });
});

describe("backoffMs", () => {
  it.each([
    [0, 0, 250],
    [0, 0.999, 500],
    [3, 0, 2_000],
    [10, 0, 10_000],
    [10, 0.999, 19_990],
    [1_000, 0, 10_000],
  ])("after %i failures with random %f waits %i ms (base 500, cap 20 s)", (attempt, random, ms) => {
    expect(backoffMs(attempt, 500, 20_000, () => random)).toBe(ms);
  });
});
