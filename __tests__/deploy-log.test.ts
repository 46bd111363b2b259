/**
 * How the emulator deploy tests reads what went wrong: the error lines of a failed run (Terraform's,
 * cdktf's and npm's, of every npm version), moto_server's failure lines, and which of them are the
 * emulator's own faults, the only failures that earn a second deploy.
 */
import { FAILURE_LINE, MotoLog } from "../test-support/emulator";
import { ERROR_LINE, errorLines } from "../test-support/emulator-deploy";
import { describeFault, EMULATOR_FAULTS, emulatorFault } from "../test-support/emulator-faults";

describe("the error lines of a failed run", () => {
  it.each([
    [
      "Terraform's error",
      "│ Error: creating EC2 VPC: InvalidParameterValue",
      "Error: creating EC2 VPC: InvalidParameterValue",
    ],
    [
      "cdktf's error",
      "ERROR: cdktf encountered an error while synthesizing",
      "ERROR: cdktf encountered an error while synthesizing",
    ],
    ["npm 8's error", "npm ERR! code ELIFECYCLE", "npm ERR! code ELIFECYCLE"],
    ["npm 10's error", "npm error code 1", "npm error code 1"],
    ["a bare ERR!", "ERR! peering failed", "ERR! peering failed"],
    [
      "an error inside a line",
      "network  aws_vpc.a: Error: timeout while waiting",
      "network  aws_vpc.a: Error: timeout while waiting",
    ],
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
    ["a 5xx answer", serverError, true],
    ["a traceback", "Traceback (most recent call last):", true],
    ["an exception", "botocore.exceptions.ClientError: boom", true],
    ["a 4xx answer", clientError, false],
    ["a 200 answer", '127.0.0.1 - - [07/Dec/2026 10:00:00] "POST / HTTP/1.1" 200 -', false],
  ])("tells whether %s is a failure line (%s)", (_, line, failure) => {
    expect(FAILURE_LINE.test(line)).toBe(failure);
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
});

describe("the emulator's documented faults, the only failures that earn a second deploy", () => {
  const serverError = '127.0.0.1 - - [07/Dec/2026 10:00:00] "POST / HTTP/1.1" 500 -';
  const FAULT_LINES: readonly (readonly [string, string])[] = [
    ["moto answered 5xx", serverError],
    ["moto raised a Python exception", "Traceback (most recent call last):"],
    [
      "the AWS provider got a 5xx",
      "Error: creating EC2 Route: operation error EC2: CreateRoute, https response error StatusCode: 500, RequestID: x",
    ],
  ];

  it("each has a name, a pattern and why it is the emulator's, and a line below that shows it", () => {
    for (const fault of EMULATOR_FAULTS) expect(fault.why.length).toBeGreaterThan(20);
    expect(FAULT_LINES.map(([name]) => name)).toEqual(EMULATOR_FAULTS.map((f) => f.name));
  });

  it.each(FAULT_LINES)("names %s in the line that shows it", (name, line) => {
    expect(emulatorFault(["Error: creating EC2 VPC: InvalidParameterValue", line])).toEqual({
      fault: EMULATOR_FAULTS.find((f) => f.name === name),
      line,
    });
  });

  it.each([
    ["a 4xx answer in moto's log", '127.0.0.1 - - [07/Dec/2026 10:00:00] "POST / HTTP/1.1" 400 -'],
    ["an exception named in a line", "botocore.exceptions.ClientError: boom"],
    [
      "an API error a real account gives too",
      "Error: creating EC2 VPC: InvalidParameterValue: bad CIDR, StatusCode: 400",
    ],
    ["a dependency error of the stacks", "Error: reading EC2 VPC Peering Connection (pcx-1): couldn't find resource"],
    ["npm's error", "npm error code 1"],
    ["a traceback quoted inside another line", "moto said: Traceback (most recent call last):"],
  ])("does not take %s for an emulator fault", (_, line) => {
    expect(emulatorFault([line])).toBeUndefined();
  });

  it("takes the first line that shows a fault, and says its name, why and the line", () => {
    const seen = emulatorFault(["Error: x", "Traceback (most recent call last):", serverError]);
    expect(seen?.fault.name).toBe("moto raised a Python exception");
    expect(describeFault(seen!)).toBe(
      `"moto raised a Python exception" (${EMULATOR_FAULTS[1].why}), seen in: Traceback (most recent call last):`,
    );
  });
});
