/**
 * A VPC's IPv4 block, checked the way AWS and this app need it, with the exact reason when it is
 * not usable; and overlap detection across many blocks by sorting instead of comparing all pairs.
 */
import { MIN_SUBNET_PREFIX, VPC_PREFIX_MAX, VPC_PREFIX_MIN, VPC_RESERVED_RANGES } from "../core/aws-limits";
import { preview } from "../core/json-input";

/** Longest VPC prefix this app can build: one AZ needs a public and a private subnet of at least /28. */
export const SMALLEST_VPC_PREFIX = MIN_SUBNET_PREFIX - 1;

/** An IPv4 block as numbers, for sorting and overlap tests. */
export interface Block {
  /** The block in canonical CIDR notation. */
  readonly cidr: string;
  /** First address as an unsigned 32-bit number. */
  readonly start: number;
  /** Last address as an unsigned 32-bit number. */
  readonly end: number;
  /** Prefix length. */
  readonly prefix: number;
}

const RESERVED = VPC_RESERVED_RANGES.map((r) => ({ ...r, block: parse(r.cidr) }));
const EXAMPLE = 'use an IPv4 network in CIDR notation such as "10.0.0.0/24"';
const SHAPE = /^(\d{1,5})\.(\d{1,5})\.(\d{1,5})\.(\d{1,5})\/(\d{1,5})$/;

/**
 * `cidr` as an IPv4 block of any size, or the problem with its notation (shape, a byte over 255, a
 * prefix over 32, leading zeros, host bits set), naming `field`.
 */
export function parseIpv4Cidr(cidr: string, field: string): { block: Block } | { problem: string } {
  const shown = preview(cidr);
  const m = cidr.length <= 40 ? SHAPE.exec(cidr) : null;
  if (!m) return { problem: `${field} ${shown} is not an IPv4 CIDR block: ${EXAMPLE}` };
  const parts = m.slice(1, 5);
  const prefixText = m[5];
  const canonicalText = `${parts.map(Number).join(".")}/${Number(prefixText)}`;
  const badByte = parts.find((p) => Number(p) > 255);
  if (badByte !== undefined)
    return { problem: `${field} ${shown} has the address byte ${Number(badByte)}, outside 0-255: ${EXAMPLE}` };
  if (Number(prefixText) > 32)
    return { problem: `${field} ${shown} has the prefix /${Number(prefixText)}, outside /0-/32: ${EXAMPLE}` };
  const zeroed = [...parts, prefixText].some((p) => p.length > 1 && p.startsWith("0"));
  if (zeroed) {
    const where =
      prefixText.length > 1 && prefixText.startsWith("0") ? `the prefix length ("/${prefixText}")` : "an address byte";
    return {
      problem: `${field} ${shown} has a leading zero in ${where}, which tools read differently (some as octal): write "${canonicalText}"`,
    };
  }
  const prefix = Number(prefixText);
  const address = parts.reduce((acc, p) => acc * 256 + Number(p), 0);
  const size = 2 ** (32 - prefix);
  const start = address - (address % size);
  const network = `${toDotted(start)}/${prefix}`;
  if (start !== address)
    return { problem: `${field} ${shown} is not a network address (host bits are set): use "${network}"` };
  return { block: { cidr: network, start, end: start + size - 1, prefix } };
}

/** `text` as an IPv4 address (a /32 block), or the problem with its notation, naming `field`. */
export function parseIpv4Address(text: string, field: string): { block: Block } | { problem: string } {
  const shown = preview(text);
  const parts = text.length <= 20 ? /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text)?.slice(1) : undefined;
  if (!parts) return { problem: `${field} ${shown} is not an IPv4 address: use dotted decimal such as "203.0.113.12"` };
  if (parts.some((p) => Number(p) > 255 || (p.length > 1 && p.startsWith("0")))) {
    return {
      problem: `${field} ${shown} is not an IPv4 address (each byte 0-255, without leading zeros): use dotted decimal such as "203.0.113.12"`,
    };
  }
  const start = parts.reduce((acc, p) => acc * 256 + Number(p), 0);
  return { block: { cidr: `${text}/32`, start, end: start, prefix: 32 } };
}

/**
 * `cidr` as a VPC block, or the problem with it, naming `field`: AWS's sizes (/16 to /28) and
 * reserved ranges, and at most `longestPrefix`, the smallest block the app can cut its subnets from
 * (`why` says why, for the message).
 */
