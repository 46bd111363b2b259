/**
 * Real Terraform, offline: every synthesized stack of the core cases (the default as JSON and HCL,
 * a sharded mesh, the mixed example) passes `terraform init` (provider from the local mirror) and
 * `terraform test`, a full apply against a mocked aws provider asserting how the config is wired;
 * `npm run test:terraform` proves every other example the same way, and a 62-VPC mesh with
 * `terraform validate` (terraform-tests/). Needs
 * terraform on PATH and the provider mirror (PEERING_PROVIDER_MIRROR names it); without them these
 * tests fail, saying what is missing.
 */
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_CONFIG } from "../lib/config";
import { AWS_PROVIDER, terraformPlatform } from "../lib/core/terraform-env";
import { synthToTemp } from "../test-support/synth";
import { initFrom } from "../test-support/terraform";
import { describeTerraformProofs, TERRAFORM_CASES } from "../test-support/terraform-cases";

/** Terraform's commands of the file's tests share one process pool. */
const TIMEOUT_MS = 15 * 60 * 1000;

describeTerraformProofs(TERRAFORM_CASES.filter((c) => c.core));

describe("Terraform, offline,", () => {
  it(
    "refuses a planted provider whose checksum is not in the lock file synth writes, and never runs it",
    async () => {
      const app = synthToTemp(DEFAULT_CONFIG);
      try {
        const planted = path.join(app.outdir, "planted");
        const ran = path.join(app.outdir, "the-planted-provider-ran");
        const dir = path.join(
          planted,
          AWS_PROVIDER.host,
          AWS_PROVIDER.namespace,
          AWS_PROVIDER.type,
          AWS_PROVIDER.version,
          terraformPlatform(),
        );
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(
          path.join(dir, `terraform-provider-aws_v${AWS_PROVIDER.version}_x5`),
          `#!/bin/sh\ntouch "${ran}"\n`,
          { mode: 0o755 },
        );
        const init = await initFrom(path.join(app.outdir, "stacks", "network"), planted);
        expect(init.code).not.toBe(0);
        expect(init.output.replace(/\s+/g, " ")).toContain(
          "doesn't match any of the checksums previously recorded in the dependency lock file",
        );
        expect(fs.existsSync(ran)).toBe(false);
        // The lock file is what stops it: without one, init installs whatever the directory holds.
        fs.rmSync(path.join(app.outdir, "stacks", "peering", ".terraform.lock.hcl"));
        expect((await initFrom(path.join(app.outdir, "stacks", "peering"), planted)).code).toBe(0);
      } finally {
        app.remove();
      }
    },
    TIMEOUT_MS,
  );
});
