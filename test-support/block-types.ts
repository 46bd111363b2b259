/**
 * The nested block types (and the attributes that take block syntax) of every resource type reach's
 * Terraform loader reads, from the aws provider's own schema: `terraform providers schema -json`
 * for hashicorp/aws 5.100.0, installed from the local provider mirror in a temporary directory.
 * `scripts/reach-block-types.ts` writes them as a fixture; `terraform-tests/reach-block-types.test.ts`
 * compares the fixture with them.
 */
import { runTerraformSync } from "./terraform";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_ROOT } from "../lib/core/paths";
import { MODELED } from "../lib/reach/terraform/load";
import { type SchemaBlocks, trimSchema } from "../lib/reach/terraform/blocks";
import { AWS_PROVIDER, cliConfigFor, findProviderMirror } from "../lib/core/terraform-env";

/** Where the fixture lives. */
export const BLOCK_TYPES_FIXTURE = path.join(PROJECT_ROOT, "__tests__", "fixtures", "reach", "aws-block-types.json");

/** The fixture's text for the provider's schema, read through terraform in a temporary directory. */
export function providerBlockTypes(): string {
  const mirror = findProviderMirror();
  if (!mirror)
    throw new Error(`no provider mirror holds hashicorp/aws ${AWS_PROVIDER.version}; see docs/terraform-and-state.md`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "reach-block-types-"));
  try {
    const required = { aws: { source: "hashicorp/aws", version: AWS_PROVIDER.version } };
    fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify({ terraform: { required_providers: required } }));
    fs.writeFileSync(path.join(dir, "cli.tfrc"), cliConfigFor(mirror));
    const cliConfig = path.join(dir, "cli.tfrc");
    const run = (args: string[]): string => {
      const result = runTerraformSync(args, dir, cliConfig);
      if (result.status !== 0) throw new Error(`terraform ${args.join(" ")} failed: ${result.output}`);
      return result.stdout;
    };
    run(["init", "-input=false", "-backend=false"]);
    const schema: unknown = JSON.parse(run(["providers", "schema", "-json"]));
    const trimmed: SchemaBlocks = trimSchema(schema, [...MODELED].sort());
    return `${JSON.stringify(trimmed, null, 2)}\n`;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
