/**
 * The by-hand recipe of docs/testing.md ("Deploying to the emulator by hand"), run as written: its
 * fenced block, in bash, in a copy of the project, with only MOTO_PORT chosen (a free port) and
 * proxies pointed at a closed loopback port, so that nothing it does can leave the machine.
 */
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { freePort, isLoopbackHost } from "../test-support/emulator";
import { MOTO_SERVER_ENV } from "../test-support/prerequisites";

const ROOT = path.resolve(__dirname, "..");
const PAGE = path.join(ROOT, "docs", "testing.md");
const HEADING = "## Deploying to the emulator by hand";

/** The first ```sh block after `heading` in `markdown`. */
function recipeBlock(markdown: string, heading: string): string {
  const start = `\n${markdown}`.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`no "${heading}" in ${PAGE}`);
  const block = /\n```sh\n([\s\S]*?)\n```\n/.exec(markdown.slice(start));
  if (!block) throw new Error(`no sh block under "${heading}" in ${PAGE}`);
  return block[1];
}

/** A copy of the project's tracked files, with node_modules, .build and .venv linked or copied in. */
function copyProject(dir: string): void {
  const files = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
  for (const file of files) {
    if (!fs.existsSync(path.join(ROOT, file))) continue;
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, file), path.join(dir, file));
  }
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  if (fs.existsSync(path.join(ROOT, ".venv"))) fs.symlinkSync(path.join(ROOT, ".venv"), path.join(dir, ".venv"));
  if (fs.existsSync(path.join(ROOT, ".build")))
    fs.cpSync(path.join(ROOT, ".build"), path.join(dir, ".build"), { recursive: true });
}

describe("the by-hand emulator recipe of docs/testing.md", () => {
  const recipe = recipeBlock(fs.readFileSync(PAGE, "utf8"), HEADING);

  it("talks only to a loopback endpoint and sets what moto needs to attach AmazonSSMManagedInstanceCore", () => {
    const endpoints = [...recipe.matchAll(/AWS_ENDPOINT_URL="?https?:\/\/([^:/"]+)/g)].map((m) => m[1]);
    expect(endpoints.length).toBeGreaterThan(0);
    expect(endpoints.every(isLoopbackHost)).toBe(true);
    expect(recipe).toContain("MOTO_IAM_LOAD_MANAGED_POLICIES=true moto_server -H 127.0.0.1");
    expect(recipe).toContain("AWS_EC2_METADATA_DISABLED=true");
  });

  it("deploys the default, passes check --live and destroys it, run as written", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "peering-recipe-"));
    try {
      copyProject(dir);
      const env: NodeJS.ProcessEnv = {};
      for (const [name, value] of Object.entries(process.env))
        if (!name.startsWith("AWS_") && !/_proxy$/i.test(name)) env[name] = value;
      const named = process.env[MOTO_SERVER_ENV];
      if (named) env.PATH = `${path.dirname(named)}${path.delimiter}${env.PATH ?? ""}`;
      const closed = "http://127.0.0.1:9";
      Object.assign(env, {
        MOTO_PORT: String(await freePort()),
        HTTP_PROXY: closed,
        HTTPS_PROXY: closed,
        http_proxy: closed,
        https_proxy: closed,
        NO_PROXY: "127.0.0.1",
        no_proxy: "127.0.0.1",
        TMPDIR: dir,
      });
      const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
        const child = spawn("bash", ["-euo", "pipefail", "-c", recipe], {
          cwd: dir,
          env,
          stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
        child.on("error", reject);
        child.on("close", (status) => resolve({ code: status, output }));
      });
      if (code !== 0) throw new Error(`the recipe exited ${code}:\n${output.slice(-6000)}`);
      expect(output).toMatch(/check passed: reach agrees with the config on all 2 ordered pairs/);
      expect(output).toMatch(/Destroy complete!|destroyed/i);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 900_000);
});
