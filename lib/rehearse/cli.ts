import { Command, CommanderError, InvalidArgumentError } from "commander";
import { jsonText, printable, printableLines } from "../core/text";
import { EXIT } from "../core/exit-codes";
import { type Model, ReachInputError, loadTerraform } from "../reach";
import { RehearseFailure, RehearseInputError, RehearseRejected } from "./errors";
import { missingPrerequisites } from "./host";
import { type MigrationStage, planMigration, rehearseMigration } from "./migration";
import { formatMigration } from "./migration-render";
import { checkPairs, refusal, rehearse } from "./rehearse";
import { formatRehearsal, rehearsalJson } from "./render";

export { EXIT };

/** Where the CLI writes and what it asks of the machine; tests replace them. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** What the machine lacks (root, tools); empty when rehearse can run. */
  readonly missing: () => readonly string[];
  /**
   * The stages of a directory npm run migrate wrote, each config validated and synthesized (the script hands this
   * in: the synthesis is the app's); throws RehearseInputError for a directory it cannot use.
   * @default - --migration is refused
   */
  readonly migration?: (dir: string) => readonly MigrationStage[];
}

export const defaultIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  missing: () => missingPrerequisites(),
};

interface Options {
  readonly from?: string;
  readonly to?: string;
  readonly json?: boolean;
  readonly compare: boolean;
  readonly migration?: string;
  readonly settle: number;
  readonly interval: number;
  readonly destroyFirst?: boolean;
}

/** A number of seconds from `least` to `most`, for commander. */
function seconds(least: number, most: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^[0-9]+(\.[0-9]+)?$/.test(value) || n < least || n > most)
      throw new InvalidArgumentError(`"${value}" is not a number of seconds from ${least} to ${most}`);
    return n;
  };
}

/** Runs `rehearse` and returns its exit code; never throws. */
export async function main(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  const program = new Command("npm run rehearse --")
    .description(
      "Build the network of Terraform JSON (as reach reads it) in Linux network namespaces, ping every ordered pair " +
        "of instances for real, print the matrix and exit 3 when a pair differs from reach's verdict. Needs root.",
    )
    .argument("[PATH...]", "cdk.tf.json files, stack directories or cdktf.out directories", ["cdktf.out"])
    .option("--from <ADDR>", "only pairs from this instance (e.g. aws_instance.a or instances/aws_instance.a)")
    .option("--to <ADDR|IP>", "only pairs to this instance or IP address (the instance holding the IP is left out)")
    .option(
      "--json",
      "print JSON: {pairs: [{from, to, protocol, address, reachable, reach, ...}], errors, warnings, instances}",
    )
    .option("--no-compare", "only measure; exit 0 when the pings ran")
    .option(
      "--migration <DIR>",
      "rehearse the stages npm run migrate wrote into DIR: build the first, ping every pair the whole time, apply each next stage to the running network, and count the echoes lost per pair and transition",
    )
    .option(
      "--settle <SECONDS>",
      "with --migration: how long pings run after each part of a transition",
      seconds(0.2, 60),
      1,
    )
    .option("--interval <SECONDS>", "with --migration: seconds between the echoes of a pair", seconds(0.01, 5), 0.2)
    .option("--destroy-first", "with --migration: apply each stage's destroys before its creates (the worst order)")
    .addHelpText(
      "after",
      `\nExit codes: ${EXIT.ok} every pair agrees with reach (--migration: no echo lost), ${EXIT.differs} a pair differs from reach or AWS would reject the network, ${EXIT.dropped} --migration lost echoes on a pair that must keep answering, ${EXIT.unusable} refused, unusable input or a network that could not be built, ${EXIT.crash} crash.`,
    )
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: (text) => io.stderr(printableLines(text)) });
  try {
    program.parse([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.unusable;
    return fail(io, error);
  }
  const options = program.opts<Options>();
  if (options.migration !== undefined) return migration(options.migration, options, io);
  try {
    const model = load(program.processedArgs[0] as string[]);
    const refused = refusal(model, { from: options.from, to: options.to, compare: options.compare });
    if (refused) {
      io.stdout(options.json ? jsonText(rehearsalJson(refused)) : formatRehearsal(refused));
      return EXIT.differs;
    }
    checkPairs(model, { from: options.from, to: options.to });
    const missing = io.missing();
    if (missing.length > 0) {
      io.stderr(`rehearse: cannot build namespaces on this machine; missing: ${missing.join(", ")}\n`);
      return EXIT.unusable;
    }
    const result = await rehearse(model, {
      from: options.from,
      to: options.to,
      compare: options.compare,
      cleanLeftovers: true,
    });
    const removed = result.removedLeftovers;
    if (removed.length > 0) {
      const names = printable(removed.join(", "));
      io.stderr(`rehearse: removed ${removed.length} namespace(s) left by runs that died: ${names}\n`);
    }
    io.stdout(options.json ? jsonText(rehearsalJson(result)) : formatRehearsal(result));
    return result.pairs.some((p) => p.differs) ? EXIT.differs : EXIT.ok;
  } catch (error) {
    return fail(io, error);
  }
}

async function migration(dir: string, options: Options, io: CliIo): Promise<number> {
  try {
    if (options.from !== undefined || options.to !== undefined || !options.compare)
      throw new RehearseInputError(
        "--migration rehearses every pair of every stage: leave out --from, --to and --no-compare",
      );
    if (!io.migration)
      throw new RehearseInputError(
        "--migration needs the app's synthesis: run it as npm run rehearse -- --migration DIR",
      );
    const stages = io.migration(dir);
    planMigration(stages, "rehearse_check");
    const missing = io.missing();
    if (missing.length > 0) {
      io.stderr(`rehearse: cannot build namespaces on this machine; missing: ${missing.join(", ")}\n`);
      return EXIT.unusable;
    }
    const result = await rehearseMigration(stages, {
      settleSeconds: options.settle,
      intervalSeconds: options.interval,
      order: options.destroyFirst ? "destroy-first" : "terraform",
      cleanLeftovers: true,
    });
    io.stdout(options.json ? jsonText(result) : formatMigration(result));
    return result.lost > 0 || !result.samePairs ? EXIT.dropped : EXIT.ok;
  } catch (error) {
    if (error instanceof RehearseRejected) {
      io.stderr(`rehearse: ${printableLines(error.message)}\n`);
      return EXIT.differs;
    }
    return fail(io, error);
  }
}

function load(paths: readonly string[]): Model {
  try {
    return loadTerraform(paths);
  } catch (error) {
    if (error instanceof ReachInputError) {
      const hint = paths.length === 1 && paths[0] === "cdktf.out" ? " (run `npm run synth` first, or pass a PATH)" : "";
      throw new RehearseInputError(`${error.message}${hint}`);
    }
    throw error;
  }
}

function fail(io: CliIo, error: unknown): number {
  if (error instanceof RehearseInputError) {
    io.stderr(`rehearse: ${printableLines(error.message)}\n`);
    return EXIT.unusable;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof RehearseFailure) {
    io.stderr(`rehearse: ${printableLines(message)}\n`);
    return EXIT.unusable;
  }
  const trace = printableLines(error instanceof Error && error.stack ? error.stack : message);
  io.stderr(`rehearse crashed: ${trace}\n(the namespaces it made are removed; please report this with the input)\n`);
  return EXIT.crash;
}
