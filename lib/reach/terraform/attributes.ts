import { clip, preview } from "../../core/json-limits";
import { defaultNetworkAclKey, defaultRouteTableKey, defaultSecurityGroupKey } from "../build";
import { type Cidr, type Family, addressProblem, parseAddress, parseCidr } from "../cidr";
import { ReachInputError } from "../model";
import { dynamicBlocks } from "./dynamic";
import { ExprSyntaxError } from "./expr";
import { isRecord } from "../../core/records";
import { ctyBool, ctyNumber } from "./cty";
import { own } from "./stack";
import {
  CidrValue,
  type Iteration,
  type RawResource,
  ResourceRef,
  type Resolver,
  Unresolvable,
  type Value,
  describeFailure,
  isSet,
} from "./resolve";
import { IP_PROTOCOLS, protocolNumber } from "../protocols";

/** What a reference may name; an attribute that needs one kind refuses a reference to another. */
export type Kind =
  "vpc" | "subnet" | "route table" | "security group" | "network ACL" | "peering connection" | "instance";

const KIND_OF_TYPE: ReadonlyMap<string, Kind> = new Map([
  ["aws_vpc", "vpc"],
  ["aws_subnet", "subnet"],
  ["aws_route_table", "route table"],
  ["aws_default_route_table", "route table"],
  ["aws_security_group", "security group"],
  ["aws_default_security_group", "security group"],
  ["aws_network_acl", "network ACL"],
  ["aws_default_network_acl", "network ACL"],
  ["aws_vpc_peering_connection", "peering connection"],
  ["aws_vpc_peering_connection_accepter", "peering connection"],
  ["aws_instance", "instance"],
]);

/**
 * Resources whose id stands for another resource: an aws_default_route_table is the VPC's default table
 * named by its default_route_table_id, an accepter is the peering connection it accepts, and so on.
 * `kind` is what the attribute must name; `key` turns that into the key of the resource itself.
 */
interface StandIn {
  readonly attribute: string;
  readonly kind: Kind;
  readonly key?: (vpc: string) => string;
}

const STANDS_FOR: ReadonlyMap<string, StandIn> = new Map([
  ["aws_default_route_table", { attribute: "default_route_table_id", kind: "route table" }],
  ["aws_default_network_acl", { attribute: "default_network_acl_id", kind: "network ACL" }],
  ["aws_default_security_group", { attribute: "vpc_id", kind: "vpc", key: defaultSecurityGroupKey }],
  ["aws_vpc_peering_connection_accepter", { attribute: "vpc_peering_connection_id", kind: "peering connection" }],
]);

/**
 * One attribute of a resource (or of a nested block): where it is, its label for messages, its raw
 * JSON, and in a dynamic block's content the iteration its references to the iterator read.
 */
export interface Slot {
  readonly res: RawResource;
  readonly label: string;
  readonly raw: unknown;
  /** @default - outside any dynamic block */
  readonly scope?: Iteration;
}

/** A resolved reference: the model key, the kind it names, and whether it is a literal id from outside. */
interface Entity {
  readonly key: string;
  readonly kind: Kind | undefined;
  readonly external: boolean;
}

/**
 * Reads the attributes of Terraform resources as the types the model needs (CIDRs, addresses, whole
 * numbers, references to other resources), each failure an input error naming the resource, the
 * attribute and its expression.
 */
export class Attributes {
  constructor(private readonly resolver: Resolver) {}

  /** The value of an attribute the analysis can do without; undefined when it cannot be evaluated. */
  bestEffort(res: RawResource, raw: unknown, scope?: Iteration): Value | undefined {
    try {
      return this.resolver.evaluate(res.stack, raw, scope);
    } catch (error) {
      if (error instanceof Unresolvable || error instanceof ExprSyntaxError || error instanceof ReachInputError)
        return undefined;
      throw error;
    }
  }

  slot(res: RawResource, name: string): Slot {
    return { res, label: name, raw: own(res.body, name) };
  }

  field(block: Slot, name: string): Slot {
    const body = isRecord(block.raw) ? block.raw : {};
    const label = block.label ? `${block.label}.${name}` : name;
    return { res: block.res, label, raw: own(body, name), ...(block.scope ? { scope: block.scope } : {}) };
  }

