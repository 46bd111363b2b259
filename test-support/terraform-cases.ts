/**
 * The configs the Terraform proof runs on (see terraform.ts), and in which formats: the core
 * cases in `npm test` (the default in both formats, a sharded mesh, and the mixed example that
 * holds every shape), the whole matrix (every example, JSON and HCL) in `npm run test:terraform`.
 */
import { DEFAULT_CONFIG, parseConfig } from "../lib/config";
import {
  EXAMPLES_BY_NAME,
  FULL_MESH_CONFIG,
  IPV6_CONFIG,
  NO_NAT_ENDPOINTS_CONFIG,
  SECONDARY_CIDRS_CONFIG,
  SHARDED_MESH_CONFIG,
  VPN_CONFIG,
} from "./configs";
import { proveWithTerraform, SynthFormat } from "./terraform";
import { planCells } from "../lib/plan/cells";

/** One config proved in one format. */
export interface TerraformCase {
  /** What the config is, for the test title. */
  readonly name: string;
  /** The raw config. */
  readonly raw: unknown;
  readonly format: SynthFormat;
  /** "JSON" or "HCL", for the test title. */
  readonly label: string;
  /** The stacks synth must write, sorted. */
  readonly stacks: readonly string[];
  /** Whether `npm test` proves it; the rest run in `npm run test:terraform`. */
  readonly core: boolean;
}

const THREE_STACKS = ["instances", "network", "peering"];
const CELL_IDS = ["00", "01", "02"];

/** A config and the formats to prove it in. */
interface CaseSpec {
  readonly name: string;
  readonly raw: unknown;
  readonly formats: readonly SynthFormat[];
  readonly stacks: readonly string[];
  /**
   * The formats `npm test` proves it in.
   * @default none
   */
  readonly core?: readonly SynthFormat[];
}

