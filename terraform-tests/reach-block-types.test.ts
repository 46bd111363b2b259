/**
 * The fixture of the aws provider's block types (__tests__/fixtures/reach/aws-block-types.json),
 * which `__tests__/reach/blocks.test.ts` holds reach's table against, is what the provider's schema
 * says today: regenerated through terraform and the provider mirror, and compared.
 */
import * as fs from "fs";
import { BLOCK_TYPES_FIXTURE, providerBlockTypes } from "../test-support/block-types";

describe("the fixture of the aws provider's block types", () => {
  it("is what `terraform providers schema -json` gives for hashicorp/aws 5.100.0 (rewrite it with scripts/reach-block-types)", () => {
    expect(providerBlockTypes()).toBe(fs.readFileSync(BLOCK_TYPES_FIXTURE, "utf8"));
  }, 120_000);
});
