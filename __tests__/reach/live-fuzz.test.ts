import fc from "fast-check";
import { ReachInputError, analyze, formatText, liveModel, toJson } from "../../lib/reach";
import type { Snapshot } from "../../lib/reach/live/read";
import { type Account, REGION, merge, transitOf, twoPeeredVpcs, twoVpcsOnATransitGateway } from "./live-account";

/** Fixed, so that `npm test` explores the same inputs every run; change it to explore others. */
const SEED = 11_2026;
const RUNS = 300;

/** What EC2 could send in a string field: ids of the fake's own resources, states, blocks, addresses and noise. */
const strings = fc.oneof(
  fc.constantFrom(
    "vpc-a",
    "vpc-b",
    "subnet-a",
    "rtb-a",
    "rtb-b-main",
    "pcx-ab",
    "sg-a",
    "sg-b",
    "acl-b",
    "nat-a",
    "igw-b",
    "i-a",
    "local",
    "blackhole",
    "active",
    "deleted",
    "pending-acceptance",
    "associated",
    "disassociated",
    "running",
    "terminated",
    "allow",
    "deny",
    "-1",
    "icmp",
    "58",
    "300",
    "Project",
    "peering",
    "Name",
    "10.0.0.0/8",
    "10.0.1.0/24",
    "10.0.1.33/24",
    "0.0.0.0/0",
    "2001:db8::/56",
    "::/0",
    "10.0.1.40",
    "10.0.0.256",
    "fe80::1%eth0",
    "",
  ),
  fc.string({ maxLength: 12 }),
);
const numbers = fc.constantFrom(-2, -1, 0, 1, 8, 100, 32766, 32767, 65536, 0.5, NaN);

/** One change to the account: a field or list item removed, or a string, number or flag replaced by another of its kind. */
interface Mutation {
  readonly at: number;
  readonly remove: boolean;
  readonly text: string;
  readonly number: number;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  remove: fc.boolean(),
  text: strings,
  number: numbers,
});

interface Slot {
  readonly parent: Record<string, unknown> | unknown[];
  readonly key: string | number;
}

/** Every place in the account's lists where a value sits, in a fixed order (the lists themselves are always there). */
function slots(root: Account): Slot[] {
  const out: Slot[] = [];
  const pending: unknown[] = Object.values(root);
  while (pending.length > 0) {
    const value = pending.shift();
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        out.push({ parent: value, key: i });
        pending.push(item);
      });
    } else if (typeof value === "object" && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        out.push({ parent: value as Record<string, unknown>, key });
        pending.push(item);
      }
    }
  }
  return out;
}

/** What EC2 could send in a transit gateway's string fields, besides the strings above. */
const transitStrings = fc.oneof(
  strings,
  fc.constantFrom(
    "tgw-ab",
    "tgw-attach-a",
    "tgw-attach-b",
    "tgw-rtb-ab",
    "available",
    "pendingAcceptance",
    "associated",
    "enabled",
    "static",
    "propagated",
    "enable",
  ),
);

function mutate(account: Account, mutations: readonly Mutation[]): void {
  for (const m of mutations) {
    const all = slots(account);
    const slot = all[m.at % all.length];
    const parent = slot.parent as Record<string | number, unknown>;
    const old = parent[slot.key];
    if (m.remove) {
      if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
      else delete parent[slot.key];
    } else if (typeof old === "string") parent[slot.key] = m.text;
    else if (typeof old === "number") parent[slot.key] = m.number;
    else if (typeof old === "boolean") parent[slot.key] = !old;
  }
}

function snapshot(account: Account): Snapshot {
  return { label: REGION, region: REGION, ...account, transit: transitOf(account) };
}

describe("the live mapper answers every description EC2 could give with a model or an input error", () => {
  it("never crashes on descriptions with fields left out or values changed", () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.boolean(), (mutations, twice) => {
        const account = twoPeeredVpcs();
        mutate(account, mutations);
        // The same resources seen from a second target must not be built twice.
        const snapshots = twice ? [snapshot(account), snapshot(merge(account, twoPeeredVpcs()))] : [snapshot(account)];
        try {
          const result = analyze(liveModel(snapshots, { Project: "peering" }));
          formatText(result);
          JSON.stringify(toJson(result));
        } catch (error) {
          if (!(error instanceof ReachInputError)) throw error;
          expect(error.message).not.toMatch(/undefined|\[object/);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("never crashes on transit gateway descriptions with fields left out or values changed", () => {
    const transitMutation = fc.record({ at: fc.nat(), remove: fc.boolean(), text: transitStrings, number: numbers });
    fc.assert(
      fc.property(fc.array(transitMutation, { minLength: 1, maxLength: 6 }), fc.boolean(), (mutations, twice) => {
        const account = twoVpcsOnATransitGateway();
        mutate(account, mutations);
        const snapshots = twice
          ? [snapshot(account), snapshot(merge(account, twoVpcsOnATransitGateway()))]
          : [snapshot(account)];
        try {
          const result = analyze(liveModel(snapshots, { Project: "peering" }));
          formatText(result);
          JSON.stringify(toJson(result));
        } catch (error) {
          if (!(error instanceof ReachInputError)) throw error;
          expect(error.message).not.toMatch(/undefined|\[object/);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
