import { IPv4, IPv6, collapseIPv6Number } from "ip-num";

/**
 * Address arithmetic for rehearse, kept apart from reach's on purpose: the point of rehearse is a second,
 * independent reading of the model, so it shares reach's data but not its set algebra.
 */

/** An IP version. */
export type Family = "ipv4" | "ipv6";

/** An inclusive range of addresses. */
export interface Span {
  readonly first: bigint;
  readonly last: bigint;
}

/** The number of address bits of a family. */
export function bitsOf(family: Family): number {
  return family === "ipv4" ? 32 : 128;
}

/** Shows an address the usual way ("10.0.1.5", "2001:db8::5"). */
export function showAddress(family: Family, value: bigint): string {
  return family === "ipv4" ? IPv4.fromNumber(value).toString() : collapseIPv6Number(IPv6.fromBigInt(value).toString());
}

/** Sorted, merged spans. */
export function merge(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const out: Span[] = [];
  for (const span of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && span.first <= last.last + 1n) {
      out[out.length - 1] = { first: last.first, last: span.last > last.last ? span.last : last.last };
    } else {
      out.push({ first: span.first, last: span.last });
    }
  }
  return out;
}

/** The addresses of `from` that no span of `minus` holds. */
export function without(from: readonly Span[], minus: readonly Span[]): Span[] {
  let current = merge(from);
  for (const cut of minus) {
    current = current.flatMap((span) => {
      if (cut.last < span.first || cut.first > span.last) return [span];
      const parts: Span[] = [];
      if (span.first < cut.first) parts.push({ first: span.first, last: cut.first - 1n });
      if (span.last > cut.last) parts.push({ first: cut.last + 1n, last: span.last });
      return parts;
    });
  }
  return current;
}

/** Whether a span holds an address. */
export function holds(spans: readonly Span[], address: bigint): boolean {
  return spans.some((s) => address >= s.first && address <= s.last);
}

/** Whether two spans share an address. */
export function overlap(a: Span, b: Span): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** The fewest CIDR blocks ("10.0.0.0/24", single addresses with /32 or /128) that cover exactly the spans. */
export function toCidrs(family: Family, spans: readonly Span[]): string[] {
  const bits = bitsOf(family);
  const out: string[] = [];
  for (const span of merge(spans)) {
    let first = span.first;
    while (first <= span.last) {
      let host = 0;
      while (
        host < bits &&
        first % (1n << BigInt(host + 1)) === 0n &&
        first + (1n << BigInt(host + 1)) - 1n <= span.last
      )
        host += 1;
      out.push(`${showAddress(family, first)}/${bits - host}`);
      first += 1n << BigInt(host);
    }
  }
  return out;
}

/** Whether the spans cover every address of the family. */
export function coversAll(family: Family, spans: readonly Span[]): boolean {
  const merged = merge(spans);
  return merged.length === 1 && merged[0].first === 0n && merged[0].last === (1n << BigInt(bitsOf(family))) - 1n;
}
