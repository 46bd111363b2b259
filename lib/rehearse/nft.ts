import type { NaclRule, NetworkAcl, SgRule, Vpc } from "../reach";
import { type Family, type Span, coversAll, merge, toCidrs } from "./ranges";

/** nft text for rehearse's namespaces: rulesets, chains, and the matches of security group and network ACL rules. */

const FAMILIES = ["ipv4", "ipv6"] as const;

/** A VPC's blocks of one IP version as spans. */
export function blocksOf(vpc: Vpc, family: Family): Span[] {
  return (family === "ipv4" ? vpc.ipv4 : vpc.ipv6).map((b) => ({ first: b.cidr.first, last: b.cidr.last }));
}

export function ruleset(table: string, chains: readonly string[]): string {
  return `table inet ${table} {\n${chains.join("\n")}\n}\n`;
}

export function base(name: string, hook: string, rules: readonly string[]): string {
  return chain(name, rules, `type filter hook ${hook} priority 0; policy drop;`);
}

export function chain(name: string, rules: readonly string[], head?: string): string {
  return [`\tchain ${name} {`, ...(head ? [`\t\t${head}`] : []), ...rules.map((r) => `\t\t${r}`), "\t}"].join("\n");
}

export function nameSet(names: readonly string[]): string {
  return `{ ${names.map((n) => `"${n}"`).join(", ")} }`;
}

/** `ip saddr { ... }`, or the family alone when the spans hold every address. */
export function addressMatch(family: Family, field: "saddr" | "daddr", spans: readonly Span[]): string {
  if (coversAll(family, spans)) return `meta nfproto ${family}`;
  return `${family === "ipv4" ? "ip" : "ip6"} ${field} { ${toCidrs(family, merge(spans)).join(", ")} }`;
}

/** Drops what is not from `from`'s blocks to `to`'s blocks, per IP version. */
export function blockGuards(from: Vpc, to: Vpc): string[] {
  return FAMILIES.flatMap((family) => {
    const source = blocksOf(from, family);
    const target = blocksOf(to, family);
    const keyword = family === "ipv4" ? "ip" : "ip6";
    if (source.length === 0 || target.length === 0) return [`meta nfproto ${family} drop`];
    return [
      `${keyword} saddr != { ${toCidrs(family, source).join(", ")} } drop`,
      `${keyword} daddr != { ${toCidrs(family, target).join(", ")} } drop`,
    ];
  });
}

/** The nft protocol match of a security group rule for one IP version, undefined when it cannot match. */
export function sgProtocol(rule: SgRule, family: Family): string[] | undefined {
  if (rule.protocol === -1) return [];
  if (rule.protocol === 1 || rule.protocol === 58) return icmpMatch(rule.protocol, family, rule.fromPort, rule.toPort);
  if (!byte(rule.protocol)) return undefined;
  const ported = rule.protocol === 6 || rule.protocol === 17;
  if (ported && rule.fromPort >= 0 && rule.toPort >= rule.fromPort && rule.toPort <= 65535) {
    return [`meta l4proto ${rule.protocol}`, `th dport ${rule.fromPort}-${rule.toPort}`];
  }
  return [`meta l4proto ${rule.protocol}`];
}

/** ICMP (1) only matches IPv4 packets and ICMPv6 (58) only IPv6 ones; -1 is any type or code. */
export function icmpMatch(protocol: 1 | 58, family: Family, type: number, code: number): string[] | undefined {
  if ((protocol === 1) !== (family === "ipv4")) return undefined;
  if ((type !== -1 && !byte(type)) || (code !== -1 && !byte(code))) return undefined;
  const word = protocol === 1 ? "icmp" : "icmpv6";
  return [
    `meta l4proto ${protocol === 1 ? "icmp" : "ipv6-icmp"}`,
    ...(type === -1 ? [] : [`${word} type ${type}`]),
    ...(code === -1 ? [] : [`${word} code ${code}`]),
  ];
}

export function byte(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 255;
}

/** A network ACL's rules of one direction as an nft chain body: first match by rule number, allow returns, final drop. */
export function aclRules(acl: NetworkAcl, egress: boolean): string[] {
  const rules = acl.rules.filter((r) => r.egress === egress).sort((a, b) => a.ruleNo - b.ruleNo);
  return [...rules.flatMap((r) => aclRule(r)), "drop"];
}

export function aclRule(rule: NaclRule): string[] {
  const family = rule.cidr.family;
  const protocol =
    rule.protocol === -1
      ? []
      : rule.protocol === 1 || rule.protocol === 58
        ? icmpMatch(rule.protocol, family, rule.icmpType, rule.icmpCode)
        : byte(rule.protocol)
          ? [`meta l4proto ${rule.protocol}`]
          : undefined;
  if (protocol === undefined) return [];
  const match = addressMatch(family, rule.egress ? "daddr" : "saddr", [
    { first: rule.cidr.first, last: rule.cidr.last },
  ]);
  return [[match, ...protocol, rule.allow ? "return" : "drop"].join(" ")];
}
