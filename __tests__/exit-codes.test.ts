import { spawnSync } from "child_process";
import * as path from "path";
import { Command } from "commander";
import { EXIT, parseArguments } from "../lib/core/exit-codes";

/** Runs lib/core/exit-codes' runCommand in its own process with a command whose body is `body`. */
function run(body: string): { status: number | null; stdout: string; stderr: string } {
  const script = `
    const { runCommand } = require("./lib/core/exit-codes");
    class BadInput extends Error {}
    runCommand("tool", () => { ${body} }, [BadInput]);
  `;
  const result = spawnSync(process.execPath, ["--require", "ts-node/register/transpile-only", "-e", script], {
    cwd: path.join(__dirname, ".."),
    encoding: "utf8",
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("runCommand, which reach, check and ping run under", () => {
  it("tells a crash (1, with the stack) from unusable input (2, one line) and from a verdict", () => {
    expect(run(`process.stdout.write("partial"); throw new TypeError("a bug");`)).toEqual({
      status: EXIT.crash,
      stdout: "partial",
      stderr: expect.stringMatching(/^tool crashed: TypeError: a bug\n\s+at /),
    });
    expect(run(`throw new BadInput("no such file");`)).toEqual({
      status: EXIT.unusable,
      stdout: "",
      stderr: "tool: no such file\n",
    });
    expect(run(`return 3;`)).toEqual({ status: EXIT.differs, stdout: "", stderr: "" });
  });
});

describe("parseArguments, which every command parses its options with", () => {
  const program = () =>
    new Command("demo")
      .option("--n <n>")
      .exitOverride()
      .configureOutput({ writeOut: () => undefined, writeErr: () => undefined });

  it.each([
    ["good options", ["--n", "3"], undefined],
    ["--help", ["--help"], EXIT.ok],
    ["an unknown option", ["--nope"], EXIT.unusable],
    ["a missing option value", ["--n"], EXIT.unusable],
  ])("answers %s with %p", (_, argv, exit) => {
    expect(parseArguments(program(), argv)).toBe(exit);
  });
});
