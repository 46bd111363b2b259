/**
 * A front for the emulator: a loopback HTTP server that answers chosen operations of an AWS JSON
 * protocol API (SSM, for one) itself and forwards every other request to the emulator unchanged.
 * The rehearsal points one service at it (AWS_ENDPOINT_URL_SSM) to stand in for what moto lacks,
 * e.g. DescribeInstanceInformation; the packet journey (ssm-namespaces.ts) answers Run Command the
 * same way, by pinging in Linux network namespaces.
 */
import * as http from "http";
import { isLoopbackHost } from "./emulator";
import { startLoopbackServer } from "./loopback-server";

/** Answers one operation: takes the request's JSON body, returns the response's JSON body (or throws a FrontError). */
export type OperationHandler = (input: Record<string, unknown>) => Promise<unknown>;

/** An error a handler answers with, as an AWS JSON protocol service does: an HTTP status and an error type. */
export class FrontError extends Error {
  constructor(
    /** e.g. 400 */
    readonly status: number,
    /** The error type the SDK names the error by, e.g. "InvalidInstanceId". */
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

/** A running front. */
export interface EmulatorFront {
  /** e.g. "http://127.0.0.1:41235" */
  readonly endpoint: string;
  /** Operations the front answered itself, in order. */
  readonly answered: readonly string[];
  close(): Promise<void>;
}

/**
 * Starts a front for the emulator at `target` (a loopback URL). `handlers` are keyed by operation
 * name ("DescribeInstanceInformation"), matched against the X-Amz-Target header ("AmazonSSM.DescribeInstanceInformation").
 */
export async function startFront(
  target: string,
  handlers: Readonly<Record<string, OperationHandler>>,
): Promise<EmulatorFront> {
  const upstream = new URL(target);
  if (!isLoopbackHost(upstream.hostname))
    throw new Error(`the emulator front forwards only to loopback addresses, not ${target}`);
  const answered: string[] = [];
  const front = await startLoopbackServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const operation =
        String(req.headers["x-amz-target"] ?? "")
          .split(".")
          .pop() ?? "";
      const handler = Object.prototype.hasOwnProperty.call(handlers, operation) ? handlers[operation] : undefined;
      if (handler) {
        answered.push(operation);
        answer(handler, body, res);
        return;
      }
      const forward = http.request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      forward.on("error", (e) =>
        res.writeHead(502, { "content-type": "text/plain" }).end(`emulator front: ${e.message}\n`),
      );
      forward.end(body);
    });
  });
  return { endpoint: front.url, answered, close: front.close };
}

function answer(handler: OperationHandler, body: Buffer, res: http.ServerResponse): void {
  const type = "application/x-amz-json-1.1";
  let input: Record<string, unknown>;
  try {
    input = body.length > 0 ? (JSON.parse(body.toString()) as Record<string, unknown>) : {};
  } catch (e) {
    res
      .writeHead(400, { "content-type": type })
      .end(JSON.stringify({ __type: "SerializationException", message: (e as Error).message }));
    return;
  }
  handler(input).then(
    (output) => res.writeHead(200, { "content-type": type }).end(JSON.stringify(output)),
    (e: unknown) => {
      const { status, error } =
        e instanceof FrontError ? { status: e.status, error: e.type } : { status: 500, error: "InternalServerError" };
      res
        .writeHead(status, { "content-type": type })
        .end(JSON.stringify({ __type: error, message: e instanceof Error ? e.message : String(e) }));
    },
  );
}
