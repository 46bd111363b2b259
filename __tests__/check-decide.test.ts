import * as path from "path";
import { analyze, buildModel, readDocuments } from "../lib/reach";
import { CHECK_THREADS_ENV, checkThreads, decidePairs, MAX_CHECK_THREADS, PairVerdicts } from "../lib/check/decide";
import { example } from "../test-support/configs";
import { synthToTemp } from "../test-support/synth";
import { runScript } from "../test-support/scripts";

/**
 * lib/check/decide.ts as npm run check runs it, compiled: only there does decideInThreads start
 * threads (under ts-node there is no compiled thread script). jest's global setup brought the
 * build up to date.
 */
const compiled = require(
  path.resolve(__dirname, "..", ".build", "lib", "check", "decide"),
) as typeof import("../lib/check/decide");

describe("the verdicts check keeps, a byte per pair", () => {
  const app = synthToTemp(example("transit-gateway.json"));
  afterAll(() => app.remove());
  const model = buildModel(readDocuments([app.outdir]));
  const instances = [...model.instances.keys()];
  const { pairs } = analyze(model);

  it("are reach's verdicts on every ordered pair, and none on an instance with itself", () => {
    const verdicts = new PairVerdicts(instances, decidePairs(model));
    expect(pairs.length).toBeGreaterThan(0);
    for (const p of pairs) expect(verdicts.get(p.protocol, p.from, p.to)).toBe(p.reachable);
    expect(verdicts.get("ipv4", instances[0], instances[0])).toBeUndefined();
    expect(verdicts.get("ipv4", instances[0], "instances/aws_instance.elsewhere")).toBeUndefined();
  });

  it("decided from a run of sources hold those sources' pairs only", () => {
    const verdicts = new PairVerdicts(instances, decidePairs(model, { start: 1, end: 3 }));
    for (const p of pairs) {
      const from = instances.indexOf(p.from);
      expect(verdicts.get(p.protocol, p.from, p.to)).toBe(from >= 1 && from < 3 ? p.reachable : undefined);
    }
  });

  it.each([1, 2, 3, instances.length + 5])("are the same decided in %i threads", async (threads) => {
    const verdicts = await compiled.decideInThreads(model, threads);
    for (const p of pairs) expect(verdicts.get(p.protocol, p.from, p.to)).toBe(p.reachable);
  });
});

describe("how many threads decide the pairs", () => {
  it.each([
    ["a small network, whatever the CPUs", 10, {}, 8, 1],
    ["a thousand VPCs on two CPUs", 1000, {}, 2, 2],
    ["a thousand VPCs on sixteen CPUs: at most four unless asked", 1000, {}, 16, 4],
    ["500 VPCs (249,500 pairs) on four CPUs: one per 100,000 pairs", 500, {}, 4, 2],
    ["the number asked for, whatever the size", 10, { [CHECK_THREADS_ENV]: "3" }, 2, 3],
    ["the most that may be asked for", 10, { [CHECK_THREADS_ENV]: String(MAX_CHECK_THREADS) }, 2, MAX_CHECK_THREADS],
  ])("%s", (_, instances, env, cpus, threads) => {
    expect(checkThreads(instances, env, cpus)).toBe(threads);
  });

  it.each(["0", "-1", "2.5", "two", "", "65", "0004"])("refuses %j, naming the variable and what to give", (value) => {
    const found = checkThreads(1000, { [CHECK_THREADS_ENV]: value }, 2);
    expect(found).toEqual({
      problem: expect.stringMatching(
        new RegExp(`^${CHECK_THREADS_ENV} is "${value.replace(".", "\\.")}": use a whole number of threads from 1`),
      ),
    });
  });
});

describe("npm run check in threads", () => {
  it("prints the same verdict in one thread and in three", () => {
    const env = { ...process.env, PEERING_CONFIG: path.resolve("examples/transit-gateway.json") };
    const one = runScript("check", [], { ...env, [CHECK_THREADS_ENV]: "1" });
    const three = runScript("check", [], { ...env, [CHECK_THREADS_ENV]: "3" });
    expect(one.status).toBe(0);
    expect([three.status, three.stdout]).toEqual([0, one.stdout]);
  });

  it("exits 2 on a bad thread count, before synthesizing, without a stack trace", () => {
    const run = runScript("check", [], { ...process.env, [CHECK_THREADS_ENV]: "many" });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(
      `check: ${CHECK_THREADS_ENV} is "many": use a whole number of threads from 1 (everything in one) to ${MAX_CHECK_THREADS}, or unset it to let the network's size and the CPUs decide`,
    );
  });
});
