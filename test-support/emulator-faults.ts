/**
 * The emulator's own faults: failures that are moto_server's, not the project's, each named and explained.
 * They are the only failures that earn a deploy rehearsal a second run (as a user would run a deploy again
 * after AWS had a bad moment); anything else fails at once, so that an ordering bug a second apply would
 * mend cannot pass unseen. A new entry needs a name, a pattern as narrow as the fault, and why it is the
 * emulator's and not ours.
 */

/** One documented fault of the emulator. */
export interface EmulatorFault {
  /** Short name, printed with the retry. */
  readonly name: string;
  /** Matches a line of moto_server's log or of the failed run's error lines that shows this fault. */
  readonly pattern: RegExp;
  /** Why it is the emulator's fault and not the caller's. */
  readonly why: string;
}

export const EMULATOR_FAULTS: readonly EmulatorFault[] = [
  {
    name: "moto answered 5xx",
    pattern: /" 5\d\d /,
    why:
      "a server error in moto's request log: moto serves Terraform's concurrent calls from shared in-memory state, " +
      "and a call that meets it half-updated fails inside moto; a 4xx (an API error a real account gives too) is not one",
  },
  {
    name: "moto raised a Python exception",
    pattern: /^Traceback \(most recent call last\):/,
    why: "a traceback in moto's log is an exception inside the emulator, which AWS never shows its callers",
  },
  {
    name: "the AWS provider got a 5xx",
    pattern: /\bStatusCode: 5\d\d\b/,
    why:
      "Terraform's report of a server error from the only endpoint it talks to, moto (the same fault as a 5xx in " +
      "moto's log, seen from the client, for when the log line was cut short)",
  },
];

/** A fault and the line that showed it. */
export interface FaultSeen {
  readonly fault: EmulatorFault;
  readonly line: string;
}

/** The first of `lines` (moto's failure lines, then the run's error lines) that shows a documented fault. */
export function emulatorFault(lines: readonly string[]): FaultSeen | undefined {
  for (const line of lines) {
    const fault = EMULATOR_FAULTS.find((f) => f.pattern.test(line));
    if (fault) return { fault, line };
  }
  return undefined;
}

/** How a fault is named where the retry is announced: `"<name>" (<why>), seen in: <line>`. */
export function describeFault(seen: FaultSeen): string {
  return `"${seen.fault.name}" (${seen.fault.why}), seen in: ${seen.line}`;
}