  /** The nested blocks `name` of a resource: those written out, then those its dynamic blocks make. */
  blocks(res: RawResource, name: string): Slot[] {
    const raw = own(res.body, name);
    const list: readonly unknown[] = !present(raw) ? [] : Array.isArray(raw) ? raw : [raw];
    const written = list.map((item, i): Slot => {
      if (!isRecord(item))
        throw new ReachInputError(`${res.address}: ${name}[${i}] must be an object (a nested block)`);
      return { res, label: `${name}[${i}]`, raw: item };
    });
    return [...written, ...this.dynamic(res, name)];
  }

  /**
   * The blocks the dynamic blocks labelled `name` make: one per element of for_each (a list, a set or
   * a map reach evaluates before apply), its content read with the iterator bound to the element.
   */
  private dynamic(res: RawResource, name: string): Slot[] {
    return dynamicBlocks(res.address, res.body)
      .filter((block) => block.label === name)
      .flatMap((block) => {
        const fail = (problem: string): ReachInputError =>
          new ReachInputError(
            `${res.address}: ${block.where}: for_each = ${preview(block.forEach)} ${problem}; reach expands ` +
              "dynamic blocks only over a list, set or map known before apply (literal, or locals and variables " +
              "holding one): write the blocks out or make for_each literal",
          );
        let forEach: Value;
        try {
          forEach = this.resolver.evaluateAttribute(res.stack, `${res.address}.${block.where}.for_each`, block.forEach);
        } catch (error) {
          if (error instanceof Unresolvable || error instanceof ExprSyntaxError)
            throw fail(`cannot be expanded: ${error.message}`);
          throw error;
        }
        const elements: readonly (readonly [Value, Value])[] = Array.isArray(forEach)
          ? (forEach as readonly Value[]).map((value, i) => [isSet(forEach) ? value : i, value] as const)
          : isPlainMap(forEach)
            ? Object.entries(forEach)
            : [];
        if (!Array.isArray(forEach) && !isPlainMap(forEach))
          throw fail(forEach === null ? "is null, which Terraform refuses" : "is not a list, set or map");
        return elements.map(([key, value]): Slot => ({
          res,
          label: `${block.where}[${typeof key === "number" ? key : clip(preview(key), 40)}]`,
          raw: block.content,
          scope: { name: block.iterator, key, value },
        }));
      });
  }

  /** The evaluated value of an attribute, null when unset; an input error when it cannot be evaluated. */
  value(slot: Slot): Value {
    if (!present(slot.raw)) return null;
    return this.guarded(slot, () =>
      this.resolver.evaluateAttribute(slot.res.stack, `${slot.res.address}.${slot.label}`, slot.raw, slot.scope),
    );
  }

  /** Runs an evaluation for a slot, turning its failure into an input error that names the slot. */
  guarded(slot: Slot, evaluate: () => Value): Value {
    try {
      return evaluate();
    } catch (error) {
      throw describeFailure(slot.res.address, slot.label, slot.raw, error);
    }
  }

  string(slot: Slot): string | undefined {
    const value = this.value(slot);
    if (value === null) return undefined;
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return String(value);
    throw this.wrongType(slot, "a string");
  }

  /** A bool as Terraform converts one (true, "true", "1"; false, "false", "0"); false when unset. */
  bool(slot: Slot): boolean {
    const value = this.value(slot);
    if (value === null) return false;
    const bool = ctyBool(value);
    if (bool === undefined) throw this.wrongType(slot, 'true or false (or "true", "false", "1", "0")');
    return bool;
  }

  /** A whole number from min to max, as a JSON number or a string Terraform converts ("-1e0"); undefined when unset. */
  integer(slot: Slot, min: number, max: number): number | undefined {
    const value = this.value(slot);
    if (value === null) return undefined;
    const number = ctyNumber(value) ?? NaN;
    if (!Number.isInteger(number) || number < min || number > max)
      throw this.wrongType(slot, `a whole number from ${min} to ${max}`);
    return number;
  }

  protocol(slot: Slot): number {
    const text = this.string(slot);
    if (text === undefined) throw this.wrongType(slot, "an IP protocol");
    const number = protocolNumber(text);
    if (number !== undefined) return number;
    if (/^-?[0-9]+$/.test(text)) throw this.wrongType(slot, "an IP protocol number from -1 (all) to 255");
    throw this.wrongType(slot, `an IP protocol name (${[...IP_PROTOCOLS.keys()].join(", ")}) or number`);
  }

