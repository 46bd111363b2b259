/**
 * The config loader never crashes on a shape the schema does not expect. Every example config is
 * damaged at every path (fast-check picks the example, the path and the damage): unknown keys,
 * `__proto__`, `constructor` and `prototype` keys, a value of another type, null, an array for an
 * object and an object for an array, very long strings. Each case is valid or refused with a
 * ConfigError that names the damaged path (or the object holding it) — never another exception.
 * A handful of cases go through the real app and `check`: synth exits 1 with the path on stderr and
 * writes nothing; check exits 2 (unusable input, as for every config it cannot use).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { EXAMPLES_BY_NAME, problemsIfAny } from "../test-support/configs";
import { runScript } from "../test-support/scripts";

const SEED = 20261207;
const LONG = "x".repeat(100_000);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Step = string | number;

/** Every path in `value` to an object or array or scalar, the root first. */
function pathsOf(value: Json, at: Step[] = []): Step[][] {
  const here = [at];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => pathsOf(v, [...at, i]))];
  if (value !== null && typeof value === "object")
    return [...here, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...at, k]))];
  return here;
}

/** How messages write a path: `vpcs[0].vpnConnections.office.ip`. */
function formatPath(steps: readonly Step[]): string {
  return steps.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i > 0 ? "." : ""}${p}`)).join("");
}

/** Sets an own key, `__proto__` too (as the config's JSON parser does). */
function setOwn(target: Record<string, Json>, key: string, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

type Damage =
  | { readonly kind: "replace"; readonly value: Json }
  | { readonly kind: "key"; readonly key: string; readonly value: Json };

const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({
    kind: fc.constant("replace" as const),
    value: fc.oneof(
      fc.constantFrom<Json>(
        null,
        [],
        {},
        [{}],
        [[]],
        { a: 1 },
        0,
        -1,
        1.5,
        1e308,
        true,
        false,
        "",
        LONG,
        `${LONG}/24`,
        "__proto__",
      ),
      fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
    ),
  }),
  fc.record({
    kind: fc.constant("key" as const),
    key: fc.constantFrom("bogus", "__proto__", "constructor", "prototype", "toString", LONG),
    value: fc.constantFrom<Json>(
      1,
      null,
      {},
      [],
      { ip: "203.0.113.12" },
      { roleArn: "arn:aws:iam::222222222222:role/peering" },
      LONG,
    ),
  }),
);

/** A copy of `raw` with `d` done at `at`; the damaged path for the message check. */
function damaged(raw: Json, at: readonly Step[], d: Damage): Json {
  const copy = structuredClone(raw);
  if (at.length === 0 && d.kind === "replace") return d.value;
  let node: Json = copy;
  for (const step of at.slice(0, d.kind === "replace" ? -1 : undefined)) node = (node as Record<Step, Json>)[step];
  if (d.kind === "replace") (node as Record<Step, Json>)[at[at.length - 1]] = d.value;
  else if (node !== null && typeof node === "object" && !Array.isArray(node)) setOwn(node, d.key, d.value);
  else if (Array.isArray(node)) node.push({ [d.key]: d.value });
  return copy;
}

/** Whether a problem names `at` or an object or array holding it (any problem, for the root). */
function namesPath(problems: readonly string[], at: readonly Step[]): boolean {
  if (at.length === 0) return problems.length > 0;
  const prefixes = at.map((_, i) => formatPath(at.slice(0, i + 1)));
  return problems.some((p) => prefixes.some((field) => p.includes(field)));
}

const CASES = EXAMPLES_BY_NAME.flatMap(({ name, raw }) =>
  pathsOf(raw as unknown as Json).map((at) => ({ name, raw: raw as unknown as Json, at })),
);

describe("the config loader on damaged examples", () => {
  it("has every path of every example to damage", () => {
    expect(EXAMPLES_BY_NAME.length).toBeGreaterThanOrEqual(10);
    expect(CASES.length).toBeGreaterThan(200);
  });

  it("accepts each case or refuses it with a ConfigError naming the damaged path, never another exception", () => {
    const seen = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(fc.nat(CASES.length - 1), damage, (i, d) => {
        const { name, raw, at } = CASES[i];
        const problems = problemsIfAny(damaged(raw, at, d));
        if (problems.length === 0) {
          seen.accepted++;
          return;
        }
        seen.refused++;
        for (const p of problems) expect(p).not.toMatch(/[\n\r]/);
        if (!namesPath(problems, at))
          throw new Error(
            `${name} damaged at ${formatPath(at) || "the root"}: no problem names it:\n${problems.join("\n")}`,
          );
      }),
      { seed: SEED, numRuns: 3000 },
    );
    expect(seen.refused).toBeGreaterThan(2000);
  });

  it.each([
    ["a VPN connection", ["vpcs", 0, "vpnConnections"], 'vpcs[0].vpnConnections has the name "__proto__"'],
    ["accounts", ["accounts"], 'accounts has the key "__proto__"'],
  ])("refuses a __proto__ entry in %s, which zod's records pass over", (_, at, problem) => {
    const raw = structuredClone(
      EXAMPLES_BY_NAME.find((e) => e.name === "examples/cross-account.json")!.raw,
    ) as unknown as Record<string, Json>;
    raw.vpcs = [{ name: "a", cidr: "10.0.0.0/24", vpnConnections: { office: { ip: "203.0.113.12" } } }];
    let node: Json = raw;
    for (const step of at) node = (node as Record<Step, Json>)[step];
    setOwn(node as Record<string, Json>, "__proto__", {});
    expect(problemsIfAny(raw)).toContainEqual(expect.stringContaining(problem));
  });
});

describe("damaged configs through the real commands", () => {
  const root = path.resolve(__dirname, "..");
  const [node, ...appArgs] = (
    JSON.parse(fs.readFileSync(path.join(root, "cdktf.json"), "utf8")) as { app: string }
  ).app.split(" ");
  if (node !== "node") throw new Error(`cdktf.json's app does not start with node: ${node}`);
  const base = {
    vpcs: [
      { name: "a", cidr: "10.0.0.0/24" },
      { name: "b", cidr: "10.0.1.0/24" },
    ],
  };
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "peering-shapes-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    [
      "a hub object with an unknown key",
      { ...base, peerings: { hub: "a", bogus: 1 } },
      'peerings has unknown key "bogus": remove it (allowed: hub, spokes)',
    ],
    [
      "a pair object with an unknown key",
      { ...base, peerings: [{ vpcs: ["a", "b"], bogus: 1 }] },
      'peerings[0] has unknown key "bogus": remove it (allowed: vpcs, dnsResolution)',
    ],
    [
      "an array for a VPC",
      { ...base, vpcs: [[], base.vpcs[1]] },
      "vpcs[0] is [] (an array): write each VPC as an object",
    ],
    ["an object for the VPC list", { vpcs: { a: 1 } }, 'vpcs is {"a":1} (an object)'],
    [
      "a constructor key in a VPC",
      { ...base, vpcs: [{ ...base.vpcs[0], constructor: 1 }, base.vpcs[1]] },
      'vpcs[0] has unknown key "constructor"',
    ],
  ])("refuses %s: synth exits 1 naming the path and writes nothing, check exits 2", (_, raw, problem) => {
    const file = path.join(dir, "config.json");
    fs.writeFileSync(file, JSON.stringify(raw));
    const outdir = path.join(dir, "cdktf.out");
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CHECKPOINT_DISABLE: "1",
      PEERING_CONFIG: file,
      CDKTF_OUTDIR: outdir,
    };
    const synth = spawnSync(process.execPath, appArgs, { cwd: root, env, encoding: "utf8" });
    expect(synth.status).toBe(1);
    expect(synth.stderr.split("\n").filter((line) => line.includes(problem))).toHaveLength(1);
    expect(synth.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(outdir)).toBe(false);
    const check = runScript("check", [], env);
    expect(check.status).toBe(2);
    expect(check.stderr).toContain(problem);
    expect(check.stderr).not.toMatch(/\n\s+at /);
  });
});
