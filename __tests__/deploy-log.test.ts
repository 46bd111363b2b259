/**
 * How the emulator deploy tests reads what went wrong: the error lines of a failed run (Terraform's,
 * cdktf's and npm's, of every npm version), moto_server's failure lines, and which of them are the
 * emulator's own faults, the only failures that earn a second deploy.
 */
import { EMULATOR_FAULT, FAILURE_LINE, faultCount, MotoLog } from "../test-support/emulator";
import { ERROR_LINE, errorLines } from "../test-support/emulator-deploy";

describe("the error lines of a failed run", () => {
  it.each([
    ["Terraform's error", "│ Error: creating EC2 VPC: InvalidParameterValue", "Error: creating EC2 VPC: InvalidParameterValue"],
    ["cdktf's error", "ERROR: cdktf encountered an error while synthesizing", "ERROR: cdktf encountered an error while synthesizing"],
    ["npm 8's error", "npm ERR! code ELIFECYCLE", "npm ERR! code ELIFECYCLE"],
    ["npm 10's error", "npm error code 1", "npm error code 1"],
    ["a bare ERR!", "ERR! peering failed", "ERR! peering failed"],
    ["an error inside a line", "network  aws_vpc.a: Error: timeout while waiting", "network  aws_vpc.a: Error: timeout while waiting"],
  ])("finds %s", (_, line, found) => {
    expect(errorLines({ output: `first\n${line}\nlast` })).toEqual([found]);
  });

  it.each([
    ["a plain line", "Apply complete! Resources: 3 added"],
    ["a word that starts with Error", "Errors: 0"],
    ["npm's warning", "npm warn deprecated inflight@1.0.6"],
    ["a lower-case error word", "no error here"],
  ])("does not take %s for an error", (_, line) => {
    expect(ERROR_LINE.test(line)).toBe(false);
  });

  it("keeps each line once, first seen first, and at most `max`", () => {
    const output = ["Error: b", "Error: a", "Error: b", "Error: c"].join("\n");
    expect(errorLines({ output })).toEqual(["Error: b", "Error: a", "Error: c"]);
    expect(errorLines({ output }, 2)).toEqual(["Error: b", "Error: a"]);
  });
});

describe("moto_server's failure lines", () => {
  const serverError = '127.0.0.1 - - [07/Dec/2026 10:00:00] "POST / HTTP/1.1" 500 -';
  const clientError = '127.0.0.1 - - [07/Dec/2026 10:00:00] "POST / HTTP/1.1" 400 -';

  it.each([
    ["a 5xx answer", serverError, true, true],
    ["a traceback", "Traceback (most recent call last):", true, true],
    ["an exception", "botocore.exceptions.ClientError: boom", true, false],
    ["a 4xx answer", clientError, false, false],
    ["a 200 answer", '127.0.0.1 - - [07/Dec/2026 10:00:00] "POST / HTTP/1.1" 200 -', false, false],
  ])("takes %s for a failure: %s, for the emulator's own fault: %s", (_, line, failure, fault) => {
    expect(FAILURE_LINE.test(line)).toBe(failure);
    expect(EMULATOR_FAULT.test(line)).toBe(fault);
  });

  it("collects failure lines split across chunks, and keeps the first ones however long the output grows", () => {
    const log = new MotoLog(100);
    log.add('127.0.0.1 - - "POST / HTTP/1.1" 5');
    log.add("00 -\nok\n");
    for (let k = 0; k < 50; k++) log.add(`line ${k} fine\n`);
    log.add("Traceback (most recent call last):\n");
    expect(log.failures()).toEqual(['127.0.0.1 - - "POST / HTTP/1.1" 500 -', "Traceback (most recent call last):"]);
    expect(log.text().length).toBeLessThanOrEqual(100);
    expect(log.text()).toContain("Traceback");
  });

  it("counts only the emulator's own faults among them", () => {
    expect(faultCount([serverError, "botocore.exceptions.ClientError: boom", "Traceback (most recent call last):"])).toBe(2);
    expect(faultCount(["ValidationError: bad"])).toBe(0);
  });
});
