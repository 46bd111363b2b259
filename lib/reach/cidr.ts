import { IPv6, Validator, collapseIPv6Number } from "ip-num";

/** An IP version: the analysis runs once per family. */
export type Family = "ipv4" | "ipv6";

/** A CIDR block as an inclusive range of addresses, with the text it is shown as. */
export interface Cidr {
  readonly family: Family;
  readonly first: bigint;
  readonly last: bigint;
  readonly prefix: number;
  readonly text: string;
}

/** An inclusive range of addresses. */
export interface Range {
  readonly first: bigint;
  readonly last: bigint;
}

/** A set of addresses of one family, as sorted, disjoint, non-adjacent ranges. */
export interface AddressSet {
  readonly family: Family;
  readonly ranges: readonly Range[];
}

/** An AWS-assigned IPv6 block, unknown before apply, placed at a stand-in range and shown by its label. */
export interface GeneratedBlock {
  readonly first: bigint;
  readonly last: bigint;
  readonly label: string;
}

/** The number of address bits of a family. */
export function familyBits(family: Family): number {
  return family === "ipv4" ? 32 : 128;
}

const OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
const IPV4_TEXT = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);
const IPV6_TEXT = /^[0-9A-Fa-f:.]+$/;
const PREFIX_TEXT = /^(0|[1-9][0-9]{0,2})$/;
/** Longest address text: eight groups of four hex digits with an embedded IPv4 tail. */
const MAX_ADDRESS_TEXT = 45;

/**
 * Parses "10.0.0.0/16" or "2001:db8::/56"; returns an explanation string when it is not a network CIDR
 * as AWS takes it: no leading zeros in the prefix or in IPv4 octets, no IPv6 zone id, no host bits set.
 */
export function parseCidr(text: string): Cidr | string {
  let parsed = parsedCidrs.get(text);
  if (parsed === undefined) {
    if (parsedCidrs.size >= MAX_PARSED_CIDRS) parsedCidrs.clear();
    parsed = parseCidrText(text);
    parsedCidrs.set(text, parsed);
  }
  return parsed;
}

/**
 * CIDRs parsed so far, by text: a large network's security groups list each VPC's block in
 * hundreds of rules. The results are immutable, so sharing them is safe.
 */
const parsedCidrs = new Map<string, Cidr | string>();
/** Most texts parsedCidrs holds before it starts over. */
const MAX_PARSED_CIDRS = 1 << 16;

function parseCidrText(text: string): Cidr | string {
  const shown = JSON.stringify(clip(text));
  const slash = text.indexOf("/");
  if (slash < 0 || text.indexOf("/", slash + 1) >= 0)
    return `${shown} is not a CIDR block (expected address/prefix, e.g. 10.0.0.0/16 or 2001:db8::/56)`;
  const addressText = text.slice(0, slash);
  const address = parseAddress(addressText);
  if (!address) return `${shown} is not a CIDR block (${addressProblem(addressText)})`;
  const prefixText = text.slice(slash + 1);
  const bits = familyBits(address.family);
  if (!PREFIX_TEXT.test(prefixText))
    return `${shown} is not a CIDR block (the prefix length must be a whole number from 0 to ${bits} without leading zeros)`;
  const prefix = Number(prefixText);
  if (prefix > bits)
    return `${shown} is not a CIDR block (an ${
      address.family === "ipv4" ? "IPv4" : "IPv6"
    } prefix length is at most ${bits})`;
  const size = 1n << BigInt(bits - prefix);
  const hostBits = address.value % size;
  if (hostBits !== 0n)
    return `${shown} is not a network address (host bits are set): use ${formatCidr(
      address.family,
      address.value - hostBits,
      prefix,
    )}`;
  return cidrAt(address.family, address.value, prefix);
}

/** Parses a single IPv4 or IPv6 address as AWS takes it (no zone id, no leading zeros in IPv4 octets). */
export function parseAddress(text: string): { readonly family: Family; readonly value: bigint } | undefined {
  if (text.length > MAX_ADDRESS_TEXT) return undefined;
  if (IPV4_TEXT.test(text))
    return { family: "ipv4", value: text.split(".").reduce((acc, octet) => (acc << 8n) | BigInt(octet), 0n) };
  if (!text.includes(":") || !IPV6_TEXT.test(text)) return undefined;
  try {
    if (!Validator.isValidIPv6String(text)[0]) return undefined;
    return { family: "ipv6", value: new IPv6(text).getValue() };
  } catch {
    return undefined;
  }
}

