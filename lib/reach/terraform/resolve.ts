import { type Cidr, type GeneratedBlock, cidrAt, cidrHost, cidrSubnet, formatAddress, parseCidr } from "../cidr";
import { type Expr, ExprSyntaxError, parseTemplate } from "./expr";
import { clip, preview } from "../../core/json-limits";
import { OWN_ACCOUNT, ReachInputError, type StackDocument } from "../model";
import { isRecord } from "../../core/records";
import { type Stack, own, readStack, sameJson } from "./stack";
import { ctyBool, ctyNumber } from "./cty";

/** The identity of a resource (its id or an id-like attribute such as a VPC's default_route_table_id). */
export class ResourceRef {
  constructor(
    readonly stack: string,
    readonly type: string,
    readonly name: string,
    readonly attr: string,
  ) {}
}

/** A CIDR block or single address (/32, /128) computed by reach, possibly inside an AWS-assigned block. */
export class CidrValue {
  constructor(readonly cidr: Cidr) {}
}

/** The account a provider runs as (data.aws_caller_identity): `provider` is "<stack>/<data source name>". */
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

/**
 * The iterator of a dynamic block while its content is read for one element of its for_each: the
 * iterator's name (the block's label unless `iterator` renames it), the element's key (its index in
 * a list, its key in a map, the element itself in a set) and its value.
 */
export interface Iteration {
  readonly name: string;
  readonly key: Value;
  readonly value: Value;
}

const SETS = new WeakSet<readonly Value[]>();

/** Whether a list came from toset(): a set, whose elements are their own keys in a dynamic block. */
export function isSet(value: Value): boolean {
  return Array.isArray(value) && SETS.has(value);
}

/** Thrown while evaluating when an expression has no value reach can know before apply. */
export class Unresolvable extends Error {}

/** Thrown when evaluating a value leads back to itself; the message names the loop. */
export class Cycle extends Unresolvable {}

/** Thrown when an evaluation nests past MAX_EVALUATION_DEPTH. (not remembered: it depends on where it starts) */
export class TooDeep extends Unresolvable {}

/**
 * How many nested evaluations (values, expressions, references) one attribute may take. Evaluation
 * recurses once per level, so this keeps any input, however it nests or chains references, far from the
 * call stack's limit; real configurations need a few dozen.
 */
export const MAX_EVALUATION_DEPTH = 1000;

/** One resource block of a stack. */
export interface RawResource {
  readonly stack: string;
  readonly type: string;
  readonly name: string;
  readonly address: string;
  readonly body: Readonly<Record<string, unknown>>;
}

const IDENTITY_ATTRIBUTES = new Set([
  "id",
  "arn",
  "default_route_table_id",
  "main_route_table_id",
  "default_security_group_id",
  "default_network_acl_id",
  "association_default_route_table_id",
  "propagation_default_route_table_id",
]);

/** Evaluates attribute values of Terraform JSON stacks, following references across stacks. */
export class Resolver {
  readonly multiStack: boolean;
  private readonly stacks = new Map<string, Stack>();
  private readonly generatedBlocks = new Map<string, GeneratedBlock>();
  /** What is being evaluated, outermost first: attributes, locals and outputs, to name a cycle. */
  private readonly evaluating: string[] = [];
  private readonly evaluatingSet = new Set<string>();
  private depth = 0;
  private readonly regions = new Map<string, string | undefined>();
  /** The stack writing each remote state read, by "stack\0remote state" (see producer). */
  private readonly producers = new Map<string, string>();
  /** The value (or the failure) of every variable, local and output evaluated so far, by node ("stack/local.x"). */
  private readonly named = new Map<string, { readonly value: Value } | { readonly error: unknown }>();
  private namedEvaluations = 0;

  constructor(
    documents: readonly StackDocument[],
    private readonly generatedPool: bigint,
  ) {
    for (const doc of documents) {
      if (this.stacks.has(doc.stack)) {
        throw new ReachInputError(
          `two configurations are both named "${doc.stack}" (${this.stacks.get(doc.stack)?.file} and ${
            doc.file
          }); load each stack once`,
        );
      }
      this.stacks.set(doc.stack, readStack(doc));
    }
    this.multiStack = this.stacks.size > 1;
  }

