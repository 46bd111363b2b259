import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../lib/core/paths";

/**
 * What the project's tests need from the machine, how to tell whether it is here, and how it is
 * installed: the survey `npm run test:all` makes before it runs any test. The survey itself is
 * pure (it reads the machine only through a Probe), so tests can describe any machine.
 */

/** The moto version the deploy rehearsal is known to work with. */
export const MOTO_VERSION = "5.2.1";
/** Names the moto_server to use, as `npm run test:all` found it; test:deploy honours it. */
export const MOTO_SERVER_ENV = "PEERING_MOTO_SERVER";
/** moto[server] and every package it needs, each pinned to one version. */
export const MOTO_REQUIREMENTS = "requirements/moto-server.txt";
/** The project's own Python environment for moto, git-ignored. */
export const PROJECT_VENV = path.join(PROJECT_ROOT, ".venv");
/** The Terraform release line the project is tested with. */
export const TERRAFORM_LINE = "1.11";
const NODE_MAJOR = 20;

/** How a missing prerequisite is obtained. */
export type Remedy =
  /** A Debian package, installed with apt as root. */
  | { readonly kind: "apt"; readonly pkg: string }
  /** moto into the project's .venv/ from MOTO_REQUIREMENTS. */
  | { readonly kind: "venv" }
  /** Something the user must do; `hint` says what. */
  | { readonly kind: "manual"; readonly hint: string };

/** One thing the tests need, and whether this machine has it. */
export interface Prerequisite {
  /** What it is, e.g. "ping". */
  readonly name: string;
  /** Which tests need it. */
  readonly neededBy: string;
  /** What was found (a path or a version) when it is usable. */
  readonly found?: string;
  /** Why it is not usable, when it is not. */
  readonly problem?: string;
  /** How to get it. */
  readonly remedy: Remedy;
}

/** A moto_server, where it was found and which moto it runs. */
export interface MotoServer {
  /** The executable. */
  readonly path: string;
  /** Where it came from: the PEERING_MOTO_SERVER variable, the project's .venv, or PATH. */
  readonly source: "env" | "venv" | "path";
  /** moto's version as its Python reports it, or undefined when that could not be told. */
  readonly version?: string;
}

/** How the survey reads the machine. */
export interface Probe {
  /** process.versions.node */
  readonly nodeVersion: string;
  /** The effective user id (0 is root). */
  readonly uid: number | undefined;
  /** The full path of an executable, or undefined. */
  which(tool: string): string | undefined;
  /** `terraform version`'s version, e.g. "1.11.4", or undefined when terraform does not run. */
  terraformVersion(): string | undefined;
  /** The provider mirror and the candidates refused on the way (see searchProviderMirror). */
  providerMirror(): { readonly mirror?: string; readonly refused: readonly string[] };
  /** The moto_server to use, or undefined when there is none. */
  motoServer(): MotoServer | undefined;
}

const NAMESPACE_TESTS = "npm test and npm run test:deploy (network namespaces)";

/** Debian packages the tests drive, with the tests that need each. */
export const DEBIAN_TOOLS = [
  { tool: "ip", pkg: "iproute2", neededBy: NAMESPACE_TESTS },
  { tool: "nsenter", pkg: "util-linux", neededBy: NAMESPACE_TESTS },
  { tool: "ping", pkg: "iputils-ping", neededBy: NAMESPACE_TESTS },
  { tool: "nft", pkg: "nftables", neededBy: NAMESPACE_TESTS },
  { tool: "chromium", pkg: "chromium", neededBy: "npm test (the diagram opened in a headless browser)" },
] as const;

