import { type Cidr, type GeneratedBlock, cidrAt, cidrHost, cidrSubnet, formatAddress, parseCidr } from "./cidr";
import { type Expr, ExprSyntaxError, parseTemplate } from "./expr";
import { ReachInputError, type StackDocument } from "./model";

/** The identity of a resource (its id or an id-like attribute such as a VPC's default_route_table_id). */
export class ResourceRef {
  constructor(readonly stack: string, readonly type: string, readonly name: string, readonly attr: string) {}
}

/** A CIDR block or single address (/32, /128) computed by reach, possibly inside an AWS-assigned block. */
export class CidrValue {
  constructor(readonly cidr: Cidr) {}
}

/** The account a provider runs as (data.aws_caller_identity). */
export class AccountRef {
  constructor(readonly provider: string) {}
}

/** An evaluated attribute value. */
export type Value =
  | string
  | number
  | boolean
  | null
  | readonly Value[]
  | { readonly [key: string]: Value }
  | ResourceRef
  | CidrValue
  | AccountRef;

/** Thrown while evaluating when an expression has no value reach can know before apply. */
export class Unresolvable extends Error {}

/** One resource block of a stack. */
export interface RawResource {
  readonly stack: string;
  readonly type: string;
  readonly name: string;
  readonly address: string;
  readonly body: Readonly<Record<string, unknown>>;
}

interface Stack {
  readonly name: string;
  readonly file: string;
  readonly resources: ReadonlyMap<string, ReadonlyMap<string, Readonly<Record<string, unknown>>>>;
  readonly data: Readonly<Record<string, unknown>>;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly locals: Readonly<Record<string, unknown>>;
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly backend: { readonly type: string; readonly config: unknown } | undefined;
  readonly providers: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
}

const IDENTITY_ATTRIBUTES = new Set([
  "id",
  "arn",
  "default_route_table_id",
  "main_route_table_id",
  "default_security_group_id",
  "default_network_acl_id",
]);

/** Whether a JSON value is a plain object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Evaluates attribute values of Terraform JSON stacks, following references across stacks. */
export class Resolver {
  readonly multiStack: boolean;
  private readonly stacks = new Map<string, Stack>();
  private readonly generatedBlocks = new Map<string, GeneratedBlock>();
  private readonly inProgress = new Set<string>();

  constructor(documents: readonly StackDocument[], private readonly generatedPool: bigint) {
    for (const doc of documents) {
      if (this.stacks.has(doc.stack)) {
        throw new ReachInputError(
          `two configurations are both named "${doc.stack}" (${this.stacks.get(doc.stack)?.file} and ${
            doc.file
          }); load each stack once`
        );
      }
      this.stacks.set(doc.stack, readStack(doc));
    }
    this.multiStack = this.stacks.size > 1;
  }

  /** The AWS-assigned IPv6 blocks handed out so far. */
  get generated(): readonly GeneratedBlock[] {
    return [...this.generatedBlocks.values()];
  }

  /** How reach names a resource: "type.name", prefixed by "stack/" when several stacks are loaded. */
  address(stack: string, type: string, name: string): string {
    return this.multiStack ? `${stack}/${type}.${name}` : `${type}.${name}`;
  }

  /** Every resource block of every stack. */
  resources(): RawResource[] {
    const out: RawResource[] = [];
    for (const stack of this.stacks.values()) {
      for (const [type, byName] of stack.resources) {
        for (const [name, body] of byName) {
          out.push({ stack: stack.name, type, name, address: this.address(stack.name, type, name), body });
        }
      }
    }
    return out;
  }

  /** The region of the provider configuration a resource uses ("aws" or "aws.alias"). */
  region(resource: RawResource): string | undefined {
    const raw = resource.body.provider;
    const ref = raw === undefined || raw === null ? "aws" : String(raw).replace(/^\$\{(.*)\}$/, "$1");
    const alias = ref === "aws" ? "" : ref.replace(/^aws\./, "");
    const provider = this.stack(resource.stack).providers.get(alias);
    if (!provider) {
      if (alias === "") return undefined;
      throw new ReachInputError(
        `${resource.address}: provider "${ref}" is not configured in ${
          this.stack(resource.stack).file
        }; add a provider "aws" block with alias "${alias}"`
      );
    }
    if (provider.region === undefined || provider.region === null) return undefined;
    const region = this.evaluate(resource.stack, provider.region);
    if (typeof region !== "string") {
      throw new ReachInputError(`provider "${ref}" in ${this.stack(resource.stack).file}: region must be a string`);
    }
    return region;
  }

