import { Command, CommanderError } from "commander";
import { ReachInputError, analyze, formatText, loadTerraform, toJson } from "../lib/reach";

/** Exit codes: 0 no configuration error, 3 configuration errors, 2 unusable input, 1 crash. */
const EXIT = { ok: 0, crash: 1, input: 2, configuration: 3 } as const;

function main(argv: readonly string[]): number {
  const program = new Command("reach")
    .description(
      "Decide offline which aws_instance pairs of Terraform JSON can ping each other (IPv4, and IPv6 when both ends have it)."
    )
    .argument("<PATH...>", "cdk.tf.json files, stack directories or cdktf.out directories")
    .option("--from <ADDR>", "only pairs from this instance (e.g. aws_instance.a or instances/aws_instance.a)")
    .option("--to <ADDR|IP>", "only pairs to this instance or IP address")
    .option("--json", "print JSON: {pairs, errors, warnings, instances}")
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  try {
    program.parse(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.input;
    throw error;
  }
  const options = program.opts<{ from?: string; to?: string; json?: boolean }>();
  try {
    const result = analyze(loadTerraform(program.args), { from: options.from, to: options.to });
    process.stdout.write(options.json ? `${JSON.stringify(toJson(result), null, 2)}\n` : formatText(result));
    return result.errors.length > 0 ? EXIT.configuration : EXIT.ok;
  } catch (error) {
    if (error instanceof ReachInputError) {
      process.stderr.write(`reach: ${error.message}\n`);
      return EXIT.input;
    }
    throw error;
  }
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`reach crashed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = EXIT.crash;
}
