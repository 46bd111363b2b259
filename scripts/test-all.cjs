// @ts-check
/**
 * `npm run test:all`: every test from nothing. Plain JavaScript because it runs before anything is
 * installed: it checks Node.js, brings node_modules in line with package-lock.json (npm ci, only
 * when they differ), and hands over to scripts/test-all.ts, which checks and installs the rest and
 * runs the tests.
 */
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const NODE_MAJOR = 20;

/**
 * Whether node_modules holds exactly the packages package-lock.json pins (npm records what it
 * installed in node_modules/.package-lock.json); optional packages for other platforms are skipped.
 * @returns {boolean}
 */
function installed() {
  try {
    const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8")).packages;
    const have = JSON.parse(fs.readFileSync(path.join(root, "node_modules", ".package-lock.json"), "utf8")).packages;
    return Object.entries(lock).every(
      ([name, entry]) => name === "" || entry.optional || have[name]?.version === entry.version,
    );
  } catch {
    return false;
  }
}

function main() {
  const major = Number(process.versions.node.split(".")[0]);
  if (major < NODE_MAJOR) {
    console.error(
      `test:all: Node.js ${process.versions.node} is too old: install Node.js ${NODE_MAJOR} or later. No test ran.`,
    );
    return 1;
  }
  if (!installed()) {
    console.log("node_modules differ from package-lock.json: npm ci");
    const ci = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
    if (ci.status !== 0) {
      console.error(`test:all: npm ci failed (exit ${ci.status ?? ci.signal}). No test ran.`);
      return 1;
    }
  }
  const run = spawnSync(
    process.execPath,
    [path.join(root, "scripts", "run.cjs"), "scripts/test-all", ...process.argv.slice(2)],
    {
      cwd: root,
      stdio: "inherit",
    },
  );
  return run.status ?? 1;
}

process.exitCode = main();
