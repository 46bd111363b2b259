/**
 * Layout and rendering: Graphviz compiled to WebAssembly (@viz-js/viz) lays the graph out as SVG;
 * resvg (a prebuilt binary shipped in its npm package) rasterizes it to PNG with the DejaVu fonts
 * from the dejavu-fonts-ttf package, so neither needs anything installed on the system.
 */
import * as path from "path";
import { Resvg } from "@resvg/resvg-js";
import { instance } from "@viz-js/viz";
import { buildTopology, type Topology } from "./graph";
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

/** How large a PNG may get: twice the SVG's size, less when that would pass a side or pixel count. */
export const PNG_LIMITS = {
  /** The zoom a PNG is drawn at when it fits. */
  zoom: 2,
  /** The smallest zoom it is scaled down to; a picture that needs less is an error (draw it as SVG). */
  minZoom: 0.5,
  /** Most pixels of one side. */
  maxSide: 16_384,
  /** Most pixels in all: 4 bytes each in memory. */
  maxPixels: 64_000_000,
} as const;

/** A PNG and the zoom it was drawn at (PNG_LIMITS.zoom unless the picture had to be scaled down). */
export interface Png {
  readonly png: Buffer;
  readonly zoom: number;
}

/**
 * The PNG of an SVG on white, at PNG_LIMITS.zoom or scaled down to stay within PNG_LIMITS; a
 * DiagramInputError when even PNG_LIMITS.minZoom would not fit.
 */
export function rasterize(svg: string): Png {
  const fonts = path.dirname(require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf"));
  const font = {
    loadSystemFonts: false,
    fontFiles: ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"].map((f) => path.join(fonts, f)),
    defaultFontFamily: "DejaVu Sans",
    sansSerifFamily: "DejaVu Sans",
  };
  const measured = new Resvg(svg, { font, fitTo: { mode: "original" } });
  const { width, height } = measured;
  const bySide = PNG_LIMITS.maxSide / Math.max(width, height, 1);
  const byPixels = Math.sqrt(PNG_LIMITS.maxPixels / Math.max(width * height, 1));
  const fits = Math.min(bySide, byPixels);
  const zoom = Math.min(PNG_LIMITS.zoom, Math.floor(fits * 100) / 100);
  if (zoom < PNG_LIMITS.minZoom) {
    throw new DiagramInputError(
      `the picture is ${Math.round(width)} × ${Math.round(height)} pixels: too large for a PNG even at ` +
        `${PNG_LIMITS.minZoom}× (at most ${PNG_LIMITS.maxSide} pixels a side, ${PNG_LIMITS.maxPixels / 1_000_000} million ` +
        `in all): draw it as SVG (--format svg)`,
    );
  }
  const resvg = new Resvg(svg, { background: "white", fitTo: { mode: "zoom", value: zoom }, font });
  return { png: resvg.render().asPng(), zoom };
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
