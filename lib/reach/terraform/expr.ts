/** A parsed Terraform expression, limited to the forms generated configurations use. */
export type Expr =
  | { readonly kind: "literal"; readonly value: string | number | boolean | null }
  | { readonly kind: "template"; readonly parts: readonly Expr[] }
  | { readonly kind: "traversal"; readonly root: string; readonly steps: readonly (string | number)[] }
  | { readonly kind: "call"; readonly name: string; readonly args: readonly Expr[] }
  | { readonly kind: "list"; readonly items: readonly Expr[] };

/** Thrown when a string uses expression syntax reach does not evaluate. */
export class ExprSyntaxError extends Error {}

/** How deeply lists, calls and parentheses may nest inside one ${...}; the parser recurses once per level. */
export const MAX_EXPRESSION_DEPTH = 64;

/** Parses a Terraform JSON string value: plain text, or a template with ${...} interpolations. */
export function parseTemplate(text: string): Expr {
  const parts: Expr[] = [];
  let literal = "";
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("$${", i) || text.startsWith("%%{", i)) {
      literal += text.slice(i + 1, i + 3);
      i += 3;
    } else if (text.startsWith("%{", i)) {
      throw new ExprSyntaxError("template directives (%{...}) are not supported");
    } else if (text.startsWith("${", i)) {
      if (literal) parts.push({ kind: "literal", value: literal });
      literal = "";
      const parser = new Parser(text, i + 2);
      parts.push(parser.expression());
      i = parser.expect("}");
    } else {
      literal += text[i];
      i += 1;
    }
  }
  if (literal || parts.length === 0) parts.push({ kind: "literal", value: literal });
  return parts.length === 1 ? parts[0] : { kind: "template", parts };
}

const IDENT = /[A-Za-z_][A-Za-z0-9_-]*/y;
/** HCL's one-character escapes in quoted strings. */
const ESCAPES: ReadonlyMap<string, string> = new Map([
  ["n", "\n"],
  ["r", "\r"],
  ["t", "\t"],
  ['"', '"'],
  ["\\", "\\"],
]);
const NUMBER = /-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;

class Parser {
  private depth = 0;

  constructor(
    private readonly text: string,
    private pos: number,
  ) {}

  expression(): Expr {
    if (this.depth >= MAX_EXPRESSION_DEPTH) {
      throw new ExprSyntaxError(
        `the expression is nested too deeply (more than ${MAX_EXPRESSION_DEPTH} levels of lists, calls and parentheses)`,
      );
    }
    this.depth += 1;
    try {
      return this.term();
    } finally {
      this.depth -= 1;
    }
  }

  private term(): Expr {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === '"') return { kind: "literal", value: this.string() };
    if (c === "[") return { kind: "list", items: this.sequence("[", "]") };
    if (c === "(") {
      this.pos += 1;
      const inner = this.expression();
      this.pos = this.expect(")");
      return inner;
    }
    const number = this.match(NUMBER);
    if (number !== undefined) return { kind: "literal", value: Number(number) };
    const name = this.match(IDENT);
    if (name === undefined) throw this.unsupported();
    if (name === "true" || name === "false") return { kind: "literal", value: name === "true" };
    if (name === "null") return { kind: "literal", value: null };
    this.skipSpace();
    if (this.text[this.pos] === "(") return { kind: "call", name, args: this.sequence("(", ")") };
    return { kind: "traversal", root: name, steps: this.steps() };
  }

  expect(close: string): number {
    this.skipSpace();
    if (this.text[this.pos] !== close) throw this.unsupported();
    return this.pos + 1;
  }

  private steps(): (string | number)[] {
    const steps: (string | number)[] = [];
    for (;;) {
      if (this.text[this.pos] === ".") {
        this.pos += 1;
        const name = this.match(IDENT) ?? this.match(/[0-9]+/y);
        if (name === undefined) throw this.unsupported();
        steps.push(/^[0-9]+$/.test(name) ? Number(name) : name);
      } else if (this.text[this.pos] === "[") {
        this.pos += 1;
        this.skipSpace();
        if (this.text[this.pos] === '"') {
          steps.push(this.string());
        } else {
          const index = this.match(/[0-9]+/y);
          if (index === undefined) throw this.unsupported();
          steps.push(Number(index));
        }
        this.pos = this.expect("]");
      } else {
        return steps;
      }
    }
  }

  private sequence(open: string, close: string): Expr[] {
    this.pos += open.length;
    const items: Expr[] = [];
    this.skipSpace();
    if (this.text[this.pos] === close) {
      this.pos += 1;
      return items;
    }
    for (;;) {
      items.push(this.expression());
      this.skipSpace();
      if (this.text[this.pos] === ",") {
        this.pos += 1;
        continue;
      }
      this.pos = this.expect(close);
      return items;
    }
  }

  /** A quoted string inside ${...}, its escapes decoded as HCL decodes them (\\n, \\", \\u002f, $${ ...). */
  private string(): string {
    let out = "";
    let i = this.pos + 1;
    while (i < this.text.length && this.text[i] !== '"') {
      if (this.text[i] === "\\") {
        const [decoded, length] = this.escape(i);
        out += decoded;
        i += length;
        continue;
      }
      if (this.text.startsWith("$${", i) || this.text.startsWith("%%{", i)) {
        out += this.text.slice(i + 1, i + 3);
        i += 3;
        continue;
      }
      if (this.text.startsWith("${", i) || this.text.startsWith("%{", i)) throw this.unsupported();
      out += this.text[i];
      i += 1;
    }
    if (i >= this.text.length) throw this.unsupported();
    this.pos = i + 1;
    return out;
  }

  /** The character an escape sequence at `at` stands for, and its length; HCL refuses any other escape. */
  private escape(at: number): [string, number] {
    const c = this.text[at + 1];
    const simple = ESCAPES.get(c ?? "");
    if (simple !== undefined) return [simple, 2];
    const digits = c === "u" ? 4 : c === "U" ? 8 : 0;
    const hex = this.text.slice(at + 2, at + 2 + digits);
    if (digits > 0 && hex.length === digits && /^[0-9a-fA-F]+$/.test(hex)) {
      const code = parseInt(hex, 16);
      if (code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)) return [String.fromCodePoint(code), 2 + digits];
    }
    throw new ExprSyntaxError(
      `invalid escape sequence "${this.text.slice(at, at + 2 + digits)}" in a quoted string ` +
        `(HCL knows \\n, \\r, \\t, \\", \\\\, \\uNNNN and \\UNNNNNNNN)`,
    );
  }

  private match(pattern: RegExp): string | undefined {
    this.skipSpace();
    pattern.lastIndex = this.pos;
    const m = pattern.exec(this.text);
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  private skipSpace(): void {
    while (/\s/.test(this.text[this.pos] ?? "")) this.pos += 1;
  }

  private unsupported(): ExprSyntaxError {
    const near = this.text.slice(this.pos, this.pos + 20);
    return new ExprSyntaxError(
      `unsupported expression syntax at "${near}" (reach evaluates references, literals, lists and the functions cidrsubnet, cidrhost, tolist, toset, element, concat)`,
    );
  }
}
