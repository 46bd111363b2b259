/**
 * scripts/run.cjs, the launcher cdktf and the npm scripts run: it compiles the TypeScript sources
 * into .build/ with incremental tsc when they changed, and only then runs the compiled entry point. These
 * tests work on a copy of the sources and of the project's up-to-date build in a temp directory, so
 * they can edit them; every other test that runs the app or a script starts from the project's own
 * build (compiled from scratch on a fresh clone).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const root = path.resolve(__dirname, "..");
/** What the builds read (the TypeScript sources outside the tests, and the configs), and the lock file synth copies. */
const SOURCES = [
  "main.ts",
  "lib",
  "stacks",
  "scripts",
  "test-support",
  "app",
  "deploy-tests",
  "tsconfig.json",
  "tsconfig.build.json",
  "tsconfig.scripts.json",
  "package.json",
  "cdktf.json",
  ".terraform.lock.hcl",
];
/** A few incremental compiles on a busy 2-core machine. */
const TIMEOUT_MS = 3 * 60 * 1000;

let project: string;
beforeAll(() => {
  const build = spawnSync(process.execPath, ["scripts/run.cjs", "--build"], { cwd: root, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`the project does not build:\n${build.stderr}`);
  project = fs.mkdtempSync(path.join(os.tmpdir(), "peering-build-"));
  for (const entry of [...SOURCES, ".build"])
    fs.cpSync(path.join(root, entry), path.join(project, entry), { recursive: true });
  fs.symlinkSync(path.join(root, "node_modules"), path.join(project, "node_modules"), "dir");
}, TIMEOUT_MS);
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

/** Runs the app the way cdktf does, in the copy, into a fresh output directory. */
function synth(): { status: number | null; stderr: string; project?: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "peering-build-out-"));
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" };
    delete env.PEERING_CONFIG;
    const run = spawnSync(process.execPath, ["scripts/run.cjs", "main"], { cwd: project, env, encoding: "utf8" });
    const network = path.join(outdir, "stacks", "network", "cdk.tf.json");
    const tag = fs.existsSync(network)
      ? (JSON.parse(fs.readFileSync(network, "utf8")).provider.aws[0].default_tags[0].tags.Project as string)
      : undefined;
    return { status: run.status, stderr: run.stderr, project: tag };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function edit(file: string, from: string, to: string): void {
  const full = path.join(project, file);
  const text = fs.readFileSync(full, "utf8");
  if (!text.includes(from)) throw new Error(`${file} does not contain ${from}`);
  fs.writeFileSync(full, text.replace(from, to));
}

const builtAt = () => fs.statSync(path.join(project, ".build", "main.js")).mtimeMs;

describe("scripts/run.cjs", () => {
  it("runs the build as it is when no source changed", () => {
    const before = builtAt();
    expect(synth()).toEqual({ status: 0, stderr: "", project: "peering" });
    expect(builtAt()).toBe(before);
  });

  it(
    "refuses to run the old build when an edited source does not compile",
    () => {
      edit("stacks/base.ts", 'Project: "peering"', 'Project: 7 * "broken"');
      const broken = synth();
      expect(broken.status).toBe(1);
      expect(broken.project).toBeUndefined();
      expect(broken.stderr).toContain("stacks/base.ts");
      expect(broken.stderr).toContain("The TypeScript sources do not compile");
    },
    TIMEOUT_MS,
  );

  it(
    "compiles an edited source before running it, so the synth has the change",
    () => {
      edit("stacks/base.ts", 'Project: 7 * "broken"', 'Project: "edited"');
      expect(synth()).toEqual({ status: 0, stderr: "", project: "edited" });
    },
    TIMEOUT_MS,
  );

  it("names the entry point it cannot run", () => {
    const run = spawnSync(process.execPath, ["scripts/run.cjs", "scripts/nothing"], { cwd: project, encoding: "utf8" });
    expect([run.status, run.stderr]).toEqual([2, expect.stringContaining("there is no scripts/nothing.ts to run")]);
  });
});