/** Why a text is not an address, for error messages. */
export function addressProblem(text: string): string {
  const shown = JSON.stringify(clip(text));
  if (text.includes("%")) return `${shown} has an IPv6 zone id (%...), which means nothing inside a VPC`;
  if (/^[0-9.]+$/.test(text) && /(^|\.)0[0-9]/.test(text))
    return `${shown} has an IPv4 octet with a leading zero, which some tools read as octal`;
  return `${shown} is not an IPv4 or IPv6 address`;
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/**
 * Shows an address the usual way ("10.0.1.5", "2001:db8::5"). IPv4 is formatted here: ip-num's
 * IPv4 goes through binary strings and dominated the analysis of larger configurations.
 */
export function formatAddress(family: Family, value: bigint): string {
  if (family === "ipv6") return collapseIPv6Number(IPv6.fromBigInt(value).toString());
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join(".");
}

/** Shows a CIDR block from an address in it and its prefix length. */
export function formatCidr(family: Family, first: bigint, prefix: number): string {
  const hostBits = BigInt(familyBits(family) - prefix);
  return `${formatAddress(family, (first >> hostBits) << hostBits)}/${prefix}`;
}

/** Builds a Cidr from its first address and prefix length. */
export function cidrAt(family: Family, first: bigint, prefix: number, text?: string): Cidr {
  const size = 1n << BigInt(familyBits(family) - prefix);
  return { family, first, last: first + size - 1n, prefix, text: text ?? formatCidr(family, first, prefix) };
}

/** Terraform's cidrsubnet(prefix, newbits, netnum). */
export function cidrSubnet(base: Cidr, newbits: number, netnum: number, text?: string): Cidr | string {
  const prefix = base.prefix + newbits;
  if (!Number.isInteger(newbits) || newbits < 0 || prefix > familyBits(base.family)) {
    return `cidrsubnet cannot extend the /${base.prefix} prefix ${base.text} by ${newbits} bits`;
  }
  if (!Number.isInteger(netnum) || netnum < 0 || BigInt(netnum) >= 1n << BigInt(newbits)) {
    return `cidrsubnet netnum ${netnum} does not fit in ${newbits} new bits of ${base.text}`;
  }
  const size = 1n << BigInt(familyBits(base.family) - prefix);
  return cidrAt(base.family, base.first + BigInt(netnum) * size, prefix, text);
}

/** Terraform's cidrhost(prefix, hostnum), negative numbers counting from the end. */
export function cidrHost(base: Cidr, hostnum: number): bigint | string {
  const size = base.last - base.first + 1n;
  const offset = !Number.isInteger(hostnum) ? -1n : hostnum < 0 ? size + BigInt(hostnum) : BigInt(hostnum);
  if (offset < 0n || offset >= size) {
    return `cidrhost hostnum ${hostnum} is outside ${base.text}`;
  }
  return base.first + offset;
}

/** Whether block a lies inside block b (or equals it). */
export function cidrInside(a: Range, b: Range): boolean {
  return a.first >= b.first && a.last <= b.last;
}

/** Whether two blocks share any address. */
export function cidrOverlaps(a: Range, b: Range): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** The set of one range. */
export function setOf(family: Family, ...ranges: readonly Range[]): AddressSet {
  return ranges.reduce(
    (acc, r) => union(acc, { family, ranges: [{ first: r.first, last: r.last }] }),
    emptySet(family),
  );
}

/** The set of one CIDR block, made once per block object. */
export function cidrSet(cidr: Cidr): AddressSet {
  let found = cidrSets.get(cidr);
  if (!found) cidrSets.set(cidr, (found = { family: cidr.family, ranges: [{ first: cidr.first, last: cidr.last }] }));
  return found;
}

const cidrSets = new WeakMap<Cidr, AddressSet>();

/** The set of many ranges, normalized once. */
export function setOfRanges(family: Family, ranges: readonly Range[]): AddressSet {
  return normalize(
    family,
    ranges.map((r) => ({ first: r.first, last: r.last })),
  );
}

/** The empty set of a family. */
export function emptySet(family: Family): AddressSet {
  return { family, ranges: [] };
}

/** Every address of a family. */
export function fullSet(family: Family): AddressSet {
  return { family, ranges: [{ first: 0n, last: (1n << BigInt(familyBits(family))) - 1n }] };
}

/** Whether the set holds no address. */
export function isEmpty(set: AddressSet): boolean {
  return set.ranges.length === 0;
}

/** Whether two sets hold the same addresses. */
export function sameSet(a: AddressSet, b: AddressSet): boolean {
  return (
    a.ranges.length === b.ranges.length &&
    a.ranges.every((r, i) => r.first === b.ranges[i].first && r.last === b.ranges[i].last)
  );
}

/** The addresses in both sets. Each range of the smaller set finds the ranges it meets by binary search. */
export function intersect(a: AddressSet, b: AddressSet): AddressSet {
  const [small, large] = a.ranges.length <= b.ranges.length ? [a.ranges, b.ranges] : [b.ranges, a.ranges];
  const out: Range[] = [];
  // Pieces of one range of `small` come from ranges of `large` with gaps between them, and pieces of
  // two ranges of `small` lie in ranges with a gap between: the result is sorted, disjoint and
  // non-adjacent as it is made.
  for (const x of small) {
    for (let i = firstEndingFrom(large, x.first); i < large.length && large[i].first <= x.last; i++) {
      const y = large[i];
      out.push({ first: x.first > y.first ? x.first : y.first, last: x.last < y.last ? x.last : y.last });
    }
  }
  // One of the sets itself when nothing of it is cut away: callers keep a set's identity as long as
  // nothing narrows it, and caches find it by that.
  if (sameRanges(out, a.ranges)) return a;
  if (sameRanges(out, b.ranges)) return b;
  return { family: a.family, ranges: out };
}

function sameRanges(x: readonly Range[], y: readonly Range[]): boolean {
  return x.length === y.length && x.every((r, i) => r.first === y[i].first && r.last === y[i].last);
}

/** The addresses of a that are not in b. */
export function subtract(a: AddressSet, b: AddressSet): AddressSet {
  if (b.ranges.length === 0) return a;
  const out: Range[] = [];
  for (const x of a.ranges) {
    let first = x.first;
    for (let i = firstEndingFrom(b.ranges, x.first); i < b.ranges.length && b.ranges[i].first <= x.last; i++) {
      const y = b.ranges[i];
      if (y.first > first) out.push({ first, last: y.first - 1n });
      first = y.last + 1n;
    }
    if (first <= x.last) out.push(first === x.first ? x : { first, last: x.last });
  }
  return { family: a.family, ranges: out };
}

/** The addresses in either set. */
export function union(a: AddressSet, b: AddressSet): AddressSet {
  if (b.ranges.length === 0) return a;
  if (a.ranges.length === 0) return b;
  const out: Range[] = [];
  let i = 0;
  let j = 0;
  while (i < a.ranges.length || j < b.ranges.length) {
    const next =
      j >= b.ranges.length || (i < a.ranges.length && a.ranges[i].first <= b.ranges[j].first)
        ? a.ranges[i++]
        : b.ranges[j++];
    const prev = out[out.length - 1];
    if (prev && next.first <= prev.last + 1n) {
      if (next.last > prev.last) out[out.length - 1] = { first: prev.first, last: next.last };
    } else out.push(next);
  }
  return { family: a.family, ranges: out };
}

/** The index of the first of sorted, disjoint `ranges` that ends at or after `address` (ranges.length if none). */
function firstEndingFrom(ranges: readonly Range[], address: bigint): number {
  let low = 0;
  let high = ranges.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (ranges[mid].last < address) low = mid + 1;
    else high = mid;
  }
  return low;
}