/** Every prerequisite of `npm test`, `npm run test:terraform` and `npm run test:deploy`, as `probe` sees this machine. */
export function surveyPrerequisites(probe: Probe): Prerequisite[] {
  const major = Number(probe.nodeVersion.split(".")[0]);
  const terraform = probe.terraformVersion();
  const mirror = probe.providerMirror();
  const moto = probe.motoServer();
  const usable = (found: string | undefined, problem: string) => (found !== undefined ? { found } : { problem });
  return [
    {
      name: "Node.js",
      neededBy: "every test",
      ...(major >= NODE_MAJOR
        ? { found: probe.nodeVersion }
        : { problem: `version ${probe.nodeVersion}, need ${NODE_MAJOR} or later` }),
      remedy: { kind: "manual", hint: `install Node.js ${NODE_MAJOR} or later` },
    },
    {
      name: "Terraform",
      neededBy: "npm test, npm run test:terraform, npm run test:deploy",
      ...(terraform === undefined
        ? { problem: "terraform is not on PATH or does not run" }
        : terraform.startsWith(`${TERRAFORM_LINE}.`)
          ? { found: terraform }
          : { problem: `version ${terraform}, need ${TERRAFORM_LINE}.x` }),
      remedy: { kind: "manual", hint: `put Terraform ${TERRAFORM_LINE} on PATH` },
    },
    {
      name: "hashicorp/aws 5.100.0 provider mirror",
      neededBy: "npm test, npm run test:terraform, npm run test:deploy",
      ...usable(
        mirror.mirror,
        mirror.refused.length > 0 ? `refused: ${mirror.refused.join("; ")}` : "no filesystem mirror holds it",
      ),
      remedy: {
        kind: "manual",
        hint: "name a directory holding registry.terraform.io/hashicorp/aws 5.100.0 in PEERING_PROVIDER_MIRROR (see docs/terraform-and-state.md)",
      },
    },
    {
      name: "root",
      neededBy: NAMESPACE_TESTS,
      ...(probe.uid === 0 ? { found: "uid 0" } : { problem: `running as uid ${probe.uid ?? "unknown"}` }),
      remedy: { kind: "manual", hint: "run as root (network namespaces need it), e.g. sudo npm run test:all" },
    },
    ...DEBIAN_TOOLS.map(({ tool, pkg, neededBy }) => ({
      name: tool,
      neededBy,
      ...usable(probe.which(tool), "not found"),
      remedy: { kind: "apt" as const, pkg },
    })),
    {
      name: `moto_server ${MOTO_VERSION}`,
      neededBy: "npm run test:deploy (the AWS API emulator)",
      ...(moto === undefined
        ? { problem: `not found (${MOTO_SERVER_ENV}, .venv/bin, PATH)` }
        : moto.version === MOTO_VERSION
          ? { found: `${moto.path} (moto ${moto.version})` }
          : {
              problem: `${moto.path} runs moto ${moto.version ?? "of a version it does not tell"}, need ${MOTO_VERSION}`,
            }),
      remedy: { kind: "venv" },
    },
  ];
}

/** What to do about the missing prerequisites. */
export interface InstallPlan {
  /** Debian packages to install with apt. */
  readonly apt: readonly string[];
  /** Whether to install moto into the project's .venv. */
  readonly venv: boolean;
  /** Prerequisites this run cannot install; while any is listed, nothing is installed and no test runs. */
  readonly blocked: readonly Prerequisite[];
}

/** The plan for `missing` prerequisites: as root apt and the venv install what they can; anything else blocks. */
export function installPlan(prerequisites: readonly Prerequisite[], isRoot: boolean): InstallPlan {
  const missing = prerequisites.filter((p) => p.problem !== undefined);
  const apt = missing.flatMap((p) => (p.remedy.kind === "apt" ? [p.remedy.pkg] : []));
  const venv = missing.some((p) => p.remedy.kind === "venv");
  const blocked = missing.filter((p) => p.remedy.kind === "manual" || (!isRoot && p.remedy.kind === "apt"));
  return { apt, venv, blocked };
}

