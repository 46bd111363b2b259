/** diagram: a picture of the VPCs, subnets, gateways, peerings and reach's verdicts, laid out by Graphviz (WebAssembly). */
export { COLOURS, DIAGRAM_LIMITS, toDot, type DiagramSummary, type DotGraph } from "./dot";
export {
  DIAGRAM_FORMATS,
  DiagramInputError,
  diagramOf,
  layoutSvg,
  PNG_LIMITS,
  rasterize,
  type Diagram,
  type DiagramFormat,
  type Png,
} from "./render";
export * from "./graph";
export * from "./transit";
