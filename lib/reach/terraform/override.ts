/**
 * Override files (`override.tf.json`, `*_override.tf.json`) applied as Terraform applies them,
 * after every other file of the directory is read and in the order of their names:
 * - a resource or data source: each argument the override sets replaces the original's; each nested
 *   block type it sets (written out or `dynamic`) replaces all blocks of that type; `lifecycle` is
 *   merged argument by argument;
 * - a variable, an output, a module call, a provider configuration (told apart by alias): argument by argument;
 * - a local value: value by value, whichever locals block holds it;
 * - the terraform block: required_providers provider by provider, every other setting replaced.
 * Overriding something no other file declares is the error Terraform reports; other sections
 * (moved, import, check, removed) in an override file are refused.
 */
import { clip, preview } from "../../core/json-limits";
import { ReachInputError } from "../model";
import { isRecord } from "../../core/records";
import { own } from "./stack";

type Body = Record<string, unknown>;

/** Whether a file name is one Terraform reads as an override file (JSON or HCL). */
export function isOverrideFile(name: string): boolean {
  return /^(.*_)?override\.tf(\.json)?$/.test(name);
}

/** `base` (the merged configuration of a directory's other files) with the override file `file` applied. */
export function applyOverride(base: unknown, override: unknown, file: string): unknown {
  if (!isRecord(base)) return base;
  if (!isRecord(override)) throw new ReachInputError(`${file}: not a Terraform JSON object; fix the file`);
  const out: Body = { ...base };
  const refuse: (what: string) => never = (what) => {
    throw new ReachInputError(
      `${file}: overrides ${what}, which no other file of the directory declares; ` +
        "Terraform refuses this: declare it in another file, or remove the override",
    );
  };
  for (const [section, value] of Object.entries(override)) {
    if (section === "//") continue;
    const bodies = sectionOf(file, section, value);
    if (section === "resource" || section === "data") {
      const types = { ...sectionOf(file, section, own(out, section)) };
      for (const [type, byName] of Object.entries(bodies)) {
        const names = { ...sectionOf(file, `${section}.${type}`, own(types, type)) };
        for (const [name, body] of Object.entries(sectionOf(file, `${section}.${type}`, byName))) {
          const original = own(names, name);
          if (!isRecord(original))
            refuse(`${section === "data" ? "data source" : "resource"} "${clip(type)}" "${clip(name)}"`);
          names[name] = mergeResource(original, bodyOf(file, `${section}.${type}.${name}`, body));
        }
        types[type] = names;
      }
      out[section] = types;
    } else if (section === "locals") {
      const locals = { ...sectionOf(file, section, own(out, section)) };
      for (const [name, local] of Object.entries(bodies)) {
        if (!Object.hasOwn(locals, name)) refuse(`local value "${clip(name)}"`);
        locals[name] = local;
      }
      out[section] = locals;
    } else if (section === "variable" || section === "output" || section === "module") {
      const what = section === "module" ? "module call" : section;
      const named = { ...sectionOf(file, section, own(out, section)) };
      for (const [name, body] of Object.entries(bodies)) {
        const original = own(named, name);
        if (!isRecord(original)) refuse(`${what} "${clip(name)}"`);
        named[name] = { ...original, ...bodyOf(file, `${section}.${name}`, body) };
      }
      out[section] = named;
    } else if (section === "provider") {
      out[section] = mergeProviders(file, sectionOf(file, section, own(out, section)), bodies, refuse);
    } else if (section === "terraform") {
      const settings: Body = { ...sectionOf(file, section, own(out, section)) };
      for (const [key, setting] of Object.entries(bodies)) {
        settings[key] =
          key === "required_providers"
            ? { ...sectionOf(file, "terraform.required_providers", own(settings, key)), ...bodyOf(file, key, setting) }
            : setting;
      }
      out[section] = settings;
    } else {
      throw new ReachInputError(
        `${file}: has a "${clip(section)}" section; Terraform does not override ${clip(section)} blocks: ` +
          "move it to another file of the directory",
      );
    }
  }
  return out;
}

/** A resource's body with an override's applied: arguments replaced, nested block types replaced wholesale. */
function mergeResource(base: Body, override: Body): Body {
  const out: Body = { ...base };
  const dynamic = dynamicByLabel(own(base, "dynamic"));
  for (const [key, value] of Object.entries(override)) {
    if (key === "dynamic") {
      for (const [label, specs] of Object.entries(dynamicByLabel(value))) {
        delete out[label];
        dynamic[label] = specs;
      }
    } else if (key === "lifecycle") {
      out[key] = { ...firstBlock(own(base, key)), ...firstBlock(value) };
    } else {
      out[key] = value;
      delete dynamic[key];
    }
  }
  delete out.dynamic;
  const labels = Object.keys(dynamic);
  if (labels.length > 0)
    out.dynamic = Object.fromEntries(
      labels.map((label) => [label, dynamic[label].length === 1 ? dynamic[label][0] : dynamic[label]]),
    );
  return out;
}

/** The dynamic blocks of a body by label, each label's blocks as a list. */
function dynamicByLabel(raw: unknown): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const group of Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw]) {
    if (!isRecord(group)) continue;
    for (const [label, specs] of Object.entries(group))
      (out[label] ??= []).push(...(Array.isArray(specs) ? specs : [specs]));
  }
  return out;
}

function firstBlock(raw: unknown): Body {
  const block = Array.isArray(raw) ? raw[0] : raw;
  return isRecord(block) ? block : {};
}

/** Provider configurations overridden argument by argument, each matched by name and alias. */
function mergeProviders(file: string, base: Body, override: Body, refuse: (what: string) => never): Body {
  const out: Body = { ...base };
  for (const [name, raw] of Object.entries(override)) {
    const configs = listOf(own(out, name)).map((config) => (isRecord(config) ? { ...config } : config));
    for (const body of listOf(raw)) {
      const config = bodyOf(file, `provider.${name}`, body);
      const alias = own(config, "alias");
      const at = configs.findIndex((c) => isRecord(c) && own(c, "alias") === alias);
      if (at < 0) refuse(`provider "${clip(name)}"${typeof alias === "string" ? ` with alias "${clip(alias)}"` : ""}`);
      configs[at] = { ...(configs[at] as Body), ...config };
    }
    out[name] = configs.length === 1 ? configs[0] : configs;
  }
  return out;
}

function listOf(raw: unknown): unknown[] {
  return Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
}

function sectionOf(file: string, path: string, raw: unknown): Body {
  if (raw === undefined || raw === null) return {};
  return bodyOf(file, path, raw);
}

function bodyOf(file: string, path: string, raw: unknown): Body {
  if (!isRecord(raw)) throw new ReachInputError(`${file}: ${clip(path, 160)} = ${preview(raw)} must be an object`);
  return raw;
}
