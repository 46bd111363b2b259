import fc from "fast-check";
import { DEFAULT_CONFIG } from "../../lib/config";
import {
  type AnalyzeOptions,
  ReachInputError,
  analyze,
  buildModel,
  formatText,
  readDocuments,
  toJson,
} from "../../lib/reach";
import { synthToTemp } from "../../test-support/synth";
import { crossRegionPeering, put, ref, twoPeeredVpcs } from "./terraform";

/** Fixed, so that `npm test` explores the same inputs every run; change it to explore others. */
const SEED = 6_2024;
const RUNS = 250;

interface Doc {
  readonly stack: string;
  readonly file: string;
  readonly json: unknown;
}

/** The idioms of hand-written Terraform that crashed reach: resources whose id stands for another. */
function standIns(): unknown {
  const tf = twoPeeredVpcs();
  put(tf, "aws_default_route_table", "main", { default_route_table_id: ref("aws_vpc.b.default_route_table_id") });
  put(tf, "aws_route", "to_a", {
    route_table_id: ref("aws_default_route_table.main.id"),
    destination_cidr_block: "10.0.0.0/16",
    vpc_peering_connection_id: ref("aws_vpc_peering_connection_accepter.ab.id"),
  });
  put(tf, "aws_vpc_peering_connection_accepter", "ab", {
    vpc_peering_connection_id: ref("aws_vpc_peering_connection.ab.id"),
    auto_accept: true,
  });
  put(tf, "aws_default_network_acl", "b", { default_network_acl_id: ref("aws_vpc.b.default_network_acl_id") });
  put(tf, "aws_default_security_group", "b", { vpc_id: ref("aws_vpc.b.id") });
  return Object.assign(tf, { locals: { b: "10.1.0.0/16" }, variable: { region: { default: "eu-west-1" } } });
}

let bases: (readonly Doc[])[] = [];

beforeAll(() => {
  const app = synthToTemp(DEFAULT_CONFIG);
  try {
    bases = [
      readDocuments([app.outdir]),
      [{ stack: "hand", file: "hand.tf.json", json: twoPeeredVpcs() }],
      [{ stack: "regions", file: "regions.tf.json", json: crossRegionPeering() }],
      [{ stack: "idioms", file: "idioms.tf.json", json: standIns() }],
    ];
  } finally {
    app.remove();
  }
});

const TOKENS = [
  "aws_vpc",
  "aws_subnet",
  "aws_default_route_table",
  "aws_vpc_peering_connection_accepter",
  "aws_instance",
  ".",
  "a",
  "b",
  "main",
  "ab",
  "id",
  "cidr_block",
  "default_route_table_id",
  "vpc_id",
  "ipv6_cidr_block",
  "local",
  "var",
  "data",
  "terraform_remote_state",
  "outputs",
  "module",
  "self",
  "toString",
  "__proto__",
  "[",
  "]",
  "(",
  ")",
  ",",
  " ",
  "0",
  "1",
  "-1",
  "0.5",
  "1e400",
  '"',
  '"10.0.0.0/8"',
  "cidrsubnet",
  "cidrhost",
  "element",
  "concat",
  "tolist",
  "lower",
  "${",
  "}",
  "%{",
  "$${",
];

/** A string that reads as a Terraform expression, well-formed or not. */
const expression = fc
  .tuple(fc.constantFrom("", "x", "10."), fc.array(fc.constantFrom(...TOKENS), { maxLength: 14 }), fc.boolean())
  .map(([prefix, tokens, closed]) => `${prefix}\${${tokens.join("")}${closed ? "}" : ""}`);

/** What a mutation puts in place of a value. */
type Replacement =
  | { readonly kind: "value"; readonly value: unknown }
  | { readonly kind: "reference"; readonly pick: number; readonly attribute: string }
  | { readonly kind: "deep"; readonly depth: number; readonly objects: boolean }
  | { readonly kind: "deep expression"; readonly depth: number }
  | { readonly kind: "local cycle" };

const replacement: fc.Arbitrary<Replacement> = fc.oneof(
  fc
    .oneof(
      fc.constantFrom(null, true, false, 0, -1, 0.5, 1e300, Infinity, -Infinity, NaN, "", "-1", "all", 2 ** 53 + 2),
      fc.constantFrom(
        "fe80::%eth0/64",
        "10.0.0.1/16",
        "10.0.0.0/016",
        "2001:db8::/56",
        "::/0",
        "0.0.0.0/0",
        "10.1.1.010",
      ),
      fc.string({ maxLength: 20 }),
      fc.jsonValue({ maxDepth: 3 }),
      expression,
      fc.constantFrom("a".repeat(100_000), "0123456789abcdef:".repeat(6_000), `10.0.0.0/${"1".repeat(50_000)}`),
    )
    .map((value) => ({ kind: "value" as const, value })),
  fc.record({
    kind: fc.constant("reference" as const),
    pick: fc.nat(),
    attribute: fc.constantFrom("id", "cidr_block", "vpc_id", "default_route_table_id", "subnet_id", "nothing"),
  }),
  fc.record({ kind: fc.constant("deep" as const), depth: fc.integer({ min: 90, max: 3_000 }), objects: fc.boolean() }),
  fc.record({ kind: fc.constant("deep expression" as const), depth: fc.integer({ min: 30, max: 3_000 }) }),
  fc.constant({ kind: "local cycle" as const }),
);

