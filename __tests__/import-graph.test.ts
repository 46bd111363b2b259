import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  circles,
  importGraph,
  LAYERS,
  layerBreaches,
  layerOf,
  longConfigFunctions,
  longFiles,
  MAX_CONFIG_FUNCTION_LINES,
  MAX_FILE_LINES,
} from "../scripts/import-graph";

/** A throwaway tree of TypeScript files, `files` by path relative to its root. */
function tree(files: Record<string, string>): { root: string; files: string[] } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "import-graph-"));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return { root, files: Object.keys(files) };
}

const made: string[] = [];
function graphOf(files: Record<string, string>) {
  const t = tree(files);
  made.push(t.root);
  return { ...t, graph: importGraph(t.root, t.files) };
}
afterAll(() => made.forEach((root) => fs.rmSync(root, { recursive: true, force: true })));

describe("the import graph", () => {
  it("follows imports, type-only imports, re-exports, import() and require(), to files and index files", () => {
    const { graph } = graphOf({
      "lib/core/a.ts": 'import type { B } from "./b";\nexport * from "../plan";\nexport const a = 1;',
      "lib/core/b.ts": 'export type B = number;\nconst c = () => import("./c");\nconst d = require("./d");',
      "lib/core/c.ts": "export const c = 1;",
      "lib/core/d.ts": "export const d = 1;",
      "lib/plan/index.ts": 'import { z } from "zod";\nexport const p = 1;',
    });
    expect(graph.get("lib/core/a.ts")).toEqual(["lib/core/b.ts", "lib/plan/index.ts"]);
    expect(graph.get("lib/core/b.ts")).toEqual(["lib/core/c.ts", "lib/core/d.ts"]);
    expect(graph.get("lib/plan/index.ts")).toEqual([]);
  });

  it("finds a circle, even of type-only imports, and none in a chain", () => {
    const circle = graphOf({
      "lib/config/x.ts": 'import type { Y } from "./y";\nexport type X = Y;',
      "lib/config/y.ts": 'import type { X } from "./x";\nexport type Y = number | X[];',
      "lib/config/z.ts": 'import type { X } from "./x";',
    });
    expect(circles(circle.graph)).toEqual([["lib/config/x.ts", "lib/config/y.ts"]]);
    const chain = graphOf({ "lib/config/x.ts": 'import "./y";', "lib/config/y.ts": "export {};" });
    expect(circles(chain.graph)).toEqual([]);
  });
});

describe("the layers", () => {
  it.each([
    ["lib/core/text.ts", "core"],
    ["lib/config/load.ts", "config"],
    ["lib/reach/terraform/load.ts", "reach"],
    ["stacks/index.ts", "stacks"],
    ["main.ts", "app"],
    ["app/synth.ts", "app"],
    ["__tests__/x.test.ts", "tests"],
    ["test-support/x.ts", "test-support"],
  ])("puts %s in %s", (file, layer) => {
    expect(layerOf(file)?.name).toBe(layer);
  });

  it("puts a loose file of lib/ in no layer", () => {
    expect(layerOf("lib/config.ts")).toBeUndefined();
  });

  it.each([
    ["lib/core/a.ts", "lib/config/b.ts", "core may import only itself, not config"],
    ["lib/config/a.ts", "stacks/b.ts", "config may import core, plan, not stacks"],
    ["lib/reach/a.ts", "lib/config/b.ts", "reach may import core, not config"],
    ["lib/cost/a.ts", "lib/diagram/b.ts", "cost may import core, reach, not diagram"],
    ["__tests__/a.test.ts", "main.ts", "nothing imports main.ts"],
  ])("refuses %s importing %s", (from, to, why) => {
    const breaches = layerBreaches(new Map([[from, [to]]]));
    expect(breaches).toHaveLength(1);
    expect(breaches[0]).toContain(why);
  });

  it.each([
    ["lib/config/a.ts", "lib/plan/b.ts"],
    ["stacks/a.ts", "lib/constructs/b.ts"],
    ["lib/check/a.ts", "lib/reach/b.ts"],
    ["app/a.ts", "stacks/b.ts"],
    ["__tests__/a.test.ts", "app/b.ts"],
  ])("lets %s import %s", (from, to) => {
    expect(layerBreaches(new Map([[from, [to]]]))).toEqual([]);
  });

  it("names every layer a layer may import", () => {
    const names = new Set(LAYERS.map((l) => l.name));
    for (const layer of LAYERS) for (const other of layer.may) expect(names).toContain(other);
  });
});

describe("the size limits", () => {
  it(`flags a source file over ${MAX_FILE_LINES} lines, but not a test`, () => {
    const long = "export const x = 1;\n".repeat(MAX_FILE_LINES + 1);
    const { root, files } = tree({ "lib/core/long.ts": long, "__tests__/long.test.ts": long, "lib/core/ok.ts": "" });
    made.push(root);
    expect(longFiles(root, files)).toEqual([expect.stringMatching(/^lib\/core\/long\.ts: 602 lines/)]);
  });

  it(`flags a config-layer function over ${MAX_CONFIG_FUNCTION_LINES} lines, and no other layer's`, () => {
    const body = "  x++;\n".repeat(MAX_CONFIG_FUNCTION_LINES);
    const fn = `export function big(x: number): number {\n${body}  return x;\n}\n`;
    const { root, files } = tree({ "lib/config/big.ts": fn, "lib/reach/big.ts": fn });
    made.push(root);
    expect(longConfigFunctions(root, files)).toEqual([
      expect.stringMatching(/^lib\/config\/big\.ts:1: big is 83 lines/),
    ]);
  });
});
