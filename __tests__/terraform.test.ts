/**
 * Real Terraform, offline: every synthesized stack passes `terraform init` (provider from the
 * local mirror) and `terraform test`, a full apply against a mocked aws
 * provider asserting how the config is wired. Needs terraform on PATH and the provider mirror
 * (PEERING_PROVIDER_MIRROR names it); without them these tests fail, saying what is missing.
 */
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_CONFIG, parseConfig } from "../lib/config";
import { AWS_PROVIDER, terraformPlatform } from "../lib/terraform-env";
import {
  EXAMPLES_BY_NAME,
  FULL_MESH_CONFIG,
  IPV6_CONFIG,
  manyVpcs,
  NO_NAT_ENDPOINTS_CONFIG,
  SECONDARY_CIDRS_CONFIG,
  SHARDED_MESH_CONFIG,
  VPN_CONFIG,
} from "../test-support/configs";
import { synthToTemp } from "../test-support/synth";
import { initFrom, proveWithTerraform, SynthFormat } from "../test-support/terraform";

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
  { name: "examples/ipv6.json (IPv6 routes, ICMPv6 rules, egress-only gateways)", raw: IPV6_CONFIG, formats: ["json", "hcl"], stacks: THREE_STACKS },
  { name: "examples/secondary-cidrs.json (block associations, their subnets, routes and rules)", raw: SECONDARY_CIDRS_CONFIG, formats: ["json", "hcl"], stacks: THREE_STACKS },
  { name: "examples/no-nat-endpoints.json (SSM interface endpoints)", raw: NO_NAT_ENDPOINTS_CONFIG, formats: ["json", "hcl"], stacks: THREE_STACKS },
  { name: "examples/vpn.json (VPN gateway, customer gateways, propagation)", raw: VPN_CONFIG, formats: ["json", "hcl"], stacks: THREE_STACKS },
  {
    name: "the IPv6 example with a secondary block, split into two peering stacks, each instance admitting its peers with one rule per IP version",
    // web_api needs 11 resources (its IPv6 and secondary-block routes), web_legacy 5, api_legacy 4: 20 in all, over 12.
    raw: { ...IPV6_CONFIG, vpcs: IPV6_CONFIG.vpcs.map((v, i) => (i === 0 ? { ...v, secondaryCidrs: ["10.140.0.0/24"] } : v)), maxPeeringStackResources: 12, peeringShards: 2 },
    formats: ["json"],
    stacks: ["instances", "network", "peering-00", "peering-01"],
  },
  // Across regions and accounts, with DNS options and a hub: accepters, peer_region, peer_owner_id
  // and DNS options each asserted in the provider of the side they belong to. The mixed example puts
  // them together with IPv6, a secondary block, a VPN and the SSM endpoints.
  ...["inter-region", "cross-account", "dns", "hub-spoke", "mixed"].map((shape) => ({
    name: `examples/${shape}.json`,
    raw: EXAMPLES_BY_NAME.find((e) => e.name === `examples/${shape}.json`)!.raw,
    formats: ["json", "hcl"],
    stacks: THREE_STACKS,
  })),
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

describe("Terraform, offline,", () => {
  it("refuses a planted provider whose checksum is not in the lock file synth writes, and never runs it", async () => {
    const app = synthToTemp(DEFAULT_CONFIG);
    try {
      const planted = path.join(app.outdir, "planted");
      const ran = path.join(app.outdir, "the-planted-provider-ran");
      const dir = path.join(planted, AWS_PROVIDER.host, AWS_PROVIDER.namespace, AWS_PROVIDER.type, AWS_PROVIDER.version, terraformPlatform());
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `terraform-provider-aws_v${AWS_PROVIDER.version}_x5`), `#!/bin/sh\ntouch "${ran}"\n`, { mode: 0o755 });
      const init = await initFrom(path.join(app.outdir, "stacks", "network"), planted);
      expect(init.code).not.toBe(0);
      expect(init.output.replace(/\s+/g, " ")).toContain("doesn't match any of the checksums previously recorded in the dependency lock file");
      expect(fs.existsSync(ran)).toBe(false);
      // The lock file is what stops it: without one, init installs whatever the directory holds.
      fs.rmSync(path.join(app.outdir, "stacks", "peering", ".terraform.lock.hcl"));
      expect((await initFrom(path.join(app.outdir, "stacks", "peering"), planted)).code).toBe(0);
    } finally {
      app.remove();
    }
  }, TIMEOUT_MS);

  it("validates a 62-VPC full mesh whose security groups need 61 inbound rules once rulesPerSecurityGroup allows 1000", async () => {
    // One peering stack (5,673 resources) rather than 16 shards: three stacks to validate instead of 18.
    const config = parseConfig({ vpcs: manyVpcs(62), peerings: "full-mesh", peeringQuota: 125, rulesPerSecurityGroup: 1000, maxPeeringStackResources: 6000, routesPerRouteTable: 125 });
    const proofs = await proveWithTerraform(config, "json", { test: false });
    expect(proofs.map((p) => p.stack).sort()).toEqual(["instances", "network", "peering"]);
  }, TIMEOUT_MS);
});
