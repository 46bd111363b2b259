import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { TerraformOutput } from "cdktf";
import { PeeringApp } from "../app/peering-app";
import { ConfigError, parseConfig } from "../lib/config";
import { addAppStacks, addPeeringShards } from "../stacks";
import { planPeeringStacks } from "../lib/plan/peering-shards";
import {
  consecutiveRuns,
  DEFAULT_MAX_SYNTH_THREADS,
  SynthOptions,
  synthPlan,
  synthThreads,
  threadOptions,
} from "../app/synth";
import { example, manyVpcs, SHARDED_MESH_CONFIG } from "../test-support/configs";
import { planCells } from "../lib/plan/cells";
import { synthToTemp } from "../test-support/synth";

/**
 * app/synth.ts as the app runs it, compiled: only there does synthesize start threads (under
 * ts-node there is no compiled thread script). jest's global setup brought the build up to date.
 */
const compiled = require(path.resolve(__dirname, "..", ".build", "app", "synth")) as typeof import("../app/synth");

/** Configs whose peerings are split over four stacks, some of them empty. */
const SHARDED = {
  "the mixed example (regions, accounts, IPv6, DNS, a VPN) with Reachability Analyzer": {
    ...example("mixed.json"),
    maxPeeringStackResources: 6,
    peeringShards: 4,
    reachabilityAnalyzer: true,
  },
  "the full-mesh example": { ...example("full-mesh.json"), maxPeeringStackResources: 10, peeringShards: 4 },
};

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  dirs = [];
});
const tempDir = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "peering-threads-"));
  dirs.push(dir);
  return dir;
};

/** Every file under `dir` by relative path, with its bytes. */
function files(dir: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile())
      found[path.relative(dir, path.join(entry.parentPath, entry.name))] = fs.readFileSync(
        path.join(entry.parentPath, entry.name),
        "latin1",
      );
  }
  return found;
}

/** The files one thread writes for `raw`. */
function inOneThread(raw: unknown, hclOutput = false): Record<string, string> {
  const one = synthToTemp(raw, hclOutput);
  dirs.push(one.outdir);
  return files(one.outdir);
}

describe("PeeringApp.synthInParts", () => {
  it.each(Object.entries(SHARDED))(
    "writes %s byte for byte as synth() does, with the later parts synthesized by other apps",
    async (_, raw) => {
      const config = parseConfig(raw);
      const outdir = tempDir();
      const app = new PeeringApp({ outdir });
      const stacks = addAppStacks(app, config);
      const asked: string[][] = [];
      await app.synthInParts(consecutiveRuns(stacks.peering, 3), async (ids) => {
        asked.push([...ids]);
        const other = new PeeringApp({ outdir });
        addPeeringShards(other, config, ids);
        return other.synthPart(ids);
      });
      expect(asked).toEqual([["peering-01"], ["peering-02", "peering-03"]]);
      expect(files(outdir)).toEqual(inOneThread(raw));
    },
  );

  it("refuses a stack that references a stack of a part, naming both", async () => {
    const app = new PeeringApp({ outdir: tempDir() });
    const stacks = addAppStacks(app, parseConfig(SHARDED["the full-mesh example"]));
    const shard = stacks.peering.find((s) => s.peerings.size > 0)!;
    new TerraformOutput(stacks.instances[0], "a_peering", { value: [...shard.peerings.values()][0].connection.id });
    await expect(app.synthInParts([stacks.peering], () => Promise.reject(new Error("not called")))).rejects.toThrow(
      new RegExp(
        `instances references aws_vpc_peering_connection\\.\\S+ of ${shard.node.id}, which is synthesized in a part of its own: no stack may reference it`,
      ),
    );
  });

  it("fails as a part synthesized elsewhere fails", async () => {
    const app = new PeeringApp({ outdir: tempDir() });
    const { peering } = addAppStacks(app, parseConfig(SHARDED["the full-mesh example"]));
    await expect(
      app.synthInParts(consecutiveRuns(peering, 2), () => Promise.reject(new Error("the thread ran out of memory"))),
    ).rejects.toThrow("the thread ran out of memory");
  });

  it("refuses parts that are not consecutive stacks of the app", async () => {
    const app = new PeeringApp({ outdir: tempDir() });
    const { peering } = addAppStacks(app, parseConfig(SHARDED["the full-mesh example"]));
    await expect(
      app.synthInParts([[peering[0]], [peering[2]]], () => Promise.reject(new Error("not called"))),
    ).rejects.toThrow("synthInParts: the parts must be consecutive stacks of this app, in order");
  });
});

