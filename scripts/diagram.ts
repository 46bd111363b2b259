import * as path from "path";
import { Command, Option } from "commander";
import { ConfigError } from "../lib/config";
import {
  DIAGRAM_FORMATS,
  DiagramInputError,
  diagramOf,
  PNG_LIMITS,
  rasterize,
  type DiagramFormat,
} from "../lib/diagram";
import { ReachInputError } from "../lib/reach";
import { EXIT, parseArguments, runCommand } from "../lib/core/exit-codes";
import { readSynthesized } from "../app/synth-input";
import { printable } from "../lib/core/text";
import { assertWritable, writeFileAtomic, WriteError } from "../lib/core/files";

async function main(argv: readonly string[]): Promise<number> {
  const program = new Command("diagram")
    .description(
      "Draw the VPCs, subnets, gateways and peerings of the synthesized Terraform, with reach's verdicts as coloured edges (Graphviz in WebAssembly).",
    )
    .argument(
      "[PATH...]",
      "cdk.tf.json files, stack directories or cdktf.out directories (default: synthesize PEERING_CONFIG into a temporary directory)",
    )
    .option("--out <FILE>", "write the picture here (default: peering.svg or peering.png)")
    .addOption(
      new Option(
        "--format <FORMAT>",
        "svg, or png rendered with resvg (default: from --out's extension, else svg)",
      ).choices(DIAGRAM_FORMATS),
    )
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  const exit = parseArguments(program, argv);
  if (exit !== undefined) return exit;
  const options = program.opts<{ out?: string; format?: DiagramFormat }>();
  const fromExtension = options.out?.toLowerCase().endsWith(".png") ? "png" : "svg";
  const format = options.format ?? fromExtension;
  const out = options.out ?? `peering.${format}`;
  if (options.out && options.format && path.extname(out).toLowerCase() !== `.${format}`) {
    process.stderr.write(
      `diagram: --out ${printable(out)} does not end in .${format}, the --format given: make them agree\n`,
    );
    return EXIT.unusable;
  }
  assertWritable(out, { label: "--out" });
  const input = readSynthesized(program.args);
  const diagram = await diagramOf(input.documents);
  const png = format === "png" ? rasterize(diagram.svg) : undefined;
  writeFileAtomic(out, png ? png.png : diagram.svg, { label: "--out" });
  const { topology, summary } = diagram;
  const notes = [
    summary.compact ? "compact: one box per VPC" : undefined,
    summary.collapsedVpcs > 0 && !summary.compact
      ? `subnets listed as a count in ${summary.collapsedVpcs} VPC(s)`
      : undefined,
    summary.omittedVerdicts > 0 ? `${summary.omittedVerdicts} unreachable unpeered pair(s) not drawn` : undefined,
    summary.omittedPeerings > 0 ? `${summary.omittedPeerings} peering(s) reachable both ways not drawn` : undefined,
    png && png.zoom < PNG_LIMITS.zoom ? `PNG scaled to ${png.zoom}× to stay within the PNG limits` : undefined,
  ].filter((n): n is string => n !== undefined);
  const counts = `${topology.vpcs.length} VPC(s), ${topology.peerings.length} peering(s), ${topology.verdicts.length} verdict(s)`;
  const note = notes.length > 0 ? ` (${notes.join("; ")})` : "";
  process.stdout.write(`${printable(`wrote ${out}: ${counts} from ${input.source}${note}`)}\n`);
  return EXIT.ok;
}

void runCommand("diagram", () => main(process.argv.slice(2)), [
  ReachInputError,
  DiagramInputError,
  ConfigError,
  WriteError,
]);
