/**
 * The config loader refuses every config whose synthesized Terraform `npm run check` would flag
 * with a configuration error (reach's findConfigurationProblems: what AWS refuses at apply, such as
 * two routes to one destination in a route table). Configs are generated with fast-check from small
 * pools of CIDRs, so that peers share and nest blocks; each one is synthesized as written, past the
 * loader, and reach's verdict on the output is compared with the loader's.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { PeeringApp } from "../app/peering-app";
import { DEFAULT_CONFIG, parseConfig, PeeringConfig, VpcConfig } from "../lib/config";
import { findConfigurationProblems, loadTerraform } from "../lib/reach";
import { addAppStacks } from "../stacks";
import { problemsIfAny } from "../test-support/configs";

const SEED = 20261207;
const PRIMARY = ["10.0.0.0/24", "10.0.1.0/24", "10.0.0.0/23", "10.0.2.0/24", "10.0.2.0/25"];
const SECONDARY = ["10.1.0.0/24", "10.1.1.0/24", "10.1.0.0/23", "100.64.0.0/24"];
const STATIC_ROUTES = ["192.168.0.0/24", "192.168.0.0/16", "10.0.1.0/24", "10.1.0.0/24"];
const DEVICES = ["203.0.113.12", "198.51.100.7"];

interface GeneratedVpc {
  readonly cidr: string;
  readonly secondaryCidrs: readonly string[];
  readonly ipv6: boolean;
  readonly staticRoutes: readonly (readonly string[])[];
}

type Peerings =
  | { readonly kind: "mesh" }
  | { readonly kind: "hub"; readonly hub: number; readonly spokes?: readonly number[] }
  | { readonly kind: "pairs"; readonly pairs: readonly (readonly [number, number])[] };

const vpc: fc.Arbitrary<GeneratedVpc> = fc.record({
  cidr: fc.constantFrom(...PRIMARY),
  secondaryCidrs: fc.oneof(
    { weight: 3, arbitrary: fc.constant([]) },
    { weight: 1, arbitrary: fc.uniqueArray(fc.constantFrom(...SECONDARY), { minLength: 1, maxLength: 2 }) },
  ),
  ipv6: fc.boolean(),
  staticRoutes: fc.oneof(
    { weight: 4, arbitrary: fc.constant([]) },
    {
      weight: 1,
      arbitrary: fc.array(fc.uniqueArray(fc.constantFrom(...STATIC_ROUTES), { minLength: 1, maxLength: 2 }), {
        minLength: 1,
        maxLength: 2,
      }),
    },
  ),
});

/** Peerings of `n` VPCs: the full mesh, a hub with all or some spokes, or some of the pairs, each pair once. */
function peerings(n: number): fc.Arbitrary<Peerings> {
  const pairs = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n - i - 1 }, (__, k): [number, number] => [i, i + k + 1]),
  ).flat();
  return fc.oneof(
    fc.constant({ kind: "mesh" as const }),
    fc.record({
      kind: fc.constant("hub" as const),
      hub: fc.nat(n - 1),
      spokes: fc.option(fc.uniqueArray(fc.nat(n - 1), { minLength: 1 }), { nil: undefined }),
    }),
    fc.record({
      kind: fc.constant("pairs" as const),
      pairs: fc
        .subarray(pairs, { minLength: 1 })
        .chain((chosen) =>
          fc.tuple(...chosen.map((p) => fc.boolean().map((flip): [number, number] => (flip ? [p[1], p[0]] : p)))),
        ),
    }),
  );
}

const generated = fc.integer({ min: 2, max: 4 }).chain((n) =>
  fc.record({
    vpcs: fc.array(vpc, { minLength: n, maxLength: n }),
    peerings: peerings(n),
    natGateways: fc.constantFrom("per-az" as const, "none" as const),
    maxAzs: fc.integer({ min: 1, max: 2 }),
  }),
);

type Generated = typeof generated extends fc.Arbitrary<infer T> ? T : never;

const nameOf = (i: number) => `v${i}`;

/** The config file the generated config is. */
function raw(g: Generated): Record<string, unknown> {
  const p = g.peerings;
  return {
    natGateways: g.natGateways,
    maxAzs: g.maxAzs,
    vpcs: g.vpcs.map((v, i) => ({
      name: nameOf(i),
      cidr: v.cidr,
      ...(v.ipv6 ? { ipv6: true } : {}),
      ...(v.secondaryCidrs.length > 0 ? { secondaryCidrs: v.secondaryCidrs } : {}),
      ...(v.staticRoutes.length > 0
        ? {
            vpnConnections: Object.fromEntries(
              v.staticRoutes.map((routes, k) => [`site-${k}`, { ip: DEVICES[k], staticRoutes: routes }]),
            ),
          }
        : {}),
    })),
    peerings:
      p.kind === "mesh"
        ? "full-mesh"
        : p.kind === "hub"
          ? { hub: nameOf(p.hub), ...(p.spokes ? { spokes: p.spokes.map(nameOf) } : {}) }
          : p.pairs.map((pair) => pair.map(nameOf)),
  };
}