  /** How many variables, locals and outputs were evaluated: each once, however often it is referred to. */
  get evaluations(): number {
    return this.namedEvaluations;
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

  /**
   * The account of the provider configuration a resource uses: the account id of a literal
   * assume_role role_arn or of a single literal allowed_account_ids entry, OWN_ACCOUNT without
   * either, undefined when the role ARN is not a literal.
   */
  account(resource: RawResource): string | undefined {
    return this.providerAccount(resource.stack, own(resource.body, "provider"));
  }

  /** The account whose id data.aws_caller_identity reads, through that data source's provider. */
  callerAccount(ref: AccountRef): string | undefined {
    const [stack, name] = [
      ref.provider.slice(0, ref.provider.lastIndexOf("/")),
      ref.provider.slice(ref.provider.lastIndexOf("/") + 1),
    ];
    const identities = own(this.stack(stack).data, "aws_caller_identity");
    const body = isRecord(identities) ? own(identities, name) : undefined;
    return this.providerAccount(stack, isRecord(body) ? own(body, "provider") : undefined);
  }

  private providerAccount(stackName: string, raw: unknown): string | undefined {
    const ref = typeof raw === "string" ? raw.replace(/^\$\{(.*)\}$/, "$1") : "aws";
    const alias = ref === "aws" ? "" : ref.replace(/^aws\./, "");
    const provider = this.stack(stackName).providers.get(alias);
    if (!provider) return OWN_ACCOUNT;
    const allowed = own(provider, "allowed_account_ids");
    if (Array.isArray(allowed) && allowed.length === 1 && typeof allowed[0] === "string" && /^\d{12}$/.test(allowed[0]))
      return allowed[0];
    const roles = [own(provider, "assume_role")].flat().filter(isRecord);
    const arn = roles.length === 1 ? own(roles[0], "role_arn") : undefined;
    if (roles.length === 0) return OWN_ACCOUNT;
    return typeof arn === "string" ? /^arn:[\w-]+:iam::(\d{12}):/.exec(arn)?.[1] : undefined;
  }

  /** The region of the provider configuration a resource uses ("aws" or "aws.alias"). */
  region(resource: RawResource): string | undefined {
    const raw = own(resource.body, "provider");
    if (raw !== undefined && raw !== null && typeof raw !== "string") {
      throw new ReachInputError(
        `${resource.address}: provider = ${preview(raw)} must name a provider configuration, e.g. "aws.west"`,
      );
    }
    const ref = raw === undefined || raw === null ? "aws" : raw.replace(/^\$\{(.*)\}$/, "$1");
    const alias = ref === "aws" ? "" : ref.replace(/^aws\./, "");
    const stack = this.stack(resource.stack);
    const provider = stack.providers.get(alias);
    if (!provider) {
      if (alias === "") return undefined;
      throw new ReachInputError(
        `${resource.address}: provider ${preview(ref)} is not configured in ${
          stack.file
        }; add a provider "aws" block with alias ${preview(alias)}`,
      );
    }
    const key = `${resource.stack}\u0000${alias}`;
    if (this.regions.has(key)) return this.regions.get(key);
    const rawRegion = own(provider, "region");
    let region: Value;
    try {
      region = rawRegion === undefined ? null : this.evaluate(resource.stack, rawRegion);
    } catch (error) {
      throw describeFailure(resource.address, `region of provider "${ref}"`, rawRegion, error);
    }
    if (region !== null && typeof region !== "string") {
      throw new ReachInputError(
        `${resource.address}: region of provider "${ref}" = ${preview(rawRegion)} in ${
          stack.file
        } is not a string; fix the provider block`,
      );
    }
    this.regions.set(key, region ?? undefined);
    return region ?? undefined;
  }

  /**
   * Evaluates a raw JSON attribute value in the context of a stack, and of the dynamic block
   * iteration `scope` inside a dynamic block's content.
   */
  evaluate(stack: string, raw: unknown, scope?: Iteration): Value {
    return this.nested(() => {
      if (typeof raw === "string") return this.expression(stack, parseTemplate(raw), scope);
      if (typeof raw === "number" || typeof raw === "boolean" || raw === null || raw === undefined) return raw ?? null;
      if (Array.isArray(raw)) return raw.map((item) => this.evaluate(stack, item, scope));
      if (isRecord(raw)) {
        const out: Record<string, Value> = {};
        for (const [key, value] of Object.entries(raw)) if (key !== "//") out[key] = this.evaluate(stack, value, scope);
        return out;
      }
      throw new Unresolvable(`unexpected JSON value ${preview(raw)}`);
    });
  }

  /** Evaluates an attribute of a resource's body, naming it `node` in a cycle ("aws_vpc.a.cidr_block"). */
  evaluateAttribute(stack: string, node: string, raw: unknown, scope?: Iteration): Value {
    return this.within(node, () => this.evaluate(stack, raw, scope));
  }

  /** Evaluates resource.attr, or explains why it is unknown before apply. */
  resourceAttribute(stack: string, type: string, name: string, attr: string): Value {
    const body = this.stack(stack).resources.get(type)?.get(name);
    if (!body)
      throw new Unresolvable(
        `${clip(this.address(stack, type, name), 120)} is not declared in ${this.stack(stack).file}`,
      );
    const raw = own(body, attr);
    // An id is the resource itself; an id-like argument (default_route_table_id of an
    // aws_default_route_table) names another resource, so it is read from the body.
    if (IDENTITY_ATTRIBUTES.has(attr) && (attr === "id" || attr === "arn" || raw === undefined || raw === null))
      return new ResourceRef(stack, type, name, attr);
    if (raw !== undefined && raw !== null)
      return this.evaluateAttribute(stack, `${this.address(stack, type, name)}.${attr}`, raw);
    if (type === "aws_vpc" && attr === "ipv6_cidr_block") {
      const generated = this.evaluateAttribute(
        stack,
        `${this.address(stack, type, name)}.assign_generated_ipv6_cidr_block`,
        own(body, "assign_generated_ipv6_cidr_block"),
      );
      if (ctyBool(generated) === true) return new CidrValue(this.generatedBlock(stack, name));
    }
    throw new Unresolvable(`${this.address(stack, type, name)}.${clip(attr)} is only known after apply`);
  }

  /**
   * The value of a variable, local or output `node`, evaluated on first use and remembered: a chain of locals that
   * each refer to the next several times costs one evaluation per local, not one per path through it.
   */
  private evaluateNamed(node: string, evaluate: () => Value): Value {
    const known = this.named.get(node);
    if (known) {
      if ("value" in known) return known.value;
      throw known.error;
    }
    this.namedEvaluations += 1;
    try {
      const value = evaluate();
      this.named.set(node, { value });
      return value;
    } catch (error) {
      if (!(error instanceof Cycle) && !(error instanceof TooDeep)) this.named.set(node, { error });
      throw error;
    }
  }

  /** Runs an evaluation of `node`, refusing one that leads back to a node still being evaluated. */
  private within(node: string, run: () => Value): Value {
    if (this.evaluatingSet.has(node)) {
      const loop = [...this.evaluating.slice(this.evaluating.indexOf(node)), node];
      throw new Cycle(`refers to itself through ${loop.join(" → ")}`);
    }
    this.evaluating.push(node);
    this.evaluatingSet.add(node);
    try {
      return run();
    } finally {
      this.evaluating.pop();
      this.evaluatingSet.delete(node);
    }
  }

  /** Counts one level of evaluation, refusing more than MAX_EVALUATION_DEPTH. */
  private nested(run: () => Value): Value {
    if (this.depth >= MAX_EVALUATION_DEPTH) {
      const chain = this.evaluating.length > 0 ? ` (through ${this.evaluating.slice(0, 3).join(" → ")} → …)` : "";
      throw new TooDeep(
        `the value is nested too deeply: more than ${MAX_EVALUATION_DEPTH} levels of values, expressions and references${chain}`,
      );
    }
    this.depth += 1;
    try {
      return run();
    } finally {
      this.depth -= 1;
    }
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

  private expression(stack: string, expr: Expr, scope: Iteration | undefined): Value {
    return this.nested(() => this.evaluateExpression(stack, expr, scope));
  }

  private evaluateExpression(stack: string, expr: Expr, scope: Iteration | undefined): Value {
    switch (expr.kind) {
      case "literal":
        return expr.value;
      case "list":
        return expr.items.map((item) => this.expression(stack, item, scope));
      case "template":
        return expr.parts
          .map((part) => {
            const value = this.expression(stack, part, scope);
            if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
              return String(value);
            if (value instanceof CidrValue && !this.isGenerated(value.cidr)) return value.cidr.text;
            throw new Unresolvable("a value that is not text is interpolated into a string");
          })
          .join("");
      case "call":
        return this.call(
          expr.name,
          expr.args.map((arg) => this.expression(stack, arg, scope)),
        );
      case "traversal":
        return this.traversal(stack, expr.root, expr.steps, scope);
    }
  }

  private traversal(stack: string, root: string, steps: readonly (string | number)[], scope?: Iteration): Value {
    const [first, second, third, fourth] = steps;
    if (scope !== undefined && root === scope.name) {
      if (first === "key") return index(scope.key, steps.slice(1));
      if (first === "value") return index(scope.value, steps.slice(1));
      throw new Unresolvable(`${clip(root)}.${clip(String(first))}: a dynamic block's iterator has only key and value`);
    }
    const prefix = this.multiStack ? `${stack}/` : "";
    if (root === "var") {
      const variable = own(this.stack(stack).variables, String(first));
      if (!isRecord(variable) || !Object.hasOwn(variable, "default")) {
        throw new Unresolvable(`variable "${clip(String(first))}" has no default value`);
      }
      // Terraform takes a variable's default in JSON literally: its strings are never templates.
      const value = this.evaluateNamed(`${prefix}var.${String(first)}`, () => literal(variable.default));
      return index(value, steps.slice(1));
    }
    if (root === "local") {
      const local = own(this.stack(stack).locals, String(first));
      if (local === undefined) throw new Unresolvable(`local "${clip(String(first))}" is not declared`);
      const node = `${prefix}local.${String(first)}`;
      return index(
        this.evaluateNamed(node, () => this.evaluateAttribute(stack, node, local)),
        steps.slice(1),
      );
    }
    if (root === "data") {
      if (first === "terraform_remote_state" && third === "outputs" && typeof fourth === "string") {
        const producer = this.producer(stack, String(second));
        const output = own(this.stack(producer).outputs, fourth);
        if (!isRecord(output) || output.value === undefined) {
          throw new Unresolvable(`stack "${producer}" has no output "${clip(fourth)}"`);
        }
        const node = `${this.multiStack ? `${producer}/` : ""}output.${fourth}`;
        const value = this.evaluateNamed(node, () => this.evaluateAttribute(producer, node, output.value));
        return index(value, steps.slice(4));
      }
      if (first === "aws_caller_identity" && third === "account_id") {
        return new AccountRef(`${stack}/${String(second)}`);
      }
      throw new Unresolvable(
        `data.${clip(String(first))}.${clip(String(second))} is read by Terraform from AWS at plan time`,
      );
    }
    if (["module", "count", "each", "self", "path", "terraform"].includes(root)) {
      throw new Unresolvable(`"${root}." references are not supported`);
    }
    if (typeof first !== "string" || typeof second !== "string") {
      throw new Unresolvable(
        `a reference to a whole resource (${clip(root)}.${clip(String(first))}) has no single value`,
      );
    }
    return index(this.resourceAttribute(stack, root, first, second), steps.slice(2));
  }

  /** The stack that writes the state `remoteState` of `stack` reads, found once per remote state (a cell's stacks read one per reference). */
  private producer(stack: string, remoteState: string): string {
    const key = `${stack}\u0000${remoteState}`;
    let found = this.producers.get(key);
    if (found === undefined) this.producers.set(key, (found = this.findProducer(stack, remoteState)));
    return found;
  }

  private findProducer(stack: string, remoteState: string): string {
    const states = own(this.stack(stack).data, "terraform_remote_state");
    const remote = isRecord(states) ? own(states, remoteState) : undefined;
    if (!isRecord(remote)) throw new Unresolvable(`data.terraform_remote_state.${remoteState} is not declared`);
    const backend = typeof remote.backend === "string" ? remote.backend : "local";
    const matches = [...this.stacks.values()].filter(
      (s) => s.name !== stack && s.backend?.type === backend && sameJson(s.backend.config, remote.config ?? {}),
    );
    if (matches.length === 1) return matches[0].name;
    const byName = remoteState.replace(/^cross-stack-reference-input-/, "");
    if (matches.length === 0 && remoteState !== byName && this.stacks.has(byName)) return byName;
    throw new Unresolvable(
      `data.terraform_remote_state.${remoteState} (backend "${backend}", config ${preview(remote.config)}) ` +
        (matches.length
          ? `matches several loaded stacks`
          : `matches no loaded stack; load the stack that writes this state too (e.g. the whole cdktf.out)`),
    );
  }

  private isGenerated(cidr: Cidr): boolean {
    for (const g of this.generatedBlocks.values()) if (cidr.first >= g.first && cidr.last <= g.last) return true;
    return false;
  }

  private call(name: string, args: readonly Value[]): Value {
    switch (name) {
      case "tolist":
        if (args.length === 1 && Array.isArray(args[0])) return args[0];
        break;
      case "toset":
        if (args.length === 1 && Array.isArray(args[0])) return toSet(args[0] as readonly Value[]);
        break;
      case "concat":
        if (args.every((a) => Array.isArray(a))) return args.flatMap((a) => a as readonly Value[]);
        break;
      case "element": {
        const [list, at] = args;
        const i = toNumber(at);
        if (Array.isArray(list) && list.length > 0 && i !== undefined && Number.isSafeInteger(i) && i >= 0) {
          return (list as readonly Value[])[i % list.length];
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
          `function ${clip(
            name,
          )}() is not supported (reach evaluates cidrsubnet, cidrhost, tolist, toset, element, concat)`,
        );
    }
    throw new Unresolvable(`${clip(name)}(${args.map(showValue).join(", ")}): reach cannot use these arguments`);
  }

  private stack(name: string): Stack {
    const stack = this.stacks.get(name);
    if (!stack) throw new Unresolvable(`stack "${name}" is not loaded`);
    return stack;
  }
}

function index(value: Value, steps: readonly (string | number)[]): Value {
  let current = value;
  for (const step of steps) {
    if (Array.isArray(current) && typeof step === "number" && step < current.length) {
      current = (current as readonly Value[])[step];
    } else if (isPlainObject(current) && typeof step === "string" && Object.hasOwn(current, step)) {
      current = (current as Record<string, Value>)[step];
    } else {
      throw new Unresolvable(`cannot take [${preview(step)}] of the referenced value`);
    }
  }
  return current;
}

function isPlainObject(value: Value): value is { readonly [key: string]: Value } {
  return isRecord(value) && Object.getPrototypeOf(value) === Object.prototype;
}

/** A list as toset() makes it a set: each text, number or bool once (cty orders sets; reach's readers do not care). */
function toSet(list: readonly Value[]): readonly Value[] {
  const seen = new Set<string>();
  const set = list.filter((item) => {
    if (typeof item !== "string" && typeof item !== "number" && typeof item !== "boolean") return true;
    const key = `${typeof item}:${String(item)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  SETS.add(set);
  return set;
}

function toNumber(value: Value | undefined): number | undefined {
  return value === undefined ? undefined : ctyNumber(value);
}

/** An evaluated value as an error message shows it. */
function showValue(value: Value): string {
  if (value instanceof CidrValue) return value.cidr.text;
  if (value instanceof ResourceRef) return `${value.type}.${value.name}.${value.attr}`;
  if (value instanceof AccountRef) return "an account id";
  return preview(value, 40);
}

/** A JSON value taken as it is, without reading its strings as templates. */
function literal(raw: unknown): Value {
  if (typeof raw === "string" || typeof raw === "number" || typeof raw === "boolean" || raw === null) return raw;
  if (Array.isArray(raw)) return raw.map(literal);
  if (isRecord(raw)) return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, literal(v)]));
  return null;
}

function cidrArgument(value: Value | undefined): Cidr | undefined {
  if (value instanceof CidrValue) return value.cidr;
  if (typeof value !== "string") return undefined;
  const cidr = parseCidr(value);
  if (typeof cidr === "string") throw new Unresolvable(cidr);
  return cidr;
}

/** Wraps evaluation failures into the input error the CLI reports with exit 2. */
export function describeFailure(address: string, attribute: string, raw: unknown, error: unknown): ReachInputError {
  if (error instanceof ReachInputError) return error;
  if (error instanceof Cycle) {
    return new ReachInputError(`${address}: ${attribute} = ${preview(raw)} ${error.message}; break the cycle`);
  }
  if (error instanceof Unresolvable || error instanceof ExprSyntaxError) {
    return new ReachInputError(
      `${address}: ${attribute} = ${preview(raw)} cannot be resolved: ${error.message}. ` +
        `reach needs this attribute; use a literal or a reference to a resource in the loaded configuration`,
    );
  }
  throw error;
}
