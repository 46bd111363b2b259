// @ts-check
/**
 * Runs one of the app's TypeScript entry points as compiled JavaScript:
 *
 *   node scripts/run.cjs main                          the cdktf app (cdktf.json's "app")
 *   node scripts/run.cjs scripts/check --out cdktf.out  any script, with its arguments
 *   node scripts/run.cjs --build                       only bring the build up to date
 *
 * The build lives in .build/ (git-ignored) and is made by `tsc -b tsconfig.build.json`, which
 * type-checks and compiles incrementally. Before every run this launcher hashes the sources the
 * build reads (tsconfig.build.json's "include", the tsconfig files and the TypeScript version);
 * when the hash differs from the one recorded after the last successful build it runs tsc again,
 * so an edited .ts file is always compiled before it runs and a stale build is never used. When
 * nothing changed, the check costs a few milliseconds and TypeScript is not loaded at all.
 *
 * Plain JavaScript on purpose: it must run before anything is compiled.
 */
"use strict";
const { spawnSync } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const buildConfig = path.join(root, "tsconfig.build.json");
const outDir = path.join(root, ".build");
const stampFile = path.join(outDir, "sources.sha256");
const lockDir = path.join(root, ".build.lock");

/**
 * The files matched by one "include" pattern of tsconfig.build.json: a file, or "dir/**\/*.ts".
 * @param {string} pattern
 * @returns {string[]}
 */
function filesOf(pattern) {
  const tree = /^([\w./-]+)\/\*\*\/\*\.ts$/.exec(pattern);
  if (!tree) {
    if (!/^[\w./-]+\.ts$/.test(pattern)) throw new Error(`tsconfig.build.json: include pattern "${pattern}" is not "file.ts" or "dir/**/*.ts"; scripts/run.cjs reads only those`);
    return fs.existsSync(path.join(root, pattern)) ? [pattern] : [];
  }
  /** @type {string[]} */
  const found = [];
  /** @param {string} dir */
  const walk = (dir) => {
    if (!fs.existsSync(path.join(root, dir))) return;
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) found.push(rel);
    }
  };
  walk(tree[1]);
  return found;
}

/** A hash of everything the build's output depends on. */
function sourcesHash() {
  const config = JSON.parse(fs.readFileSync(buildConfig, "utf8"));
  const files = [...new Set(/** @type {string[]} */ (config.include).flatMap(filesOf))].sort();
  const hash = crypto.createHash("sha256");
  hash.update(`typescript ${require("typescript/package.json").version}\n`);
  for (const file of ["tsconfig.json", "tsconfig.build.json", ...files]) {
    hash.update(`${file}\n`);
    hash.update(fs.readFileSync(path.join(root, file)));
    hash.update("\n");
  }
  return hash.digest("hex");
}

/** @param {string} hash */
function isCurrent(hash) {
  return fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8") === hash;
}

/** @param {number} pid */
function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return /** @type {NodeJS.ErrnoException} */ (e).code === "EPERM";
  }
}

/**
 * Holds the build lock (a directory, created atomically) while `work` runs, so concurrent runs
 * (parallel test workers, two terminals) never compile into .build at the same time. A lock left
 * by a process that no longer exists is taken over.
 * @param {() => void} work
 */
function withLock(work) {
  const deadline = Date.now() + 5 * 60 * 1000;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      break;
    } catch (e) {
      if (/** @type {NodeJS.ErrnoException} */ (e).code !== "EEXIST") throw e;
      let owner = NaN;
      try {
        owner = Number(fs.readFileSync(path.join(lockDir, "pid"), "utf8"));
      } catch {
        // The owner has not written its pid yet, or has just released the lock.
      }
      if (Number.isInteger(owner) && owner > 0 && !isAlive(owner)) {
        fs.rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${lockDir} has been held for 5 minutes; if no build is running, remove it`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    fs.writeFileSync(path.join(lockDir, "pid"), String(process.pid));
    work();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Compiles when the sources changed since the last successful build; exits 1 when they do not compile. */
function ensureBuilt() {
  if (isCurrent(sourcesHash())) return;
  withLock(() => {
    const hash = sourcesHash();
    if (isCurrent(hash)) return;
    fs.rmSync(stampFile, { force: true });
    const tsc = require.resolve("typescript/bin/tsc");
    const run = spawnSync(process.execPath, [tsc, "-b", buildConfig, "--pretty"], { cwd: root, encoding: "utf8", env: process.env });
    if (run.status !== 0) {
      process.stderr.write(`${run.stdout}${run.stderr}`);
      process.stderr.write("The TypeScript sources do not compile (tsc -b tsconfig.build.json): fix the errors above. Nothing was run.\n");
      process.exit(1);
    }
    fs.writeFileSync(stampFile, hash);
  });
}

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write("usage: node scripts/run.cjs ENTRY [ARGS...] (ENTRY: main, scripts/check, ...) | --build\n");
  process.exit(2);
}
if (entry !== "--build" && !fs.existsSync(path.join(root, `${entry}.ts`))) {
  process.stderr.write(`scripts/run.cjs: there is no ${entry}.ts to run (ENTRY is a .ts file's path from the project root, without .ts)\n`);
  process.exit(2);
}
ensureBuilt();
if (entry !== "--build") {
  const compiled = path.join(outDir, `${entry}.js`);
  if (!fs.existsSync(compiled)) {
    process.stderr.write(`scripts/run.cjs: ${entry}.ts is not part of the build: add it to "include" in tsconfig.build.json\n`);
    process.exit(2);
  }
  process.argv = [process.argv[0], compiled, ...args];
  require(compiled);
}
