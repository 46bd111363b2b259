import { Command, InvalidArgumentError } from "commander";
import { REGION_PATTERN } from "../aws-limits";
import { EXIT, parseArguments } from "../exit-codes";
import { analyze } from "./analyze";
import { jsonText, printableLines } from "../core/text";
import { formatText, toJson } from "./format";
import { type LiveOptions, livePlan, loadLive, loadTerraform, readDocuments } from "./load";
import { type Model, ReachInputError, type StackDocument } from "./model";

/** Where the reach command writes. */
export interface ReachIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** What `reach --live` reads with and from; tests hand in mocked EC2 clients and documents. */
export interface ReachLiveDeps extends LiveOptions {
  /**
   * The synthesized stacks when no PATH is given.
   * @default - the app synthesized for PEERING_CONFIG (or the built-in default) in a temporary directory
   */
  readonly synthesize?: () => readonly StackDocument[];
}

/**
 * The reach command: prints the verdicts and returns EXIT.ok (no configuration error), EXIT.differs
 * (configuration errors AWS would reject) or EXIT.unusable (bad options or input, said on stderr).
 * With --live it reads the model from the deployed account (the live loader) instead of from
 * Terraform JSON (the Terraform loader); the analysis and the report are the same. Anything else it
 * throws is a crash.
 */
export async function reachCommand(argv: readonly string[], io: ReachIo, deps: ReachLiveDeps = {}): Promise<number> {
  const program = new Command("reach")
    .description(
      "Decide which instance pairs can ping each other (IPv4, and IPv6 when both ends have it): offline from Terraform JSON, or with --live from what is deployed."
    )
    .argument(
      "[PATH...]",
      "cdk.tf.json files, stack directories or cdktf.out directories (with --live: the synthesized stacks whose providers name the regions and roles to read; default: PEERING_CONFIG synthesized)"
    )
    .option("--live", "read the deployed network through the EC2 API instead of Terraform JSON (drift included)")
    .option("--region <REGION>", "with --live: read only this region (repeatable; default: every region of the stacks)", collectRegion, [])
    .option("--from <ADDR>", "only pairs from this instance (e.g. aws_instance.a or instances/aws_instance.a; with --live an instance id)")
    .option("--to <ADDR|IP>", "only pairs to this instance or IP address")
    .option("--json", "print JSON: {pairs, errors, warnings, instances}")
    .addHelpText(
      "after",
      "\nExit codes: 0 no configuration error, 3 configuration errors AWS would reject, 2 unusable input, 1 crash."
    )
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  const exit = parseArguments(program, argv);
  if (exit !== undefined) return exit;
  const options = program.opts<{ live?: boolean; region: string[]; from?: string; to?: string; json?: boolean }>();
  const fail = (message: string): number => {
    io.stderr(`reach: ${printableLines(message)}\n`);
    return EXIT.unusable;
  };
  if (!options.live && program.args.length === 0)
    return fail("give PATH... (cdk.tf.json files, stack directories or cdktf.out directories), or --live to read what is deployed");
  if (!options.live && options.region.length > 0) return fail("--region only applies with --live");
  try {
    const model = options.live ? await liveModelOf(program.args, options.region, deps) : loadTerraform(program.args);
    const result = analyze(model, { from: options.from, to: options.to });
    io.stdout(options.json ? jsonText(toJson(result)) : formatText(result));
    return result.errors.length > 0 ? EXIT.differs : EXIT.ok;
  } catch (error) {
    if (!(error instanceof ReachInputError)) throw error;
    return fail(error.message);
  }
}

/** The live model for the regions and roles of the stacks at `paths` (or of the synthesized config). */
async function liveModelOf(paths: readonly string[], regions: readonly string[], deps: ReachLiveDeps): Promise<Model> {
  const documents =
    paths.length > 0 ? readDocuments(paths) : deps.synthesize ? deps.synthesize() : await synthesizedConfig();
  return loadLive(livePlan(documents, regions), deps);
}

/**
 * The app synthesized for PEERING_CONFIG, whose errors are reach's input errors. Loaded only when
 * needed: it brings in cdktf and the config's schema, which the Terraform loader's users should not wait for.
 */
async function synthesizedConfig(): Promise<readonly StackDocument[]> {
  const [{ readSynthesized }, { ConfigError }] = await Promise.all([import("../synth-input"), import("../config")]);
  try {
    return readSynthesized([]).documents;
  } catch (error) {
    if (error instanceof ConfigError) throw new ReachInputError(error.message);
    throw error;
  }
}

/** Commander's parser of a repeatable --region: checks each name and adds it to the list. */
export function collectRegion(value: string, previous: string[]): string[] {
  if (!REGION_PATTERN.test(value)) throw new InvalidArgumentError(`"${value}" is not an AWS region name; use e.g. eu-west-1`);
  return [...previous, value];
}
