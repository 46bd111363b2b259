/**
 * Layout and rendering: Graphviz compiled to WebAssembly (@viz-js/viz) lays the graph out as SVG;
 * resvg (a prebuilt binary shipped in its npm package) rasterizes it to PNG with the DejaVu fonts
 * from the dejavu-fonts-ttf package, so neither needs anything installed on the system.
 */
import * as path from "path";
import { Resvg } from "@resvg/resvg-js";
import { instance } from "@viz-js/viz";
import { buildTopology, type Topology } from "./topology";
import { toDot, type DiagramSummary } from "./dot";
import { analyze, buildModel, type StackDocument } from "../reach";

/** Output formats of `npm run diagram`. */
export const DIAGRAM_FORMATS = ["svg", "png"] as const;

/** An output format. */
export type DiagramFormat = (typeof DIAGRAM_FORMATS)[number];

/** The input has nothing to draw: no aws_vpc. */
export class DiagramInputError extends Error {
  override readonly name = "DiagramInputError";
}

/** Graphviz's SVG of a DOT graph: dot for detailed graphs, neato for compact (many VPCs) ones. */
export async function layoutSvg(dot: string, compact: boolean): Promise<string> {
  const viz = await instance();
  return viz.renderString(dot, { format: "svg", engine: compact ? "neato" : "dot" });
}

/** The PNG of an SVG, twice its size, on white. */
export function rasterize(svg: string): Buffer {
  const fonts = path.dirname(require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf"));
  const resvg = new Resvg(svg, {
    background: "white",
    fitTo: { mode: "zoom", value: 2 },
    font: {
      loadSystemFonts: false,
      fontFiles: ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"].map((f) => path.join(fonts, f)),
      defaultFontFamily: "DejaVu Sans",
      sansSerifFamily: "DejaVu Sans",
    },
  });
  return resvg.render().asPng();
}

/** A rendered diagram and what it shows. */
export interface Diagram {
  readonly topology: Topology;
  readonly summary: DiagramSummary;
  readonly svg: string;
}

/**
 * The diagram of Terraform JSON documents: reach's model and verdicts, laid out by Graphviz.
 * Throws reach's ReachInputError for Terraform reach cannot read, DiagramInputError when there is
 * no VPC to draw.
 */
export async function diagramOf(documents: readonly StackDocument[]): Promise<Diagram> {
  const model = buildModel(documents);
  if (model.vpcs.size === 0) {
    throw new DiagramInputError(
      `no aws_vpc in ${documents.map((d) => d.file).join(", ")}: nothing to draw; pass the synthesized stacks (a cdktf.out directory) or the Terraform JSON that declares the VPCs`,
    );
  }
  const topology = buildTopology(documents, model, analyze(model));
  const { dot, summary } = toDot(topology);
  return { topology, summary, svg: await layoutSvg(dot, summary.compact) };
}
