// @ts-check
/**
 * Runs one of the app's TypeScript entry points as compiled JavaScript:
 *
 *   node scripts/run.cjs main                          the cdktf app (cdktf.json's "app")
 *   node scripts/run.cjs scripts/check --out cdktf.out  any script, with its arguments
 *   node scripts/run.cjs --build                       only bring the builds up to date
 *
 * The builds live in .build/ (git-ignored) and are made by tsc, which type-checks and, with
 * `incremental`, re-checks only what changed: tsconfig.build.json compiles the app (main.ts, the
 * script of its synthesizing threads, and what they import: a small program, so that an edit
 * compiles in a few seconds), tsconfig.scripts.json the scripts, the same thread script, and what
 * they import. Before every run this launcher hashes the TypeScript sources (every .ts file
 * outside node_modules, the test directories __tests__ and terraform-tests, and dot-directories;
 * the tsconfig files and the TypeScript version); when the hash differs from the one recorded
 * after the entry's build last succeeded, it runs `tsc -p` for that build first. An edited .ts file is therefore always compiled before it runs, and a stale
 * build is never used. When nothing changed, the check costs a few milliseconds and TypeScript is
 * not loaded at all.
 *
 * Not `tsc -b`: its up-to-date check looks only at a project's root files (main.ts), not at the
 * files they import, so it would call the app up to date after an edit to stacks/ or lib/.
 *
 * Plain JavaScript on purpose: it must run before anything is compiled.
 */
"use strict";
const { spawnSync } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const outDir = path.join(root, ".build");
const lockDir = path.join(root, ".build.lock");
/** The builds: the app's, and the scripts'. */
const BUILDS = { app: "tsconfig.build.json", scripts: "tsconfig.scripts.json" };
const SKIPPED_DIRS = new Set(["node_modules", "__tests__", "terraform-tests", "cdktf.out"]);

/**
 * Every .ts source a build may read, relative to the root, sorted.
 * @param {string} dir
 * @param {string[]} found
 * @returns {string[]}
 */
function sources(dir = "", found = []) {
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!entry.name.startsWith(".") && !SKIPPED_DIRS.has(entry.name)) sources(rel, found);
    } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
      found.push(rel);
    }
  }
  return found.sort();
}

/** A hash of everything the builds' output depends on. */
function sourcesHash() {
  const hash = crypto.createHash("sha256");
  hash.update(`typescript ${require("typescript/package.json").version}\n`);
  for (const file of ["tsconfig.json", ...Object.values(BUILDS), ...sources()]) {
    hash.update(`${file}\n`);
    hash.update(fs.readFileSync(path.join(root, file)));
    hash.update("\n");
  }
  return hash.digest("hex");
}

/** @param {keyof typeof BUILDS} build */
const stampOf = (build) => path.join(outDir, `${build}.sha256`);

/**
 * @param {keyof typeof BUILDS} build
 * @param {string} hash
 */
function isCurrent(build, hash) {
  return fs.existsSync(stampOf(build)) && fs.readFileSync(stampOf(build), "utf8") === hash;
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
      if (Date.now() > deadline)
        throw new Error(`${lockDir} has been held for 5 minutes; if no build is running, remove it`);
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

/**
 * Compiles the builds whose sources changed since they last succeeded; exits 1 when they do not compile.
 * @param {(keyof typeof BUILDS)[]} builds
 */
function ensureBuilt(builds) {
  const hash = sourcesHash();
  if (builds.every((b) => isCurrent(b, hash))) return;
  withLock(() => {
    const now = sourcesHash();
    for (const build of builds.filter((b) => !isCurrent(b, now))) {
      fs.rmSync(stampOf(build), { force: true });
      const tsc = require.resolve("typescript/bin/tsc");
      const run = spawnSync(process.execPath, [tsc, "-p", path.join(root, BUILDS[build]), "--pretty"], {
        cwd: root,
        encoding: "utf8",
        env: process.env,
      });
      if (run.status !== 0) {
        process.stderr.write(`${run.stdout}${run.stderr}`);
        process.stderr.write(
          `The TypeScript sources do not compile (tsc -p ${BUILDS[build]}): fix the errors above. Nothing was run.\n`,
        );
        process.exit(1);
      }
      fs.writeFileSync(stampOf(build), now);
    }
  });
}

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write("usage: node scripts/run.cjs ENTRY [ARGS...] (ENTRY: main, scripts/check, ...) | --build\n");
  process.exit(2);
}
if (entry === "--build") {
  ensureBuilt(["app", "scripts"]);
} else {
  if (!fs.existsSync(path.join(root, `${entry}.ts`))) {
    process.stderr.write(
      `scripts/run.cjs: there is no ${entry}.ts to run (ENTRY is a .ts file's path from the project root, without .ts)\n`,
    );
    process.exit(2);
  }
  ensureBuilt([entry === "main" ? "app" : "scripts"]);
  const compiled = path.join(outDir, `${entry}.js`);
  if (!fs.existsSync(compiled)) {
    process.stderr.write(
      `scripts/run.cjs: ${entry}.ts is not part of a build: add it to "include" in ${BUILDS.scripts}\n`,
    );
    process.exit(2);
  }
  process.argv = [process.argv[0], compiled, ...args];
  require(compiled);
}