  /** Evaluates a raw JSON attribute value in the context of a stack. */
  evaluate(stack: string, raw: unknown): Value {
    if (typeof raw === "string") return this.expression(stack, parseTemplate(raw));
    if (typeof raw === "number" || typeof raw === "boolean" || raw === null || raw === undefined) return raw ?? null;
    if (Array.isArray(raw)) return raw.map((item) => this.evaluate(stack, item));
    if (isRecord(raw)) {
      const out: Record<string, Value> = {};
      for (const [key, value] of Object.entries(raw)) if (key !== "//") out[key] = this.evaluate(stack, value);
      return out;
    }
    throw new Unresolvable(`unexpected JSON value ${JSON.stringify(raw)}`);
  }

  /** Evaluates resource.attr, or explains why it is unknown before apply. */
  resourceAttribute(stack: string, type: string, name: string, attr: string): Value {
    const body = this.stack(stack).resources.get(type)?.get(name);
    if (!body)
      throw new Unresolvable(`${this.address(stack, type, name)} is not declared in ${this.stack(stack).file}`);
    if (IDENTITY_ATTRIBUTES.has(attr)) return new ResourceRef(stack, type, name, attr);
    const raw = body[attr];
    if (raw !== undefined && raw !== null) {
      const key = `${stack}/${type}.${name}.${attr}`;
      if (this.inProgress.has(key)) throw new Unresolvable(`${type}.${name}.${attr} refers to itself`);
      this.inProgress.add(key);
      try {
        return this.evaluate(stack, raw);
      } finally {
        this.inProgress.delete(key);
      }
    }
    if (
      type === "aws_vpc" &&
      attr === "ipv6_cidr_block" &&
      this.evaluate(stack, body.assign_generated_ipv6_cidr_block) === true
    ) {
      return new CidrValue(this.generatedBlock(stack, name));
    }
    throw new Unresolvable(`${this.address(stack, type, name)}.${attr} is only known after apply`);
  }

  private generatedBlock(stack: string, name: string): Cidr {
    const label = `${this.address(stack, "aws_vpc", name)}.ipv6_cidr_block`;
    let block = this.generatedBlocks.get(label);
    if (!block) {
      const first = this.generatedPool + (BigInt(this.generatedBlocks.size) << 72n);
      block = { first, last: first + (1n << 72n) - 1n, label };
      this.generatedBlocks.set(label, block);
    }
    return cidrAt("ipv6", block.first, 56, label);
  }

  private expression(stack: string, expr: Expr): Value {
    switch (expr.kind) {
      case "literal":
        return expr.value;
      case "list":
        return expr.items.map((item) => this.expression(stack, item));
      case "template":
        return expr.parts
          .map((part) => {
            const value = this.expression(stack, part);
            if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
              return String(value);
            if (value instanceof CidrValue && !this.isGenerated(value.cidr)) return value.cidr.text;
            throw new Unresolvable("a value that is not text is interpolated into a string");
          })
          .join("");
      case "call":
        return this.call(
          expr.name,
          expr.args.map((arg) => this.expression(stack, arg))
        );
      case "traversal":
        return this.traversal(stack, expr.root, expr.steps);
    }
  }

