/**
 * Any text in any name or tag of a synthesized stack: controls, bidi and invisible characters,
 * characters XML forbids, markup, quotes and very long strings, put into the stack names and into
 * every tag (keys and values) and comment of the default app's synth. Every offline tool, run
 * in-process on it, prints no stack trace and no raw control character, draws well-formed SVG (and
 * a PNG of it), and gives the same verdicts as on the original, since only names changed.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DOMParser } from "@xmldom/xmldom";
import fc from "fast-check";
import { compareWithIntent, formatReport, synthDifferences } from "../lib/check/intent";
import { DEFAULT_CONFIG, parseConfig } from "../lib/config";
import { estimate, formatEstimate, monthlyTotal, priceTable } from "../lib/cost";
import { diagramOf, rasterize } from "../lib/diagram";
import { analyze, buildModel, formatText, readDocuments, type Result, type StackDocument } from "../lib/reach";
import { reachCommand } from "../lib/reach/cli";
import { RAW_UNSAFE } from "./core/hostile";
import { synthToTemp } from "../test-support/synth";

/** What a crash prints: a stack frame or the runner's crash line. */
const STACK_TRACE = /\n\s+at |crashed/;

/** Pieces that attack a terminal, a picture or a parser. */
const PIECES = [
  "\u0000",
  "\u0001",
  "\u0007",
  "\u0008",
  "\u001b",
  "\u001b[2J",
  "\u001b]0;owned\u0007",
  "\u001b[31m",
  "\u007f",
  "\u0085",
  "\u009b",
  "\u202a",
  "\u202e",
  "\u2066",
  "\u2069",
  "\u200b",
  "\u200e",
  "\u061c",
  "\ufeff",
  "\u00ad",
  "\u2028",
  "\u2029",
  "\ud800",
  "\udfff",
  "\ufffe",
  "\uffff",
  "\n",
  "\r",
  "\t",
  "<",
  ">",
  "&",
  '"',
  "'",
  "\\",
  "<b>",
  '<table href="javascript:alert(1)">',
  "]]>",
  "<!--",
  "&amp;",
  "&#0;",
];

/**
 * A hostile name: pieces and arbitrary code points, or a very long run. Never `${` or `%{`: those
 * make a Terraform string a template, which is more than a change of name.
 */
