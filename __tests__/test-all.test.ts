/**
 * `npm run test:all` as a newcomer meets it: it reports what the machine has, names what is
 * missing with the command that installs it, and runs no test until everything is there. Needs
 * root (it runs itself as nobody), and the Debian prerequisites present, so that nothing it does
 * here installs a package for real.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const LAUNCHER = path.join(ROOT, "scripts", "test-all.cjs");
/** PATH without moto_server (pyenv's shims) but with terraform, node and Debian's tools. */
const NO_MOTO_PATH = "/usr/local/bin:/usr/bin:/bin";

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function testAll(args: readonly string[], env: NodeJS.ProcessEnv, asNobody = false): Run {
  const command = asNobody
    ? ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", process.execPath, LAUNCHER, ...args]
    : [process.execPath, LAUNCHER, ...args];
  const run = spawnSync(command[0], command.slice(1), {
    cwd: ROOT,
    env: { CHECKPOINT_DISABLE: "1", ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("npm run test:all", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "peering-test-all-"));
    fs.chmodSync(dir, 0o777);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("with --check reports every prerequisite this machine has, installs nothing and runs no test", () => {
    const run = testAll(["--check"], { PATH: process.env.PATH, HOME: process.env.HOME });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    for (const name of [
      "Node.js",
      "Terraform",
      "hashicorp/aws 5.100.0 provider mirror",
      "root",
      "ip",
      "nsenter",
      "ping",
      "nft",
      "chromium",
      "moto_server 5.2.1",
    ]) {
      expect(run.stdout).toMatch(new RegExp(`✓ ${name}`));
    }
    expect(run.stdout).not.toMatch(/Installing|===/);
  });

  it("as a user who is not root, names each missing piece and what installs it, exits non-zero, and runs no test", () => {
    const run = testAll([], { PATH: "/usr/bin:/bin", HOME: dir }, true);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/✗ Terraform: terraform is not on PATH/);
    expect(run.stdout).toMatch(/✗ root: running as uid \d+/);
    expect(run.stdout).toMatch(/✗ moto_server 5\.2\.1: not found/);
    expect(run.stderr).toContain("  Terraform: put Terraform 1.11 on PATH");
    expect(run.stderr).toContain("  root: run as root (network namespaces need it), e.g. sudo npm run test:all");
    expect(run.stderr).toMatch(
      /As root, run:\n(.*\n)* {2}python3 -m venv \.venv\n {2}\.venv\/bin\/python -m pip install --no-deps --require-virtualenv -r requirements\/moto-server\.txt\n/,
    );
    expect(run.stderr).toMatch(/No test ran\.\n$/);
    expect(run.stdout).not.toContain("===");
  });

  it("as root without moto, tries to install it into the venv, and where no package index answers removes the venv, prints the commands and runs no test", () => {
    const venv = path.join(dir, "venv");
    const survey = testAll(["--check", "--venv", venv], { PATH: NO_MOTO_PATH, HOME: process.env.HOME });
    expect(survey.stdout.match(/✗ .*/g)).toEqual([expect.stringMatching(/^✗ moto_server 5\.2\.1: not found/)]);

    const run = testAll(["--venv", venv], {
      PATH: NO_MOTO_PATH,
      HOME: process.env.HOME,
      PIP_CONFIG_FILE: "/dev/null",
      PIP_NO_INDEX: "1",
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`Installing moto into ${venv}/ from requirements/moto-server.txt`);
    expect(run.stderr).toContain(`Could not install moto into ${venv}/`);
    expect(run.stderr).toContain(
      `  python3 -m venv ${venv}\n  ${venv}/bin/python -m pip install --no-deps --require-virtualenv -r requirements/moto-server.txt\n`,
    );
    expect(run.stderr).toMatch(/No test ran\.\n$/);
    expect(run.stdout).not.toContain("===");
    expect(fs.existsSync(venv)).toBe(false);
  });

  it("refuses an unknown option in one line with exit 2", () => {
    const run = testAll(["--bogus"], { PATH: process.env.PATH });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split("\n")).toEqual(["error: unknown option '--bogus'"]);
  });
});