  private traversal(stack: string, root: string, steps: readonly (string | number)[]): Value {
    const [first, second, third, fourth] = steps;
    if (root === "var") {
      const variable = this.stack(stack).variables[String(first)];
      if (!isRecord(variable) || variable.default === undefined) {
        throw new Unresolvable(`variable "${String(first)}" has no default value`);
      }
      return index(this.evaluate(stack, variable.default), steps.slice(1));
    }
    if (root === "local") {
      const local = this.stack(stack).locals[String(first)];
      if (local === undefined) throw new Unresolvable(`local "${String(first)}" is not declared`);
      return index(this.evaluate(stack, local), steps.slice(1));
    }
    if (root === "data") {
      if (first === "terraform_remote_state" && third === "outputs" && typeof fourth === "string") {
        const producer = this.producer(stack, String(second));
        const output = this.stack(producer).outputs[fourth];
        if (!isRecord(output) || output.value === undefined) {
          throw new Unresolvable(`stack "${producer}" has no output "${fourth}"`);
        }
        return index(this.evaluate(producer, output.value), steps.slice(4));
      }
      if (first === "aws_caller_identity" && third === "account_id") {
        return new AccountRef(`${stack}/${String(second)}`);
      }
      throw new Unresolvable(`data.${String(first)}.${String(second)} is read by Terraform from AWS at plan time`);
    }
    if (["module", "count", "each", "self", "path", "terraform"].includes(root)) {
      throw new Unresolvable(`"${root}." references are not supported`);
    }
    if (typeof first !== "string" || typeof second !== "string") {
      throw new Unresolvable(`a reference to a whole resource (${root}.${String(first)}) has no single value`);
    }
    return index(this.resourceAttribute(stack, root, first, second), steps.slice(2));
  }

  private producer(stack: string, remoteState: string): string {
    const states = this.stack(stack).data.terraform_remote_state;
    const remote = isRecord(states) ? states[remoteState] : undefined;
    if (!isRecord(remote)) throw new Unresolvable(`data.terraform_remote_state.${remoteState} is not declared`);
    const backend = String(remote.backend ?? "local");
    const matches = [...this.stacks.values()].filter(
      (s) => s.name !== stack && s.backend?.type === backend && sameJson(s.backend.config, remote.config ?? {})
    );
    if (matches.length === 1) return matches[0].name;
    const byName = remoteState.replace(/^cross-stack-reference-input-/, "");
    if (matches.length === 0 && remoteState !== byName && this.stacks.has(byName)) return byName;
    throw new Unresolvable(
      `data.terraform_remote_state.${remoteState} (backend "${backend}", config ${JSON.stringify(remote.config)}) ` +
        (matches.length
          ? `matches several loaded stacks`
          : `matches no loaded stack; load the stack that writes this state too (e.g. the whole cdktf.out)`)
    );
  }

  private isGenerated(cidr: Cidr): boolean {
    return this.generated.some((g) => cidr.first >= g.first && cidr.last <= g.last);
  }

  private call(name: string, args: readonly Value[]): Value {
    switch (name) {
      case "tolist":
      case "toset":
        if (args.length === 1 && Array.isArray(args[0])) return args[0];
        break;
      case "concat":
        if (args.every((a) => Array.isArray(a))) return args.flatMap((a) => a as readonly Value[]);
        break;
      case "element": {
        const [list, at] = args;
        if (Array.isArray(list) && list.length > 0 && typeof toNumber(at) === "number") {
          return list[(toNumber(at) as number) % list.length] as Value;
        }
        break;
      }
      case "cidrsubnet": {
        const [base, newbits, netnum] = [cidrArgument(args[0]), toNumber(args[1]), toNumber(args[2])];
        if (base && newbits !== undefined && netnum !== undefined) {
          const text = this.isGenerated(base) ? `cidrsubnet(${base.text}, ${newbits}, ${netnum})` : undefined;
          const result = cidrSubnet(base, newbits, netnum, text);
          if (typeof result === "string") throw new Unresolvable(result);
          return new CidrValue(result);
        }
        break;
      }
      case "cidrhost": {
        const [base, hostnum] = [cidrArgument(args[0]), toNumber(args[1])];
        if (base && hostnum !== undefined) {
          const host = cidrHost(base, hostnum);
          if (typeof host === "string") throw new Unresolvable(host);
          if (!this.isGenerated(base)) return formatAddress(base.family, host);
          const bits = base.family === "ipv4" ? 32 : 128;
          return new CidrValue(cidrAt(base.family, host, bits, `cidrhost(${base.text}, ${hostnum})`));
        }
        break;
      }
      default:
        throw new Unresolvable(
          `function ${name}() is not supported (reach evaluates cidrsubnet, cidrhost, tolist, toset, element, concat)`
        );
    }
    throw new Unresolvable(`${name}() got arguments it cannot use`);
  }

