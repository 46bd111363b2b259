/**
 * One stack's configuration as the resolver reads it: its resources by type and name, data sources,
 * variables, locals, outputs, backend and aws provider configurations (by alias).
 */
import { preview } from "../../core/json-limits";
import { isRecord } from "../../core/records";
import { ReachInputError, type StackDocument } from "../model";

export interface Stack {
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

/** A property of a JSON object, never one inherited from Object.prototype. */
export function own(record: Readonly<Record<string, unknown>>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** The stack of a Terraform JSON document; a section of the wrong shape is an input error naming the file. */
export function readStack(doc: StackDocument): Stack {
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
    if (provider.alias !== undefined && provider.alias !== null && typeof provider.alias !== "string")
      throw new ReachInputError(`${doc.file}: provider.aws alias = ${preview(provider.alias)} must be a string`);
    const alias = typeof provider.alias === "string" ? provider.alias : "";
    if (providers.has(alias)) {
      throw new ReachInputError(
        `${doc.file}: two provider "aws" blocks ${
          alias ? `with alias "${alias}"` : "without alias"
        }; Terraform rejects duplicates: give each its own alias`,
      );
    }
    providers.set(alias, provider);
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
  file: string,
): Readonly<Record<string, unknown>> {
  const value = own(json, key);
  if (value === undefined) return {};
  if (!isRecord(value)) throw new ReachInputError(`${file}: "${key}" must be an object`);
  return value;
}

/** Whether two JSON values are the same, whatever the order of their keys (a remote state's config). */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys(value[k])]),
  );
}