describe("synthesize", () => {
  // Worker threads load cdktf and the provider bindings each: seconds of CPU on a busy 2-core machine.
  jest.setTimeout(60_000);

  it.each([
    ["JSON", false],
    ["HCL", true],
  ])("writes %s in three threads byte for byte as in one, and says it used three", async (_, hclOutput) => {
    const raw = SHARDED["the mixed example (regions, accounts, IPv6, DNS, a VPN) with Reachability Analyzer"];
    const outdir = tempDir();
    await expect(
      compiled.synthesize(parseConfig(raw), { threads: 3, minResourcesPerThread: 0, app: { outdir, hclOutput } }),
    ).resolves.toBe(3);
    expect(files(outdir)).toEqual(inOneThread(raw, hclOutput));
  });

  it("writes a transit network of single stacks in one thread, whatever it is given", async () => {
    const raw = example("transit-gateway.json");
    const outdir = tempDir();
    await expect(
      compiled.synthesize(parseConfig(raw), { threads: 2, minResourcesPerThread: 0, app: { outdir } }),
    ).resolves.toBe(1);
    expect(files(outdir)).toEqual(inOneThread(raw));
  });

  it.each([
    ["transit-gateway.json", false],
    ["transit-peering-segments.json", true],
  ])(
    "writes %s split into cells (HCL: %s) in two threads byte for byte as in one, network cells in the other",
    async (name, hclOutput) => {
      const raw = { ...example(name), networkCells: 3 };
      const outdir = tempDir();
      await expect(
        compiled.synthesize(parseConfig(raw), { threads: 2, minResourcesPerThread: 0, app: { outdir, hclOutput } }),
      ).resolves.toBe(2);
      expect(files(outdir)).toEqual(inOneThread(raw, hclOutput));
    },
  );

  it("writes the mixed example with Reachability Analyzer split into cells in two threads byte for byte as in one", async () => {
    const raw = { ...example("mixed.json"), reachabilityAnalyzer: true, networkCells: 3 };
    const outdir = tempDir();
    const options = { threads: 2, minResourcesPerThread: 0 };
    expect(synthPlan(parseConfig(raw), options)!.parts).toHaveLength(2);
    await expect(compiled.synthesize(parseConfig(raw), { ...options, app: { outdir } })).resolves.toBe(2);
    expect(files(outdir)).toEqual(inOneThread(raw));
  });

  it("writes a sharded mesh split into cells in the threads its plan gives it byte for byte as in one", async () => {
    const raw = { ...SHARDED["the full-mesh example"], networkCells: 3 };
    const outdir = tempDir();
    const options = { threads: 3, minResourcesPerThread: 0 };
    const threads = synthPlan(parseConfig(raw), options)!.parts.length;
    expect(threads).toBeGreaterThanOrEqual(2);
    await expect(compiled.synthesize(parseConfig(raw), { ...options, app: { outdir } })).resolves.toBe(threads);
    expect(files(outdir)).toEqual(inOneThread(raw));
  });

  it("uses no more threads than there are peering stacks", async () => {
    await expect(
      compiled.synthesize(parseConfig(SHARDED_MESH_CONFIG), {
        threads: 8,
        minResourcesPerThread: 0,
        app: { outdir: tempDir() },
      }),
    ).resolves.toBe(4);
  });

  it("keeps a mesh too small to be worth a thread in one", async () => {
    await expect(
      compiled.synthesize(parseConfig(SHARDED_MESH_CONFIG), { threads: 4, app: { outdir: tempDir() } }),
    ).resolves.toBe(1);
  });
});

