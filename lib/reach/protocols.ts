/**
 * IP protocols as Terraform and EC2 name them in security-group rules and network ACL entries: one
 * table for both of reach's loaders, so that a rule means the same read from Terraform or live.
 */

/** The protocol names reach knows, with their numbers; -1 means every protocol. */
export const IP_PROTOCOLS: ReadonlyMap<string, number> = new Map([
  ["all", -1],
  ["icmp", 1],
  ["tcp", 6],
  ["udp", 17],
  ["icmpv6", 58],
  ["ipv6-icmp", 58],
]);

/** The number of a protocol given by name (any case) or number ("-1" to "255"), or undefined. */
export function protocolNumber(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (/^-?[0-9]+$/.test(lower)) {
    const n = Number(lower);
    return n >= -1 && n <= 255 ? n : undefined;
  }
  return IP_PROTOCOLS.get(lower);
}
