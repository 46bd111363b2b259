/**
 * scripts/run.cjs, the launcher cdktf and the npm scripts run: it compiles the TypeScript sources
 * into .build/ with `tsc -b` when they changed, and only then runs the compiled entry point. These
 * tests work on a copy of the sources in a temp directory, so they can edit them.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const root = path.resolve(__dirname, "..");
const SOURCES = ["main.ts", "lib", "stacks", "scripts", "tsconfig.json", "tsconfig.build.json", "package.json", "cdktf.json"];
/** Two full compiles and a few incremental ones on a busy 2-core machine. */
const TIMEOUT_MS = 3 * 60 * 1000;

let project: string;
beforeAll(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), "peering-build-"));
  for (const entry of SOURCES) fs.cpSync(path.join(root, entry), path.join(project, entry), { recursive: true });
  fs.symlinkSync(path.join(root, "node_modules"), path.join(project, "node_modules"), "dir");
});
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

/** Runs the app the way cdktf does, in the copy, into a fresh output directory. */
function synth(): { status: number | null; stderr: string; region?: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "peering-build-out-"));
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" };
    delete env.PEERING_CONFIG;
    const run = spawnSync(process.execPath, ["scripts/run.cjs", "main"], { cwd: project, env, encoding: "utf8" });
    const network = path.join(outdir, "stacks", "network", "cdk.tf.json");
    const region = fs.existsSync(network) ? (JSON.parse(fs.readFileSync(network, "utf8")).provider.aws[0].region as string) : undefined;
    return { status: run.status, stderr: run.stderr, region };
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
  it(
    "compiles on the first run and synthesizes from the compiled app",
    () => {
      expect(synth()).toEqual({ status: 0, stderr: "", region: "eu-west-1" });
      expect(fs.existsSync(path.join(project, ".build", "main.js"))).toBe(true);
    },
    TIMEOUT_MS,
  );

  it("does not compile again when no source changed", () => {
    const before = builtAt();
    expect(synth().status).toBe(0);
    expect(builtAt()).toBe(before);
  });

  it(
    "compiles an edited source before running it, so the synth has the change",
    () => {
      edit("lib/config.ts", 'DEFAULT_REGION = "eu-west-1"', 'DEFAULT_REGION = "eu-central-1"');
      expect(synth()).toEqual({ status: 0, stderr: "", region: "eu-central-1" });
    },
    TIMEOUT_MS,
  );

  it(
    "refuses to run the old build when the sources do not compile, and runs again once they do",
    () => {
      edit("lib/config.ts", 'DEFAULT_REGION = "eu-central-1"', "DEFAULT_REGION: number = \"eu-north-1\"");
      const broken = synth();
      expect(broken.status).toBe(1);
      expect(broken.region).toBeUndefined();
      expect(broken.stderr).toContain("lib/config.ts");
      expect(broken.stderr).toContain("The TypeScript sources do not compile");
      edit("lib/config.ts", "DEFAULT_REGION: number = \"eu-north-1\"", 'DEFAULT_REGION = "eu-north-1"');
      expect(synth()).toEqual({ status: 0, stderr: "", region: "eu-north-1" });
    },
    TIMEOUT_MS,
  );

  it("names the entry point it cannot run", () => {
    const run = spawnSync(process.execPath, ["scripts/run.cjs", "scripts/nothing"], { cwd: project, encoding: "utf8" });
    expect([run.status, run.stderr]).toEqual([2, expect.stringContaining("there is no scripts/nothing.ts to run")]);
  });
});
