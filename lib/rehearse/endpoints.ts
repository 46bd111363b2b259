import { IPv4, IPv6, Validator } from "ip-num";
import { type Instance, type Model, ReachInputError, findInstance } from "../reach";
import { RehearseInputError } from "./errors";
import { type Family, showAddress } from "./ranges";

/** An instance as rehearse places it: its VPC, its subnet and one address per IP version it has. */
export interface Endpoint {
  readonly instance: Instance;
  readonly vpc: string;
  readonly subnet: string;
  readonly ipv4: bigint | undefined;
  readonly ipv6: bigint | undefined;
  /** The versions whose address rehearse picked because the configuration leaves it to AWS. */
  readonly picked: readonly Family[];
}

/** One echo to send: from an instance to an instance (or to a bare address with --to IP). */
export interface Probe {
  readonly from: string;
  readonly to: string;
  readonly protocol: Family;
  readonly source: number;
  /** Index of the target endpoint; undefined for a bare address. */
  readonly target: number | undefined;
  readonly address: bigint;
  /**
   * The reply mark the target answers with when other instances hold its address too (see replyMark):
   * only a reply that carries it is the target's. Undefined when the address is the target's alone.
   */
  readonly mark?: number;
}

/** Instances that share one address are told apart by at most this many reply marks. */
export const REPLY_MARKS = 15;
/** Hops a reply may take between namespaces before its mark would be misread (routers lower the TTL by one each). */
const MARK_SPACING = 16;

/**
 * The TTL (IPv4) or hop limit (IPv6) endpoint `index` sends its echo replies with in `family`: 255 less 16 per
 * earlier endpoint that holds the same address, so that a reply tells which of the instances holding an address
 * answered it (markOf reads it back from the TTL that arrives). Undefined past REPLY_MARKS holders.
 */
export function replyMark(endpoints: readonly Endpoint[], index: number, family: Family): number | undefined {
  const address = endpoints[index][family];
  if (address === undefined) return undefined;
  const earlier = endpoints.slice(0, index).filter((e) => e[family] === address).length;
  return earlier < REPLY_MARKS ? 255 - MARK_SPACING * earlier : undefined;
}

/** The reply mark a reply that arrived with `ttl` left was sent with. */
export function markOf(ttl: number): number {
  return 255 - MARK_SPACING * Math.floor((255 - ttl) / MARK_SPACING);
}

/**
 * Places every instance: its fixed addresses, and for the rest the lowest address of its subnet that AWS could
 * assign (not the first four nor the last) and no other instance holds, so that every address is unique.
 */
export function placeInstances(model: Model): Endpoint[] {
  const instances = [...model.instances.values()];
  const taken = new Set<string>();
  for (const i of instances) {
    if (i.ipv4 !== undefined) taken.add(`ipv4 ${i.ipv4}`);
    if (i.ipv6 !== undefined) taken.add(`ipv6 ${i.ipv6}`);
  }
  return instances.map((instance) => {
    const subnet = model.subnets.get(instance.subnet);
    if (!subnet) throw new RehearseInputError(`${instance.address}: its subnet ${instance.subnet} is not in the model`);
    const picked: Family[] = [];
    const place = (family: Family): bigint | undefined => {
      const block = family === "ipv4" ? subnet.ipv4 : subnet.ipv6;
      if (!block || (family === "ipv6" && !instance.wantsIpv6)) return undefined;
      const fixed = family === "ipv4" ? instance.ipv4 : instance.ipv6;
      if (fixed !== undefined) return fixed;
      for (let a = block.first + 4n; a <= block.last - 1n; a += 1n) {
        if (taken.has(`${family} ${a}`)) continue;
        taken.add(`${family} ${a}`);
        picked.push(family);
        return a;
      }
      throw new RehearseInputError(
        `${instance.address}: its subnet ${subnet.address} (${block.text}) has no free address left to give it; fix private_ip or the subnet's size`,
      );
    };
    return { instance, vpc: subnet.vpc, subnet: subnet.address, ipv4: place("ipv4"), ipv6: place("ipv6"), picked };
  });
}