describe("synthPlan", () => {
  const manyAttached = (n: number, extra: Record<string, unknown> = {}) => ({
    region: "eu-west-1",
    maxAzs: 2,
    natGateways: "single",
    transitGateways: [{ name: "hub", segments: [{ name: "core", reaches: [] }] }],
    vpcs: manyVpcs(n).map((v) => ({ ...v, transitAttachments: { hub: "core" } })),
    peerings: [],
    rulesPerSecurityGroup: 1000,
    ...extra,
  });

  it("gives the other thread of a network in cells whole cells worth about half of the resources, and keeps the rest here", () => {
    const config = parseConfig(manyAttached(400));
    const plan = synthPlan(config, { threads: 2 })!;
    expect(plan.mirror).toBe(true);
    expect(plan.parts).toHaveLength(2);
    const cellIds = (ids: readonly string[]) => [...new Set(ids.map((id) => id.replace(/^[a-z]+-/, "")))].sort();
    const [here, there] = plan.parts.map(cellIds);
    for (const id of there)
      expect(plan.parts[1]).toEqual(expect.arrayContaining([`network-${id}`, `instances-${id}`, `transit-${id}`]));
    expect([...here, ...there].sort()).toEqual(planCells(config).map((c) => c.id));
    // Each VPC weighs the same here (2 AZs, attached): the other thread takes about half of them.
    const vpcsThere = planCells(config)
      .filter((c) => there.includes(c.id))
      .reduce((n, c) => n + c.vpcs.length, 0);
    expect(Math.abs(vpcsThere - 200)).toBeLessThan(40);
    // This thread prepares every transit cell (for the core's outputs) but not the other's instances cells.
    expect([...plan.unprepared[0]].sort()).toEqual(there.map((id) => `instances-${id}`).sort());
    expect(plan.unprepared[1]).toEqual(
      expect.arrayContaining(["transit", ...here.map((id) => `instances-${id}`), ...here.map((id) => `transit-${id}`)]),
    );
  });

  it("keeps a network in cells too small to be worth a thread in one", () => {
    expect(synthPlan(parseConfig(manyAttached(20, { networkCells: 4 })), { threads: 2 })).toBeUndefined();
  });

  it("keeps everything in one thread when one is asked for", () => {
    expect(synthPlan(parseConfig(manyAttached(400)), { threads: 1 })).toBeUndefined();
  });
});

describe("synthThreads", () => {
  const mesh = parseConfig(SHARDED_MESH_CONFIG);
  const shards = planPeeringStacks(mesh);
  const resources = shards.reduce((sum, p) => sum + p.resources, 0);
  it.each<[string, SynthOptions, number]>([
    ["one when no threads are asked for", {}, 1],
    ["the threads asked for when each gets enough resources", { threads: 3, minResourcesPerThread: 0 }, 3],
    ["no more threads than peering stacks", { threads: 64, minResourcesPerThread: 0 }, shards.length],
    [
      "one per minResourcesPerThread of the peering stacks' resources",
      { threads: 4, minResourcesPerThread: Math.floor(resources / 2) },
      2,
    ],
    ["one for a mesh smaller than minResourcesPerThread", { threads: 4, minResourcesPerThread: resources + 1 }, 1],
  ])("gives %s", (_, options, threads) => {
    expect(shards.length).toBeGreaterThan(3);
    expect(synthThreads(mesh, options)).toBe(threads);
  });

  it("gives one to an app with a single peering stack, however many are asked for", () => {
    expect(synthThreads(parseConfig(example("full-mesh.json")), { threads: 4, minResourcesPerThread: 0 })).toBe(1);
  });
});

describe("threadOptions", () => {
  it.each([
    ["one thread per CPU", {}, 2, { threads: 2 }],
    [`at most ${DEFAULT_MAX_SYNTH_THREADS} threads`, {}, 32, { threads: DEFAULT_MAX_SYNTH_THREADS }],
    [
      "the number PEERING_SYNTH_THREADS gives, whatever the mesh's size",
      { PEERING_SYNTH_THREADS: "8" },
      2,
      { threads: 8, minResourcesPerThread: 0 },
    ],
  ])("takes %s", (_, env, cpus, options) => {
    expect(threadOptions(env, cpus)).toEqual(options);
  });

  it("refuses a PEERING_SYNTH_THREADS that is not a whole number from 1 to 64", () => {
    expect(() => threadOptions({ PEERING_SYNTH_THREADS: "0" }, 2)).toThrow(ConfigError);
  });
});

describe("consecutiveRuns", () => {
  it("splits a list into runs of sizes that differ by one at most, in order", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 1, max: n }))),
        ([n, count]) => {
          const list = Array.from({ length: n }, (_, i) => i);
          const runs = consecutiveRuns(list, count);
          const sizes = runs.map((r) => r.length);
          expect(runs.flat()).toEqual(list);
          expect(runs).toHaveLength(count);
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});
