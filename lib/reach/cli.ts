import * as fs from "fs";
import { Command, InvalidArgumentError } from "commander";
import { REGION_PATTERN } from "../core/aws-limits";
import { EXIT, parseArguments } from "../core/exit-codes";
import { analyze } from "./analyze";
import { diffReach, instancesByTags } from "./diff";
import { diffToJson, formatDiffMarkdown, formatDiffText } from "./diff-format";
import { jsonText, printableLines } from "../core/text";
import { formatText, toJson } from "./format";
import { buildModel, type LiveOptions, livePlan, loadLive, loadTerraform, readDocuments } from "./load";
import { type AppStacksSource, type Model, ReachInputError, type StackDocument } from "./model";

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
  /**
   * The app's stacks, when no PATH is given or BASE is a git revision.
   * @default - none: reach then needs a PATH, and a BASE that is a path
   */
  readonly app?: AppStacksSource;
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
      "Decide which instance pairs can ping each other (IPv4, and IPv6 when both ends have it): offline from Terraform JSON, or with --live from what is deployed.",
    )
    .argument(
      "[PATH...]",
      "cdk.tf.json files, stack directories or cdktf.out directories (with --live: the synthesized stacks whose providers name the regions and roles to read; default: PEERING_CONFIG synthesized)",
    )
    .option("--live", "read the deployed network through the EC2 API instead of Terraform JSON (drift included)")
    .option(
      "--region <REGION>",
      "with --live: read only this region (repeatable; default: every region of the stacks)",
      collectRegion,
      [],
    )
    .option(
      "--from <ADDR>",
      "only pairs from this instance (e.g. aws_instance.a or instances/aws_instance.a; with --live an instance id)",
    )
    .option("--to <ADDR|IP>", "only pairs to this instance or IP address")
    .option(
      "--json",
      "print JSON: {pairs, errors, warnings, instances}; with --diff: {base, head, lost, gained, changed}",
    )
    .option(
      "--diff [BASE]",
      "compare with BASE: a cdktf.out or stack directory, a git revision (REV or REV:config.json; REV alone reads PEERING_CONFIG's file there), or with --live the deployed network; PATH... is HEAD",
    )
    .option("--markdown", "with --diff: print Markdown for a pull-request comment")
    .addHelpText(
      "after",
      "\nExit codes: 0 no configuration error, 3 configuration errors AWS would reject, 4 (--diff) a pair reachable in BASE is not in HEAD, 2 unusable input, 1 crash.",
    )
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  const exit = parseArguments(program, argv);
  if (exit !== undefined) return exit;
  const options = program.opts<ReachOptions>();
  const fail = (message: string): number => {
    io.stderr(`reach: ${printableLines(message)}\n`);
    return EXIT.unusable;
  };
  if (options.markdown && options.diff === undefined) return fail("--markdown only applies with --diff");
  if (options.markdown && options.json) return fail("give --json or --markdown, not both");
  if (options.diff !== undefined) {
    try {
      return await diffCommand(options, program.args, io, deps);
    } catch (error) {
      if (!(error instanceof ReachInputError)) throw error;
      return fail(error.message);
    }
  }
  if (!options.live && program.args.length === 0)
    return fail(
      "give PATH... (cdk.tf.json files, stack directories or cdktf.out directories), or --live to read what is deployed",
    );
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

interface ReachOptions {
  readonly live?: boolean;
  readonly region: string[];
  readonly from?: string;
  readonly to?: string;
  readonly json?: boolean;
  readonly diff?: string | true;
  readonly markdown?: boolean;
}

/**
 * reach --diff: BASE's verdicts against HEAD's (PATH..., or PEERING_CONFIG synthesized), each changed
 * pair with the elements that changed on its path. With --live, BASE is the deployed network and any
 * value commander took for --diff is HEAD's first path.
 */
async function diffCommand(
  options: ReachOptions,
  args: readonly string[],
  io: ReachIo,
  deps: ReachLiveDeps,
): Promise<number> {
  const given = typeof options.diff === "string" ? options.diff : undefined;
  if (!options.live && given === undefined)
    throw new ReachInputError(
      "--diff needs BASE: a cdktf.out directory, a git revision, or --live for the deployed network",
    );
  if (!options.live && options.region.length > 0) throw new ReachInputError("--region only applies with --live");
  if (options.live && (options.from !== undefined || options.to !== undefined))
    throw new ReachInputError("--from and --to do not apply to --live --diff, which compares every pair");
  if (!options.live && given === "") throw new ReachInputError(EMPTY_BASE);
  const headPaths = options.live && given !== undefined ? [given, ...args] : args;
  const head =
    headPaths.length > 0
      ? { documents: readDocuments(headPaths), source: headPaths.join(" ") }
      : deps.synthesize
        ? { documents: deps.synthesize(), source: "the config" }
        : await appStacks(deps).synthesized();
  const base = options.live
    ? { model: await loadLive(livePlan(head.documents, options.region), deps), source: "the deployed network" }
    : await baseModel(given as string, deps.app);
  const headModel = buildModel(head.documents);
  const analysis = { from: options.from, to: options.to };
  const headResult = analyze(headModel, analysis);
  const live = options.live === true;
  const diff = diffReach(
    { model: base.model, result: analyze(base.model, analysis) },
    { model: headModel, result: headResult },
    live ? { instances: instancesByTags(base.model, headModel), comparableElements: false } : {},
  );
  const sources = { base: base.source, head: head.source };
  io.stdout(
    options.json
      ? jsonText(diffToJson(diff, sources))
      : printableLines(options.markdown ? formatDiffMarkdown(diff, sources) : formatDiffText(diff, sources)),
  );
  if (headResult.errors.length > 0) {
    io.stderr(`reach: HEAD has configuration errors AWS would reject; run reach on it alone to see them\n`);
    return EXIT.differs;
  }
  return diff.lost.length > 0 ? EXIT.lost : EXIT.ok;
}

const EMPTY_BASE = "--diff BASE is empty: give a cdktf.out directory or a git revision";

/** BASE as a model: a path reach reads, else a git revision whose config `app` synthesizes. */
export async function baseModel(base: string, app?: AppStacksSource): Promise<{ model: Model; source: string }> {
  if (base === "") throw new ReachInputError(EMPTY_BASE);
  if (fs.existsSync(base)) return { model: buildModel(readDocuments([base])), source: base };
  if (!app) throw new ReachInputError(`--diff BASE ${JSON.stringify(base)} is not a path: give a cdktf.out directory`);
  const input = await app.revision(base);
  return { model: buildModel(input.documents), source: input.source };
}

/** The live model for the regions and roles of the stacks at `paths` (or of the synthesized config). */
async function liveModelOf(paths: readonly string[], regions: readonly string[], deps: ReachLiveDeps): Promise<Model> {
  const documents =
    paths.length > 0
      ? readDocuments(paths)
      : deps.synthesize
        ? deps.synthesize()
        : (await appStacks(deps).synthesized()).documents;
  return loadLive(livePlan(documents, regions), deps);
}

/** The app's stacks, or the input error of a reach given no PATH and no app to synthesize. */
function appStacks(deps: ReachLiveDeps): AppStacksSource {
  if (deps.app) return deps.app;
  throw new ReachInputError("no PATH given: name cdk.tf.json files, stack directories or a cdktf.out directory");
}

/** Commander's parser of a repeatable --region: checks each name and adds it to the list. */
export function collectRegion(value: string, previous: string[]): string[] {
  if (!REGION_PATTERN.test(value))
    throw new InvalidArgumentError(`"${value}" is not an AWS region name; use e.g. eu-west-1`);
  return [...previous, value];
}
