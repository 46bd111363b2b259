/**
 * Terraform JSON as Terraform reads it. A JSON object may repeat a key, and HCL's JSON syntax reads
 * every copy: repeated `resource`, `data`, `variable`, `output`, `module`, `locals` and `provider`
 * sections, and repeated resource types in them, are several blocks, merged here into one object
 * (a name declared twice is the error Terraform reports); a repeated nested block type is several
 * blocks, kept as a list; a repeated argument is the error Terraform reports. What comes out holds
 * no repeated key, so every tool that reads it (reach, check, diagram, cost) sees what Terraform sees.
 */
import { RepeatedKey, parseJsonBytes } from "../../core/json-input";
import { clip, tooDeep, tooDeepMessage } from "../../core/json-limits";
import { ReachInputError } from "../model";
import { blockType } from "./blocks";
import { isRecord } from "../../core/records";

/** The configuration in a Terraform JSON file's bytes, its repeated keys merged as Terraform merges them. */
export function parseTerraformJson(file: string, bytes: Uint8Array): unknown {
  const parsed = parseJsonBytes(bytes, { keepRepeated: true, maxDepth: Number.POSITIVE_INFINITY });
  if ("problems" in parsed) throw new ReachInputError(`${file}: is not valid JSON (${parsed.problems[0]})`);
  const where = tooDeep(parsed.value);
  if (where !== undefined)
    throw new ReachInputError(
      `${tooDeepMessage(file, where)}; no Terraform configuration nests like this: fix the file`,
    );
  return new Merger(file).configuration(parsed.value);
}

/**
 * The configuration of several files of one directory (`where`), read as Terraform reads a module's
 * files: every section of each is one more copy of that section, merged as repeated keys are.
 */
export function mergeFiles(where: string, files: readonly { readonly file: string; readonly json: object }[]): unknown {
  const sections = new Map<string, RepeatedKey>();
  for (const { file, json } of files) {
    for (const [section, value] of Object.entries(json)) {
      const copies = copiesOf(value);
      const repeated = sections.get(section) ?? new RepeatedKey(section, [], []);
      repeated.values.push(...copies.values);
      repeated.places.push(...copies.values.map((_, i) => `${file}${copies.places[i] ? ` ${copies.places[i]}` : ""}`));
      sections.set(section, repeated);
    }
  }
  const combined: Record<string, unknown> = {};
  for (const [section, repeated] of sections)
    combined[section] = repeated.values.length === 1 ? repeated.values[0] : repeated;
  return new Merger(where).configuration(combined);
}

/** Sections whose entries are named blocks, by what Terraform calls a name declared twice. */
const NAMED_SECTIONS: ReadonlyMap<string, string> = new Map([
  ["variable", "variable"],
  ["output", "output"],
  ["module", "module call"],
]);

/** Sections of blocks without labels: repeated, they are several blocks. */
const UNLABELED_SECTIONS = new Set(["moved", "import", "removed", "check"]);

class Merger {
  constructor(private readonly file: string) {}

  configuration(json: unknown): unknown {
    if (!isRecord(json)) return json;
    const out: Record<string, unknown> = {};
    for (const [section, raw] of Object.entries(json)) {
      const copies = copiesOf(raw);
      if (section === "//") {
        out[section] = copies.values[0];
      } else if (section === "resource" || section === "data") {
        out[section] = this.resources(section, copies);
      } else if (section === "locals") {
        out[section] = this.names(
          section,
          copies,
          (name) => `local value "${name}" is defined twice`,
          (v, name) => this.value(v, `locals.${name}`),
        );
      } else if (NAMED_SECTIONS.has(section)) {
        const what = NAMED_SECTIONS.get(section);
        out[section] = this.names(
          section,
          copies,
          (name) => `${what} "${name}" is declared twice`,
          (v, name) => this.body(undefined, v, `${section}.${name}`),
        );
      } else if (section === "provider") {
        out[section] = this.providers(copies);
      } else if (section === "terraform") {
        out[section] = this.terraform(copies);
      } else if (UNLABELED_SECTIONS.has(section) || copies.values.length === 1) {
        const bodies = copies.values.map((v) => this.body(undefined, v, section));
        out[section] = bodies.length === 1 ? bodies[0] : bodies.flat();
      } else {
        throw this.refuse(section, copies, `reach does not know how Terraform merges repeated "${section}" sections`);
      }
    }
    return out;
  }

