/**
 * Bounds for JSON that reach, check and ping read from files: how deep it may nest, and how much of a
 * value an error message shows. Every function here is iterative or depth-capped, so no input can
 * drive it past the call stack.
 */
import { printable } from "./text";

/** How many levels of objects and arrays a document may nest; Terraform JSON and outputs stay far below. */
export const MAX_JSON_DEPTH = 100;

/** How many characters of a value an error message shows. */
export const PREVIEW_LENGTH = 120;

interface Frame {
  readonly value: unknown;
  readonly depth: number;
  readonly parent: Frame | undefined;
  readonly key: string | number | undefined;
}

/**
 * Where a value nests more than `limit` levels of objects and arrays (the root container is level 1):
 * the path to the first container past the limit, e.g. `resource.aws_instance.a.tags.x[0][0]…`, or
 * undefined when it does not.
 */
export function tooDeep(value: unknown, limit = MAX_JSON_DEPTH): string | undefined {
  const stack: Frame[] = [{ value, depth: 1, parent: undefined, key: undefined }];
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    const current = frame.value;
    if (typeof current !== "object" || current === null) continue;
    if (frame.depth > limit) return pathOf(frame);
    if (Array.isArray(current)) {
      current.forEach((item, i) => stack.push({ value: item, depth: frame.depth + 1, parent: frame, key: i }));
    } else {
      for (const [key, item] of Object.entries(current))
        stack.push({ value: item, depth: frame.depth + 1, parent: frame, key });
    }
  }
  return undefined;
}

/** The start of the message for a value that nests too deeply, naming where; callers add the fix. */
export function tooDeepMessage(where: string, path: string, limit = MAX_JSON_DEPTH): string {
  return `${where}: nested too deeply at ${path || "the top"} (more than ${limit} levels of objects and arrays)`;
}

const SHOWN_SEGMENTS = 12;
const SHOWN_KEY = 40;

function pathOf(frame: Frame): string {
  const keys: (string | number)[] = [];
  for (let f: Frame | undefined = frame; f?.key !== undefined; f = f.parent) keys.push(f.key);
  keys.reverse();
  const shown = keys
    .slice(0, SHOWN_SEGMENTS)
    .map((k, i) => {
      if (typeof k === "number") return `[${k}]`;
      const key = k.length > SHOWN_KEY ? `${k.slice(0, SHOWN_KEY)}…` : k;
      return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? `${i ? "." : ""}${key}` : `[${JSON.stringify(key)}]`;
    })
    .join("");
  return keys.length > SHOWN_SEGMENTS ? `${shown}…` : shown;
}

/**
 * A short, single-line rendering of any value for an error message: JSON-like, at most `max`
 * characters, nested values past a few levels elided, numbers JSON cannot hold (Infinity) shown as such,
 * and every character a terminal could act on escaped (`printable`).
 */
export function preview(value: unknown, max = PREVIEW_LENGTH): string {
  const text = render(value, 0, max + 1);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A name as an error message shows it: itself, or its first `max` characters and an ellipsis. */
export function clip(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const RENDER_DEPTH = 4;

function render(value: unknown, depth: number, budget: number): string {
  if (typeof value === "string")
    return printable(JSON.stringify(value.length > budget ? value.slice(0, budget) : value));
  if (typeof value === "number") return Number.isFinite(value) ? JSON.stringify(value) : String(value);
  if (typeof value === "boolean" || value === null) return String(value);
  if (value === undefined) return "undefined";
  if (typeof value === "bigint") return `${value}`;
  if (typeof value !== "object") return typeof value;
  if (depth >= RENDER_DEPTH) return Array.isArray(value) ? "[…]" : "{…}";
  const parts: string[] = [];
  let used = 2;
  const entries: [string | undefined, unknown][] = Array.isArray(value)
    ? value.map((v) => [undefined, v])
    : Object.entries(value);
  for (const [key, item] of entries) {
    if (used > budget) {
      parts.push("…");
      break;
    }
    const label = key === undefined ? "" : `${render(key, depth, budget - used)}:`;
    const text = `${label}${render(item, depth + 1, budget - used - label.length)}`;
    parts.push(text);
    used += text.length + 1;
  }
  return Array.isArray(value) ? `[${parts.join(",")}]` : `{${parts.join(",")}}`;
}