  private stack(name: string): Stack {
    const stack = this.stacks.get(name);
    if (!stack) throw new Unresolvable(`stack "${name}" is not loaded`);
    return stack;
  }
}

function readStack(doc: StackDocument): Stack {
  if (!isRecord(doc.json))
    throw new ReachInputError(`${doc.file}: not a Terraform JSON object; fix the file or pass a cdk.tf.json`);
  const json = doc.json;
  const resources = new Map<string, Map<string, Readonly<Record<string, unknown>>>>();
  for (const [type, byName] of Object.entries(section(json, "resource", doc.file))) {
    if (!isRecord(byName))
      throw new ReachInputError(`${doc.file}: resource.${type} must be an object of named resources`);
    const named = new Map<string, Readonly<Record<string, unknown>>>();
    for (const [name, body] of Object.entries(byName)) {
      if (!isRecord(body)) throw new ReachInputError(`${doc.file}: resource.${type}.${name} must be an object`);
      named.set(name, body);
    }
    resources.set(type, named);
  }
  const backendBlock = section(section(json, "terraform", doc.file), "backend", doc.file);
  const [backendType] = Object.keys(backendBlock);
  const providers = new Map<string, Readonly<Record<string, unknown>>>();
  const aws = section(json, "provider", doc.file).aws;
  for (const provider of Array.isArray(aws) ? aws : aws === undefined ? [] : [aws]) {
    if (!isRecord(provider))
      throw new ReachInputError(`${doc.file}: provider.aws must be an object or a list of objects`);
    providers.set(typeof provider.alias === "string" ? provider.alias : "", provider);
  }
  return {
    name: doc.stack,
    file: doc.file,
    resources,
    data: section(json, "data", doc.file),
    variables: section(json, "variable", doc.file),
    locals: section(json, "locals", doc.file),
    outputs: section(json, "output", doc.file),
    backend: backendType === undefined ? undefined : { type: backendType, config: backendBlock[backendType] },
    providers,
  };
}

function section(
  json: Readonly<Record<string, unknown>>,
  key: string,
  file: string
): Readonly<Record<string, unknown>> {
  const value = json[key];
  if (value === undefined) return {};
  if (!isRecord(value)) throw new ReachInputError(`${file}: "${key}" must be an object`);
  return value;
}

function index(value: Value, steps: readonly (string | number)[]): Value {
  let current = value;
  for (const step of steps) {
    if (Array.isArray(current) && typeof step === "number" && step < current.length) {
      current = (current as readonly Value[])[step];
    } else if (isPlainObject(current) && typeof step === "string" && step in current) {
      current = (current as Record<string, Value>)[step];
    } else {
      throw new Unresolvable(`cannot take [${JSON.stringify(step)}] of the referenced value`);
    }
  }
  return current;
}

function isPlainObject(value: Value): value is { readonly [key: string]: Value } {
  return isRecord(value) && Object.getPrototypeOf(value) === Object.prototype;
}

function toNumber(value: Value | undefined): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^-?[0-9]+$/.test(value)) return Number(value);
  return undefined;
}

function cidrArgument(value: Value | undefined): Cidr | undefined {
  if (value instanceof CidrValue) return value.cidr;
  if (typeof value !== "string") return undefined;
  const cidr = parseCidr(value);
  if (typeof cidr === "string") throw new Unresolvable(cidr);
  return cidr;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys(value[k])])
  );
}

/** Wraps evaluation failures into the input error the CLI reports with exit 2. */
export function describeFailure(address: string, attribute: string, raw: unknown, error: unknown): ReachInputError {
  if (error instanceof ReachInputError) return error;
  if (error instanceof Unresolvable || error instanceof ExprSyntaxError) {
    return new ReachInputError(
      `${address}: ${attribute} = ${JSON.stringify(raw)} cannot be resolved: ${error.message}. ` +
        `reach needs this attribute; use a literal or a reference to a resource in the loaded configuration`
    );
  }
  throw error;
}
