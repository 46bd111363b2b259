import { ReachInputError } from "../model";

/** A live read that could not happen (credentials, permissions, endpoint): the CLI exits 2 with its message. */
export class LiveReadError extends ReachInputError {}

const DENIED = new Set(["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "OptInRequired", "Blocked"]);
const REJECTED = new Set([
  "AuthFailure",
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "ExpiredTokenException",
  "RequestExpired",
]);
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
]);

/** The permissions the live loader needs, for messages and docs/reach-and-check.md. */
export const LIVE_PERMISSIONS = [
  "ec2:DescribeInstances",
  "ec2:DescribeVpcs",
  "ec2:DescribeSubnets",
  "ec2:DescribeRouteTables",
  "ec2:DescribeVpcPeeringConnections",
  "ec2:DescribeSecurityGroups",
  "ec2:DescribeSecurityGroupRules",
  "ec2:DescribeNetworkAcls",
  "ec2:DescribeInternetGateways",
  "ec2:DescribeNatGateways",
  "ec2:DescribeVpnGateways",
  "ec2:DescribeTransitGateways",
  "ec2:DescribeTransitGatewayVpcAttachments",
  "ec2:DescribeTransitGatewayPeeringAttachments",
  "ec2:DescribeTransitGatewayRouteTables",
  "ec2:GetTransitGatewayRouteTableAssociations",
  "ec2:GetTransitGatewayRouteTablePropagations",
  "ec2:SearchTransitGatewayRoutes",
] as const;

/**
 * The error to stop with when a call failed: what was asked where, what came back, and what to do.
 * Every failure of an AWS call is one the user can act on (credentials, permissions, endpoint), so
 * none of them is a crash. `grant` says what to allow when access is denied.
 */
export function liveReadError(
  call: string,
  where: string,
  error: unknown,
  grant = `allow ${LIVE_PERMISSIONS.join(", ")} for this identity`,
): LiveReadError {
  if (error instanceof LiveReadError) return error;
  const name = field(error, "name") ?? "Error";
  const message = (field(error, "message") ?? String(error)).split("\n")[0];
  const said = message && message !== name ? `${name}: ${message}` : name;
  const code = field(error, "code");
  const status = httpStatus(error);
  const type = contentType(error);
  const head = `${call} in ${where}`;
  if (name === "CredentialsProviderError" || /Could not load credentials/i.test(message)) {
    return new LiveReadError(
      `${head}: no AWS credentials (${said}); fix: set AWS_PROFILE (after aws sso login) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
    );
  }
  if (type === "text/html" || name === "SyntaxError" || /Deserialization error/i.test(message)) {
    const answer = [status !== undefined ? `HTTP ${status}` : undefined, type].filter(Boolean).join(", ");
    return new LiveReadError(
      `${head}: the endpoint answered ${answer || "something"} that is not an AWS API response (${said}); fix: check AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_EC2, or unset them to use AWS`,
    );
  }
  if (DENIED.has(name) || status === 403) {
    return new LiveReadError(`${head}: access denied (${said}); fix: ${grant}`);
  }
  if (REJECTED.has(name)) {
    return new LiveReadError(
      `${head}: the credentials were rejected (${said}); fix: refresh them (aws sso login, or new access keys) or check AWS_PROFILE`,
    );
  }
  if ((code !== undefined && UNREACHABLE_CODES.has(code)) || name === "TimeoutError" || name === "RequestTimeout") {
    return new LiveReadError(
      `${head}: the endpoint did not answer (${said}); fix: check the network, the region name and AWS_ENDPOINT_URL`,
    );
  }
  return new LiveReadError(`${head} failed (${said}${status !== undefined ? `, HTTP ${status}` : ""})`);
}

function field(error: unknown, key: string): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const value = (error as Record<string, unknown>)[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function httpStatus(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const metadata = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata;
  return typeof metadata?.httpStatusCode === "number" ? metadata.httpStatusCode : undefined;
}

/** The Content-Type of the raw response the SDK attaches to errors it could not read. */
function contentType(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const headers = (error as { $response?: { headers?: Record<string, unknown> } }).$response?.headers;
  const type = headers?.["content-type"] ?? headers?.["Content-Type"];
  return typeof type === "string" ? type.split(";")[0].trim() : undefined;
}