/** The addresses as reach's analyze takes them (options.addresses), so its verdicts are about the same hosts. */
export function addressesOf(endpoints: readonly Endpoint[]): Record<string, { ipv4?: string; ipv6?: string }> {
  const out: Record<string, { ipv4?: string; ipv6?: string }> = {};
  for (const e of endpoints) {
    out[e.instance.address] = {
      ...(e.ipv4 === undefined ? {} : { ipv4: showAddress("ipv4", e.ipv4) }),
      ...(e.ipv6 === undefined ? {} : { ipv6: showAddress("ipv6", e.ipv6) }),
    };
  }
  return out;
}

/** Parses an IPv4 or IPv6 address. */
export function parseIp(text: string): { readonly family: Family; readonly value: bigint } | undefined {
  if (Validator.isValidIPv4String(text)[0]) return { family: "ipv4", value: new IPv4(text).getValue() };
  if (Validator.isValidIPv6String(text)[0]) return { family: "ipv6", value: new IPv6(text).getValue() };
  return undefined;
}

/**
 * Every ordered pair of instances, once per IP version both ends have, in the model's order; narrowed to one
 * source with `from` and to one instance or bare address with `to`, as reach narrows them. An address held by
 * the source itself is left out, as an instance is never paired with itself. A pair whose reply could not be
 * told from another instance's is refused (RehearseInputError naming the pair, why and the fix), never listed
 * without a verdict: `--from` an instance with `--to` its own address, `--to` an address several instances
 * hold, or a target whose address more than REPLY_MARKS instances share.
 */
export function listProbes(
  model: Model,
  endpoints: readonly Endpoint[],
  options: { readonly from?: string; readonly to?: string } = {},
): Probe[] {
  const index = (name: string, option: string): number => {
    let instance: Instance;
    try {
      instance = findInstance(model, name, option);
    } catch (error) {
      if (error instanceof ReachInputError) throw new RehearseInputError(error.message);
      throw error;
    }
    return endpoints.findIndex((e) => e.instance.address === instance.address);
  };
  const all = endpoints.map((_, i) => i);
  const sources = options.from === undefined ? all : [index(options.from, "--from")];
  const ip = options.to === undefined ? undefined : parseIp(options.to);
  const probes: Probe[] = [];
  if (ip !== undefined) {
    const to = options.to as string;
    const holders = all.filter((k) => endpoints[k][ip.family] === ip.value);
    for (const s of sources) {
      const source = endpoints[s];
      if (source[ip.family] === undefined || (options.from === undefined && holders.includes(s))) continue;
      const pair = `${source.instance.address} → ${to} (${ip.family})`;
      if (holders.includes(s)) {
        throw new RehearseInputError(
          `cannot rehearse ${pair}: ${to} is ${source.instance.address}'s own address, so the echo would never leave it; ` +
            `give --from another instance, or leave --from out`,
        );
      }
      if (holders.length > 1) {
        const names = holders.map((k) => endpoints[k].instance.address).join(", ");
        throw new RehearseInputError(
          `cannot rehearse ${pair}: ${holders.length} instances hold ${to} (${names}), so a reply would not tell which ` +
            `of them answered; give --to one of them by its instance address`,
        );
      }
      probes.push({
        from: source.instance.address,
        to,
        protocol: ip.family,
        source: s,
        target: holders[0],
        address: ip.value,
      });
    }
    return probes;
  }
  const targets = options.to === undefined ? all : [index(options.to, "--to")];
  for (const s of sources) {
    for (const t of targets) {
      if (s === t) continue;
      for (const family of ["ipv4", "ipv6"] as const) {
        const a = endpoints[s][family];
        const b = endpoints[t][family];
        if (a === undefined || b === undefined) continue;
        const twin = endpoints.some((e, k) => k !== t && e[family] === b);
        const mark = twin ? replyMark(endpoints, t, family) : undefined;
        const from = endpoints[s].instance.address;
        const to = endpoints[t].instance.address;
        if (twin && mark === undefined) {
          const holders = endpoints.filter((e) => e[family] === b).length;
          throw new RehearseInputError(
            `cannot rehearse ${from} → ${to} (${family}): ${holders} instances hold ${showAddress(family, b)}, more ` +
              `than the ${REPLY_MARKS} whose replies rehearse can tell apart; give at most ${REPLY_MARKS} of them ` +
              `that private_ip, or narrow the pairs with --to an instance that holds another address`,
          );
        }
        probes.push({
          from,
          to,
          protocol: family,
          source: s,
          target: t,
          address: b,
          ...(mark === undefined ? {} : { mark }),
        });
      }
    }
  }
  return probes;
}
