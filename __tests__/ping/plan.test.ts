import { chunk, MAX_INSTANCES_PER_COMMAND, pingCommand, planPingCommands } from "../../lib/ping/plan";
import { instances } from "./fixtures";

describe("chunk", () => {
  it.each([
    [[], 50, []],
    [[1, 2, 3], 2, [[1, 2], [3]]],
    [[1, 2, 3], 3, [[1, 2, 3]]],
  ])("splits %j into chunks of %i", (items, size, expected) => {
    expect(chunk(items, size)).toEqual(expected);
  });

  it("refuses a size below 1", () => {
    expect(() => chunk([1], 0)).toThrow(/chunk size 0: must be a positive integer/);
  });
});

describe("planPingCommands", () => {
  it("pings each target from every other instance, never from itself", () => {
    const fleet = instances(3);
    const plans = planPingCommands(fleet, fleet);
    expect(plans.map((p) => [p.target.name, p.sources.map((s) => s.name)])).toEqual([
      ["a", ["b", "c"]],
      ["b", ["a", "c"]],
      ["c", ["a", "b"]],
    ]);
  });

  it("puts at most 50 sources in one command, covering every pair exactly once", () => {
    const fleet = instances(120);
    const plans = planPingCommands(fleet, fleet);
    expect(Math.max(...plans.map((p) => p.sources.length))).toBe(MAX_INSTANCES_PER_COMMAND);
    expect(plans).toHaveLength(120 * 3);
    const pairs = plans.flatMap((p) => p.sources.map((s) => `${s.name}->${p.target.name}`));
    expect(new Set(pairs).size).toBe(120 * 119);
    expect(pairs).toHaveLength(120 * 119);
  });

  it("sends nothing from instances left out of the sources", () => {
    const [a, b, c] = instances(3);
    const plans = planPingCommands([a, b, c], [a, b]);
    expect(plans.map((p) => [p.target.name, p.sources.map((s) => s.name)])).toEqual([
      ["a", ["b"]],
      ["b", ["a"]],
      ["c", ["a", "b"]],
    ]);
  });
});

describe("pingCommand", () => {
  it("pings three times", () => {
    expect(pingCommand("10.0.1.40")).toBe("ping -c 3 10.0.1.40");
  });

  it.each(["10.0.1.400", "10.0.1.4; reboot", "$(id)", "fe80::1"])("refuses %j, which would end up in a shell", (ip) => {
    expect(() => pingCommand(ip)).toThrow(/not an IPv4 address/);
  });
});