function normalize(family: Family, ranges: readonly Range[]): AddressSet {
  const sorted = [...ranges].sort((x, y) => (x.first < y.first ? -1 : x.first > y.first ? 1 : 0));
  const out: Range[] = [];
  for (const r of sorted) {
    const prev = out[out.length - 1];
    if (prev && r.first <= prev.last + 1n) {
      out[out.length - 1] = { first: prev.first, last: r.last > prev.last ? r.last : prev.last };
    } else {
      out.push(r);
    }
  }
  return { family, ranges: out };
}

/** Splits a range into the fewest CIDR blocks that cover exactly it. */
export function rangeToCidrs(family: Family, range: Range): readonly Cidr[] {
  const bits = familyBits(family);
  const out: Cidr[] = [];
  let first = range.first;
  while (first <= range.last) {
    let hostBits = 0;
    while (
      hostBits < bits &&
      first % (1n << BigInt(hostBits + 1)) === 0n &&
      first + (1n << BigInt(hostBits + 1)) - 1n <= range.last
    ) {
      hostBits += 1;
    }
    out.push(cidrAt(family, first, bits - hostBits));
    first += 1n << BigInt(hostBits);
  }
  return out;
}

/** Shows a CIDR, naming AWS-assigned IPv6 blocks by the Terraform expression that denotes them. */
export function describeCidr(
  cidr: Range & { readonly prefix: number; readonly family: Family },
  generated: readonly GeneratedBlock[],
): string {
  const block = cidr.family === "ipv6" ? generated.find((g) => cidrInside(cidr, g)) : undefined;
  if (!block) return formatCidr(cidr.family, cidr.first, cidr.prefix);
  const blockPrefix = 128 - (bitLength(block.last - block.first + 1n) - 1);
  if (cidr.prefix === blockPrefix) return block.label;
  if (cidr.prefix === 128) return `cidrhost(${block.label}, ${cidr.first - block.first})`;
  const newbits = cidr.prefix - blockPrefix;
  const netnum = (cidr.first - block.first) >> BigInt(128 - cidr.prefix);
  return `cidrsubnet(${block.label}, ${newbits}, ${netnum})`;
}

/** Shows a set of addresses as a comma-separated list of CIDRs (single addresses without /32 or /128). */
export function describeSet(set: AddressSet, generated: readonly GeneratedBlock[]): string {
  const bits = familyBits(set.family);
  return set.ranges
    .flatMap((r) => rangeToCidrs(set.family, r))
    .map((c) =>
      c.prefix === bits && !generated.some((g) => cidrInside(c, g))
        ? formatAddress(set.family, c.first)
        : describeCidr(c, generated),
    )
    .join(", ");
}

function bitLength(n: bigint): number {
  return n.toString(2).length;
}