  /** `resource` or `data`: types repeated in and across copies of the section merged, each name once. */
  private resources(section: string, copies: Copies): unknown {
    if (copies.values.length === 1 && !isRecord(copies.values[0])) return copies.values[0];
    const byType: Record<string, unknown> = {};
    const declared = new Set<string>();
    for (const [i, copy] of copies.values.entries()) {
      if (!isRecord(copy)) return this.notObject(section, copies, i);
      for (const [type, rawNames] of Object.entries(copy)) {
        const names = copiesOf(rawNames);
        for (const [j, named] of names.values.entries()) {
          if (!isRecord(named)) {
            if (names.values.length > 1 || copies.values.length > 1)
              return this.notObject(`${section}.${type}`, names, j);
            byType[type] = named;
            continue;
          }
          const merged = (byType[type] ??= {}) as Record<string, unknown>;
          for (const [name, rawBody] of Object.entries(named)) {
            const bodies = copiesOf(rawBody);
            const address = `${section}.${type}.${name}`;
            const again = bodies.places[1] ?? names.places[j] ?? copies.places[i];
            if (bodies.values.length > 1 || declared.has(address)) {
              throw new ReachInputError(
                `${this.file}: ${section} "${clip(type)}" "${clip(name)}" is declared twice${
                  again ? ` (again at ${again})` : ""
                }; Terraform refuses a duplicate ${section === "data" ? "data source" : "resource"}: remove one`,
              );
            }
            declared.add(address);
            merged[name] = this.body(section === "resource" ? type : undefined, bodies.values[0], address);
          }
        }
      }
    }
    return byType;
  }

  /** Named entries of repeated sections merged, each name once. */
  private names(
    section: string,
    copies: Copies,
    twice: (name: string) => string,
    read: (value: unknown, name: string) => unknown,
  ): unknown {
    const out: Record<string, unknown> = {};
    for (const [i, copy] of copies.values.entries()) {
      if (!isRecord(copy)) return copies.values.length === 1 ? copy : this.notObject(section, copies, i);
      for (const [name, raw] of Object.entries(copy)) {
        const values = copiesOf(raw);
        if (values.values.length > 1 || Object.hasOwn(out, name)) {
          const at = values.places[1] ?? copies.places[i];
          throw new ReachInputError(
            `${this.file}: ${twice(clip(name))}${at ? ` (again at ${at})` : ""}; Terraform refuses this: remove one`,
          );
        }
        out[name] = read(values.values[0], name);
      }
    }
    return out;
  }

  /** `provider`: every copy of a provider's block is one more configuration of it (told apart by alias). */
  private providers(copies: Copies): unknown {
    const out: Record<string, unknown[]> = {};
    for (const [i, copy] of copies.values.entries()) {
      if (!isRecord(copy)) return copies.values.length === 1 ? copy : this.notObject("provider", copies, i);
      for (const [name, raw] of Object.entries(copy)) {
        const blocks = copiesOf(raw).values.flatMap((v) => (Array.isArray(v) ? v : [v]));
        (out[name] ??= []).push(...blocks.map((b) => this.body(undefined, b, `provider.${name}`)));
      }
    }
    return Object.fromEntries(
      Object.entries(out).map(([name, blocks]) => [name, blocks.length === 1 ? blocks[0] : blocks]),
    );
  }

