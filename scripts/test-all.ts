import { spawnSync } from "child_process";
import { Command } from "commander";
import * as fs from "fs";
import * as path from "path";
import { EXIT, parseArguments, runCommand } from "../lib/core/exit-codes";
import { PROJECT_ROOT } from "../lib/core/paths";
import {
  DEBIAN_TOOLS,
  findMotoServer,
  findOnPath,
  formatSurvey,
  installCommands,
  installPlan,
  MOTO_SERVER_ENV,
  type InstallPlan,
  MOTO_REQUIREMENTS,
  MOTO_VERSION,
  type Prerequisite,
  PROJECT_VENV,
  surveyPrerequisites,
  venvCommands,
} from "../test-support/prerequisites";
import { onPath } from "../lib/rehearse/host";
import { searchProviderMirror } from "../lib/core/terraform-env";

/** The test commands, in the order they run. */
const TESTS = [["test"], ["run", "test:terraform"], ["run", "test:deploy"]] as const;

/**
 * `npm run test:all`: checks every prerequisite of the tests, installs what is missing the way the
 * platform expects (apt as root; moto into .venv/), and then runs npm test, npm run test:terraform
 * and npm run test:deploy. Where something cannot be installed here it names it with the command
 * that would, and runs no test.
 */
function main(argv: readonly string[]): number {
  const program = new Command("test:all")
    .description("check the tests' prerequisites, install what is missing (as root), then run every test")
    .option("--check", "only report what is there and what is missing; install nothing, run no test")
    .option("--venv <dir>", "where moto is found or installed", PROJECT_VENV)
    .exitOverride();
  const parsed = parseArguments(program, argv);
  if (parsed !== undefined) return parsed;
  const options = program.opts<{ check?: boolean; venv: string }>();
  const venv = path.resolve(options.venv);
  const isRoot = process.getuid?.() === 0;

  let prerequisites = survey(venv);
  console.log(`Prerequisites:\n${formatSurvey(prerequisites)}`);
  let plan = installPlan(prerequisites, isRoot);
  const missing = prerequisites.some((p) => p.problem !== undefined);
  if (options.check || (missing && plan.blocked.length > 0)) {
    if (!missing) return EXIT.ok;
    report(plan.blocked, installCommands(plan, shown(venv)), isRoot);
    return 1;
  }
  if (missing) {
    if (!install(plan, venv)) return 1;
    prerequisites = survey(venv);
    plan = installPlan(prerequisites, isRoot);
    const still = prerequisites.filter((p) => p.problem !== undefined);
    if (still.length > 0) {
      console.error(`Still missing after the install:\n${formatSurvey(still)}\nNo test ran.`);
      return 1;
    }
    console.log(`Installed. Prerequisites now:\n${formatSurvey(prerequisites)}`);
  }

  const moto = findMotoServer(process.env, venv);
  const env = { ...process.env, CHECKPOINT_DISABLE: "1", ...(moto ? { [MOTO_SERVER_ENV]: moto.path } : {}) };
  for (const [index, args] of TESTS.entries()) {
    const shown = `npm ${args.join(" ")}`;
    console.log(`\n=== ${shown}`);
    const run = spawnSync("npm", [...args], { cwd: PROJECT_ROOT, env, stdio: "inherit" });
    if (run.status !== 0) {
      const skipped = TESTS.slice(index + 1).map((a) => `npm ${a.join(" ")}`);
      console.error(
        `\n${shown} failed (exit ${run.status ?? run.signal})${skipped.length > 0 ? `; not run: ${skipped.join(", ")}` : ""}`,
      );
      return 1;
    }
  }
  console.log("\nEvery test passed.");
  return EXIT.ok;
}

