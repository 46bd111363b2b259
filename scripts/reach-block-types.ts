/**
 * Writes __tests__/fixtures/reach/aws-block-types.json: the nested block types (and the attributes
 * that take block syntax) of every resource type reach's Terraform loader reads, from the aws
 * provider's own schema (`terraform providers schema -json`, hashicorp/aws 5.100.0, installed from
 * the local provider mirror). `__tests__/reach/blocks.test.ts` holds reach's table of block types
 * against it; `terraform-tests/reach-block-types.test.ts` regenerates it and compares.
 *
 *   node scripts/run.cjs scripts/reach-block-types
 */
import * as fs from "fs";
import * as path from "path";
import { BLOCK_TYPES_FIXTURE, providerBlockTypes } from "../test-support/block-types";

fs.writeFileSync(BLOCK_TYPES_FIXTURE, providerBlockTypes());
console.log(`wrote ${path.relative(process.cwd(), BLOCK_TYPES_FIXTURE)}`);
