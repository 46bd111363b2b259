import {
  MAX_CONFIG_DEPTH,
  MAX_LISTED_PROBLEMS,
  MAX_PREVIEW_CHARS,
  parseJsonBytes,
  parseJsonText,
  preview,
} from "../lib/core/json-input";

function problemsOf(result: { value: unknown } | { problems: string[] }): string[] {
  if ("problems" in result) return result.problems;
  throw new Error(`expected problems, got ${JSON.stringify(result.value)}`);
}

describe("parseJsonText", () => {
  it("reads what JSON.parse reads", () => {
    const text = '{"a": [1, -2.5e3, true, false, null, "x\\n\\u00e9"], "b": {}, "c": []}';
    expect(parseJsonText(text)).toEqual({ value: JSON.parse(text) });
  });

  it("keeps a __proto__ key as data, as JSON.parse does", () => {
    const { value } = parseJsonText('{"__proto__": {"polluted": true}}') as { value: object };
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(["__proto__"]);
  });

  it.each([
    ["a trailing comma", '{\n  "a": 1,\n}', 'unexpected "}" at line 3, column 1'],
    ["a missing colon", '{"a" 1}', 'unexpected "1" at line 1, column 6'],
    ["an unquoted key", "{a: 1}", 'expected a key in double quotes, found "a" at line 1, column 2'],
    ["an unclosed string", '{"a": "abc', "a string is not closed at line 1, column 7"],
    [
      "a raw newline in a string",
      '{"a": "x\ny"}',
      "a string holds the raw control character U+000A (write it escaped) at line 1, column 9",
    ],
    ["a bad escape", '{"a": "\\x"}', "a string holds an invalid escape sequence at line 1, column 8"],
    ["a malformed number", "[01]", 'unexpected "1" at line 1, column 3'],
    ["a lone minus", "[-]", "a malformed number at line 1, column 2"],
    ["text after the value", "{} {}", "more text after the JSON value at line 1, column 4"],
    ["nothing at all", "  ", "the file ends before the JSON value does at line 1, column 3"],
    ["an unclosed array", "[1, 2", "the file ends before the JSON value does at line 1, column 6"],
    [
      "a non-ASCII character",
      "{\u00a0}",
      "expected a key in double quotes, found character U+00A0 at line 1, column 2",
    ],
  ])("names %s and where it is", (_, text, where) => {
    expect(problemsOf(parseJsonText(text))).toEqual([`the file is not valid JSON: ${where}: fix the syntax`]);
  });

  it("reports every duplicate key, with its path and position", () => {
    expect(problemsOf(parseJsonText('{"vpcs": [{"name": "a", "name": "b"}],\n "vpcs": []}'))).toEqual([
      'vpcs[0] has the key "name" more than once (again at line 1, column 25): JSON keys must be unique, remove all but one',
      'the config has the key "vpcs" more than once (again at line 2, column 2): JSON keys must be unique, remove all but one',
    ]);
  });

  it("counts every duplicate key but puts only the listed ones into words", () => {
    const text = `{${Array.from({ length: 100_000 }, () => '"a": 1').join(",\n")}}`;
    const result = parseJsonText(text) as { problems: string[]; total: number };
    expect(result.total).toBe(99_999);
    expect(result.problems).toHaveLength(MAX_LISTED_PROBLEMS);
    expect(result.problems[49]).toContain("(again at line 51, column 1)");
  });

  it(`refuses nesting deeper than ${MAX_CONFIG_DEPTH} levels, however deep, without recursion`, () => {
    const depth = 1_000_000;
    const [problem] = problemsOf(parseJsonText("[".repeat(depth) + "]".repeat(depth)));
    expect(problem).toBe(
      `the file nests arrays and objects more than ${MAX_CONFIG_DEPTH} levels deep (at line 1, column ${MAX_CONFIG_DEPTH + 1}): a peering config nests at most 3 levels, check what generated it`,
    );
  });

  it("reads a 16 MB string in one value", () => {
    const long = "a".repeat(16_000_000);
    expect(parseJsonText(`["${long}"]`)).toEqual({ value: [long] });
  });
});

describe("parseJsonBytes", () => {
  it.each([
    [
      "a UTF-8 byte order mark",
      [0xef, 0xbb, 0xbf, 0x7b, 0x7d],
      "the file starts with a UTF-8 byte order mark (BOM): save it as UTF-8 without a BOM",
    ],
    [
      "UTF-16 little-endian text",
      [0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00],
      "the file is UTF-16 text (it starts with a UTF-16 byte order mark): save it as UTF-8",
    ],
    [
      "UTF-16 big-endian text",
      [0xfe, 0xff, 0x00, 0x7b, 0x00, 0x7d],
      "the file is UTF-16 text (it starts with a UTF-16 byte order mark): save it as UTF-8",
    ],
    [
      "Latin-1 text",
      [...Buffer.from('{"a": "caf'), 0xe9, ...Buffer.from('"}')],
      "the file is not UTF-8 text (byte 0xe9 at offset 10 is not valid UTF-8): save it as UTF-8",
    ],
    [
      "an encoded surrogate",
      [0x5b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x5d],
      "the file is not UTF-8 text (byte 0xed at offset 2 is not valid UTF-8): save it as UTF-8",
    ],
  ])("names %s", (_, bytes, problem) => {
    expect(problemsOf(parseJsonBytes(Uint8Array.from(bytes)))).toEqual([problem]);
  });

  it("reads UTF-8 text", () => {
    expect(parseJsonBytes(Buffer.from('{"a": "café ✓"}'))).toEqual({ value: { a: "café ✓" } });
  });
});

describe("preview", () => {
  it.each([
    ["a short string", "eu-west-1", '"eu-west-1"'],
    ["a number", 42, "42"],
    ["a small array", [["a", "b"]], '[["a","b"]]'],
    ["control characters, escaped", "a\u0007\u001b[31m\u0085\u2028", '"a\\u0007\\u001b[31m\\u{85}\\u{2028}"'],
    ["a deep value, cut at four levels", [[[[[1]]]]], "[[[[[…]]]]]"],
    ["a small object, whole", { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 }, '{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6}'],
    [
      "a wide object, as many keys as fit",
      Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, i])),
      '{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k…',
    ],
  ])("shows %s", (_, value, shown) => {
    expect(preview(value)).toBe(shown);
  });

  it(`cuts anything to ${MAX_PREVIEW_CHARS} characters`, () => {
    expect(preview("x".repeat(1_000_000))).toHaveLength(MAX_PREVIEW_CHARS);
    expect(preview(Array.from({ length: 1000 }, () => "y".repeat(1000)))).toHaveLength(MAX_PREVIEW_CHARS);
  });
});