  cidr(slot: Slot, family: Family): Cidr | undefined {
    const value = this.value(slot);
    if (value === null || value === "") return undefined;
    const cidr = value instanceof CidrValue ? value.cidr : typeof value === "string" ? parseCidr(value) : undefined;
    if (cidr === undefined) throw this.wrongType(slot, "a CIDR block");
    if (typeof cidr === "string")
      throw new ReachInputError(`${slot.res.address}: ${slot.label}: ${cidr}; fix the block`);
    if (cidr.family !== family) throw this.wrongType(slot, `an ${family === "ipv4" ? "IPv4" : "IPv6"} CIDR block`);
    return cidr;
  }

  cidrs(slot: Slot, family: Family): Cidr[] {
    const value = this.value(slot);
    if (value === null) return [];
    if (!Array.isArray(value)) throw this.wrongType(slot, "a list of CIDR blocks");
    return (value as readonly Value[]).map((item, i) => {
      // The list is evaluated: an item that is a block of the family is taken as it is (a large
      // network's rules list hundreds); any other is evaluated again as its own slot, for its error.
      const parsed = item instanceof CidrValue ? item.cidr : typeof item === "string" ? parseCidr(item) : undefined;
      if (parsed !== undefined && typeof parsed !== "string" && parsed.family === family) return parsed;
      const element = { ...slot, label: `${slot.label}[${i}]`, raw: rawItem(slot.raw, i, item) };
      const cidr = this.cidr(element, family);
      if (!cidr) throw this.wrongType(element, "a CIDR block");
      return cidr;
    });
  }

  addresses(slot: Slot, family: Family): bigint[] {
    const value = this.value(slot);
    if (value === null) return [];
    const items = Array.isArray(value) ? (value as readonly Value[]) : [value];
    const expected = family === "ipv4" ? "an IPv4 address" : "IPv6 addresses";
    return items.map((item) => {
      if (item instanceof CidrValue && item.cidr.first === item.cidr.last) {
        if (item.cidr.family !== family) throw this.wrongType(slot, expected);
        return item.cidr.first;
      }
      if (typeof item !== "string") throw this.wrongType(slot, expected);
      const parsed = parseAddress(item);
      if (!parsed)
        throw new ReachInputError(`${slot.res.address}: ${slot.label}: ${addressProblem(item)}; fix the value`);
      if (parsed.family !== family) throw this.wrongType(slot, expected);
      return parsed.value;
    });
  }

  /** The model key of the resource an attribute refers to; a literal id only when `allowExternal`. */
  entity(slot: Slot, kind: Kind, allowExternal: boolean): string | undefined {
    const value = this.value(slot);
    if (value === null || value === "") return undefined;
    return this.entityOf(slot, value, kind, allowExternal);
  }

  entities(slot: Slot, kind: Kind, allowExternal: boolean): string[] {
    const value = this.value(slot);
    if (value === null) return [];
    const items = Array.isArray(value) ? (value as readonly Value[]) : [value];
    return items.map((item) => this.entityOf(slot, item, kind, allowExternal));
  }

  requiredEntity(res: RawResource, attribute: string, kind: Kind, allowExternal = false): string {
    const key = this.entity(this.slot(res, attribute), kind, allowExternal);
    if (key === undefined) throw new ReachInputError(`${res.address}: needs ${attribute} (a ${kind})`);
    return key;
  }

  private entityOf(slot: Slot, value: Value, kind: Kind, allowExternal: boolean): string {
    const notDeclared = (): ReachInputError =>
      new ReachInputError(
        `${slot.res.address}: ${slot.label} = ${preview(
          slot.raw,
        )} is not a reference to a ${kind} declared in the loaded configuration; reach needs the ${kind} itself (declare it, or load the stack that declares it)`,
      );
    if (typeof value === "string" && value !== "" && allowExternal) return value;
    if (!(value instanceof ResourceRef)) throw notDeclared();
    const entity = this.canonical(slot, value);
    if (entity.external) {
      if (!allowExternal) throw notDeclared();
      return entity.key;
    }
    if (entity.kind !== kind) {
      throw new ReachInputError(
        `${slot.res.address}: ${slot.label} = ${preview(slot.raw)} refers to a ${
          entity.kind ?? value.type
        }, expected a ${kind}`,
      );
    }
    return entity.key;
  }

