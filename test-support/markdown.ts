/**
 * What the docs test reads in the project's Markdown: headings as GitHub anchors, relative links, and the
 * `npm run` commands shown. Pure functions of the text; the test supplies the files.
 */
import * as path from "path";

/** One relative link of a page: its target as written, and the line it is on (1-based). */
export interface MarkdownLink {
  /** The target as written, e.g. `docs/testing.md#emulator-limits` or `#subnets`. */
  readonly target: string;
  /** The line of the page the link is on, counting from 1. */
  readonly line: number;
}

/** How the link check reaches the files: both answer for a path relative to the project root. */
export interface MarkdownFiles {
  /** Whether a file or directory exists at the path. */
  readonly exists: (relativePath: string) => boolean;
  /** The text of a Markdown file at the path; only asked for paths that exist. */
  readonly read: (relativePath: string) => string;
}

const FENCE = /^ {0,3}(```|~~~)/;
const HEADING = /^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const CODE_SPAN = /(`+)[\s\S]*?\1/g;
const LINK = /!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
const EXTERNAL = /^[a-z][a-z0-9+.-]*:/i;
const NPM_RUN = /\bnpm run(?:\s+(?:--silent|-s))?\s+([A-Za-z0-9][\w:.-]*[A-Za-z0-9]|[A-Za-z0-9])/g;

/** The lines of a page outside fenced code blocks, each with its line number. */
function proseLines(markdown: string): { readonly text: string; readonly line: number }[] {
  const lines: { text: string; line: number }[] = [];
  let fenced = false;
  markdown.split("\n").forEach((text, index) => {
    if (FENCE.test(text)) fenced = !fenced;
    else if (!fenced) lines.push({ text, line: index + 1 });
  });
  return lines;
}

/**
 * The anchor GitHub gives a heading: lower case; every character that is not a letter, mark, number,
 * connector (`_`), space or `-` dropped (backticks and other punctuation among them); each space a `-`.
 */
export function headingSlug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]+>/g, "")
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "").replace(/ /g, "-");
}

/** Every heading's anchor on a page, in order; a repeated one gets `-1`, `-2`, ... as on GitHub. */
export function headingAnchors(markdown: string): string[] {
  const taken = new Map<string, number>();
  const anchors: string[] = [];
  for (const { text } of proseLines(markdown)) {
    const heading = HEADING.exec(text);
    if (!heading) continue;
    const base = headingSlug(heading[1]);
    let anchor = base;
    while (taken.has(anchor)) {
      const count = (taken.get(base) ?? 0) + 1;
      taken.set(base, count);
      anchor = `${base}-${count}`;
    }
    taken.set(anchor, 0);
    anchors.push(anchor);
  }
  return anchors;
}

/** The links and images of a page that point into the project (not `https:`, `mailto:`, ...), outside code. */
export function relativeLinks(markdown: string): MarkdownLink[] {
  return proseLines(markdown).flatMap(({ text, line }) =>
    [...text.replace(CODE_SPAN, "").matchAll(LINK)]
      .map((match) => match[1])
      .filter((target) => !EXTERNAL.test(target))
      .map((target) => ({ target, line })),
  );
}

/** The script of every `npm run X` on a page, code blocks and code spans included, each once. */
export function npmRunScripts(markdown: string): string[] {
  return [...new Set([...markdown.matchAll(NPM_RUN)].map((match) => match[1]))];
}

/**
 * Every relative link of `page` (a path from the project root) whose file does not exist, or whose
 * `#anchor` is no heading of its Markdown target: one line each, naming the page, line, link and why.
 */
export function linkProblems(page: string, files: MarkdownFiles): string[] {
  const problems: string[] = [];
  for (const { target, line } of relativeLinks(files.read(page))) {
    const [file, anchor] = target.split("#", 2) as [string, string | undefined];
    const resolved =
      file === ""
        ? page
        : path.posix.normalize(path.posix.join(path.posix.dirname(page), decodeURI(file))).replace(/(.)\/$/, "$1");
    const where = `${page}:${line}: (${target})`;
    if (resolved.startsWith("../") || !files.exists(resolved)) {
      problems.push(`${where}: ${resolved} does not exist`);
    } else if (
      anchor !== undefined &&
      resolved.endsWith(".md") &&
      !headingAnchors(files.read(resolved)).includes(anchor)
    ) {
      problems.push(`${where}: ${resolved} has no heading with the anchor #${anchor}`);
    }
  }
  return problems;
}
