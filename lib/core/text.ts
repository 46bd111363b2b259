/**
 * Text from input made safe to show: on a terminal, in an error message, in a picture. Names,
 * tags, stack directories and values come from files anyone can write; a control character in
 * them could move the cursor, recolour or clear the reader's terminal, a bidi control could make a
 * line read differently from what it says, and an invisible character could make two names look
 * the same. `printable` shows each such character as `\u{…}` (its code point in hex), so what is
 * printed is what the input holds, visibly.
 */

/**
 * The characters `printable` escapes: controls (C0, DEL, C1), format characters (Unicode category
 * Cf: the bidi embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069, the marks
 * U+200E, U+200F and U+061C, zero-width characters, the byte order mark), the line and paragraph
 * separators U+2028 and U+2029, lone surrogates and the noncharacters (U+FFFE, U+FFFF, ...).
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Noncharacter_Code_Point}]/gu;

/** The same, but sparing line feeds and tabs: for text laid out in lines (a report), not one value. */
const UNSAFE_IN_LINES = /(?![\n\t])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Noncharacter_Code_Point}]/gu;

/** The characters XML 1.0 forbids in a document: C0 controls but tab, LF and CR; lone surrogates; U+FFFE and U+FFFF. */
const XML_FORBIDDEN = /(?![\t\n\r])[\u0000-\u001f]|\p{Cs}|[\ufffe\uffff]/gu;

/** Longest text of one name or tag a picture or a table shows: AWS's longest tag value. */
export const MAX_SHOWN_CHARS = 256;

function escape(char: string): string {
  return `\\u{${(char.codePointAt(0) ?? 0).toString(16)}}`;
}

/**
 * One value as a terminal may show it: every control, format (bidi, zero-width), separator,
 * lone surrogate and noncharacter as `\u{…}`, line feeds included, so the value stays on its line.
 */
export function printable(text: string): string {
  return text.replace(UNSAFE, escape);
}

/** A whole report as a terminal may show it: like `printable`, but its line feeds and tabs kept. */
export function printableLines(text: string): string {
  return text.replace(UNSAFE_IN_LINES, escape);
}

/** Whether `text` holds any character `printable` would escape. */
export function hasUnprintable(text: string): boolean {
  return new RegExp(UNSAFE.source, "u").test(text);
}

/** Text with the characters XML cannot hold shown as `\u{…}`, so that a document holding it is well-formed. */
export function xmlSafe(text: string): string {
  return text.replace(XML_FORBIDDEN, escape);
}

/** Text cut to `max` characters (code points), the last one an ellipsis when it was cut. */
export function clipText(text: string, max = MAX_SHOWN_CHARS): string {
  if (text.length <= max) return text;
  const points = [...text];
  return points.length <= max ? text : `${points.slice(0, max - 1).join("")}…`;
}

/**
 * A name as a table or a picture shows it: printable and at most `max` characters (code points) long,
 * escapes counted, so that no input can make a label wider than `max`; an escape is never cut in two.
 */
export function shown(text: string, max = MAX_SHOWN_CHARS): string {
  const escaped = printable(clipText(text, max));
  if ([...escaped].length <= max) return escaped;
  let kept = "";
  let length = 0;
  for (const [token] of escaped.matchAll(/\\u\{[0-9a-f]+\}|[\s\S]/gu)) {
    const size = [...token].length;
    if (length + size > max - 1) break;
    kept += token;
    length += size;
  }
  return `${kept}…`;
}

/**
 * JSON text (as JSON.stringify writes it) with every character `printable` escapes written as a
 * JSON `\uXXXX` escape: the same document to a parser, and nothing a terminal acts on when shown.
 */
export function printableJson(json: string): string {
  return json.replace(UNSAFE_IN_LINES, (char) =>
    [...Array(char.length).keys()].map((i) => `\\u${char.charCodeAt(i).toString(16).padStart(4, "0")}`).join(""),
  );
}

/** A --json document as a command prints it: indented, a line feed after it, and `printableJson`. */
export function jsonText(document: unknown): string {
  return `${printableJson(JSON.stringify(document, null, 2))}\n`;
}

const COUNT_FORMAT = new Intl.NumberFormat("en-US");

/** A count with thousands separators, as messages show it: 12,345. */
export function formatCount(n: number): string {
  return COUNT_FORMAT.format(n);
}
