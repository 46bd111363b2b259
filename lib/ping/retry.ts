/** How a failed SSM call should be handled: try again later, treat the instance as gone, or give up. */
export type ErrorKind = "retry" | "invalid-instance" | "fatal";

const RETRY_NAMES = new Set([
  "InvocationDoesNotExist",
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "InternalServerError",
  "InternalFailure",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
]);
const RETRY_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "ENETUNREACH"]);

/** Sorts an error thrown by the SSM client: not-yet-visible invocations, throttling, 5xx and network glitches are retried. */
export function classifyError(error: unknown): ErrorKind {
  if (!isRecord(error)) return "fatal";
  const name = typeof error.name === "string" ? error.name : "";
  if (name === "InvalidInstanceId") return "invalid-instance";
  if (RETRY_NAMES.has(name)) return "retry";
  if (typeof error.code === "string" && RETRY_CODES.has(error.code)) return "retry";
  if (error.$fault === "server" || isRecord(error.$retryable)) return "retry";
  const status = isRecord(error.$metadata) ? error.$metadata.httpStatusCode : undefined;
  return typeof status === "number" && (status === 429 || status >= 500) ? "retry" : "fatal";
}

/** "Name: message" of an error, for reports. */
export function describeError(error: unknown): string {
  if (!isRecord(error)) return String(error);
  const name = typeof error.name === "string" ? error.name : "Error";
  const message = typeof error.message === "string" ? error.message : "";
  return message ? `${name}: ${message}` : name;
}

/** Exponential backoff with jitter: base·2^attempt capped at capMs, scaled by a random factor in [0.5, 1). */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling * (0.5 + random() / 2));
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null;
}
