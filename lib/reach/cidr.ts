import {
  IPv4,
  IPv4CidrRange,
  IPv4Prefix,
  IPv6,
  IPv6CidrRange,
  IPv6Prefix,
  Validator,
  collapseIPv6Number,
} from "ip-num";

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

/** Parses "10.0.0.0/16" or "2001:db8::/56"; returns an explanation string when it is not a network CIDR. */
export function parseCidr(text: string): Cidr | string {
  const family: Family = text.includes(":") ? "ipv6" : "ipv4";
  const [valid, problems] =
    family === "ipv4" ? Validator.isValidIPv4CidrRange(text) : Validator.isValidIPv6CidrRange(text);
  if (!valid) return `"${text}" is not a CIDR network block (${problems.join("; ")})`;
  const range = family === "ipv4" ? IPv4CidrRange.fromCidr(text) : IPv6CidrRange.fromCidr(text);
  const first = range.getFirst().getValue();
  return {
    family,
    first,
    last: range.getLast().getValue(),
    prefix: Number(range.getPrefix().getValue()),
    text: formatCidr(family, first, Number(range.getPrefix().getValue())),
  };
}

/** Parses a single IPv4 or IPv6 address. */
export function parseAddress(text: string): { readonly family: Family; readonly value: bigint } | undefined {
  if (Validator.isValidIPv4String(text)[0]) return { family: "ipv4", value: new IPv4(text).getValue() };
  if (Validator.isValidIPv6String(text)[0]) return { family: "ipv6", value: new IPv6(text).getValue() };
  return undefined;
}

/** Shows an address the usual way ("10.0.1.5", "2001:db8::5"). */
export function formatAddress(family: Family, value: bigint): string {
  return family === "ipv4" ? IPv4.fromNumber(value).toString() : collapseIPv6Number(IPv6.fromBigInt(value).toString());
}

/** Shows a CIDR block from its first address and prefix length. */
export function formatCidr(family: Family, first: bigint, prefix: number): string {
  const range =
    family === "ipv4"
      ? new IPv4CidrRange(IPv4.fromNumber(first), new IPv4Prefix(BigInt(prefix)))
      : new IPv6CidrRange(IPv6.fromBigInt(first), new IPv6Prefix(BigInt(prefix)));
  return `${formatAddress(family, range.getFirst().getValue())}/${prefix}`;
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
  const offset = hostnum < 0 ? size + BigInt(hostnum) : BigInt(hostnum);
  if (!Number.isInteger(hostnum) || offset < 0n || offset >= size) {
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
    emptySet(family)
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

/** The addresses in both sets. */
export function intersect(a: AddressSet, b: AddressSet): AddressSet {
  const out: Range[] = [];
  for (const x of a.ranges) {
    for (const y of b.ranges) {
      const first = x.first > y.first ? x.first : y.first;
      const last = x.last < y.last ? x.last : y.last;
      if (first <= last) out.push({ first, last });
    }
  }
  return normalize(a.family, out);
}

/** The addresses of a that are not in b. */
export function subtract(a: AddressSet, b: AddressSet): AddressSet {
  let current: Range[] = [...a.ranges];
  for (const y of b.ranges) {
    current = current.flatMap((x) => {
      if (!cidrOverlaps(x, y)) return [x];
      const parts: Range[] = [];
      if (x.first < y.first) parts.push({ first: x.first, last: y.first - 1n });
      if (x.last > y.last) parts.push({ first: y.last + 1n, last: x.last });
      return parts;
    });
  }
  return normalize(a.family, current);
}

/** The addresses in either set. */
export function union(a: AddressSet, b: AddressSet): AddressSet {
  return normalize(a.family, [...a.ranges, ...b.ranges]);
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
  generated: readonly GeneratedBlock[]
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
        : describeCidr(c, generated)
    )
    .join(", ");
}

function bitLength(n: bigint): number {
  return n.toString(2).length;
}
