/**
 * Nested blocks as Terraform reads them: the `dynamic` blocks of a resource, and the block types
 * reach does not model. A dynamic block in Terraform JSON is
 * `"dynamic": {"ingress": {"for_each": ..., "iterator": "rule", "content": {...}}}` (or a list of
 * such objects); reach expands it over a for_each it can evaluate before apply, and refuses every
 * other. A nested block type reach refuses (blocks.ts) is an input error wherever it is written.
 */
import { clip, preview } from "../../core/json-limits";
import { ReachInputError } from "../model";
import { type BlockType, BLOCK_TYPES, blockType } from "./blocks";
import { isRecord } from "../../core/records";
import { own } from "./stack";
import { type RawResource } from "./resolve";

/** One dynamic block as written: its label (the block type it makes) and its arguments. */
export interface DynamicBlock {
  readonly label: string;
  /** Where it is, for messages: `dynamic "ingress"`, with its position when the label has several. */
  readonly where: string;
  readonly forEach: unknown;
  /** The iterator's name: `iterator`, else the label. */
  readonly iterator: string;
  readonly content: Readonly<Record<string, unknown>>;
}

const DYNAMIC_ARGUMENTS = new Set(["for_each", "iterator", "labels", "content"]);

/** An identifier as HCL reads one: the iterator's name. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** The dynamic blocks of a body (a resource's, or a nested block's), each checked for what Terraform requires. */
export function dynamicBlocks(address: string, body: Readonly<Record<string, unknown>>): DynamicBlock[] {
  const raw = own(body, "dynamic");
  if (raw === undefined || raw === null) return [];
  const groups: readonly unknown[] = Array.isArray(raw) ? raw : [raw];
  const out: DynamicBlock[] = [];
  for (const group of groups) {
    if (!isRecord(group))
      throw new ReachInputError(`${address}: dynamic = ${preview(group)} must be an object of dynamic blocks by label`);
    for (const [label, specs] of Object.entries(group)) {
      const list: readonly unknown[] = Array.isArray(specs) ? specs : [specs];
      list.forEach((spec, i) =>
        out.push(
          dynamicBlock(
            address,
            label,
            list.length > 1 ? `dynamic "${clip(label)}"[${i}]` : `dynamic "${clip(label)}"`,
            spec,
          ),
        ),
      );
    }
  }
  return out;
}

function dynamicBlock(address: string, label: string, where: string, spec: unknown): DynamicBlock {
  const fail = (problem: string): ReachInputError => new ReachInputError(`${address}: ${where} ${problem}`);
  if (!isRecord(spec)) throw fail(`= ${preview(spec)} must be an object with for_each and content`);
  for (const key of Object.keys(spec)) {
    if (!DYNAMIC_ARGUMENTS.has(key))
      throw fail(`has "${clip(key)}"; a dynamic block takes for_each, iterator, labels and content: remove it`);
  }
  const labels = own(spec, "labels");
  if (labels !== undefined && !(Array.isArray(labels) && labels.length === 0))
    throw fail(`has labels, but ${clip(label)} blocks take no labels: remove them`);
  const forEach = own(spec, "for_each");
  if (forEach === undefined) throw fail("has no for_each; Terraform requires one: give the list, set or map to expand");
  const content = own(spec, "content");
  if (!isRecord(content))
    throw fail(`needs content, an object holding the arguments of each ${clip(label)} block (got ${preview(content)})`);
  const iterator = own(spec, "iterator") ?? label;
  if (typeof iterator !== "string" || !IDENTIFIER.test(iterator))
    throw fail(`iterator = ${preview(iterator)} must name a variable, e.g. "rule"`);
  return { label, where, forEach, iterator, content };
}

/**
 * Refuses what reach does not model in a resource of a type it reads: a nested block type that it
 * refuses, a dynamic block whose label is no block type of the resource (Terraform refuses it too),
 * and the same inside nested blocks and dynamic blocks' content.
 */
export function checkBlocks(res: RawResource): void {
  checkBody(res.address, res.type, res.body, BLOCK_TYPES[res.type] ?? {}, true);
}

function checkBody(
  address: string,
  type: string,
  body: Readonly<Record<string, unknown>>,
  blocks: Readonly<Record<string, BlockType>>,
  isResource: boolean,
): void {
  const typeOf = (name: string): BlockType | undefined =>
    isResource ? blockType(type, name) : Object.hasOwn(blocks, name) ? blocks[name] : undefined;
  for (const [name, value] of Object.entries(body)) {
    if (name === "dynamic" || value === undefined || value === null) continue;
    const block = typeOf(name);
    if (!block) continue;
    refuseIfRefused(address, type, name, block);
    for (const item of Array.isArray(value) ? value : [value])
      if (isRecord(item)) checkBody(address, type, item, block.blocks ?? {}, false);
  }
  for (const dynamic of dynamicBlocks(address, body)) {
    const block = typeOf(dynamic.label);
    if (!block) {
      throw new ReachInputError(
        `${address}: ${dynamic.where}: ${clip(type)} has no nested block type "${clip(dynamic.label)}" ` +
          `here; Terraform refuses this: fix the label`,
      );
    }
    refuseIfRefused(address, type, `${dynamic.where} (a ${dynamic.label} block)`, block);
    checkBody(address, type, dynamic.content, block.blocks ?? {}, false);
  }
}

function refuseIfRefused(address: string, type: string, name: string, block: BlockType): void {
  if (block.use !== "refused") return;
  throw new ReachInputError(
    `${address}: has ${name}, a nested block of ${type} that reach does not model: ${block.why}`,
  );
}