const SPECS: readonly CaseSpec[] = [
  {
    name: "the default config",
    raw: DEFAULT_CONFIG,
    formats: ["json", "hcl"],
    stacks: THREE_STACKS,
    core: ["json", "hcl"],
  },
  {
    name: "four fully meshed VPCs in 2 AZs with a single NAT gateway each",
    raw: FULL_MESH_CONFIG,
    formats: ["json", "hcl"],
    stacks: THREE_STACKS,
  },
  {
    name: "that mesh split into four peering stacks, each instance admitting its peers with one rule",
    raw: SHARDED_MESH_CONFIG,
    formats: ["json"],
    core: ["json"],
    stacks: ["instances", "network", "peering-00", "peering-01", "peering-02", "peering-03"],
  },
  {
    name: "examples/ipv6.json (IPv6 routes, ICMPv6 rules, egress-only gateways)",
    raw: IPV6_CONFIG,
    formats: ["json", "hcl"],
    stacks: THREE_STACKS,
  },
  {
    name: "examples/secondary-cidrs.json (block associations, their subnets, routes and rules)",
    raw: SECONDARY_CIDRS_CONFIG,
    formats: ["json", "hcl"],
    stacks: THREE_STACKS,
  },
  {
    name: "examples/no-nat-endpoints.json (SSM interface endpoints)",
    raw: NO_NAT_ENDPOINTS_CONFIG,
    formats: ["json", "hcl"],
    stacks: THREE_STACKS,
  },
  {
    name: "examples/vpn.json (VPN gateway, customer gateways, propagation)",
    raw: VPN_CONFIG,
    formats: ["json", "hcl"],
    stacks: THREE_STACKS,
  },
  {
    name: "the IPv6 example with a secondary block, split into two peering stacks, each instance admitting its peers with one rule per IP version",
    // web_api needs 11 resources (its IPv6 and secondary-block routes), web_legacy 5, api_legacy 4: 20 in all, over 12.
    raw: {
      ...IPV6_CONFIG,
      vpcs: IPV6_CONFIG.vpcs.map((v, i) => (i === 0 ? { ...v, secondaryCidrs: ["10.140.0.0/24"] } : v)),
      maxPeeringStackResources: 12,
      peeringShards: 2,
    },
    formats: ["json"],
    stacks: ["instances", "network", "peering-00", "peering-01"],
  },
  // Across regions and accounts, with DNS options and a hub: accepters, peer_region, peer_owner_id
  // and DNS options each asserted in the provider of the side they belong to. The mixed example puts
  // them together with IPv6, a secondary block, a VPN and the SSM endpoints.
  ...["inter-region", "cross-account", "dns", "hub-spoke", "mixed"].map((shape): CaseSpec => ({
    name: `examples/${shape}.json`,
    raw: EXAMPLES_BY_NAME.find((e) => e.name === `examples/${shape}.json`)!.raw,
    formats: ["json", "hcl"],
    stacks: THREE_STACKS,
    core: shape === "mixed" ? ["json"] : undefined,
  })),
  {
    name: "examples/transit-gateway.json (a transit gateway with three segments, its attachment subnets and VPC routes)",
    raw: EXAMPLES_BY_NAME.find((e) => e.name === "examples/transit-gateway.json")!.raw,
    formats: ["json", "hcl"],
    stacks: [...THREE_STACKS, "transit"],
  },
  // Gateways peered across regions, a gateway shared through RAM with the accepters in its account,
  // a VPC attached and peered at once, and one peering joining two pairs of segments.
  ...["transit-inter-region", "transit-cross-account", "transit-attached-and-peered", "transit-peering-segments"].map(
    (shape): CaseSpec => ({
      name: `examples/${shape}.json`,
      raw: EXAMPLES_BY_NAME.find((e) => e.name === `examples/${shape}.json`)!.raw,
      formats: ["json", "hcl"],
      stacks: [...THREE_STACKS, "transit"],
    }),
  ),
  // A network split into cells (forced by networkCells on a small one): the core transit stack with
  // the gateway peerings' own tables, each cell's attachments propagated into them, and a VPC of
  // another account attached to a shared gateway.
  ...(
    [
      ["transit-peering-segments", 3],
      ["transit-cross-account", 2],
    ] as const
  ).map(([shape, cells]): CaseSpec => ({
    name: `examples/${shape}.json split into ${cells} cells`,
    raw: { ...EXAMPLES_BY_NAME.find((e) => e.name === `examples/${shape}.json`)!.raw, networkCells: cells },
    formats: ["json", "hcl"],
    stacks: [
      ...["instances", "network"].flatMap((s) => CELL_IDS.slice(0, cells).map((c) => `${s}-${c}`)),
      "peering",
      "transit",
      ...CELL_IDS.slice(0, cells).map((c) => `transit-${c}`),
    ],
  })),
];

const ALL: TerraformCase[] = SPECS.flatMap(({ formats, core, ...c }) =>
  formats.map((format) => ({ ...c, format, label: format.toUpperCase(), core: core?.includes(format) ?? false })),
);

/** Every case: core ones first. */
export const TERRAFORM_CASES: readonly TerraformCase[] = [...ALL.filter((c) => c.core), ...ALL.filter((c) => !c.core)];

/** A case is one terraform init and one terraform test; the cases of a file share one process pool. */
const CASE_TIMEOUT_MS = 15 * 60 * 1000;

/** Declares one test per case: Terraform accepts every stack synth writes, and the mocked apply's wiring assertions hold. */
export function describeTerraformProofs(cases: readonly TerraformCase[]): void {
  describe("Terraform, offline with a mocked aws provider,", () => {
    test.concurrent.each(cases)(
      "accepts every stack of $name synthesized as $label: init, and an apply whose wiring asserts hold",
      async ({ raw, format, stacks }) => {
        const proofs = await proveWithTerraform(parseConfig(raw), format);
        expect(proofs.map((p) => p.stack).sort()).toEqual(stacks);
        // A config without peerings (one joined by transit gateways only) has an empty peering stack,
        // and a network split into cells may have cells without VPCs.
        const config = parseConfig(raw);
        const emptyCells = planCells(config).filter((c) => c.vpcs.length === 0);
        const empty = (stack: string) =>
          stack === "peering-00" ||
          (stack === "peering" && config.peerings.length === 0) ||
          emptyCells.some((c) => stack.endsWith(`-${c.id}`));
        for (const p of proofs) expect(p.assertions).toBeGreaterThan(empty(p.stack) ? -1 : 0);
      },
      CASE_TIMEOUT_MS,
    );
  });
}