export function checkVpcCidr(
  cidr: string,
  field: string,
  longestPrefix = SMALLEST_VPC_PREFIX,
  why = `this app needs a public and a private subnet of at least /${MIN_SUBNET_PREFIX} in each AZ, so its smallest VPC is a /${SMALLEST_VPC_PREFIX}`,
): { block: Block } | { problem: string } {
  const parsed = parseIpv4Cidr(cidr, field);
  if ("problem" in parsed) return parsed;
  const { block } = parsed;
  const { prefix } = block;
  const shown = preview(cidr);
  if (prefix < VPC_PREFIX_MIN) {
    return {
      problem: `${field} ${shown} has prefix /${prefix}: AWS accepts VPC blocks from /${VPC_PREFIX_MIN} to /${VPC_PREFIX_MAX}, use /${VPC_PREFIX_MIN} or longer`,
    };
  }
  if (prefix > longestPrefix) {
    const aws =
      prefix <= VPC_PREFIX_MAX
        ? `AWS accepts a /${prefix} VPC, but`
        : `AWS accepts VPC blocks from /${VPC_PREFIX_MIN} to /${VPC_PREFIX_MAX}, and`;
    return { problem: `${field} ${shown} has prefix /${prefix}: ${aws} ${why}: use /${longestPrefix} or shorter` };
  }
  const reserved = RESERVED.find((r) => overlaps(r.block, block));
  if (reserved) {
    return {
      problem: `${field} ${shown} lies in ${reserved.cidr} (${reserved.what}), which AWS does not allow for VPCs: use a private range (RFC 1918) such as "10.0.0.0/16"`,
    };
  }
  return { block };
}

/** Whether `outer` holds every address of `inner`. */
export function contains(outer: Block, inner: Block): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

/** A block from CIDR text known to be well formed (constants, or text a check has passed). */
export function blockOf(cidr: string): Block {
  return parse(cidr);
}

/** Whether two blocks share an address. */
export function overlaps(a: Block, b: Block): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/**
 * For each block that overlaps another, one overlapping partner: the nearest enclosing (or
 * equal) block before it in address order. CIDR blocks are nested or disjoint, so this finds
 * every block that overlaps any other, in O(n log n), without listing all overlapping pairs.
 */
export function overlappingPartners<T extends { readonly block: Block }>(items: readonly T[]): [T, T][] {
  const sorted = [...items].sort((x, y) => x.block.start - y.block.start || x.block.prefix - y.block.prefix);
  const open: T[] = [];
  const found: [T, T][] = [];
  for (const item of sorted) {
    while (open.length > 0 && open[open.length - 1].block.end < item.block.start) open.pop();
    if (open.length > 0) found.push([open[open.length - 1], item]);
    open.push(item);
  }
  return found;
}

/** The address ranges a summary stays inside: RFC 1918's three, and RFC 6598's shared space. */
const SUMMARY_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"].map(parse);

/**
 * A few blocks that cover `blocks`: per private range holding some of them (RFC 1918, RFC 6598),
 * the smallest block holding all of those, one bit wider where that is one of `blocks` itself.
 * Undefined when a block lies outside those ranges, or a cover would: it would take public
 * addresses' traffic. Addresses a cover holds beyond `blocks` are unused, or another VPC's, whose own routes
 * are more specific.
 */
export function summaryCover(blocks: readonly Block[]): Block[] | undefined {
  const groups = new Map<number, Block[]>();
  for (const block of blocks) {
    const range = SUMMARY_RANGES.findIndex((r) => contains(r, block));
    if (range < 0) return undefined;
    const list = groups.get(range) ?? [];
    list.push(block);
    groups.set(range, list);
  }
  const cover: Block[] = [];
  for (const [range, group] of groups) {
    const start = group.reduce((n, b) => Math.min(n, b.start), Infinity);
    const end = group.reduce((n, b) => Math.max(n, b.end), 0);
    let prefix = Math.clz32((start ^ end) >>> 0);
    if (group.some((b) => b.prefix === prefix && b.start === start)) prefix -= 1;
    const size = 2 ** (32 - prefix);
    const first = start - (start % size);
    const block = { cidr: `${toDotted(first)}/${prefix}`, start: first, end: first + size - 1, prefix };
    if (!contains(SUMMARY_RANGES[range], block)) return undefined;
    cover.push(block);
  }
  return cover.sort((a, b) => a.start - b.start);
}

function parse(cidr: string): Block {
  const [address, prefixText] = cidr.split("/");
  const prefix = Number(prefixText);
  const start = address.split(".").reduce((acc, p) => acc * 256 + Number(p), 0);
  return { cidr, start, end: start + 2 ** (32 - prefix) - 1, prefix };
}

function toDotted(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

/** A construct id part for a CIDR block: "10.64.0.0/16" → "10-64-0-0-16", stable however the config lists its blocks. */
export function cidrId(cidr: string): string {
  return cidr.replace(/[./]/g, "-");
}
