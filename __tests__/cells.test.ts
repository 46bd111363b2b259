import * as fc from "fast-check";
import {
  CellInput,
  cellCount,
  cellOf,
  checkCells,
  DEFAULT_NETWORK_CELLS,
  MAX_NETWORK_CELLS,
  MAX_UNSPLIT_VPCS,
  planCells,
} from "../lib/plan/cells";
import { fnv1a } from "../lib/plan/peering-shards";
import { parseConfig } from "../lib/config";
import { errorOf, manyVpcs } from "../test-support/configs";

/** fast-check runs with a fixed seed in npm test, so a failure is reproducible. */
const RUNS = { seed: 20261208, numRuns: 100 };

const named = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `v${i}` }));

/** The cell of every VPC, by name. */
function cellOfEach(input: CellInput): Map<string, string> {
  return new Map(planCells(input).flatMap((c) => c.vpcs.map((v) => [v, c.id] as const)));
}

describe("planCells", () => {
  it.each([
    ["a full mesh's most, 126 VPCs, and no networkCells", { vpcs: named(MAX_UNSPLIT_VPCS) }, 0],
    ["a network of 127 VPCs and no networkCells", { vpcs: named(MAX_UNSPLIT_VPCS + 1) }, DEFAULT_NETWORK_CELLS],
    ["a network of 3 VPCs with networkCells 2", { vpcs: named(3), networkCells: 2 }, 2],
    ["a network of 1,000 VPCs with networkCells 40", { vpcs: named(1000), networkCells: 40 }, 40],
  ])("splits %s into %i cells (0: not split)", (_, input, cells) => {
    expect(cellCount(input)).toBe(cells);
    expect(planCells(input)).toHaveLength(cells);
  });

  it("names cells with two digits, empty ones included, so they sort in order", () => {
    expect(planCells({ vpcs: [], networkCells: 12 }).map((c) => c.id)).toEqual([
      ...["00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11"],
    ]);
  });

  it("puts each VPC, in config order, in the cell its name hashes to", () => {
    const vpcs = named(300);
    const plan = planCells({ vpcs });
    for (const { name } of vpcs) expect(plan[fnv1a(name) % DEFAULT_NETWORK_CELLS].vpcs).toContain(name);
    for (const cell of plan) expect(cell.vpcs).toEqual(vpcs.map((v) => v.name).filter((n) => cell.vpcs.includes(n)));
    expect(plan.flatMap((c) => c.vpcs).sort()).toEqual(vpcs.map((v) => v.name).sort());
  });

  const world = fc.record({
    names: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), { minLength: 1, maxLength: 40 }),
    extra: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/),
    cells: fc.integer({ min: 2, max: MAX_NETWORK_CELLS }),
  });

  it("moves no VPC to another cell when a VPC is added or removed", () => {
    fc.assert(
      fc.property(world, ({ names, extra, cells }) => {
        const before = cellOfEach({ vpcs: names.map((name) => ({ name })), networkCells: cells });
        const grown = names.includes(extra) ? names : [...names, extra];
        const after = cellOfEach({ vpcs: grown.map((name) => ({ name })), networkCells: cells });
        const shrunk = cellOfEach({ vpcs: names.slice(1).map((name) => ({ name })), networkCells: cells });
        for (const [name, cell] of before) expect(after.get(name)).toBe(cell);
        for (const [name, cell] of shrunk) expect(before.get(name)).toBe(cell);
        expect(after.get(extra)).toBe(String(cellOf(extra, cells)).padStart(2, "0"));
      }),
      RUNS,
    );
  });
});

describe("checkCells", () => {
  it("accepts the 1,000-VPC network in the default 16 cells", () => {
    expect(checkCells({ vpcs: named(1000) })).toEqual([]);
  });

  it("refuses a 5,000-VPC network (the attachments quota of a gateway) in 16 cells and names a count that fits", () => {
    const [problem, ...more] = checkCells({ vpcs: named(5000) });
    expect(more).toEqual([]);
    expect(problem).toMatch(
      /^networkCells is unset \(16 cells\): 16 of the 16 cells would hold more than 100 VPCs \(the fullest, \d\d, \d+\): set "networkCells" to (\d+), the fewest cells that fit/,
    );
    const fits = Number(/to (\d+), the fewest/.exec(problem)![1]);
    expect(checkCells({ vpcs: named(5000), networkCells: fits })).toEqual([]);
    expect(checkCells({ vpcs: named(5000), networkCells: fits - 1 })).not.toEqual([]);
  });

  it("says so when no count fits", () => {
    expect(checkCells({ vpcs: named(20000), networkCells: MAX_NETWORK_CELLS })).toEqual([
      expect.stringMatching(/^networkCells is 100: .*: no count up to 100 fits: split the VPCs into several configs$/),
    ]);
  });
});

describe("the networkCells config key", () => {
  it("is left out of the resolved config unless set", () => {
    const vpcs = manyVpcs(3);
    expect(parseConfig({ vpcs, peerings: [] })).not.toHaveProperty("networkCells");
    expect(parseConfig({ vpcs, peerings: [], networkCells: 4 }).networkCells).toBe(4);
  });

  it.each([
    [1, "networkCells is 1: use a whole number of cells from 2 to 100"],
    [101, "networkCells is 101: use a whole number of cells from 2 to 100"],
    [2.5, "networkCells is 2.5 (a number): use a whole number of cells from 2 to 100"],
    ["4", 'networkCells is "4" (a string): use a whole number of cells from 2 to 100'],
  ])("refuses networkCells %j, naming the fix", (networkCells, message) => {
    const error = errorOf({ vpcs: manyVpcs(3), peerings: [], networkCells });
    expect(error.problems).toEqual([
      `${message}, or leave networkCells out to split only networks of more than ${MAX_UNSPLIT_VPCS} VPCs`,
    ]);
  });
});
