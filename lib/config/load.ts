/** Reading a config: PEERING_CONFIG's file (or the built-in default), its bytes, its JSON, validated. */
import { MAX_CONFIG_BYTES, parseJsonBytes, preview, readBounded } from "../core/json-input";
import { checkPeeringStacks } from "../plan/peering-shards";
import { checkCells } from "../plan/cells";
import { RULES_PER_SECURITY_GROUP_QUOTA } from "../core/aws-limits";
import { checkSemantics } from "./checks";
import { DEFAULT_CONFIG } from "./defaults";
import { ConfigError, describeIssue, Problems } from "./messages";
import { resolveConfig } from "./resolve";
import { configSchema, quota } from "./schema";
import { groupedRulesProblems } from "./transit-classes";
import type { PeeringConfig } from "./types";

/** The config's rulesPerSecurityGroup, valid once the config passed its checks, else AWS's default. */
function rulesQuota(raw: unknown): number {
  const given = quota(RULES_PER_SECURITY_GROUP_QUOTA).safeParse(
    (raw as { rulesPerSecurityGroup?: unknown }).rulesPerSecurityGroup,
  );
  return given.success && given.data !== undefined ? given.data : RULES_PER_SECURITY_GROUP_QUOTA.default;
}

/** The environment variable that names the config file. */
export const CONFIG_ENV = "PEERING_CONFIG";
/** Set by the npm scripts once they have printed the config's warnings, so that the app does not print them again. */
export const WARNINGS_SHOWN_ENV = "PEERING_WARNINGS_SHOWN";

export function readConfigSource(
  env: NodeJS.ProcessEnv = process.env,
): { file: string; name: string; bytes: Buffer } | undefined {
  const file = env[CONFIG_ENV];
  if (file === undefined) return undefined;
  if (file === "") {
    throw new ConfigError(`${CONFIG_ENV}=""`, [
      `${CONFIG_ENV} is set but empty: name a JSON config file, or unset it for the built-in default`,
    ]);
  }
  let read: { bytes: Buffer; truncated: boolean };
  try {
    read = readBounded(file);
  } catch (e) {
    const { code } = e as NodeJS.ErrnoException;
    const reasons: Record<string, string> = {
      ENOENT: "no such file",
      EISDIR: "it is a directory",
      EACCES: "permission denied",
      ENXIO: "it is a socket",
    };
    const why = (code && reasons[code]) ?? code ?? "read error";
    throw new ConfigError(sourceName(file), [
      `${CONFIG_ENV} ${preview(file)} cannot be read (${why}): point it at a JSON config file`,
    ]);
  }
  if (read.truncated) {
    throw new ConfigError(sourceName(file), [
      `the file is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB, far more than any peering config (20,000 VPCs take about 1 MiB): check that ${CONFIG_ENV} names the config`,
    ]);
  }
  return { file, name: sourceName(file), bytes: read.bytes };
}

/** The validated config in a config file's bytes; `source` names the file in messages. */
export function configFromBytes(bytes: Uint8Array, source: string): PeeringConfig {
  if (bytes.length === 0) {
    throw new ConfigError(source, [
      'the file is empty: write a JSON config such as {"vpcs": [{"name": "a", "cidr": "10.0.0.0/24"}]}',
    ]);
  }
  const parsed = parseJsonBytes(bytes);
  if ("problems" in parsed) throw new ConfigError(source, parsed.problems, parsed.total);
  return parseConfig(parsed.value, source);
}

/** Reads the config named by PEERING_CONFIG, or the built-in default when it is unset. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): PeeringConfig {
  const source = readConfigSource(env);
  return source ? configFromBytes(source.bytes, source.name) : parseConfig(DEFAULT_CONFIG, "built-in default");
}

/** A file name fit for the first line of a message: as it is when printable, else escaped and cut. */
function sourceName(file: string): string {
  return /^[\x20-\x7e]{1,200}$/.test(file) ? file : preview(file);
}

/** Checks raw JSON data and returns the resolved config, or throws one ConfigError with every problem counted. */
export function parseConfig(raw: unknown, source = "config"): PeeringConfig {
  const parsed = configSchema.safeParse(raw);
  const problems = new Problems();
  if (!parsed.success) for (const issue of parsed.error.issues) describeIssue(issue, raw, problems);
  const facts = checkSemantics(raw, problems);
  if (!parsed.success || problems.total > 0) throw new ConfigError(source, problems.listed, problems.total);
  const config = resolveConfig(parsed.data, facts.summaryRoutes);
  const stackProblems = [...checkPeeringStacks(config), ...checkCells(config)];
  if (stackProblems.length > 0) throw new ConfigError(source, stackProblems);
  const rules = groupedRulesProblems(config, rulesQuota(raw), config.reachabilityAnalyzer ? 2 : 1);
  if (rules.length > 0) throw new ConfigError(source, rules);
  return config;
}