  /** `terraform`: several blocks are allowed; the same setting in two of them is ambiguous. */
  private terraform(copies: Copies): unknown {
    if (copies.values.length === 1) return this.body(undefined, copies.values[0], "terraform");
    const out: Record<string, unknown> = {};
    for (const [i, copy] of copies.values.entries()) {
      if (!isRecord(copy)) return this.notObject("terraform", copies, i);
      for (const [key, raw] of Object.entries(copy)) {
        if (Object.hasOwn(out, key))
          throw this.refuse(`terraform.${key}`, copiesOf(raw), "is set in two terraform blocks; keep one");
        out[key] = this.body(undefined, raw, `terraform.${key}`);
      }
    }
    return out;
  }

  /**
   * A block's body. For a resource type reach reads, a repeated nested block type is several blocks
   * and a repeated argument the error Terraform reports; for any other block, repeated objects are
   * taken as several blocks (were they an argument, Terraform would refuse the file).
   */
  private body(type: string | undefined, raw: unknown, path: string): unknown {
    if (Array.isArray(raw)) return raw.map((item, i) => this.body(type, item, `${path}[${i}]`));
    if (!isRecord(raw)) return this.value(raw, path);
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) {
      const copies = copiesOf(value);
      const inner = `${path}.${key}`;
      if (key === "//") {
        out[key] = copies.values[0];
      } else if (key === "dynamic") {
        out[key] = this.dynamic(copies, inner);
      } else if (copies.values.length === 1) {
        out[key] =
          type !== undefined && !blockType(type, key) ? this.value(value, inner) : this.body(type, value, inner);
      } else if (type !== undefined ? blockType(type, key)?.nesting === "block" : copies.values.every(isBlocks)) {
        out[key] = copies.values.flatMap((v) => (Array.isArray(v) ? v : [v])).map((v) => this.body(type, v, inner));
      } else {
        throw this.refuse(inner, copies, "is set twice; Terraform refuses a duplicate argument: remove one");
      }
    }
    return out;
  }

  /** `dynamic`: every copy of a label is one more dynamic block, kept as a list. */
  private dynamic(copies: Copies, path: string): unknown {
    const out: Record<string, unknown[]> = {};
    for (const copy of copies.values) {
      if (!isRecord(copy)) return copies.values.length === 1 ? copy : this.refuse(path, copies, "is not an object");
      for (const [label, raw] of Object.entries(copy)) {
        const blocks = copiesOf(raw).values.flatMap((v) => (Array.isArray(v) ? v : [v]));
        (out[label] ??= []).push(...blocks.map((b) => this.body(undefined, b, `${path}.${label}`)));
      }
    }
    return Object.fromEntries(
      Object.entries(out).map(([label, blocks]) => [label, blocks.length === 1 ? blocks[0] : blocks]),
    );
  }

  /** An argument's value: an object in it that repeats a key is the error Terraform reports. */
  private value(raw: unknown, path: string): unknown {
    const pending: unknown[] = [raw];
    while (pending.length > 0) {
      const value = pending.pop();
      if (value instanceof RepeatedKey)
        throw this.refuse(
          `${path} (key "${clip(value.key)}")`,
          copiesOf(value),
          "has the same key twice; Terraform refuses it",
        );
      if (Array.isArray(value)) pending.push(...value);
      else if (isRecord(value)) pending.push(...Object.values(value));
    }
    return raw;
  }

  private notObject(section: string, copies: Copies, i: number): never {
    throw this.refuse(section, copies, "is not an object", i);
  }

  private refuse(path: string, copies: Copies, problem: string, i = 1): ReachInputError {
    const at = copies.places[i] ?? copies.places[copies.places.length - 1];
    return new ReachInputError(`${this.file}: ${clip(path, 160)}${at ? ` (at ${at})` : ""} ${problem}`);
  }
}

/** The copies of a value whose key may be repeated, and where each copy's key is (none for a key given once). */
interface Copies {
  readonly values: readonly unknown[];
  readonly places: readonly string[];
}

function copiesOf(raw: unknown): Copies {
  return raw instanceof RepeatedKey ? { values: raw.values, places: raw.places } : { values: [raw], places: [] };
}

/** Whether a value is a block body or a list of them. */
function isBlocks(value: unknown): boolean {
  return isRecord(value) || (Array.isArray(value) && value.every(isRecord));
}