/** This machine as the tests need it. */
function survey(venv: string): Prerequisite[] {
  return surveyPrerequisites({
    nodeVersion: process.versions.node,
    uid: process.getuid?.(),
    which: (tool) => (DEBIAN_TOOLS.some((t) => t.tool === tool) ? onPath(tool) : findOnPath(tool)),
    terraformVersion: () => {
      if (!findOnPath("terraform")) return undefined;
      const run = spawnSync("terraform", ["version", "-json"], {
        encoding: "utf8",
        env: { ...process.env, CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: "/dev/null" },
        timeout: 60_000,
      });
      try {
        const version: unknown = JSON.parse(run.stdout).terraform_version;
        return typeof version === "string" ? version : undefined;
      } catch {
        return undefined;
      }
    },
    providerMirror: () => searchProviderMirror(process.env),
    motoServer: () => findMotoServer(process.env, venv),
  });
}

/** Says what blocks the run and the commands that would install the rest; no test runs. */
function report(blocked: readonly Prerequisite[], commands: readonly string[], isRoot: boolean): void {
  const lines = ["", "Missing:"];
  for (const p of blocked)
    lines.push(`  ${p.name}: ${p.remedy.kind === "manual" ? p.remedy.hint : "needs root to install"}`);
  if (commands.length > 0)
    lines.push(isRoot ? "To install the rest, run:" : "As root, run:", ...commands.map((c) => `  ${c}`));
  lines.push("No test ran.");
  console.error(lines.join("\n"));
}

/** Carries out `plan` (apt as root, moto into `venv`); false, having said why and what to run, when a step fails. */
function install(plan: InstallPlan, venv: string): boolean {
  const shownVenv = shown(venv);
  const aptSteps: Step[] = [
    ["apt-get", ["update", "-qq"]],
    ["apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...plan.apt]],
  ];
  if (plan.apt.length > 0) {
    console.log(`\nInstalling Debian packages: ${plan.apt.join(" ")}`);
    const failed = runSteps(aptSteps, { ...process.env, DEBIAN_FRONTEND: "noninteractive" });
    if (failed !== undefined) {
      console.error(
        `\n${failed}; run by hand:\n${indent(installCommands({ apt: plan.apt, venv: false }))}\nNo test ran.`,
      );
      return false;
    }
  }
  if (!plan.venv) return true;
  console.log(`\nInstalling moto into ${shownVenv}/ from ${MOTO_REQUIREMENTS}`);
  const existed = fs.existsSync(venv);
  const venvSteps: Step[] = [
    ["python3", ["-m", "venv", venv]],
    [
      path.join(venv, "bin", "python"),
      [
        "-m",
        "pip",
        "install",
        "--quiet",
        "--retries",
        "1",
        "--no-deps",
        "--require-virtualenv",
        "-r",
        MOTO_REQUIREMENTS,
      ],
    ],
  ];
  const failed = runSteps(venvSteps, process.env);
  if (failed === undefined) return true;
  if (!existed) fs.rmSync(venv, { recursive: true, force: true });
  console.error(
    `\nCould not install moto into ${shownVenv}/: ${failed} (is a Python package index reachable?). Where one is, run:\n` +
      `${indent(venvCommands(shownVenv))}\nor put moto_server ${MOTO_VERSION} on PATH. No test ran.`,
  );
  return false;
}

type Step = readonly [command: string, args: readonly string[]];

/** Runs `steps` in the project's root until one fails; undefined when all succeed, else what failed. */
function runSteps(steps: readonly Step[], env: NodeJS.ProcessEnv): string | undefined {
  for (const [command, args] of steps) {
    const run = spawnSync(command, [...args], { stdio: "inherit", cwd: PROJECT_ROOT, env });
    if (run.status !== 0)
      return `${command} ${args.join(" ")} failed (${run.error?.message ?? `exit ${run.status ?? run.signal}`})`;
  }
  return undefined;
}

/** `dir` relative to the project when inside it, else absolute. */
function shown(dir: string): string {
  const relative = path.relative(PROJECT_ROOT, dir);
  return relative === "" ? "." : relative.startsWith("..") ? dir : relative;
}

function indent(lines: readonly string[]): string {
  return lines.map((line) => `  ${line}`).join("\n");
}

void runCommand("test:all", () => main(process.argv.slice(2)), []);
