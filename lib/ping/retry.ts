import { PingInputError } from "./errors";
import { isRecord } from "../core/records";

/**
 * How a failed SSM call should be handled: try again later, treat the instance as gone, stop
 * because the endpoint does not implement the operation, or give up on this call.
 */
export type ErrorKind = "retry" | "invalid-instance" | "unsupported" | "fatal";

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

/** Gateway and overload answers: a proxy or load balancer in the way may send them as HTML, and they pass. */
const TRANSIENT_GATEWAY_STATUSES = new Set([502, 503, 504]);

/**
 * Sorts an error thrown by the SSM client: not-yet-visible invocations, throttling, 5xx and network
 * glitches are retried; an answer that is no AWS API response at all (HTML, or a body the SDK cannot
 * read, e.g. an emulator's 500 page for an operation it lacks) or a 501 is "unsupported", since
 * asking again would get the same answer.
 */
export function classifyError(error: unknown): ErrorKind {
  if (!isRecord(error)) return "fatal";
  const name = typeof error.name === "string" ? error.name : "";
  if (name === "InvalidInstanceId") return "invalid-instance";
  const status = httpStatusOf(error);
  if (status === 501) return "unsupported";
  if (notAnApiResponse(error) && !(status !== undefined && TRANSIENT_GATEWAY_STATUSES.has(status)))
    return "unsupported";
  if (RETRY_NAMES.has(name)) return "retry";
  if (typeof error.code === "string" && RETRY_CODES.has(error.code)) return "retry";
  if (error.$fault === "server" || isRecord(error.$retryable)) return "retry";
  return status !== undefined && (status === 429 || status >= 500) ? "retry" : "fatal";
}

/**
 * The error to stop a run with when the endpoint does not implement `operation`: the CLI exits 2
 * with it, naming the operation and what came back.
 */
export function unsupportedOperation(operation: string, error: unknown): PingInputError {
  const status = isRecord(error) ? httpStatusOf(error) : undefined;
  const type = isRecord(error) ? contentTypeOf(error) : undefined;
  const answer =
    [status !== undefined ? `HTTP ${status}` : undefined, type].filter(Boolean).join(", ") || describeError(error);
  return new PingInputError(
    `SSM ${operation}: the endpoint answered ${answer}, not an AWS API response, so it does not implement ${operation} ` +
      `(${describeError(error).split("\n")[0]}); fix: point ping at a real SSM endpoint (check AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_SSM)`,
  );
}

function httpStatusOf(error: Readonly<Record<string, unknown>>): number | undefined {
  const status = isRecord(error.$metadata) ? error.$metadata.httpStatusCode : undefined;
  return typeof status === "number" ? status : undefined;
}

/** The Content-Type of the raw response the SDK attaches (non-enumerable) to errors it could not read. */
function contentTypeOf(error: Readonly<Record<string, unknown>>): string | undefined {
  const response = error.$response;
  const headers = isRecord(response) && isRecord(response.headers) ? response.headers : undefined;
  const type = headers?.["content-type"] ?? headers?.["Content-Type"];
  return typeof type === "string" ? type.split(";")[0].trim() : undefined;
}

/** Whether the SDK got an answer that is no AWS API response: an HTML page, or a body it failed to deserialize. */
function notAnApiResponse(error: Readonly<Record<string, unknown>>): boolean {
  if (contentTypeOf(error) === "text/html") return true;
  const message = typeof error.message === "string" ? error.message : "";
  return error.name === "SyntaxError" || /Deserialization error/.test(message);
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
