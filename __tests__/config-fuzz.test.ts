/**
 * Property-based tests of the config (fast-check, fixed seed): whatever the input, bytes or JSON
 * values or valid configs with random damage, the answer is a config or a ConfigError of bounded
 * size, never another exception; and nothing an accepted config carries into the synthesized
 * Terraform can start a template or break a line.
 */
import fc from "fast-check";
import {
  ConfigError,
  configFromBytes,
  DEFAULT_CONFIG,
  MAX_LISTED_PROBLEMS,
  parseConfig,
  PeeringConfig,
} from "../lib/config";
import { FULL_MESH_CONFIG, THREE_VPCS_CONFIG } from "../test-support/configs";

const SEED = 20240607;
/** A listed problem echoes at most a few short values: a generous bound for one line. */
const MAX_MESSAGE = (MAX_LISTED_PROBLEMS + 2) * 600;

/** Runs `f`; passes when it returns or throws a ConfigError of bounded size, fails on anything else. */
function configOrConfigError(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw new Error(`not a ConfigError: ${String(e)}`);
    expect(e.message.length).toBeLessThan(MAX_MESSAGE);
    expect(e.message).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A deep copy of `value` with the node at a random path replaced, deleted, or wrapped deep. */
const damaged = (value: Json) =>
  fc
    .record({
      steps: fc.array(fc.nat(), { maxLength: 5 }),
      kind: fc.constantFrom("replace", "delete", "nest", "huge"),
      replacement: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
      depth: fc.integer({ min: 1, max: 5000 }),
    })
    .map(({ steps, kind, replacement, depth }) => {
      const copy = structuredClone(value);
      let parent: Json = copy;
      let key: string | number | undefined;
      for (const step of steps) {
        const node: Json = key === undefined ? parent : (parent as Record<string, Json>)[key];
        if (node === null || typeof node !== "object") break;
        const keys: (string | number)[] = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
        if (keys.length === 0) break;
        if (key !== undefined) parent = node;
        key = keys[step % keys.length];
      }
      if (key === undefined) return kind === "delete" ? null : replacement;
      const target = parent as Record<string | number, Json>;
      if (kind === "delete") {
        if (Array.isArray(target)) target.splice(key as number, 1);
        else delete target[key];
      } else if (kind === "nest") {
        let deep: Json = target[key];
        for (let i = 0; i < depth; i++) deep = [deep];
        target[key] = deep;
      } else {
        target[key] = kind === "huge" ? "x".repeat(depth * 100) : replacement;
      }
      return copy;
    });

const configs = [DEFAULT_CONFIG, FULL_MESH_CONFIG, THREE_VPCS_CONFIG] as unknown as Json[];

describe("the config, fuzzed", () => {
  it("answers any JSON value with a config or a ConfigError", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (raw) => configOrConfigError(() => parseConfig(raw))),
      { seed: SEED, numRuns: 500 },
    );
  });

  it("answers damaged valid configs with a config or a ConfigError", () => {
    fc.assert(
      fc.property(fc.constantFrom(...configs).chain(damaged), (raw) => configOrConfigError(() => parseConfig(raw))),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it("answers any bytes, and damaged JSON text, with a config or a ConfigError", () => {
    const text = fc.constantFrom(...configs.map((c) => JSON.stringify(c, null, 2)));
    const edited = fc
      .tuple(
        text,
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.string({ unit: "binary", maxLength: 4 })), { maxLength: 4 }),
      )
      .map(([t, edits]) =>
        edits.reduce(
          (s, [at, cut, insert]) => s.slice(0, at % (s.length + 1)) + insert + s.slice((at % (s.length + 1)) + cut),
          t,
        ),
      )
      .map((t) => Buffer.from(t, "utf8"));
    const bytes = fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b));
    fc.assert(
      fc.property(fc.oneof(edited, bytes), (b) => configOrConfigError(() => configFromBytes(b, "fuzz.json"))),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it("never accepts a string that could start a template or break a line in the synthesized Terraform", () => {
    const nasty = fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 12 }),
      fc.constantFrom("${x}", "%{ if }", "a\nb", "a\rb", "\u2028", 'a"b', "a\\b", "$${x}", "~}"),
      fc.stringMatching(/^[a-z][a-z0-9.$%{}\n-]{0,12}$/),
      fc.stringMatching(/^[a-z]{2}-[a-z]{2,6}-\d$/),
    );
    const fields: Record<string, (v: string) => Record<string, unknown>> = {
      region: (v) => ({ region: v }),
      instanceType: (v) => ({ instanceType: v }),
      name: (v) => ({ vpcs: [{ name: v, cidr: "10.0.0.0/24" }] }),
      organization: (v) => ({ terraformCloud: { organization: v } }),
      workspacePrefix: (v) => ({ terraformCloud: { organization: "acme", workspacePrefix: v } }),
      hostname: (v) => ({ terraformCloud: { organization: "acme", hostname: v } }),
    };
    const strings = (c: PeeringConfig): string[] => [
      c.region,
      c.instanceType,
      ...c.vpcs.flatMap((v) => [v.name, v.cidr]),
      ...Object.values(c.terraformCloud ?? {}).filter((v): v is string => typeof v === "string"),
    ];
    let accepted = 0;
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(fields)), nasty, (field, value) => {
        let config: PeeringConfig;
        try {
          config = parseConfig({ vpcs: [{ name: "a", cidr: "10.0.0.0/24" }], ...fields[field](value) });
        } catch (e) {
          if (e instanceof ConfigError) return;
          throw e;
        }
        accepted++;
        for (const s of strings(config)) expect(s).not.toMatch(/\$\{|%\{|[\u0000-\u001f\u007f\u2028\u2029"\\]/);
      }),
      { seed: SEED, numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(100);
  });
});
