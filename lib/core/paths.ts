import * as fs from "fs";
import * as path from "path";

/**
 * The project's root directory: the nearest directory above this module holding package.json.
 * The same from the TypeScript sources (jest, ts-node) and from the compiled build in .build/.
 */
export const PROJECT_ROOT = findRoot(__dirname);

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
