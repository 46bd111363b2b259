import * as fs from "fs";
import * as path from "path";
import { ConfigError, parseConfig } from "../lib/config";
import { MAX_CONFIG_BYTES, parseJsonBytes, preview, readBounded } from "../lib/core/json-input";
import { instanceVpcs } from "../lib/migrate/prove";
import { buildModel, readDocuments } from "../lib/reach";
import { RehearseInputError } from "../lib/rehearse/errors";
import type { MigrationStage } from "../lib/rehearse/migration";
import { withSynthesizedApp } from "./synth-input";

/**
 * The stages of a directory `npm run migrate` wrote, for `npm run rehearse -- --migration DIR`: migration.json's
 * stages in order, each stage config read, validated and synthesized into reach's model, with the instance pairs
 * its `narrows` are meant to cut. Every problem is a RehearseInputError naming the file, the field and the fix,
 * raised before anything is built.
 */
export function readMigration(dir: string): MigrationStage[] {
  const fix = "give the directory npm run migrate -- --to transit-gateway --out DIR wrote";
  if (!fs.existsSync(dir)) throw new RehearseInputError(`--migration ${preview(dir)}: no such directory; ${fix}`);
  if (!fs.statSync(dir).isDirectory())
    throw new RehearseInputError(`--migration ${preview(dir)} is a file, not a directory; ${fix}`);
  const index = path.join(dir, "migration.json");
  if (!fs.existsSync(index))
    throw new RehearseInputError(
      `--migration ${preview(dir)} has no migration.json, so npm run migrate did not write it; ${fix}`,
    );
  const stages = field(readJson(index, "migration.json"), "stages", index);
  if (!Array.isArray(stages) || stages.length < 2)
    throw new RehearseInputError(
      `${index}: "stages" must list at least two stages, each {"id", "config", "narrows"}; ${fix}`,
    );
  return stages.map((entry: unknown, k) => {
    const where = `${index}: stages[${k}]`;
    const id = field(entry, "id", where);
    const file = field(entry, "config", where);
    const narrows = field(entry, "narrows", where);
    if (typeof id !== "string" || !/^[A-Za-z0-9._-]+$/.test(id))
      throw new RehearseInputError(`${where}.id is ${preview(JSON.stringify(id))}: a stage id such as "01-attach"`);
    if (typeof file !== "string" || file !== path.basename(file) || !file.endsWith(".json"))
      throw new RehearseInputError(
        `${where}.config is ${preview(JSON.stringify(file))}: the name of a .json file in ${preview(dir)}`,
      );
    if (!Array.isArray(narrows) || !narrows.every((n) => Array.isArray(n) && n.length === 2))
      throw new RehearseInputError(`${where}.narrows must be a list of [vpc, vpc] pairs (an empty list cuts nothing)`);
    const source = path.join(dir, file);
    if (!fs.existsSync(source))
      throw new RehearseInputError(`${where}.config names ${preview(source)}, which does not exist; ${fix}`);
    let config;
    try {
      config = parseConfig(readJson(source, file), source);
    } catch (error) {
      if (error instanceof ConfigError)
        throw new RehearseInputError(
          `stage ${id} (${source}) is not a valid config: ${error.problems[0] ?? error.message}${error.total > 1 ? ` (and ${error.total - 1} more problems)` : ""}`,
        );
      throw error;
    }
    const model = withSynthesizedApp(config, (outdir) => buildModel(readDocuments([outdir])));
    const vpcOf = instanceVpcs(model);
    const cut = new Set((narrows as [unknown, unknown][]).flatMap(([a, b]) => [`${a}\n${b}`, `${b}\n${a}`]));
    const instances = [...model.instances.values()].map((i) => i.address);
    const cuts = instances.flatMap((from) =>
      instances.filter((to) => cut.has(`${vpcOf(from)}\n${vpcOf(to)}`)).map((to) => [from, to] as const),
    );
    return { id, model, cuts };
  });
}

function field(value: unknown, key: string, where: string): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new RehearseInputError(`${where} must be a JSON object with "${key}", as npm run migrate writes it`);
  if (!(key in value)) throw new RehearseInputError(`${where} has no "${key}", as npm run migrate writes it`);
  return (value as Record<string, unknown>)[key];
}

function readJson(file: string, name: string): unknown {
  const read = readBounded(file);
  if (read.truncated) throw new RehearseInputError(`${file} is larger than ${MAX_CONFIG_BYTES} bytes: not a ${name}`);
  const parsed = parseJsonBytes(read.bytes);
  if ("problems" in parsed)
    throw new RehearseInputError(`${file} is not JSON (${parsed.problems[0]}): write it anew with npm run migrate`);
  return parsed.value;
}
