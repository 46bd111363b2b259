/**
 * Read-only helpers over Terraform JSON documents, for the tools that need attributes reach does
 * not model (tags, instance types, providers' accounts). Resources are named the way reach names
 * them: "type.name", prefixed by "stack/" when several stacks are loaded.
 */

/** One Terraform JSON configuration as read from disk: a cdktf stack or a plain file. */
export interface StackDocument {
  readonly stack: string;
  readonly file: string;
  readonly json: unknown;
}

/** One resource block of a document. */
export interface JsonResource {
  /** reach's address of the resource. */
  readonly address: string;
  /** The stack (document) that declares it. */
  readonly stack: string;
  /** Terraform resource type, e.g. "aws_nat_gateway". */
  readonly type: string;
  /** Resource name within its type. */
  readonly name: string;
  /** The block's attributes as written. */
  readonly body: Readonly<Record<string, unknown>>;
}

/** Whether a JSON value is a plain object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Every resource block of the documents, in document order. */
export function jsonResources(documents: readonly StackDocument[]): JsonResource[] {
  const prefix = documents.length > 1;
  return documents.flatMap((doc) => {
    const resources = isObject(doc.json) && isObject(doc.json.resource) ? doc.json.resource : {};
    return Object.entries(resources).flatMap(([type, byName]) =>
      Object.entries(isObject(byName) ? byName : {}).map(([name, body]) => ({
        address: prefix ? `${doc.stack}/${type}.${name}` : `${type}.${name}`,
        stack: doc.stack,
        type,
        name,
        body: isObject(body) ? body : {},
      })),
    );
  });
}

/** A string attribute written as a literal (no `${...}` interpolation), else undefined. */
export function literal(value: unknown): string | undefined {
  return typeof value === "string" && !value.includes("${") ? value : undefined;
}

/** The `Name` tag when it is a literal string. */
export function nameTag(body: Readonly<Record<string, unknown>>): string | undefined {
  return isObject(body.tags) ? literal(body.tags.Name) : undefined;
}

/** The `provider "aws"` block a resource uses (its `provider` meta-argument or the default one), if declared. */
export function awsProviderOf(
  document: StackDocument | undefined,
  body: Readonly<Record<string, unknown>>,
): Readonly<Record<string, unknown>> | undefined {
  const json = document?.json;
  const declared = isObject(json) && isObject(json.provider) ? json.provider.aws : undefined;
  const blocks = (Array.isArray(declared) ? declared : [declared]).filter(isObject);
  const ref = typeof body.provider === "string" ? body.provider.replace(/^\$\{(.*)\}$/, "$1") : "aws";
  const alias = ref === "aws" ? undefined : ref.replace(/^aws\./, "");
  return blocks.find((b) => (alias === undefined ? b.alias === undefined : b.alias === alias));
}

/**
 * The region a resource is created in: its provider's `region`, as a literal or through a
 * variable's default; undefined when the provider leaves it to the environment.
 */
export function regionOf(
  document: StackDocument | undefined,
  body: Readonly<Record<string, unknown>>,
): string | undefined {
  const region = awsProviderOf(document, body)?.region;
  const direct = literal(region);
  if (direct !== undefined) return direct;
  const variable = typeof region === "string" ? /^\$\{var\.([\w-]+)\}$/.exec(region)?.[1] : undefined;
  const json = document?.json;
  const declared = variable && isObject(json) && isObject(json.variable) ? json.variable[variable] : undefined;
  return isObject(declared) ? literal(declared.default) : undefined;
}

/**
 * The AWS account a resource is created in, when the provider pins it: a single
 * `allowed_account_ids` entry, or the account of a literal `assume_role` role ARN.
 */
export function accountOf(
  document: StackDocument | undefined,
  body: Readonly<Record<string, unknown>>,
): string | undefined {
  const provider = awsProviderOf(document, body);
  if (!provider) return undefined;
  const allowed = provider.allowed_account_ids;
  if (Array.isArray(allowed) && allowed.length === 1) return literal(allowed[0]);
  const roles = [provider.assume_role].flat().filter(isObject);
  const arn = roles.length === 1 ? literal(roles[0].role_arn) : undefined;
  return arn ? /^arn:[\w-]+:iam::(\d{12}):/.exec(arn)?.[1] : undefined;
}
