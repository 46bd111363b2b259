/**
 * Real Terraform, offline: every synthesized stack passes `terraform init` (provider from the
 * local mirror), `terraform validate` and `terraform test`, a full apply against a mocked aws
 * provider asserting how the config is wired. Needs terraform on PATH and the provider mirror
 * (PEERING_PROVIDER_MIRROR names it); without them these tests fail, saying what is missing.
 */
import { DEFAULT_CONFIG, parseConfig } from "../lib/config";
import { FULL_MESH_CONFIG } from "../test-support/configs";
import { proveWithTerraform, SynthFormat } from "../test-support/terraform";

/** Each case runs 3 stacks × 3 terraform commands; all cases share one process pool. */
const TIMEOUT_MS = 15 * 60 * 1000;

const CONFIGS = [
  ["the default config", () => parseConfig(DEFAULT_CONFIG)],
  ["four fully meshed VPCs in 2 AZs with a single NAT gateway each", () => parseConfig(FULL_MESH_CONFIG)],
] as const;

const CASES = CONFIGS.flatMap(([name, config]) =>
  (["json", "hcl"] as SynthFormat[]).map((format) => ({ name, config, format, label: format.toUpperCase() })),
);

describe("Terraform, offline with a mocked aws provider,", () => {
  test.concurrent.each(CASES)(
    "accepts every stack of $name synthesized as $label: init, validate and an apply whose wiring asserts hold",
    async ({ config, format }) => {
      const proofs = await proveWithTerraform(config(), format);
      expect(proofs.map((p) => p.stack).sort()).toEqual(["instances", "network", "peering"]);
      for (const p of proofs) expect(p.assertions).toBeGreaterThan(0);
    },
    TIMEOUT_MS,
  );
});