/** What the loader would make of the config if it checked nothing beyond the schema: synth's input, as written. */
function unchecked(g: Generated): PeeringConfig {
  const defaults = parseConfig(DEFAULT_CONFIG);
  const names = g.vpcs.map((_, i) => nameOf(i));
  const vpcs = g.vpcs.map((v, i): VpcConfig => ({
    name: nameOf(i),
    cidr: v.cidr,
    maxAzs: g.maxAzs,
    region: defaults.region,
    ...(v.ipv6 ? { ipv6: true } : {}),
    ...(v.secondaryCidrs.length > 0 ? { secondaryCidrs: v.secondaryCidrs } : {}),
    ...(v.staticRoutes.length > 0
      ? {
          vpnConnections: Object.fromEntries(
            v.staticRoutes.map((routes, k) => [`site-${k}`, { ip: DEVICES[k], asn: 65000, staticRoutes: routes }]),
          ),
        }
      : {}),
  }));
  const p = g.peerings;
  let pairs: (readonly [string, string])[];
  let hub: PeeringConfig["hub"];
  if (p.kind === "mesh") pairs = names.flatMap((a, i) => names.slice(i + 1).map((b): [string, string] => [a, b]));
  else if (p.kind === "pairs") pairs = p.pairs.map(([a, b]) => [nameOf(a), nameOf(b)]);
  else {
    const spokes = (p.spokes ?? names.map((_, i) => i)).filter((i) => i !== p.hub).map(nameOf);
    pairs = spokes.map((s) => [nameOf(p.hub), s]);
    hub = { name: nameOf(p.hub), spokes };
  }
  return { ...defaults, natGateways: g.natGateways, vpcs, peerings: pairs, ...(hub ? { hub } : {}) };
}

/** Reach's configuration errors on the synthesized stacks of `config`. */
function reachErrors(config: PeeringConfig): string[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "peering-refuses-"));
  try {
    const app = new PeeringApp({ outdir });
    addAppStacks(app, config);
    app.synth();
    const { errors } = findConfigurationProblems(loadTerraform([outdir]));
    return errors.map((e) => `${e.resource}: ${e.message}`);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

describe("the config loader against check", () => {
  it("refuses every generated config whose synthesized Terraform reach flags with a configuration error", () => {
    const seen = { flagged: 0, refused: 0, accepted: 0 };
    fc.assert(
      fc.property(generated, (g) => {
        const config = raw(g);
        const problems = problemsIfAny(config);
        const errors = reachErrors(unchecked(g));
        if (errors.length > 0) seen.flagged++;
        if (problems.length > 0) seen.refused++;
        else seen.accepted++;
        if (errors.length > 0 && problems.length === 0)
          throw new Error(`accepted, but check flags:\n${errors.join("\n")}\n${JSON.stringify(config)}`);
      }),
      { seed: SEED, numRuns: 60 },
    );
    expect(seen.flagged).toBeGreaterThan(5);
    expect(seen.accepted).toBeGreaterThan(5);
  });

  it.each([
    [
      "two spokes of a hub with one CIDR",
      {
        vpcs: [
          { name: "hub", cidr: "10.0.0.0/24" },
          { name: "b", cidr: "10.1.0.0/24" },
          { name: "c", cidr: "10.1.0.0/24" },
        ],
        peerings: { hub: "hub" },
      },
      'vpcs[0] ("hub") is peered with "b" (peerings.hub) and "c" (peerings.hub), whose blocks vpcs[1].cidr "10.1.0.0/24" and vpcs[2].cidr "10.1.0.0/24" overlap: its route tables would get two routes to 10.1.0.0/24, and AWS refuses the second (RouteAlreadyExists): give the peers different CIDRs',
    ],
    [
      "a VPC peered with two whose blocks nest",
      {
        vpcs: [
          { name: "hub", cidr: "10.0.0.0/24" },
          { name: "b", cidr: "10.1.0.0/16" },
          { name: "c", cidr: "10.1.2.0/24" },
        ],
        peerings: [
          ["hub", "b"],
          ["c", "hub"],
        ],
      },
      'vpcs[0] ("hub") is peered with "b" (peerings[0]) and "c" (peerings[1]), whose blocks vpcs[1].cidr "10.1.0.0/16" and vpcs[2].cidr "10.1.2.0/24" overlap: its route tables would send 10.1.2.0/24, which lies in 10.1.0.0/16, to "c" only (the more specific route wins): give the peers different CIDRs',
    ],
    [
      "a spoke's secondary block that is another spoke's primary",
      {
        vpcs: [
          { name: "hub", cidr: "10.0.0.0/24" },
          { name: "b", cidr: "10.1.0.0/24", secondaryCidrs: ["10.2.0.0/24"] },
          { name: "c", cidr: "10.2.0.0/24" },
        ],
        peerings: { hub: "hub", spokes: ["c", "b"] },
      },
      'vpcs[0] ("hub") is peered with "b" (peerings.spokes[1]) and "c" (peerings.spokes[0]), whose blocks vpcs[1].secondaryCidrs[0] "10.2.0.0/24" and vpcs[2].cidr "10.2.0.0/24" overlap: its route tables would get two routes to 10.2.0.0/24, and AWS refuses the second (RouteAlreadyExists): give the peers different CIDRs',
    ],
  ])("refuses %s, naming both peers, the block and the fix", (_, config, problem) => {
    expect(problemsIfAny(config)).toEqual([problem]);
  });

  it("accepts two VPN connections of one VPC with the same static route, AWS's redundant connections", () => {
    const site = (ip: string) => ({ ip, staticRoutes: ["192.168.0.0/16"] });
    const vpcs = [
      {
        name: "a",
        cidr: "10.0.0.0/24",
        vpnConnections: { primary: site("203.0.113.12"), backup: site("198.51.100.7") },
      },
    ];
    expect(problemsIfAny({ vpcs })).toEqual([]);
    expect(reachErrors(parseConfig({ vpcs }))).toEqual([]);
  });
});
