/**
 * The diagram of hostile input: names and tags with markup, controls, bidi, NUL, characters XML
 * forbids and 30,000 characters, and stack names that start with `<`. The SVG stays well-formed
 * XML with no working link, and the PNG stays a bounded size.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DOMParser } from "@xmldom/xmldom";
import { DiagramInputError, diagramOf, PNG_LIMITS, rasterize } from "../../lib/diagram";
import { MAX_SHOWN_CHARS } from "../../lib/core/text";
import { readDocuments } from "../../lib/reach";
import { HOSTILE, RAW_UNSAFE, hostileDocuments, hostileStack } from "../core/hostile";

/** The SVG parsed as XML; any warning or error of the parser fails the test. */
function parsed(svg: string): Document {
  return new DOMParser({
    onError: (level, message) => {
      throw new Error(`the SVG is not well-formed XML (${level}): ${message}`);
    },
  }).parseFromString(svg, "image/svg+xml") as unknown as Document;
}

/** What the SVG must never hold, whatever its input. */
function expectSafe(svg: string): void {
  const links: string[] = [];
  const visit = (node: Element): void => {
    for (const attribute of Array.from(node.attributes)) if (/href$/i.test(attribute.name)) links.push(attribute.value);
    for (const child of Array.from(node.childNodes)) if (child.nodeType === 1) visit(child as Element);
  };
  visit(parsed(svg).documentElement);
  expect(links).toEqual([]);
  expect(svg).not.toMatch(/href="javascript:/i);
  expect(svg).not.toMatch(RAW_UNSAFE);
}

const MARKUP_STACK = '<table href="javascript:alert(1)"><tr><td>x</td></tr></table>';

describe("diagram of hostile names", () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "peering-diagram-hostile-"));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it.each(Object.entries(HOSTILE))("draws a %s stack name and Name tag as well-formed SVG", async (_, name) => {
    const { svg } = await diagramOf(hostileDocuments(`${name}1`, `${name}2`, name));
    expectSafe(svg);
  });

  it("never turns a //.metadata.stackName starting with < into an HTML-like label with a working link", async () => {
    const { svg } = await diagramOf(hostileDocuments(MARKUP_STACK, `<${MARKUP_STACK}`, "n"));
    expectSafe(svg);
    expect(svg).toContain("&lt;table href=");
  });

  it("never turns a manifest's stack key starting with < into an HTML-like label", async () => {
    const out = path.join(tmp, "manifest-out");
    const stacks: Record<string, unknown> = {};
    for (const [i, key] of [MARKUP_STACK, "<x"].entries()) {
      const dir = path.join(out, "stacks", `s${i}`);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(hostileStack(`s${i}`, "n")));
      stacks[key] = { synthesizedStackPath: `stacks/s${i}/cdk.tf.json` };
    }
    fs.writeFileSync(path.join(out, "manifest.json"), JSON.stringify({ stacks, version: "0.21.0" }));
    expectSafe((await diagramOf(readDocuments([out]))).svg);
  });

  it("draws stack directories named <x and <b>x</b> without crashing", async () => {
    const dirs = ["<x", "<b>x</b>"].map((name) => {
      const dir = path.join(tmp, name);
      fs.mkdirSync(dir, { recursive: true });
      const tf = hostileStack(name, "n");
      delete (tf as { "//"?: unknown })["//"];
      fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(tf));
      return dir;
    });
    expectSafe((await diagramOf(readDocuments(dirs))).svg);
  });

  it("draws a NUL in a Name tag as \\u{0}", async () => {
    const { svg } = await diagramOf(hostileDocuments("a", "b", "x\u0000y"));
    expectSafe(svg);
    expect(svg).toContain("x\\u{0}y");
  });

  it("clips a 30,000-character Name tag, and its PNG stays small", async () => {
    const { svg } = await diagramOf(hostileDocuments("a", "b", "W".repeat(30_000)));
    expectSafe(svg);
    expect(svg).not.toContain("W".repeat(MAX_SHOWN_CHARS));
    expect(svg).toContain(`${"W".repeat(MAX_SHOWN_CHARS - 1)}…`);
    expect(svg.length).toBeLessThan(200_000);
    const { png, zoom } = rasterize(svg);
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    expect(Math.max(width, height)).toBeLessThanOrEqual(PNG_LIMITS.maxSide);
    expect(width * height).toBeLessThanOrEqual(PNG_LIMITS.maxPixels);
    expect(zoom).toBeLessThanOrEqual(PNG_LIMITS.zoom);
  });

  it("scales a wide picture down to fit the PNG limits, and refuses one that would not fit even then", () => {
    const svg = (w: number) =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="100" viewBox="0 0 ${w} 100"><rect width="${w}" height="100"/></svg>`;
    const wide = rasterize(svg(10_000));
    expect(wide.zoom).toBeLessThan(PNG_LIMITS.zoom);
    expect(wide.png.readUInt32BE(16)).toBeLessThanOrEqual(PNG_LIMITS.maxSide);
    expect(() => rasterize(svg(100_000))).toThrow(DiagramInputError);
    expect(() => rasterize(svg(100_000))).toThrow(/too large for a PNG .*--format svg/);
  });
});