interface Mutation {
  readonly doc: number;
  readonly at: number;
  readonly remove: boolean;
  readonly replacement: Replacement;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  doc: fc.nat(),
  at: fc.nat(),
  remove: fc.boolean(),
  replacement,
});

interface Slot {
  readonly parent: Record<string, unknown> | unknown[];
  readonly key: string | number;
}

/** Every place in a JSON value where a value sits, in a fixed order. */
function slots(root: unknown): Slot[] {
  const out: Slot[] = [];
  const pending = [root];
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

/** "type.name" of every resource of a document. */
function resources(json: unknown): string[] {
  const sections = json as { resource?: Record<string, Record<string, unknown>> };
  return Object.entries(sections.resource ?? {}).flatMap(([type, byName]) =>
    typeof byName === "object" && byName !== null ? Object.keys(byName).map((name) => `${type}.${name}`) : [],
  );
}

function materialize(replacement: Replacement, json: Record<string, unknown>): unknown {
  switch (replacement.kind) {
    case "value":
      return replacement.value;
    case "reference": {
      const all = resources(json);
      return all.length === 0
        ? "${aws_vpc.a.id}"
        : ref(`${all[replacement.pick % all.length]}.${replacement.attribute}`);
    }
    case "deep": {
      let value: unknown = "10.0.0.0/8";
      for (let i = 0; i < replacement.depth; i++) value = replacement.objects ? { x: value } : [value];
      return value;
    }
    case "deep expression":
      return `\${${"[".repeat(replacement.depth)}"10.0.0.0/8"${"]".repeat(replacement.depth)}}`;
    case "local cycle":
      json.locals = { ...(json.locals as object), l1: ref("local.l2"), l2: ref("local.l1") };
      return ref("local.l1");
  }
}

function mutate(base: readonly Doc[], mutations: readonly Mutation[]): Doc[] {
  const docs = base.map((d) => ({ ...d, json: structuredClone(d.json) }));
  for (const m of mutations) {
    const doc = docs[m.doc % docs.length];
    if (typeof doc.json !== "object" || doc.json === null || Array.isArray(doc.json)) continue;
    const json = doc.json as Record<string, unknown>;
    const places = slots(json);
    if (places.length === 0) continue;
    const { parent, key } = places[m.at % places.length];
    if (m.remove && Array.isArray(parent)) parent.splice(key as number, 1);
    else if (m.remove) delete (parent as Record<string, unknown>)[key];
    else (parent as Record<string | number, unknown>)[key] = materialize(m.replacement, json);
  }
  return docs;
}

/** What reach does with the documents: a verdict, or its own input error; anything else is returned to fail. */
function outcome(docs: readonly Doc[], options: AnalyzeOptions): "verdict" | "input error" | unknown {
  try {
    const result = analyze(buildModel(docs), options);
    formatText(result);
    JSON.stringify(toJson(result));
    return "verdict";
  } catch (error) {
    if (!(error instanceof ReachInputError)) return error;
    if (error.message.length > 2_000) return new Error(`an input error of ${error.message.length} characters`);
    return "input error";
  }
}

const options: fc.Arbitrary<AnalyzeOptions> = fc.record(
  {
    from: fc.constantFrom("aws_instance.a", "aws_instance.zz", ""),
    to: fc.constantFrom("aws_instance.b", "10.1.1.10", "10.0.1.5", "2001:db8::1", "fe80::1%eth0", "10.1.1.010", "::"),
  },
  { requiredKeys: [] },
);

describe("reach under mutated Terraform JSON", () => {
  it("never throws anything but its own input error, whatever is deleted, retyped, nested or made cyclic", () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        options,
        (which, mutations, analyzeOptions) => {
          const result = outcome(mutate(bases[which % bases.length], mutations), analyzeOptions);
          expect(
            result === "verdict" || result === "input error" ? result : String((result as Error)?.stack ?? result),
          ).toMatch(/^(verdict|input error)$/);
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("reaches verdicts as well as input errors, so the mutations do not only break the documents", () => {
    const seen = new Set<unknown>();
    fc.assert(
      fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 2 }), (which, mutations) => {
        seen.add(outcome(mutate(bases[which % bases.length], mutations), {}));
      }),
      { seed: SEED, numRuns: 60 },
    );
    expect([...seen].sort()).toEqual(["input error", "verdict"]);
  });
});
