import { Command, CommanderError } from "commander";
import { EXIT } from "../exit-codes";
import { analyze } from "./analyze";
import { formatText, toJson } from "./format";
import { loadTerraform } from "./load";
import { ReachInputError } from "./model";

/** Where the reach command writes. */
export interface ReachIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/**
 * The reach command: prints the verdicts and returns EXIT.ok (no configuration error), EXIT.differs
 * (configuration errors AWS would reject) or EXIT.unusable (bad options or input, said on stderr).
 * Anything else it throws is a crash.
 */
export function reachCommand(argv: readonly string[], io: ReachIo): number {
  const program = new Command("reach")
    .description(
      "Decide offline which aws_instance pairs of Terraform JSON can ping each other (IPv4, and IPv6 when both ends have it)."
    )
    .argument("<PATH...>", "cdk.tf.json files, stack directories or cdktf.out directories")
    .option("--from <ADDR>", "only pairs from this instance (e.g. aws_instance.a or instances/aws_instance.a)")
    .option("--to <ADDR|IP>", "only pairs to this instance or IP address")
    .option("--json", "print JSON: {pairs, errors, warnings, instances}")
    .addHelpText(
      "after",
      "\nExit codes: 0 no configuration error, 3 configuration errors AWS would reject, 2 unusable input, 1 crash."
    )
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  try {
    program.parse(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.unusable;
    throw error;
  }
  const options = program.opts<{ from?: string; to?: string; json?: boolean }>();
  try {
    const result = analyze(loadTerraform(program.args), { from: options.from, to: options.to });
    io.stdout(options.json ? `${JSON.stringify(toJson(result), null, 2)}\n` : formatText(result));
    return result.errors.length > 0 ? EXIT.differs : EXIT.ok;
  } catch (error) {
    if (!(error instanceof ReachInputError)) throw error;
    io.stderr(`reach: ${error.message}\n`);
    return EXIT.unusable;
  }
}
