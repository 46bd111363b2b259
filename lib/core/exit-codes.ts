import { type Command, CommanderError } from "commander";
import { printableLines } from "./text";

/**
 * The exit codes of reach, check and ping: one meaning each, the same in all three, so a script can
 * tell a network that is wrong from a run that could not happen and from a bug.
 */
export const EXIT = {
  /** The verdict is good: no configuration error (reach), reach agrees with the config (check), every pair answered as predicted (ping). */
  ok: 0,
  /** A crash, i.e. a bug in the tool; it prints the stack trace. Node itself exits 1 on an uncaught error. */
  crash: 1,
  /** The tool could not run: unusable input or environment (a path, a file, an option, the config, credentials). */
  unusable: 2,
  /** The network is not as it should be: configuration errors (reach), a difference from the config (check), a pair that differs from reach or does not answer (ping). */
  differs: 3,
  /** reach --diff: a pair reachable in BASE is not reachable in HEAD. */
  lost: 4,
  /** rehearse --migration: a pair that must keep answering lost echoes while the stages were applied. */
  dropped: 5,
} as const;

/** An Error class a command reports as unusable input. */
export type InputErrorClass = abstract new (...args: never[]) => Error;

/**
 * Runs a command and sets process.exitCode from what `main` returns. An error of one of `inputErrors`
 * prints "<name>: <message>" (`printableLines`: a config error lists one problem a line) and exits EXIT.unusable;
 * any other error is a crash: "<name> crashed:" and
 * the stack, EXIT.crash. It never calls process.exit, so everything written drains before the exit.
 */
export async function runCommand(
  name: string,
  main: () => number | Promise<number>,
  inputErrors: readonly InputErrorClass[],
): Promise<void> {
  try {
    process.exitCode = await main();
  } catch (error) {
    if (inputErrors.some((type) => error instanceof type)) {
      process.stderr.write(`${name}: ${printableLines((error as Error).message)}\n`);
      process.exitCode = EXIT.unusable;
    } else {
      process.stderr.write(
        `${name} crashed: ${printableLines(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`,
      );
      process.exitCode = EXIT.crash;
    }
  }
}

/**
 * Parses `argv` with a commander program set to `exitOverride()`: undefined when the command should
 * go on, else its exit code (EXIT.ok after --help or --version, EXIT.unusable for bad arguments,
 * which commander has already explained on stderr, with the arguments it quotes `printableLines`).
 */
export function parseArguments(program: Command, argv: readonly string[]): number | undefined {
  const writeErr = program.configureOutput().writeErr ?? ((text: string) => process.stderr.write(text));
  program.configureOutput({ writeErr: (text) => writeErr(printableLines(text)) });
  try {
    program.parse([...argv], { from: "user" });
    return undefined;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.unusable;
    throw error;
  }
}
