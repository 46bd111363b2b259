/**
 * The config file from bytes to a JSON value, with every way a hand-edited or generated file
 * goes wrong named as such: too large, a byte order mark, UTF-16, bytes that are not UTF-8,
 * JSON syntax (with line and column), duplicate keys, and nesting deeper than any config needs.
 * The parser keeps its own stack, so no input can drive it past the call stack; and `preview`
 * echoes any value in a bounded number of characters with control characters escaped.
 */
import * as fs from "fs";
import { preview as boundedPreview } from "./json-limits";

/** Largest config file read, in bytes: a 20,000-VPC config is about 1 MiB. */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;
/** Deepest nesting of arrays and objects accepted; a config needs 3 (peerings[0][1]). */
export const MAX_CONFIG_DEPTH = 32;
/** Most problems a config error lists; the rest are counted. */
export const MAX_LISTED_PROBLEMS = 50;
/** Most characters of one echoed value in a message. */
export const MAX_PREVIEW_CHARS = 60;

/** The bytes of a file, read once, in chunks (so pipes, FIFOs and /dev/stdin work), stopping past `limit`. */
export function readBounded(file: string, limit = MAX_CONFIG_BYTES): { bytes: Buffer; truncated: boolean } {
  const fd = fs.openSync(file, "r");
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(1 << 20, limit + 1 - total));
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > limit) return { bytes: Buffer.concat(chunks), truncated: true };
    }
    return { bytes: Buffer.concat(chunks), truncated: false };
  } finally {
    fs.closeSync(fd);
  }
}

/** How parseJsonText reads what a config may not hold but other JSON (Terraform's) may. */
export interface JsonReadOptions {
  /**
   * Deepest nesting accepted; the parser keeps its own stack, so any limit is safe.
   * @default MAX_CONFIG_DEPTH
   */
  readonly maxDepth?: number;
  /**
   * Keep every value of a repeated key, as a RepeatedKey in the key's place, instead of reporting it.
   * @default false
   */
  readonly keepRepeated?: boolean;
}

/** Every value of a key an object has more than once, in order, and where each copy's key is ("line 3, column 5"). */
export class RepeatedKey {
  constructor(
    readonly key: string,
    readonly values: unknown[],
    readonly places: string[],
  ) {}
}

/** The JSON value of a config file's bytes, or the problems that keep it from being one. */
export function parseJsonBytes(
  bytes: Uint8Array,
  options: JsonReadOptions = {},
): { value: unknown } | { problems: string[]; total: number } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return one("the file starts with a UTF-8 byte order mark (BOM): save it as UTF-8 without a BOM");
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return one("the file is UTF-16 text (it starts with a UTF-16 byte order mark): save it as UTF-8");
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    return one(
      `the file is not UTF-8 text (byte 0x${bytes[at].toString(16).padStart(2, "0")} at offset ${at} is not valid UTF-8): save it as UTF-8`,
    );
  }
  return parseJsonText(text, options);
}

function one(problem: string): { problems: string[]; total: number } {
  return { problems: [problem], total: 1 };
}

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    const length = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    // The second byte's range is narrower after E0, ED, F0 and F4 (no overlongs, surrogates or code points past U+10FFFF).
    const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i;
    }
    i += length;
  }
  return bytes.length - 1;
}

interface Frame {
  readonly kind: "object" | "array";
  readonly value: Record<string, unknown> | unknown[];
  readonly path: string;
  /** Where each key of an object first is (an offset into the text). */
  readonly keys?: Map<string, number>;
  /** Where the key whose value comes next is, when the object has that key already (keepRepeated). */
  repeatedAt?: number;
  /** The key whose value comes next (objects). */
  key?: string;
  /** What the parser expects next in this container. */
  state: "first" | "value" | "separator" | "key" | "colon";
}

type Token = { readonly start: number; readonly end: number } & (
  | { readonly kind: "punct"; readonly text: string }
  | { readonly kind: "string"; readonly raw: string }
  | { readonly kind: "scalar"; readonly value: number | boolean | null }
  | { readonly kind: "error"; readonly what: string; readonly found?: string }
  | { readonly kind: "end" }
);

