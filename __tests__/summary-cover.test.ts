import fc from "fast-check";
import { blockOf, contains, overlaps, summaryCover } from "../lib/plan/vpc-cidr";

/** The private ranges, as first address and size. */
const RANGES = [blockOf("10.0.0.0/8"), blockOf("172.16.0.0/12"), blockOf("192.168.0.0/16"), blockOf("100.64.0.0/10")];

/** Disjoint VPC-sized blocks (/16 to /28) in the private ranges, from random ranges, offsets and prefixes. */
const disjointBlocks = fc
  .array(
    fc.tuple(
      fc.integer({ min: 0, max: RANGES.length - 1 }),
      fc.integer({ min: 0, max: 2 ** 24 - 1 }),
      fc.integer({ min: 16, max: 28 }),
    ),
    { minLength: 1, maxLength: 40 },
  )
  .map((drawn) => {
    const blocks = drawn.map(([range, offset, prefix]) => {
      const { start: first, end } = RANGES[range];
      const address = first + (offset % (end - first + 1));
      const size = 2 ** (32 - prefix);
      const start = address - (address % size);
      const dotted = [24, 16, 8, 0].map((s) => Math.floor(start / 2 ** s) % 256).join(".");
      return blockOf(`${dotted}/${prefix}`);
    });
    return blocks.filter((b, i) => !blocks.slice(0, i).some((a) => overlaps(a, b)));
  });

describe("summaryCover", () => {
  it.each([
    [["10.0.0.0/24", "10.0.1.0/24"], ["10.0.0.0/23"]],
    [["10.0.0.0/24", "10.3.231.0/24"], ["10.0.0.0/14"]],
    [["10.0.0.0/24"], ["10.0.0.0/23"]],
    [
      ["10.0.0.0/24", "172.16.5.0/24", "192.168.0.0/24", "192.168.8.0/24"],
      ["10.0.0.0/23", "172.16.4.0/23", "192.168.0.0/20"],
    ],
    [["100.64.0.0/24", "100.127.0.0/24"], ["100.64.0.0/10"]],
    [["10.0.0.0/24", "11.0.0.0/24"], undefined],
    [["192.168.0.0/16"], undefined],
  ])("covers %j with %j", (blocks, cover) => {
    expect(summaryCover(blocks.map(blockOf))?.map((b) => b.cidr)).toEqual(cover);
  });

  it("covers every block of the private ranges, never with one of the blocks itself, with disjoint blocks", () => {
    fc.assert(
      fc.property(disjointBlocks, (blocks) => {
        const cover = summaryCover(blocks);
        // Only a block that is a whole range (192.168.0.0/16) leaves no cover inside the range.
        const whole = blocks.some((b) => RANGES.some((r) => r.start === b.start && r.prefix === b.prefix));
        expect(cover === undefined).toBe(whole);
        if (cover === undefined) return;
        for (const block of blocks) expect(cover.some((c) => contains(c, block))).toBe(true);
        for (const c of cover) {
          expect(RANGES.some((r) => contains(r, c))).toBe(true);
          expect(blocks.some((b) => b.start === c.start && b.prefix === c.prefix)).toBe(false);
        }
        cover.forEach((c, i) => cover.slice(i + 1).forEach((d) => expect(overlaps(c, d)).toBe(false)));
      }),
    );
  });
});
