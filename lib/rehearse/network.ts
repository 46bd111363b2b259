/** The namespaces and links of a rehearsal plan: the data plan.ts and transit-plan.ts make and host.ts carries out. */

/** Role of a namespace. */
export type Role = "router" | "instance" | "outside" | "transit";

/** One namespace and everything run inside it once its links exist. */
export interface NamespaceSpec {
  /** Short id, unique within a run ("v0", "i3", "g1"); the namespace is named `<run prefix>-<id>`. */
  readonly id: string;
  readonly role: Role;
  /** The Terraform address it stands for. */
  readonly stands: string;
  /** Sysctls to set, as paths below /proc/sys and values; a path may end in a glob. */
  readonly sysctls: readonly (readonly [string, string])[];
  /** `ip -batch` lines. */
  readonly ip: readonly string[];
  /** `ip -6 -batch` lines (IPv6 policy rules, which ip's batch cannot mark otherwise). */
  readonly ip6: readonly string[];
  /** The nft ruleset. */
  readonly nft: string;
}

/** One end of a veth pair. */
export interface LinkEnd {
  readonly ns: string;
  readonly name: string;
  readonly mac: string;
}

/** A veth pair between two namespaces (or within one, for a VPC peered with itself). */
export interface LinkSpec {
  readonly a: LinkEnd;
  readonly b: LinkEnd;
}

/** The sysctls of a namespace that routes: forwarding on for both families, no reverse-path filter. */
export const ROUTER_SYSCTLS: readonly (readonly [string, string])[] = [
  ["net/ipv4/ip_forward", "1"],
  ["net/ipv6/conf/all/forwarding", "1"],
  ["net/ipv4/conf/*/rp_filter", "0"],
];
