import * as fs from "fs";
import * as path from "path";
import { BLOCK_TYPES, type BlockType, type SchemaBlock, type SchemaBlocks } from "../../lib/reach/terraform/blocks";
import { MODELED } from "../../lib/reach/terraform/load";
import { inputError, patch, reach, twoPeeredVpcs } from "./terraform";

/** The aws provider's block types, as `node scripts/run.cjs scripts/reach-block-types` wrote them. */
const SCHEMA: SchemaBlocks = JSON.parse(
  fs.readFileSync(path.join(__dirname, "..", "fixtures", "reach", "aws-block-types.json"), "utf8"),
);

/** Every nested block type of the schema below `block`, as a path ("instance_market_options.spot_options"). */
function schemaPaths(block: SchemaBlock, prefix = ""): string[] {
  return Object.entries(block.block_types).flatMap(([name, nested]) => [
    `${prefix}${name}`,
    ...schemaPaths(nested, `${prefix}${name}.`),
  ]);
}

/** Every block type reach's table lists below `blocks` with what it does with it, written as blocks (not attributes). */
function tablePaths(blocks: Readonly<Record<string, BlockType>>, prefix = ""): [string, BlockType][] {
  return Object.entries(blocks).flatMap(([name, type]): [string, BlockType][] => [
    [`${prefix}${name}`, type],
    ...tablePaths(type.blocks ?? {}, `${prefix}${name}.`),
  ]);
}

describe("reach models or refuses every nested block type of the resource types it reads", () => {
  it("has a table of block types for exactly the resource types the Terraform loader reads", () => {
    expect(Object.keys(BLOCK_TYPES).sort()).toEqual([...MODELED].sort());
    expect(Object.keys(SCHEMA).sort()).toEqual([...MODELED].sort());
  });

  it.each([...MODELED].sort())("lists every nested block type of %s in the provider's schema, and no other", (type) => {
    const table = tablePaths(BLOCK_TYPES[type]);
    const asBlocks = table.filter(([, block]) => block.nesting === "block").map(([name]) => name);
    expect(asBlocks.sort()).toEqual(schemaPaths(SCHEMA[type]).sort());
    const asAttributes = table.filter(([, block]) => block.nesting === "attribute").map(([name]) => name);
    expect(asAttributes.sort()).toEqual([...SCHEMA[type].object_attributes].sort());
  });
});

const refused = Object.entries(BLOCK_TYPES).flatMap(([type, blocks]) =>
  tablePaths(blocks)
    .filter(([name, block]) => block.use === "refused" && !name.includes("."))
    .map(([name, block]) => ({ type, name, why: block.use === "refused" ? block.why : "" })),
);

describe("reach refuses a nested block type it does not model, naming the resource and the block", () => {
  const ofInstances = refused.filter(({ type }) => type === "aws_instance").map((r) => [r.name, r.why]);

  it.each(ofInstances)("refuses an instance's %s block, written out", (name, why) => {
    const tf = patch(twoPeeredVpcs(), "aws_instance", "a", { [name]: [{}] });
    expect(inputError(() => reach(tf))).toBe(
      `aws_instance.a: has ${name}, a nested block of aws_instance that reach does not model: ${why}`,
    );
  });

  it.each(ofInstances)("refuses an instance's %s block, made by a dynamic block", (name, why) => {
    const tf = patch(twoPeeredVpcs(), "aws_instance", "a", { dynamic: { [name]: { for_each: [1], content: {} } } });
    expect(inputError(() => reach(tf))).toBe(
      `aws_instance.a: has dynamic "${name}" (a ${name} block), a nested block of aws_instance that reach does not model: ${why}`,
    );
  });

  it("refuses a transit gateway peering attachment's options block (dynamic routing)", () => {
    const tf = twoPeeredVpcs();
    tf.resource.aws_ec2_transit_gateway_peering_attachment = { p: { options: { dynamic_routing: "enable" } } };
    expect(inputError(() => reach(tf))).toMatch(
      /^aws_ec2_transit_gateway_peering_attachment\.p: has options, a nested block .* that reach does not model: dynamic routing/,
    );
  });

  it("refuses a provisioner on any resource it reads, which may change the network", () => {
    const tf = patch(twoPeeredVpcs(), "aws_vpc", "a", {
      cidr_block: "10.0.0.0/16",
      provisioner: [{ "local-exec": {} }],
    });
    expect(inputError(() => reach(tf))).toMatch(/^aws_vpc\.a: has provisioner, .* a provisioner runs commands/);
  });

  it("reads a resource whose ignored blocks change nothing it decides (volumes, metadata, timeouts)", () => {
    const tf = patch(twoPeeredVpcs(), "aws_instance", "a", {
      root_block_device: [{ volume_size: 8 }],
      metadata_options: { http_tokens: "required" },
      timeouts: { create: "10m" },
      dynamic: { ebs_block_device: { for_each: "${var.unknown}", content: {} } },
    });
    expect(reach(tf).instances).toHaveLength(2);
  });
});