const hostile = fc
  .oneof(
    {
      weight: 8,
      arbitrary: fc
        .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ unit: "binary", maxLength: 6 })), {
          minLength: 1,
          maxLength: 8,
        })
        .map((p) => p.join("")),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...PIECES), fc.integer({ min: 300, max: 20_000 }))
        .map(([p, n]) => p.repeat(n).slice(0, n)),
    },
  )
  .map((s) => s.replace(/[$%](?=\{)/g, "_"));

/** The verdicts of a result, each address with its stack renamed back by `original`. */
function verdicts(result: Result, original: (address: string) => string): string[] {
  return result.pairs
    .map((p) => `${original(p.from)} → ${original(p.to)} (${p.protocol}): ${String(p.reachable)}`)
    .sort();
}

/** `documents` with every stack renamed and every tag and comment text replaced, drawing text from `names` in turn. */
function renamed(documents: readonly StackDocument[], names: readonly string[]): StackDocument[] {
  let next = 0;
  const take = () => names[next++ % names.length];
  const visit = (value: unknown, key: string | undefined): unknown => {
    if (Array.isArray(value)) return value.map((v) => visit(v, undefined));
    if (typeof value !== "object" || value === null) return value;
    const entries = Object.entries(value);
    if (key === "tags" || key === "tags_all")
      return Object.fromEntries([...entries.map(([k]) => [k, take()]), [`x-${take()}`, take()]]);
    if (key === "//")
      return JSON.parse(JSON.stringify(value), (k, v: unknown) =>
        typeof v === "string" && k !== "backend" ? take() : v,
      );
    return Object.fromEntries(entries.map(([k, v]) => [k, visit(v, k)]));
  };
  return documents.map((doc, i) => {
    const json = visit(doc.json, undefined) as Record<string, unknown>;
    const stack = `${take()}~${i}`;
    const comment = (json["//"] ?? {}) as { metadata?: Record<string, unknown> };
    json["//"] = { ...comment, metadata: { ...comment.metadata, stackName: stack } };
    return { stack, file: doc.file, json };
  });
}

/** The SVG parsed as XML; any warning or error of the parser fails. */
function expectWellFormed(svg: string): void {
  const parser = new DOMParser({
    onError: (level, message) => {
      throw new Error(`the SVG is not well-formed XML (${level}): ${message}`);
    },
  });
  const root = parser.parseFromString(svg, "image/svg+xml").documentElement;
  expect(root?.nodeName).toBe("svg");
  expect(svg).not.toMatch(/href\s*=\s*"javascript:/i);
}

describe("hostile strings in every name and tag of a synthesized stack", () => {
  const config = parseConfig(DEFAULT_CONFIG);
  let tmp: string;
  let base: StackDocument[];
  let baseVerdicts: string[];
  let baseTotal: number;
  let baseExit: number;
  let run = 0;

  /** reach's command on `documents`, written as one .tf.json file each. */
  async function reach(documents: readonly StackDocument[], args: readonly string[] = []) {
    const dir = path.join(tmp, `run-${run++}`);
    fs.mkdirSync(dir);
    const files = documents.map((doc, i) => {
      const file = path.join(dir, `stack-${i}.tf.json`);
      fs.writeFileSync(file, JSON.stringify(doc.json));
      return file;
    });
    const out: string[] = [];
    const err: string[] = [];
    const code = await reachCommand([...files, ...args], {
      stdout: (t) => void out.push(t),
      stderr: (t) => void err.push(t),
    });
    return { code, stdout: out.join(""), stderr: err.join(""), files };
  }

  const cost = (documents: readonly StackDocument[]) =>
    estimate(documents, buildModel(documents), { gb: 10, prices: (region) => priceTable(region) });

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "peering-hostile-strings-"));
    const app = synthToTemp(DEFAULT_CONFIG);
    try {
      base = readDocuments([app.outdir]).map((doc) => ({ ...doc, json: structuredClone(doc.json) }));
    } finally {
      app.remove();
    }
    baseVerdicts = verdicts(analyze(buildModel(base)), (a) => a);
    baseTotal = monthlyTotal(cost(base));
    baseExit = (await reach(base)).code;
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("starts from a synth whose pairs reach finds reachable and that costs money", () => {
    expect(baseVerdicts).toHaveLength(2);
    expect(baseVerdicts.every((v) => v.endsWith(": true"))).toBe(true);
    expect(baseTotal).toBeGreaterThan(0);
    expect(baseExit).toBe(0);
  });

  it("keeps every tool's output escaped, the SVG well-formed and the verdicts unchanged", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostile, { minLength: 1, maxLength: 6 }), async (names) => {
        const documents = renamed(base, names);
        const vpcNames = documents.flatMap((d) =>
          Object.values(
            (d.json as { resource?: { aws_vpc?: Record<string, { tags: { Name: string } }> } }).resource?.aws_vpc ?? {},
          ),
        );
        expect(vpcNames.map((v) => names.includes(v.tags.Name))).toEqual([true, true]);
        const stacks = new Map(documents.map((doc, i) => [doc.stack, base[i].stack]));
        // Longest stack names first, so that a name that begins another is not taken for it.
        const byLength = [...stacks.keys()].sort((a, b) => b.length - a.length);
        const original = (address: string) => {
          const stack = byLength.find((s) => address.startsWith(`${s}/`));
          return stack === undefined ? address : `${stacks.get(stack)}${address.slice(stack.length)}`;
        };

        const result = analyze(buildModel(documents));
        expect(verdicts(result, original)).toEqual(baseVerdicts);
        expect(formatText(result)).not.toMatch(RAW_UNSAFE);

        const table = await reach(documents);
        const json = await reach(documents, ["--json"]);
        for (const printed of [table, json]) {
          expect(printed.code).toBe(baseExit);
          expect(printed.stdout + printed.stderr).not.toMatch(RAW_UNSAFE);
          expect(printed.stderr).not.toMatch(STACK_TRACE);
        }
        const pairs = (JSON.parse(json.stdout) as { pairs: Result["pairs"] }).pairs;
        expect(verdicts({ ...result, pairs }, original)).toEqual(baseVerdicts);
        const missing = path.join(tmp, `missing-${names[0].slice(0, 200)}`.replace(/\u0000/g, ""));
        const refused = await reachCommand([missing], {
          stdout: () => undefined,
          stderr: (t) => expect(t).not.toMatch(RAW_UNSAFE),
        });
        expect(refused).toBe(2);

        const { svg } = await diagramOf(readDocuments(table.files));
        expectWellFormed(svg);
        expect(svg).not.toMatch(RAW_UNSAFE);
        // resvg takes a second on a long label: a PNG of every fifth picture keeps the test quick.
        if (run % 5 === 1) expect(rasterize(svg).png.subarray(1, 4).toString("latin1")).toBe("PNG");

        const estimated = cost(documents);
        expect(monthlyTotal(estimated)).toBe(baseTotal);
        const priced = formatEstimate(estimated, names[0]);
        expect(priced).not.toMatch(RAW_UNSAFE);
        expect(priced).toContain(`Monthly total: $${baseTotal.toFixed(2)}`);

        const instances = documents.find((_, i) => base[i].stack === "instances")!;
        const listed = (instances.json as { output: { instances: { value: Record<string, { address: string }> } } })
          .output.instances.value;
        const addresses = new Map(
          Object.entries(listed).map(([vpc, entry]) => [vpc, `${instances.stack}/${entry.address}`]),
        );
        const report = compareWithIntent(config, addresses, result);
        expect(report.mismatches).toEqual([]);
        expect(formatReport(report)).toMatch(/^check passed: reach agrees with the config on all 2 ordered pairs/m);
        // As check --out reads it, the VPCs carry other names than the config's: the report says so, escaped.
        const stale = formatReport({ ...report, stale: synthDifferences(config, documents, addresses) });
        expect(stale).not.toMatch(RAW_UNSAFE);
        expect(stale).toMatch(/^check failed: .* difference\(s\) between the synth and the config/m);
      }),
      { numRuns: 20 },
    );
  }, 60_000);
});
