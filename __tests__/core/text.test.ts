import fc from "fast-check";
import {
  clipText,
  hasUnprintable,
  jsonText,
  MAX_SHOWN_CHARS,
  printable,
  printableJson,
  printableLines,
  shown,
  xmlSafe,
} from "../../lib/core/text";
import { RAW_UNSAFE } from "./hostile";

describe("printable", () => {
  it.each([
    ["an escape sequence", "\u001b[31mred", "\\u{1b}[31mred"],
    ["a bell and a NUL", "a\u0007b\u0000", "a\\u{7}b\\u{0}"],
    ["a line feed, a carriage return and a tab", "a\nb\rc\td", "a\\u{a}b\\u{d}c\\u{9}d"],
    ["DEL and C1 controls", "\u007f\u0085\u009b", "\\u{7f}\\u{85}\\u{9b}"],
    [
      "bidi overrides, isolates and marks",
      "\u202a\u202e\u2066\u2069\u200e\u200f\u061c",
      "\\u{202a}\\u{202e}\\u{2066}\\u{2069}\\u{200e}\\u{200f}\\u{61c}",
    ],
    ["zero-width and other format characters", "\u200b\ufeff\u00ad", "\\u{200b}\\u{feff}\\u{ad}"],
    ["line and paragraph separators", "\u2028\u2029", "\\u{2028}\\u{2029}"],
    ["noncharacters and lone surrogates", "\ufffe\uffff\ud800x\udfff", "\\u{fffe}\\u{ffff}\\u{d800}x\\u{dfff}"],
    ["an astral format character", "\u{e0001}", "\\u{e0001}"],
    ["plain text, accents, CJK and emoji, unchanged", "vpc-a é 東京 😀 <b>&", "vpc-a é 東京 😀 <b>&"],
  ])("shows %s as \\u{…}", (_, input, output) => {
    expect(printable(input)).toBe(output);
  });

  it("leaves no character a terminal acts on, whatever the input", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary" }),
        fc.string(),
        (a, b) => !RAW_UNSAFE.test(printable(a + b)) && !/[\n\t]/.test(printable(a + b)),
      ),
    );
  });

  it("keeps line feeds and tabs in printableLines, and escapes the rest", () => {
    expect(printableLines("a\tb\nc\u001b\r")).toBe("a\tb\nc\\u{1b}\\u{d}");
  });
});

describe("printableJson", () => {
  it("is the same document to a parser, with nothing raw a terminal acts on", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: "binary" }), (value, text) => {
        const document = { value, text, [text]: 1 };
        const out = jsonText(document);
        expect(RAW_UNSAFE.test(out)).toBe(false);
        expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify(document)));
      }),
    );
  });

  it("writes a bidi override as a JSON escape", () => {
    expect(printableJson(JSON.stringify("a\u202eb"))).toBe('"a\\u202eb"');
  });
});

describe("xmlSafe", () => {
  it.each([
    ["C0 controls but tab, line feed and carriage return", "a\u0000\u0001\t\n\r", "a\\u{0}\\u{1}\t\n\r"],
    ["U+FFFE, U+FFFF and lone surrogates", "\ufffe\uffff\ud800", "\\u{fffe}\\u{ffff}\\u{d800}"],
    ["markup, which the XML writer escapes", "<a>&", "<a>&"],
  ])("replaces %s", (_, input, output) => {
    expect(xmlSafe(input)).toBe(output);
  });
});

describe("clipText and shown", () => {
  it("cut long text to MAX_SHOWN_CHARS code points, ending in an ellipsis", () => {
    expect(clipText("x".repeat(30_000))).toBe(`${"x".repeat(MAX_SHOWN_CHARS - 1)}…`);
    expect(clipText("😀".repeat(300))).toHaveLength((MAX_SHOWN_CHARS - 1) * 2 + 1);
    expect(clipText("short")).toBe("short");
  });

  it("shown is printable and at most max characters, escapes counted and never cut in two", () => {
    expect(shown("\u001b".repeat(1000), 16)).toBe("\\u{1b}\\u{1b}…");
    expect(shown("ab\u001b", 16)).toBe("ab\\u{1b}");
    expect(shown("a".repeat(20), 16)).toBe(`${"a".repeat(15)}…`);
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 400 }), fc.integer({ min: 1, max: 300 }), (text, max) => {
        const out = shown(text, max);
        expect([...out].length).toBeLessThanOrEqual(max);
        expect(hasUnprintable(out)).toBe(false);
        expect(out).not.toMatch(/\\u(\{[0-9a-f]*)?…$/);
      }),
    );
  });
});