/** The exact shell commands that install `plan`'s packages and moto (apt as root). */
export function installCommands(plan: Pick<InstallPlan, "apt" | "venv">, venvDir = ".venv"): string[] {
  const commands: string[] = [];
  if (plan.apt.length > 0) {
    commands.push(
      "apt-get update",
      `DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${plan.apt.join(" ")}`,
    );
  }
  if (plan.venv) commands.push(...venvCommands(venvDir));
  return commands;
}

/** The commands that make `venvDir` and install moto there, every package at its pinned version and nothing else. */
export function venvCommands(venvDir = ".venv"): string[] {
  return [
    `python3 -m venv ${venvDir}`,
    `${venvDir}/bin/python -m pip install --no-deps --require-virtualenv -r ${MOTO_REQUIREMENTS}`,
  ];
}

/** One line per prerequisite: ✓ and what was found, or ✗, the problem and who needs it. */
export function formatSurvey(prerequisites: readonly Prerequisite[]): string {
  return prerequisites
    .map((p) =>
      p.problem === undefined
        ? `  ✓ ${p.name}: ${p.found ?? ""}`
        : `  ✗ ${p.name}: ${p.problem} (needed by ${p.neededBy})`,
    )
    .join("\n");
}

/**
 * The moto_server the rehearsal uses: the one PEERING_MOTO_SERVER names, else the project's
 * .venv/bin/moto_server, else the first on PATH. Undefined when there is none.
 */
export function findMotoServer(env: NodeJS.ProcessEnv, venvDir = PROJECT_VENV): MotoServer | undefined {
  const named = env[MOTO_SERVER_ENV];
  if (named) return isExecutable(named) ? { path: named, source: "env", version: motoVersion(named, env) } : undefined;
  const inVenv = path.join(venvDir, "bin", "moto_server");
  if (isExecutable(inVenv)) return { path: inVenv, source: "venv", version: motoVersion(inVenv, env) };
  const onPath = findOnPath("moto_server", env.PATH);
  return onPath ? { path: onPath, source: "path", version: motoVersion(onPath, env) } : undefined;
}

/** The path of `command` on `pathEnv`, or undefined. */
export function findOnPath(command: string, pathEnv = process.env.PATH ?? ""): string | undefined {
  for (const dir of pathEnv.split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, command);
    if (isExecutable(file)) return file;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * moto's version as the Python behind a moto_server console script reports it: the script's
 * `#!` interpreter, or for a pyenv shim the script `pyenv which` resolves it to.
 */
export function motoVersion(motoServer: string, env: NodeJS.ProcessEnv): string | undefined {
  let interpreter = shebangPython(motoServer);
  if (interpreter === undefined && path.basename(path.dirname(motoServer)) === "shims") {
    const pyenv = findOnPath("pyenv", env.PATH);
    const resolved = pyenv
      ? spawnSync(pyenv, ["which", "moto_server"], { env, encoding: "utf8", timeout: 10_000 })
      : undefined;
    if (resolved?.status === 0) interpreter = shebangPython(resolved.stdout.trim());
  }
  if (interpreter === undefined) return undefined;
  const asked = spawnSync(interpreter, ["-c", "import importlib.metadata as m; print(m.version('moto'))"], {
    env,
    encoding: "utf8",
    timeout: 30_000,
  });
  return asked.status === 0 ? asked.stdout.trim() : undefined;
}

/** The Python interpreter a script's `#!` line names, or undefined when it names none. */
function shebangPython(script: string): string | undefined {
  let head: string;
  try {
    const fd = fs.openSync(script, "r");
    try {
      const buffer = Buffer.alloc(512);
      head = buffer.subarray(0, fs.readSync(fd, buffer, 0, 512, 0)).toString("utf8");
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
  const [, program, argument] = /^#!\s*(\S+)(?:[ \t]+(\S+))?/.exec(head) ?? [];
  const interpreter = program !== undefined && path.basename(program) === "env" ? argument : program;
  return interpreter !== undefined && /^python[0-9.]*$/.test(path.basename(interpreter)) ? interpreter : undefined;
}
