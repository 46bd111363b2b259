/**
 * `npm run imports`: builds the project's import graph (scripts/import-graph.ts) and fails on an
 * import circle, on an import from a lower layer to a higher one or between tools, on a file in no
 * layer, on a source file over 600 lines outside the tests, and on a function of the config layer
 * over 80 lines. Exit 0 when all hold, 3 with one line per breach otherwise.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { EXIT } from "../lib/core/exit-codes";
import { PROJECT_ROOT } from "../lib/core/paths";
import { circles, importGraph, layerBreaches, layerOf, longConfigFunctions, longFiles } from "./import-graph";

/** The .ts files git tracks or would track (untracked but not ignored), relative to `root`. */
function sourceFiles(root: string): string[] {
  return execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "--", "*.ts"], {
    cwd: root,
    encoding: "utf8",
  })
    .split("\n")
    .filter((f) => f !== "" && !f.endsWith(".d.ts") && fs.existsSync(path.join(root, f)));
}

function main(): number {
  const files = sourceFiles(PROJECT_ROOT);
  const graph = importGraph(PROJECT_ROOT, files);
  const problems = [
    ...circles(graph).map((c) => `import circle among ${c.join(", ")}`),
    ...layerBreaches(graph),
    ...files
      .filter((f) => !layerOf(f))
      .map((f) => `${f}: in no layer; put it in one of the folders docs/architecture.md lists`),
    ...longFiles(PROJECT_ROOT, files),
    ...longConfigFunctions(PROJECT_ROOT, files),
  ];
  const edges = [...graph.values()].reduce((n, t) => n + t.length, 0);
  if (problems.length === 0) {
    process.stdout.write(
      `imports: ${files.length} files, ${edges} imports, no circle, every import within the layers\n`,
    );
    return EXIT.ok;
  }
  process.stderr.write(problems.map((p) => `imports: ${p}\n`).join(""));
  return EXIT.differs;
}

process.exitCode = main();
