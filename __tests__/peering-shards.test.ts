import * as fc from "fast-check";
import { fullMesh } from "../lib/config";
import {
  checkPeeringStacks,
  fnv1a,
  planPeeringStacks,
  resourcesOfPeering,
  shardOf,
  ShardingInput,
  shardStackId,
} from "../lib/plan/peering-shards";

/** fast-check runs with a fixed seed in npm test, so a failure is reproducible. */
const RUNS = { seed: 20261126, numRuns: 100 };

const vpcsNamed = (names: readonly string[], maxAzs = 1) => names.map((name) => ({ name, maxAzs }));

/** The stack of every peering, by "requester_accepter". */
function stackOfEach(input: ShardingInput): Map<string, string> {
  return new Map(planPeeringStacks(input).flatMap((s) => s.peerings.map(([a, b]) => [`${a}_${b}`, s.id] as const)));
}

describe("fnv1a", () => {
  it.each([
    ["", 0x811c9dc5],
    ["a", 0xe40c292c],
    ["foobar", 0xbf9cf968],
  ])("hashes %j to the published FNV-1a value", (text, hash) => {
    expect(fnv1a(text)).toBe(hash);
  });
});

describe("planPeeringStacks", () => {
  const names = ["a", "b", "c", "d"];
  const mesh = (maxPeeringStackResources: number, peeringShards = 4): ShardingInput => ({
    vpcs: vpcsNamed(names, 2),
    peerings: fullMesh(names),
    maxPeeringStackResources,
    peeringShards,
  });

  it("keeps every peering in the one stack `peering` while their resources fit the bound", () => {
    expect(planPeeringStacks(mesh(30))).toEqual([{ id: "peering", peerings: fullMesh(names), resources: 6 * 5 }]);
  });

  it("splits them into all the shards, empty ones included, once they do not fit", () => {
    const plan = planPeeringStacks(mesh(29));
    expect(plan.map((s) => s.id)).toEqual(["peering-00", "peering-01", "peering-02", "peering-03"]);
    expect(plan.flatMap((s) => s.peerings).sort()).toEqual(fullMesh(names).sort());
    for (const s of plan) expect(s.resources).toBe(s.peerings.length * resourcesOfPeering(2, 2));
  });

  it("counts a connection and one route per private route table of either VPC", () => {
    const plan = planPeeringStacks({
      vpcs: [...vpcsNamed(["a"], 3), ...vpcsNamed(["b"], 1)],
      peerings: [["a", "b"]],
      maxPeeringStackResources: 100,
      peeringShards: 2,
    });
    expect(plan[0].resources).toBe(1 + 3 + 1);
  });

  it("names shards with two digits, so they sort in order", () => {
    expect([0, 7, 63].map(shardStackId)).toEqual(["peering-00", "peering-07", "peering-63"]);
  });

  it("puts a peering in the shard its names hash to, whatever else the config holds", () => {
    const stacks = stackOfEach(mesh(1));
    for (const [a, b] of fullMesh(names)) expect(stacks.get(`${a}_${b}`)).toBe(shardStackId(shardOf(a, b, 4)));
  });
});

describe("shard assignment", () => {
  const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
  const world = fc.uniqueArray(name, { minLength: 3, maxLength: 24 }).chain((names) =>
    fc.record({
      names: fc.constant(names),
      peerings: fc.subarray(fullMesh(names), { minLength: 1 }),
      shards: fc.integer({ min: 2, max: 16 }),
      added: name.filter((n) => !names.includes(n)),
    }),
  );
  const sharded = (
    names: readonly string[],
    peerings: readonly (readonly [string, string])[],
    shards: number,
  ): ShardingInput => ({
    vpcs: vpcsNamed(names),
    peerings,
    maxPeeringStackResources: 1,
    peeringShards: shards,
  });

  it("moves no peering to another stack when a VPC and its peerings are added", () => {
    fc.assert(
      fc.property(world, ({ names, peerings, shards, added }) => {
        const before = stackOfEach(sharded(names, peerings, shards));
        const after = stackOfEach(
          sharded(
            [...names.slice(0, 1), added, ...names.slice(1)],
            [...peerings, ...names.map((n) => [n, added] as const)],
            shards,
          ),
        );
        for (const [key, stack] of before) expect(after.get(key)).toBe(stack);
      }),
      RUNS,
    );
  });

  it("moves no peering to another stack when peerings are added or removed", () => {
    fc.assert(
      fc.property(world, fc.integer({ min: 0, max: 1000 }), ({ names, peerings, shards }, pick) => {
        const all = fullMesh(names);
        const more = [...peerings, all[pick % all.length]].filter(
          (p, i, list) => list.findIndex((q) => q[0] === p[0] && q[1] === p[1]) === i,
        );
        const fewer = peerings.slice(1);
        const before = stackOfEach(sharded(names, peerings, shards));
        for (const changed of [more, fewer]) {
          const after = stackOfEach(sharded(names, changed, shards));
          for (const [key, stack] of after) expect(before.get(key) ?? stack).toBe(stack);
        }
      }),
      RUNS,
    );
  });

  it("holds every peering in exactly one stack", () => {
    fc.assert(
      fc.property(world, fc.integer({ min: 1, max: 200 }), ({ names, peerings, shards }, bound) => {
        const plan = planPeeringStacks({ ...sharded(names, peerings, shards), maxPeeringStackResources: bound });
        expect(
          plan
            .flatMap((s) => s.peerings)
            .map(([a, b]) => `${a}_${b}`)
            .sort(),
        ).toEqual(peerings.map(([a, b]) => `${a}_${b}`).sort());
      }),
      RUNS,
    );
  });
});

describe("checkPeeringStacks", () => {
  const names = Array.from({ length: 30 }, (_, i) => `v${i}`);
  const input = (maxPeeringStackResources: number, peeringShards: number): ShardingInput => ({
    vpcs: vpcsNamed(names),
    peerings: fullMesh(names),
    maxPeeringStackResources,
    peeringShards,
  });

  it("accepts a plan whose every stack fits the bound", () => {
    expect(checkPeeringStacks(input(3000, 16))).toEqual([]);
    expect(checkPeeringStacks(input(200, 16))).toEqual([]);
  });

  it("names each stack over the bound and both ways out", () => {
    const [problem, ...rest] = checkPeeringStacks(input(60, 16));
    expect(rest).toEqual([]);
    expect(problem).toMatch(
      /^peering stacks peering-\d\d \(\d+\)(, peering-\d\d \(\d+\))* would hold more than maxPeeringStackResources \(60\) resources: /,
    );
    expect(problem).toMatch(
      /set "maxPeeringStackResources" to at least \d+ \(moves nothing; larger stacks plan slower\), or "peeringShards" to \d+ or more, up to 64/,
    );
  });

  it("offers only the bound when peeringShards is already at its maximum", () => {
    const [problem] = checkPeeringStacks(input(5, 64));
    expect(problem).toContain('set "maxPeeringStackResources" to at least');
    expect(problem).not.toContain('"peeringShards" to');
  });

  it("suggests a maxPeeringStackResources that the fullest stack fits", () => {
    const [problem] = checkPeeringStacks(input(60, 16));
    const suggested = Number(/to at least (\d+)/.exec(problem)![1]);
    expect(checkPeeringStacks(input(suggested, 16))).toEqual([]);
  });
});
