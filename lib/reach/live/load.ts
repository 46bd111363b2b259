import { EC2Client } from "@aws-sdk/client-ec2";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { Model } from "../model";
import { LiveReadError, liveReadError } from "./errors";
import { liveModel } from "./map";
import { readSnapshot } from "./read";
import { type LivePlan, type LiveTarget, targetLabel } from "./targets";

/** How the live loader gets its EC2 clients; tests hand in mocked ones. */
export interface LiveOptions {
  /**
   * The EC2 client for a target.
   * @default - an SDK client for the target's region, through the target's role when it has one
   */
  readonly clientFor?: (target: LiveTarget) => EC2Client;
}

/** Seconds the SDK waits for a connection and for an answer, so that a dead endpoint ends the run. */
const TIMEOUTS = { connectionTimeout: 5_000, requestTimeout: 30_000 } as const;

/**
 * The live loader: reads every target of the plan through the EC2 API, in parallel, and builds
 * reach's Model from what is deployed. Throws a LiveReadError (a ReachInputError) when a call fails.
 */
export async function loadLive(plan: LivePlan, options: LiveOptions = {}): Promise<Model> {
  const snapshots = await Promise.all(
    plan.targets.map(async (target) => {
      const client = options.clientFor ? options.clientFor(target) : defaultClient(target);
      refuseHtml(client);
      try {
        const region = await regionOf(client, target);
        return await readSnapshot(client, targetLabel(target, region), region, plan.tags);
      } finally {
        if (!options.clientFor) client.destroy();
      }
    }),
  );
  const model = liveModel(snapshots, plan.tags);
  const wanted = Object.entries(plan.tags)
    .map(([key, value]) => `${key} = ${value}`)
    .join(", ");
  const empty = snapshots.filter((s) => s.instances.length === 0);
  if (empty.length === 0) return model;
  return {
    ...model,
    warnings: [
      ...model.warnings,
      ...empty.map((s) => ({
        resource: s.label,
        message: `EC2 lists no instance${wanted ? ` tagged ${wanted}` : ""} here (nothing deployed, or another region or account)`,
      })),
    ],
  };
}

const REFUSE_HTML = "peeringRefuseHtml";

/**
 * Makes an answer with an HTML page fail as one that is no AWS API response: EC2 answers XML, and
 * the SDK would read a page that a proxy or a wrong endpoint sends with status 200 as an empty
 * result, i.e. as an account without instances.
 */
function refuseHtml(client: EC2Client): void {
  if (client.middlewareStack.identify().some((name) => name.startsWith(`${REFUSE_HTML} `))) return;
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const response = result.response as { statusCode?: number; headers?: Record<string, string> };
      const type = response.headers?.["content-type"] ?? "";
      if (/^text\/html\b/i.test(type)) {
        throw Object.assign(new Error(`the answer is an HTML page, not XML`), {
          name: "NotAnApiResponse",
          $metadata: { httpStatusCode: response.statusCode },
          $response: response,
        });
      }
      return result;
    },
    { step: "deserialize", priority: "high", name: REFUSE_HTML },
  );
}

function defaultClient(target: LiveTarget): EC2Client {
  return new EC2Client({
    region: target.region,
    credentials: target.roleArn ? assumedRole(target.roleArn, target.region) : undefined,
    maxAttempts: 3,
    requestHandler: TIMEOUTS,
  });
}

/** Temporary credentials, as the SDK takes them from a provider function. */
interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

const ASSUME_ROLE_FIX = "allow sts:AssumeRole on the role for this identity, and let the role's trust policy name it";

/** Credentials of a role, assumed once through STS with the default credentials. */
function assumedRole(roleArn: string, region: string | undefined): () => Promise<Credentials> {
  let pending: Promise<Credentials> | undefined;
  return () =>
    (pending ??= (async () => {
      const sts = new STSClient({ region, maxAttempts: 3, requestHandler: TIMEOUTS });
      try {
        const out = await sts
          .send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "peering-reach-live" }))
          .catch((error: unknown) => {
            throw liveReadError(`STS AssumeRole ${roleArn}`, region ?? "the default region", error, ASSUME_ROLE_FIX);
          });
        const c = out.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey)
          throw new LiveReadError(`STS AssumeRole ${roleArn}: the answer holds no credentials`);
        return {
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretAccessKey,
          sessionToken: c.SessionToken,
          expiration: c.Expiration,
        };
      } finally {
        sts.destroy();
      }
    })());
}

async function regionOf(client: EC2Client, target: LiveTarget): Promise<string> {
  if (target.region) return target.region;
  try {
    return await client.config.region();
  } catch {
    throw new LiveReadError(
      "no region to read: the stacks' AWS provider sets none and the AWS SDK finds none; fix: pass --region or set AWS_REGION",
    );
  }
}
