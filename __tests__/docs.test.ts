/**
 * The README and the pages in docs/: the front page stays short, every relative link and anchor leads
 * somewhere, and every `npm run X` they show is a script of package.json. Plain Node, no synthesis.
 */
import * as fs from "fs";
import * as path from "path";
import fc from "fast-check";
import {
  headingAnchors,
  headingSlug,
  linkProblems,
  npmRunScripts,
  relativeLinks,
  type MarkdownFiles,
} from "../test-support/markdown";

const ROOT = path.join(__dirname, "..");
const PAGES = [
  "README.md",
  ...fs
    .readdirSync(path.join(ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => `docs/${name}`),
];
const SCRIPTS = Object.keys(
  (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts,
);
const PROJECT: MarkdownFiles = {
  exists: (relativePath) => fs.existsSync(path.join(ROOT, relativePath)),
  read: (relativePath) => fs.readFileSync(path.join(ROOT, relativePath), "utf8"),
};

/** A page held in memory, for the link check's own cases. */
function inMemory(pages: Record<string, string>, others: readonly string[] = []): MarkdownFiles {
  return { exists: (p) => p in pages || others.includes(p), read: (p) => pages[p] ?? "" };
}

describe("the docs", () => {
  it("keep README.md a front page of at most 200 lines", () => {
    expect(PROJECT.read("README.md").split("\n").length).toBeLessThanOrEqual(200);
  });

  it("list every page of docs/ in the README", () => {
    const linked = new Set(relativeLinks(PROJECT.read("README.md")).map(({ target }) => target.split("#")[0]));
    expect(PAGES.filter((page) => page !== "README.md" && !linked.has(page))).toEqual([]);
  });

  it.each(PAGES)("%s: every relative link leads to a file, and every anchor to a heading there", (page) => {
    expect(linkProblems(page, PROJECT)).toEqual([]);
  });

  it.each(PAGES)("%s: every `npm run` it shows names a script of package.json", (page) => {
    expect(npmRunScripts(PROJECT.read(page)).filter((script) => !SCRIPTS.includes(script))).toEqual([]);
  });
});

describe("GitHub's heading anchors", () => {
  it.each([
    ["Configuration", "configuration"],
    [
      "Can A ping B? `reach` and `npm run check`, before you deploy",
      "can-a-ping-b-reach-and-npm-run-check-before-you-deploy",
    ],
    [
      "What's really deployed: `reach --live` and `check --live`",
      "whats-really-deployed-reach---live-and-check---live",
    ],
    ["Across regions: `examples/inter-region.json`", "across-regions-examplesinter-regionjson"],
    ["Let AWS check it: `reachabilityAnalyzer`", "let-aws-check-it-reachabilityanalyzer"],
    ["snake_case and kebab-case", "snake_case-and-kebab-case"],
    ["Größe & Überblick", "größe--überblick"],
    ["A [linked](docs/x.md) heading", "a-linked-heading"],
    ["  padded  ", "padded"],
  ])("%j is #%s", (heading, anchor) => {
    expect(headingSlug(heading)).toBe(anchor);
  });

  it("number a repeated heading -1, -2, ..., and skip headings inside code blocks", () => {
    const page = ["# Notes", "## Notes", "```sh", "# Notes", "```", "## Notes", "## Notes 1", "## Notes-1"].join("\n");
    expect(headingAnchors(page)).toEqual(["notes", "notes-1", "notes-2", "notes-1-1", "notes-1-2"]);
  });

  it("hold only letters, marks, numbers, _ and - whatever the heading", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (heading) => {
        expect(headingSlug(heading)).toMatch(/^[\p{L}\p{M}\p{N}\p{Pc}-]*$/u);
      }),
    );
  });
});

describe("the link check", () => {
  it.each([
    ["a missing file", { "a.md": "see [b](b.md)" }, [], ["a.md:1: (b.md): b.md does not exist"]],
    [
      "a missing anchor on the page",
      { "a.md": "# A\n\n[x](#b)" },
      [],
      ["a.md:3: (#b): a.md has no heading with the anchor #b"],
    ],
    [
      "a missing anchor on another page",
      { "a.md": "[x](docs/b.md#c)", "docs/b.md": "# B" },
      [],
      ["a.md:1: (docs/b.md#c): docs/b.md has no heading with the anchor #c"],
    ],
    [
      "a link out of the project",
      { "docs/a.md": "[x](../../etc/passwd)" },
      [],
      ["docs/a.md:1: (../../etc/passwd): ../etc/passwd does not exist"],
    ],
    [
      "links that resolve",
      { "docs/a.md": "# A\n[x](#a) [y](../b.md#b) ![p](p.svg) [e](../examples/)", "b.md": "## B" },
      ["docs/p.svg", "examples"],
      [],
    ],
    [
      "links in code and external links",
      { "a.md": "`[x](y.md)`\n```\n[x](z.md)\n```\n[w](https://example.com/#x)" },
      [],
      [],
    ],
  ])("%s", (_case, pages: Record<string, string>, others: string[], problems) => {
    const [page] = Object.keys(pages);
    expect(linkProblems(page, inMemory(pages, others))).toEqual(problems);
  });

  it("finds every `npm run` script, with --silent and in code, each once", () => {
    expect(
      npmRunScripts("`npm run check`. ```sh\nsudo npm run --silent rehearse -- x\nnpm run test:all\n``` npm run check"),
    ).toEqual(["check", "rehearse", "test:all"]);
  });
});