  /**
   * The model key a reference names. Stand-ins (aws_default_*, accepters) are followed to what they stand
   * for, step by step, refusing a chain that comes back to where it has been.
   */
  private canonical(slot: Slot, start: ResourceRef): Entity {
    if (start.type !== "aws_vpc" && !STANDS_FOR.has(start.type)) {
      return {
        key: this.resolver.address(start.stack, start.type, start.name),
        kind: KIND_OF_TYPE.get(start.type),
        external: false,
      };
    }
    const trail = new Set<string>();
    const shown: string[] = [];
    const pending: { readonly address: string; readonly type: string; readonly rule: StandIn }[] = [];
    let ref = start;
    let found: Entity;
    for (;;) {
      const address = this.resolver.address(ref.stack, ref.type, ref.name);
      const node = `${address}.${ref.attr}`;
      if (trail.has(node)) {
        throw new ReachInputError(
          `${slot.res.address}: ${slot.label} = ${preview(slot.raw)} refers to itself through ${[...shown, node].join(
            " → ",
          )}; break the cycle`,
        );
      }
      trail.add(node);
      shown.push(node);
      const rule = STANDS_FOR.get(ref.type);
      if (ref.type === "aws_vpc") {
        found = { key: vpcAttributeKey(address, ref.attr), kind: vpcAttributeKind(ref.attr), external: false };
        break;
      }
      if (!rule) {
        found = { key: address, kind: KIND_OF_TYPE.get(ref.type), external: false };
        break;
      }
      const current = ref;
      const label = `${slot.label} → ${node}`;
      const value = this.guarded({ ...slot, label }, () =>
        this.resolver.resourceAttribute(current.stack, current.type, current.name, rule.attribute),
      );
      pending.push({ address, type: ref.type, rule });
      if (
        value instanceof ResourceRef &&
        value.attr === rule.attribute &&
        value.type === ref.type &&
        value.name === ref.name
      )
        throw new ReachInputError(`${slot.res.address}: ${label}: ${address} needs ${rule.attribute} (a ${rule.kind})`);
      shown.push(`${address}.${rule.attribute}`);
      if (typeof value === "string" && value !== "") {
        found = { key: value, kind: rule.kind, external: true };
        break;
      }
      if (!(value instanceof ResourceRef)) {
        throw new ReachInputError(
          `${slot.res.address}: ${label}: ${address}.${rule.attribute} is not a reference to a ${rule.kind}; fix ${address}`,
        );
      }
      ref = value;
    }
    for (const { address, type, rule } of pending.reverse()) {
      if (found.kind !== rule.kind) {
        throw new ReachInputError(
          `${slot.res.address}: ${slot.label} → ${address}.${rule.attribute} refers to a ${
            found.kind ?? "resource reach does not model"
          }, expected a ${rule.kind}`,
        );
      }
      found = {
        key: rule.key && !found.external ? rule.key(found.key) : found.key,
        kind: KIND_OF_TYPE.get(type) ?? rule.kind,
        external: found.external,
      };
    }
    return found;
  }

  private wrongType(slot: Slot, expected: string): ReachInputError {
    return new ReachInputError(
      `${slot.res.address}: ${slot.label} = ${preview(slot.raw)} is not ${expected}; fix the value`,
    );
  }
}

function vpcAttributeKey(vpc: string, attribute: string): string {
  if (attribute === "default_route_table_id" || attribute === "main_route_table_id") return defaultRouteTableKey(vpc);
  if (attribute === "default_security_group_id") return defaultSecurityGroupKey(vpc);
  if (attribute === "default_network_acl_id") return defaultNetworkAclKey(vpc);
  return vpc;
}

function vpcAttributeKind(attribute: string): Kind {
  if (attribute === "default_route_table_id" || attribute === "main_route_table_id") return "route table";
  if (attribute === "default_security_group_id") return "security group";
  if (attribute === "default_network_acl_id") return "network ACL";
  return "vpc";
}

/** Whether a raw JSON value is set (Terraform treats null as unset). */
export function present(raw: unknown): boolean {
  return raw !== undefined && raw !== null;
}

/** A map or object value (not a reference or a computed CIDR block, which are objects too). */
function isPlainMap(value: Value): value is { readonly [key: string]: Value } {
  return isRecord(value) && Object.getPrototypeOf(value) === Object.prototype;
}

function rawItem(raw: unknown, index: number, fallback: Value): unknown {
  return Array.isArray(raw) ? raw[index] : fallback;
}