/** What ends or interrupts the plain run of a JSON string: a quote, a backslash or a control character. */
const STRING_SPECIAL = /["\\\u0000-\u001f]/g;

/** The value of a string token; only strings with escapes need JSON.parse. */
function decodeString(raw: string): string {
  return raw.includes("\\") ? (JSON.parse(raw) as string) : raw.slice(1, -1);
}

/** The next token at or after `pos`, scanned by hand: no regular expression sees a whole string or number. */
function nextToken(text: string, pos: number): Token {
  while (pos < text.length && (text[pos] === " " || text[pos] === "\t" || text[pos] === "\n" || text[pos] === "\r"))
    pos++;
  const start = pos;
  if (pos >= text.length) return { kind: "end", start, end: pos };
  const c = text[pos];
  if ("{}[]:,".includes(c)) return { kind: "punct", text: c, start, end: pos + 1 };
  if (c === '"') {
    const special = STRING_SPECIAL;
    special.lastIndex = pos + 1;
    for (;;) {
      const m = special.exec(text);
      if (!m) return { kind: "error", what: "a string is not closed", start, end: text.length };
      if (m[0] === '"') return { kind: "string", raw: text.slice(start, m.index + 1), start, end: m.index + 1 };
      if (m[0] !== "\\")
        return {
          kind: "error",
          what: `a string holds the raw control character U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")} (write it escaped)`,
          start: m.index,
          end: m.index,
        };
      const e = text[m.index + 1];
      if (e === "u" ? !/^[0-9a-fA-F]{4}$/.test(text.slice(m.index + 2, m.index + 6)) : !e || !'"\\/bfnrt'.includes(e)) {
        return { kind: "error", what: "a string holds an invalid escape sequence", start: m.index, end: m.index };
      }
      special.lastIndex = m.index + (e === "u" ? 6 : 2);
    }
  }
  if (c === "-" || (c >= "0" && c <= "9")) {
    const end = numberEnd(text, pos);
    if (end === undefined) return { kind: "error", what: "a malformed number", start, end: pos };
    return { kind: "scalar", value: Number(text.slice(pos, end)), start, end };
  }
  for (const [word, value] of [
    ["true", true],
    ["false", false],
    ["null", null],
  ] as const) {
    if (text.startsWith(word, pos)) return { kind: "scalar", value, start, end: pos + word.length };
  }
  const found = describeChar(text.slice(pos, pos + 2));
  return { kind: "error", what: `unexpected ${found}`, found, start, end: pos };
}

/** Where the JSON number starting at `pos` ends, or undefined when it is malformed. */
function numberEnd(text: string, pos: number): number | undefined {
  const digits = (i: number): number => {
    while (i < text.length && text[i] >= "0" && text[i] <= "9") i++;
    return i;
  };
  let i = pos;
  if (text[i] === "-") i++;
  if (text[i] === "0") i++;
  else if (text[i] >= "1" && text[i] <= "9") i = digits(i);
  else return undefined;
  if (text[i] === ".") {
    const after = digits(i + 1);
    if (after === i + 1) return undefined;
    i = after;
  }
  if (text[i] === "e" || text[i] === "E") {
    i++;
    if (text[i] === "+" || text[i] === "-") i++;
    const after = digits(i);
    if (after === i) return undefined;
    i = after;
  }
  return i;
}

/**
 * Parses JSON text iteratively. Returns the value, or problems: the first syntax error with its
 * line and column, or nesting deeper than MAX_CONFIG_DEPTH, or every duplicate key (capped by the
 * caller's listing).
 */
export function parseJsonText(
  text: string,
  options: JsonReadOptions = {},
): { value: unknown } | { problems: string[]; total: number } {
  const maxDepth = options.maxDepth ?? MAX_CONFIG_DEPTH;
  const stack: Frame[] = [];
  const duplicates: string[] = [];
  let duplicateCount = 0;
  const lineColumn = lineCounter(text);
  let root: unknown;
  let done = false;
  let pos = 0;
  const syntax = (what: string, at: number) =>
    one(`the file is not valid JSON: ${what} at ${lineColumn(at)}: fix the syntax`);

  const place = (placed: unknown): void => {
    let value = placed;
    const top = stack[stack.length - 1];
    if (!top) {
      root = value;
      done = true;
    } else if (top.kind === "array") {
      (top.value as unknown[]).push(value);
      top.state = "separator";
    } else {
      const key = top.key!;
      if (top.repeatedAt !== undefined) {
        const earlier = (top.value as Record<string, unknown>)[key];
        const at = lineColumn(top.repeatedAt);
        if (earlier instanceof RepeatedKey) {
          earlier.values.push(value);
          earlier.places.push(at);
        } else {
          value = new RepeatedKey(key, [earlier, value], [lineColumn(top.keys!.get(key)!), at]);
        }
        top.repeatedAt = undefined;
        if (earlier instanceof RepeatedKey) {
          top.state = "separator";
          return;
        }
      }
      if (key === "__proto__")
        Object.defineProperty(top.value, key, { value, enumerable: true, writable: true, configurable: true });
      else (top.value as Record<string, unknown>)[key] = value;
      top.state = "separator";
    }
  };
  const childPath = (): string => {
    const top = stack[stack.length - 1];
    if (!top) return "";
    if (top.kind === "array") return `${top.path}[${(top.value as unknown[]).length}]`;
    return pathWithKey(top.path, top.key!);
  };

  for (;;) {
    const token = nextToken(text, pos);
    pos = token.end;
    if (token.kind === "end") {
      if (done) break;
      return syntax("the file ends before the JSON value does", token.start);
    }
    if (done) return syntax("more text after the JSON value", token.start);
    const start = token.start;
    const top = stack[stack.length - 1];
    const keyExpected = top !== undefined && top.kind === "object" && (top.state === "first" || top.state === "key");
    if (token.kind === "error")
      return syntax(
        keyExpected && token.found ? `expected a key in double quotes, found ${token.found}` : token.what,
        start,
      );
    const punct = token.kind === "punct" ? token.text : undefined;
    const expectValue = !top || top.state === "value" || (top.state === "first" && top.kind === "array");

    if (punct === "{" || punct === "[") {
      if (!expectValue) return syntax(`unexpected "${punct}"`, start);
      if (stack.length >= maxDepth) {
        return one(
          `the file nests arrays and objects more than ${maxDepth} levels deep (at ${lineColumn(start)}): a peering config nests at most 3 levels, check what generated it`,
        );
      }
      const path = childPath();
      const value = punct === "{" ? {} : [];
      place(value);
      done = false;
      stack.push({
        kind: punct === "{" ? "object" : "array",
        value,
        path,
        keys: punct === "{" ? new Map() : undefined,
        state: "first",
      });
      continue;
    }
    if (punct === "}" || punct === "]") {
      const kind = punct === "}" ? "object" : "array";
      if (!top || top.kind !== kind || !(top.state === "first" || top.state === "separator"))
        return syntax(`unexpected "${punct}"`, start);
      stack.pop();
      if (stack.length === 0) done = true;
      continue;
    }
    if (punct === ",") {
      if (!top || top.state !== "separator") return syntax('unexpected ","', start);
      top.state = top.kind === "array" ? "value" : "key";
      continue;
    }
    if (punct === ":") {
      if (!top || top.state !== "colon") return syntax('unexpected ":"', start);
      top.state = "value";
      continue;
    }
    if (keyExpected) {
      if (token.kind !== "string")
        return syntax(`expected a key in double quotes, found ${describeChar(text.slice(start, start + 2))}`, start);
      const key = decodeString(token.raw);
      if (top.keys!.has(key) && options.keepRepeated) top.repeatedAt = start;
      else if (top.keys!.has(key) && ++duplicateCount <= MAX_LISTED_PROBLEMS) {
        duplicates.push(
          `${top.path || "the config"} has the key ${preview(key)} more than once (again at ${lineColumn(start)}): JSON keys must be unique, remove all but one`,
        );
      }
      if (!top.keys!.has(key)) top.keys!.set(key, start);
      top.key = key;
      top.state = "colon";
      continue;
    }
    if (!expectValue) return syntax(`unexpected ${describeChar(text.slice(start, start + 2))}`, start);
    place(token.kind === "string" ? decodeString(token.raw) : token.kind === "scalar" ? token.value : null);
  }
  return duplicateCount > 0 ? { problems: duplicates, total: duplicateCount } : { value: root };
}

function pathWithKey(path: string, key: string): string {
  const shown = /^[A-Za-z_$][\w$-]*$/.test(key) && key.length <= MAX_PREVIEW_CHARS ? key : `[${preview(key)}]`;
  return !path ? shown : shown.startsWith("[") ? `${path}${shown}` : `${path}.${shown}`;
}

/** "line L, column C" of offsets in `text`; offsets asked for in increasing order cost one pass in all. */
function lineCounter(text: string): (at: number) => string {
  let line = 1;
  let lineStart = 0;
  return (at) => {
    if (at < lineStart) {
      line = 1;
      lineStart = 0;
    }
    for (let i = text.indexOf("\n", lineStart); i !== -1 && i < at; i = text.indexOf("\n", i + 1)) {
      line++;
      lineStart = i + 1;
    }
    return `line ${line}, column ${at - lineStart + 1}`;
  };
}

function describeChar(rest: string): string {
  const c = String.fromCodePoint(rest.codePointAt(0)!);
  return /^[\x21-\x7e]$/.test(c)
    ? `"${c}"`
    : `character U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * A value as a config message echoes it: JSON-like, at most MAX_PREVIEW_CHARS characters, control
 * characters escaped (json-limits' preview, the one every tool uses, with the config's shorter bound).
 */
export function preview(value: unknown): string {
  return boundedPreview(value, MAX_PREVIEW_CHARS);
}

/** "a string", "an array", "null", ... for messages about wrong types. */
export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "number") return Number.isInteger(value) ? "a whole number" : "a number";
  return `a ${typeof value}`;
}
