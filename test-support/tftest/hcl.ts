/** The HCL the generated `terraform test` files are written in: values, addresses, and the assertion builder. */
import { TerraformResource } from "cdktf";
import { IConstruct } from "constructs";

export const REMOTE_STATE_PREFIX = "cross-stack-reference-input-";

/** `type.name` of a resource: its address in the stack's Terraform. */
export function address(resource: TerraformResource): string {
  return `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
}

/** An HCL literal for a JSON-like value, objects one key a line; template sequences in strings are escaped. */
export function hcl(value: unknown, indent = ""): string {
  if (typeof value === "string") return JSON.stringify(value).replace(/\$\{/g, "$${").replace(/%\{/g, "%%{");
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map((v) => hcl(v, indent)).join(", ")}]`;
  const inner = `${indent}  `;
  const entries = Object.entries(value as Record<string, unknown>).map(
    ([k, v]) => `${inner}${JSON.stringify(k)} = ${hcl(v, inner)}\n`,
  );
  return entries.length === 0 ? "{}" : `{\n${entries.join("")}${indent}}`;
}

/** The resources of a type below a construct, in construct order. */
export function all<T extends IConstruct>(scope: IConstruct, type: abstract new (...args: never[]) => T): T[] {
  return scope.node.findAll().filter((c): c is T => c instanceof type);
}

/** An HCL tuple of the resources' addresses, to filter with a for expression. */
export function tuple(resources: readonly TerraformResource[]): string {
  return `[${resources.map(address).join(", ")}]`;
}

/**
 * A condition that the strings produced by `expr` (a tuple-valued HCL expression) are exactly
 * `expected`, as a set and without duplicates.
 */
export function sameStrings(expr: string, expected: readonly string[]): string {
  return sameValues(
    expr,
    expected.map((e) => hcl(e)),
  );
}

/** A condition that the values produced by `expr` are exactly those of the HCL expressions `expected`, as a set. */
export function sameValues(expr: string, expected: readonly string[]): string {
  if (expected.length === 0) return `length(${expr}) == 0`;
  return `length(${expr}) == ${expected.length} && toset(${expr}) == toset([${expected.join(", ")}])`;
}

export class Assertions {
  private readonly list: { condition: string; message: string }[] = [];

  add(condition: string, message: string): void {
    this.list.push({ condition, message });
  }

  render(): string {
    return this.list
      .map(
        ({ condition, message }) =>
          `  assert {\n    condition     = ${condition}\n    error_message = ${hcl(message)}\n  }`,
      )
      .join("\n");
  }

  get size(): number {
    return this.list.length;
  }
}

/** Indents every non-empty line of an HCL text by two spaces, to nest it in a run block. */
export function nested(text: string): string[] {
  return text === "" ? [] : text.split("\n").map((line) => (line === "" ? line : `  ${line}`));
}
