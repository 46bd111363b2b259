import fc from "fast-check";
import { type AddressSet, intersect, setOfRanges, subtract, union } from "../../lib/reach/cidr";

/** Addresses 0..63: small enough to compare every set operation with one done address by address. */
const SPACE = 64;

const ranges = fc.array(
  fc.tuple(fc.integer({ min: 0, max: SPACE - 1 }), fc.integer({ min: 0, max: 8 })).map(([first, length]) => ({
    first: BigInt(first),
    last: BigInt(Math.min(SPACE - 1, first + length)),
  })),
  { maxLength: 8 },
);
const sets = ranges.map((r) => setOfRanges("ipv4", r));

function members(set: AddressSet): Set<number> {
  const out = new Set<number>();
  for (const r of set.ranges) for (let a = Number(r.first); a <= Number(r.last); a++) out.add(a);
  return out;
}

/** Whether a set is in the form every operation keeps: sorted, disjoint and non-adjacent ranges. */
function wellFormed(set: AddressSet): boolean {
  return set.ranges.every((r, i) => r.first <= r.last && (i === 0 || set.ranges[i - 1].last + 1n < r.first));
}

describe("address sets", () => {
  const cases: [
    string,
    (a: AddressSet, b: AddressSet) => AddressSet,
    (a: number, inA: boolean, inB: boolean) => boolean,
  ][] = [
    ["intersect holds what both hold", intersect, (_, inA, inB) => inA && inB],
    ["subtract holds what the first holds and the second does not", subtract, (_, inA, inB) => inA && !inB],
    ["union holds what either holds", union, (_, inA, inB) => inA || inB],
  ];
  it.each(cases)("%s, as sorted, disjoint, non-adjacent ranges", (_, op, expected) => {
    fc.assert(
      fc.property(sets, sets, (a, b) => {
        const result = op(a, b);
        const [inA, inB, got] = [members(a), members(b), members(result)];
        for (let x = 0; x < SPACE; x++) expect(got.has(x)).toBe(expected(x, inA.has(x), inB.has(x)));
        expect(wellFormed(result)).toBe(true);
        expect(result.family).toBe("ipv4");
      }),
      { numRuns: 500 },
    );
  });
});
