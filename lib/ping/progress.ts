import { printable } from "../core/text";

/** Where long-running steps report how far they are. */
export interface Progress {
  /** The current state, replacing the previous one (e.g. "pings answered: 4/6"). */
  update(status: string): void;
  /** A line worth keeping (e.g. "agent of c is ConnectionLost"). */
  log(line: string): void;
  /** Ends the display. */
  done(): void;
}

/** A progress display that shows nothing. */
export const silentProgress: Progress = { update: () => undefined, log: () => undefined, done: () => undefined };

/** The slice of a stream the display writes to. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * Progress on stderr: one line rewritten in place on a terminal; otherwise plain lines, a changed
 * status at most every `everyMs` of `now()` so logs stay short. Statuses and lines are `printable`: only
 * the display itself moves the cursor.
 */
export function streamProgress(stream: ProgressStream, now: () => number, everyMs = 5_000): Progress {
  const display = plainProgress(stream, now, everyMs);
  return {
    update: (s) => display.update(printable(s)),
    log: (line) => display.log(printable(line)),
    done: () => display.done(),
  };
}

function plainProgress(stream: ProgressStream, now: () => number, everyMs: number): Progress {
  if (stream.isTTY) {
    let status = "";
    return {
      update: (s) => {
        status = s;
        stream.write(`\r\x1b[K${s}`);
      },
      log: (line) => stream.write(`\r\x1b[K${line}\n${status}`),
      done: () => {
        if (status) stream.write("\r\x1b[K");
        status = "";
      },
    };
  }
  let last = "";
  let pending = "";
  let lastAt = -Infinity;
  return {
    update: (s) => {
      pending = s;
      if (s === last || now() - lastAt < everyMs) return;
      stream.write(`${s}\n`);
      last = s;
      lastAt = now();
    },
    log: (line) => stream.write(`${line}\n`),
    done: () => {
      if (pending && pending !== last) stream.write(`${pending}\n`);
      last = pending;
    },
  };
}
