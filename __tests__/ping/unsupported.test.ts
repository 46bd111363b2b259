/**
 * ping over real HTTP against a loopback stand-in for SSM, so the errors are the ones the AWS SDK
 * really builds from an answer: an endpoint that does not implement an operation (an emulator's
 * HTML 500 page, a 501) stops the run at once with the operation's name; real AWS errors and
 * gateway pages are retried as before.
 */
import { SSMClient, DescribeInstanceInformationCommand } from "@aws-sdk/client-ssm";
import { PingInputError } from "../../lib/ping/errors";
import { classifyError } from "../../lib/ping/retry";
import { runPing } from "../../lib/ping/run";
import { fakeClock, instances, pingOutput, recordingProgress } from "./fixtures";
import { startLoopbackServer } from "../../test-support/loopback-server";

jest.setTimeout(10_000);

/** One canned HTTP answer. */
interface Answer {
  readonly status: number;
  readonly type: string;
  readonly body: string;
}

const HTML_500: Answer = {
  status: 500,
  type: "text/html; charset=utf-8",
  body: "<!doctype html>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>",
};
const json = (status: number, body: unknown): Answer => ({
  status,
  type: "application/x-amz-json-1.1",
  body: JSON.stringify(body),
});

const fleet = instances(2);
const HEALTHY: Record<string, Answer> = {
  DescribeInstanceInformation: json(200, {
    InstanceInformationList: fleet.map((i) => ({ InstanceId: i.id, PingStatus: "Online" })),
  }),
  SendCommand: json(200, { Command: { CommandId: "11111111-2222-3333-4444-555555555555" } }),
  GetCommandInvocation: json(200, {
    Status: "Success",
    StandardOutputContent: pingOutput("10.0.0.40", 3),
    StandardErrorContent: "",
  }),
};

/** A loopback HTTP server answering each SSM operation (from X-Amz-Target) as `answers` says; it counts the calls. */
async function fakeSsm(
  answers: Record<string, Answer>,
): Promise<{ client: SSMClient; calls: Map<string, number>; close: () => Promise<void> }> {
  const calls = new Map<string, number>();
  const server = await startLoopbackServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const operation = String(req.headers["x-amz-target"] ?? "").replace(/^AmazonSSM\./, "");
      calls.set(operation, (calls.get(operation) ?? 0) + 1);
      const answer = answers[operation] ?? json(400, { __type: "UnknownOperationException" });
      res.writeHead(answer.status, { "content-type": answer.type }).end(answer.body);
    });
  });
  const client = new SSMClient({
    endpoint: server.url,
    region: "eu-west-1",
    credentials: { accessKeyId: "fake", secretAccessKey: "fake" },
    maxAttempts: 1,
  });
  return { client, calls, close: server.close };
}

async function errorFor(answer: Answer): Promise<unknown> {
  const ssm = await fakeSsm({ DescribeInstanceInformation: answer });
  try {
    await ssm.client.send(new DescribeInstanceInformationCommand({}));
    throw new Error("expected the call to fail");
  } catch (e) {
    return e;
  } finally {
    ssm.client.destroy();
    await ssm.close();
  }
}

describe("classifyError on what the SDK makes of a real HTTP answer", () => {
  it.each([
    ["an HTML 500 page (an emulator lacking the operation)", HTML_500, "unsupported"],
    ["a 501 Not Implemented", json(501, { __type: "NotImplemented", message: "not here" }), "unsupported"],
    ["an HTML 404 page", { ...HTML_500, status: 404 }, "unsupported"],
    ["an HTML 200 page (a captive portal)", { ...HTML_500, status: 200 }, "unsupported"],
    ["SSM's own InternalServerError", json(500, { __type: "InternalServerError", Message: "try again" }), "retry"],
    ["an HTML 503 from a gateway", { ...HTML_500, status: 503 }, "retry"],
    ["an HTML 502 from a gateway", { ...HTML_500, status: 502 }, "retry"],
    ["AccessDeniedException", json(400, { __type: "AccessDeniedException", Message: "no" }), "fatal"],
  ])("treats %s as %s", async (_, answer, kind) => {
    expect(classifyError(await errorFor(answer))).toBe(kind);
  });
});

describe("ping against an endpoint that does not implement an operation", () => {
  it.each(["DescribeInstanceInformation", "SendCommand", "GetCommandInvocation"])(
    "stops at the first %s with an input error (exit 2) naming it, without retrying or waiting",
    async (operation) => {
      const ssm = await fakeSsm({ ...HEALTHY, [operation]: HTML_500 });
      const clock = fakeClock();
      try {
        const attempt = runPing(
          { instances: fleet, expectations: null, region: "eu-west-1" },
          { client: ssm.client, clock, random: () => 0.5, progress: recordingProgress() },
          {
            timeoutMs: 600_000,
            agentTimeoutMs: 300_000,
          },
        );
        await expect(attempt).rejects.toThrow(PingInputError);
        await expect(attempt).rejects.toThrow(
          new RegExp(
            `^SSM ${operation}: the endpoint answered HTTP 500, text/html, not an AWS API response, so it does not implement ${operation}`,
          ),
        );
        // Calls already in flight may end too (two pairs poll at once), but none is repeated.
        expect(ssm.calls.get(operation)).toBeLessThanOrEqual(fleet.length * (fleet.length - 1));
        expect(clock.slept).toEqual([]);
      } finally {
        ssm.client.destroy();
        await ssm.close();
      }
    },
  );
});
