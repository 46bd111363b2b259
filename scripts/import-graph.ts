/**
 * The project's import graph, built with the TypeScript compiler API from every
 * .ts file git knows (type-only imports, re-exports, dynamic import() and require() included), and
 * the layers of docs/architecture.md, and the checks `npm run imports` makes of them (scripts/imports.ts).
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

/** A layer: the files under its folders, and the layers it may import. */
export interface Layer {
  readonly name: string;
  /** Path prefixes relative to the root ("lib/core/"), or whole file names ("main.ts"). */
  readonly paths: readonly string[];
  /** The layers its files may import, besides its own. */
  readonly may: readonly string[];
}

const LIB = [
  "core",
  "plan",
  "config",
  "constructs",
  "reach",
  "check",
  "migrate",
  "rehearse",
  "ping",
  "cost",
  "diagram",
];
const TESTS = ["__tests__", "test-support", "terraform-tests", "deploy-tests"];

/** The project's layers, lowest first; docs/architecture.md explains each. */
export const LAYERS: readonly Layer[] = [
  { name: "core", paths: ["lib/core/"], may: [] },
  { name: "plan", paths: ["lib/plan/"], may: ["core"] },
  { name: "config", paths: ["lib/config/"], may: ["core", "plan"] },
  { name: "constructs", paths: ["lib/constructs/"], may: ["core", "plan", "config"] },
  { name: "stacks", paths: ["stacks/"], may: ["core", "plan", "config", "constructs"] },
  { name: "reach", paths: ["lib/reach/"], may: ["core"] },
  { name: "check", paths: ["lib/check/"], may: ["core", "plan", "config", "reach"] },
  { name: "migrate", paths: ["lib/migrate/"], may: ["core", "plan", "config", "reach"] },
  { name: "rehearse", paths: ["lib/rehearse/"], may: ["core", "reach"] },
  { name: "ping", paths: ["lib/ping/"], may: ["core", "reach"] },
  { name: "cost", paths: ["lib/cost/"], may: ["core", "reach"] },
  { name: "diagram", paths: ["lib/diagram/"], may: ["core", "reach"] },
  { name: "app", paths: ["app/", "main.ts"], may: [...LIB, "stacks"] },
  { name: "scripts", paths: ["scripts/"], may: [...LIB, "stacks", "app", "test-support"] },
  { name: "test-support", paths: ["test-support/"], may: [...LIB, "stacks", "app", "scripts"] },
  {
    name: "tests",
    paths: TESTS.filter((t) => t !== "test-support").map((t) => `${t}/`),
    may: [...LIB, "stacks", "app", "scripts", "test-support"],
  },
];

/** Largest source file outside the tests, in lines. */
export const MAX_FILE_LINES = 600;
/** Largest function of the config layer, in lines. */
export const MAX_CONFIG_FUNCTION_LINES = 80;

/** The layer of a file, or undefined for a file no layer holds. */
export function layerOf(file: string, layers: readonly Layer[] = LAYERS): Layer | undefined {
  return layers.find((l) => l.paths.some((p) => (p.endsWith("/") ? file.startsWith(p) : file === p)));
}

/** Each file's imports of other project files, relative to `root`. */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

/** The import graph of `files` (relative to `root`): every relative specifier resolved as tsc resolves it. */
export function importGraph(root: string, files: readonly string[]): ImportGraph {
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    resolveJsonModule: true,
  };
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const abs = path.join(root, file);
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(abs, "utf8"), true, true);
    const targets = new Set<string>();
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith(".")) continue;
      const resolved = ts.resolveModuleName(fileName, abs, options, ts.sys).resolvedModule;
      if (resolved && !resolved.isExternalLibraryImport)
        targets.add(path.relative(root, resolved.resolvedFileName).split(path.sep).join("/"));
    }
    graph.set(file, [...targets].sort());
  }
  return graph;
}

/** The import circles of `graph`: each strongly connected set of two or more files (or a file importing itself). */
export function circles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (file: string): void => {
    index.set(file, next);
    low.set(file, next++);
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(file, Math.min(low.get(file)!, index.get(target)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const members: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      members.push(member);
    } while (member !== file);
    if (members.length > 1 || (graph.get(file) ?? []).includes(file)) found.push(members.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

/** Every import that crosses layers the wrong way, and every import of main.ts, as "from → to: why". */
export function layerBreaches(graph: ImportGraph, layers: readonly Layer[] = LAYERS): string[] {
  const breaches: string[] = [];
  for (const [file, targets] of graph) {
    const from = layerOf(file, layers);
    for (const target of targets) {
      if (target === "main.ts") {
        breaches.push(`${file} → ${target}: nothing imports main.ts, which only composes the app`);
        continue;
      }
      const to = layerOf(target, layers);
      if (!from || !to || from === to || from.may.includes(to.name)) continue;
      breaches.push(
        `${file} → ${target}: ${from.name} may import ${from.may.join(", ") || "only itself"}, not ${to.name}`,
      );
    }
  }
  return breaches;
}

/** Source files outside the tests over MAX_FILE_LINES lines. */
export function longFiles(root: string, files: readonly string[]): string[] {
  return files
    .filter((f) => !TESTS.some((t) => f.startsWith(`${t}/`)))
    .map((f) => ({ f, lines: fs.readFileSync(path.join(root, f), "utf8").split("\n").length }))
    .filter(({ lines }) => lines > MAX_FILE_LINES)
    .map(({ f, lines }) => `${f}: ${lines} lines, over ${MAX_FILE_LINES}: split it along its jobs`);
}

/** Functions (declarations, methods, arrows) of the config layer over MAX_CONFIG_FUNCTION_LINES lines. */
export function longConfigFunctions(root: string, files: readonly string[]): string[] {
  const found: string[] = [];
  for (const file of files.filter((f) => layerOf(f)?.name === "config")) {
    const source = ts.createSourceFile(
      file,
      fs.readFileSync(path.join(root, file), "utf8"),
      ts.ScriptTarget.ES2022,
      true,
    );
    const visit = (node: ts.Node): void => {
      if (ts.isFunctionLike(node) && "body" in node && node.body) {
        const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
        const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
        const lines = end - start + 1;
        if (lines > MAX_CONFIG_FUNCTION_LINES) {
          const name = node.name && ts.isIdentifier(node.name) ? node.name.text : "a function";
          found.push(
            `${file}:${start + 1}: ${name} is ${lines} lines, over ${MAX_CONFIG_FUNCTION_LINES}: split it into named checks`,
          );
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}
