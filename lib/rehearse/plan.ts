import type { Model, NetworkAcl, Peering, RouteTable, SecurityGroup, SgRule, Vpc } from "../reach";
import { type Endpoint, replyMark } from "./endpoints";
import { type LinkEnd, type LinkSpec, type NamespaceSpec, ROUTER_SYSCTLS } from "./network";
import { TransitPlan } from "./transit-plan";
import { referencingGateway } from "../reach/transit";
import { addressMatch, aclRules, base, blockGuards, blocksOf, chain, nameSet, ruleset, sgProtocol } from "./nft";
import { RehearseInputError } from "./errors";
import { type Family, type Span, bitsOf, holds, overlap, showAddress, toCidrs, without } from "./ranges";

/**
 * From reach's model to a plan of Linux network namespaces: pure data (ip batch lines, nft rulesets, sysctls),
 * so the whole translation is testable without root. `host.ts` carries it out.
 *
 * - A router namespace per VPC. Each instance, peering and gateway has its own veth into it, and every packet
 *   a router forwards is routed by policy: what arrives from an instance uses its subnet's route table (one
 *   Linux table per AWS table), what arrives over a peering is delivered inside the VPC (table 900), and what
 *   matches no route falls to a blackhole rule.
 * - AWS's route choice is compiled into each table: the table's routes with metrics in declaration order (the
 *   first of two equal routes wins) and, for each local route, a blackhole for the VPC block (metric 0, so a
 *   local route wins a tie) plus a host route to each instance that the local route, not a more specific
 *   route, decides.
 * - nft in the router: a peering link carries only packets between the two VPCs' own blocks, and what arrives
 *   over it may only go to an instance of the VPC (no transit, no edge-to-edge); network ACLs are stateless
 *   chains per subnet, outbound and inbound, in rule-number order ending in a drop, skipped within a subnet.
 * - An instance namespace holds the instance's addresses and its security groups as a stateful nft ruleset.
 * - The gateways (internet, NAT, VPN) are links from their VPC's router into one "outside" namespace that
 *   forwards nothing and answers nothing: what a route sends to a gateway is received there and dropped.
 * - Transit gateways are router namespaces of their own whose table is chosen by the arrival link (transit-plan.ts).
 */

export type { LinkEnd, LinkSpec, NamespaceSpec, Role } from "./network";

/** The network of one rehearsal. */
export interface NetworkPlan {
  readonly namespaces: readonly NamespaceSpec[];
  readonly links: readonly LinkSpec[];
  /** The namespace id of each endpoint, by endpoint index. */
  readonly instanceNamespace: readonly string[];
  readonly counts: {
    readonly namespaces: number;
    readonly routers: number;
    readonly instances: number;
    readonly peerings: number;
    readonly gateways: number;
    /** Transit gateways built. @default 0 */
    readonly transitGateways?: number;
    /** Their router namespaces: each gateway once per Availability Zone of sending subnets. @default 0 */
    readonly transitRouters?: number;
  };
}

/** The address the instance and gateway side sees its router at, and the one a router sees the far end of a link at. */
const ROUTER = { ipv4: "169.254.0.1", ipv6: "fe80::1" } as const;
const FAR = { ipv4: "169.254.0.2", ipv6: "fe80::2" } as const;
const ARRIVALS = 900;
const OUTSIDE = "out";
const FIRST_TABLE = 1000;
const FAMILIES = ["ipv4", "ipv6"] as const;

/**
 * Whether a peering carries traffic: both VPCs known, and the status AWS reports is "active" (a live
 * model), else (Terraform) it becomes active in AWS: no overlapping block, and accepted.
 */
export function peeringActive(model: Model, peering: Peering): boolean {
  const a = model.vpcs.get(peering.requesterVpc);
  const b = model.vpcs.get(peering.accepterVpc);
  if (!a || !b) return false;
  if (peering.status !== undefined) return peering.status === "active";
  for (const family of FAMILIES) {
    for (const x of blocksOf(a, family)) if (blocksOf(b, family).some((y) => overlap(x, y))) return false;
  }
  if (peering.autoAccept) return !peering.peerRegionSet;
  return peering.accepters.some((x) => x.autoAccept);
}

function prefixOf(family: Family, span: Span): number {
  return bitsOf(family) - (span.last - span.first + 1n).toString(2).length + 1;
}

function cidr(family: Family, first: bigint, last: bigint): string {
  return toCidrs(family, [{ first, last }])[0];
}

function mac(link: number, side: 1 | 2): string {
  const hex = (n: number): string => (n & 0xff).toString(16).padStart(2, "0");
  return `02:00:${hex(link >> 16)}:${hex(link >> 8)}:${hex(link)}:0${side}`;
}

/**
 * Gives each link a number that names it and its MACs, from what the link stands for (`key`: "peering
 * <address>", "instance <address>", ...). One naming shared by the plans of several versions of a network keeps
 * the names of the links they share, so the change between two plans is only what changed (change.ts).
 */
export type LinkNaming = (key: string) => number;

/** A naming that numbers keys in the order it first sees them, the same number for the same key ever after. */
export function stableNaming(): LinkNaming {
  const numbers = new Map<string, number>();
  return (key) => {
    const known = numbers.get(key);
    if (known !== undefined) return known;
    numbers.set(key, numbers.size);
    return numbers.size - 1;
  };
}

/**
 * Builds the plan; `table` names the nft table of every namespace (the run's prefix). Links are numbered by
 * their place in the plan, or by `naming` when given.
 */
export function planNetwork(
  model: Model,
  endpoints: readonly Endpoint[],
  table: string,
  naming?: LinkNaming,
): NetworkPlan {
  return new Planner(model, endpoints, table, naming).plan();
}

interface PeeringLink {
  readonly peering: Peering;
  readonly link: LinkSpec;
}

class Planner {
  private readonly vpcs: readonly Vpc[];
  private readonly vpcIndex: ReadonlyMap<string, number>;
  private readonly links: LinkSpec[] = [];
  private readonly instanceLinks: LinkSpec[] = [];
  private readonly peeringLinks = new Map<string, PeeringLink>();
  private readonly gatewayLinks = new Map<string, LinkSpec>();
  private transit: TransitPlan | undefined;

  constructor(
    private readonly model: Model,
    private readonly endpoints: readonly Endpoint[],
    private readonly table: string,
    private readonly naming: LinkNaming | undefined,
  ) {
    this.vpcs = [...model.vpcs.values()];
    this.vpcIndex = new Map(this.vpcs.map((v, i) => [v.address, i]));
  }

  plan(): NetworkPlan {
    const router = (vpc: string): string => `v${this.vpcIndex.get(vpc)}`;
    this.endpoints.forEach((e, i) => {
      if (!this.vpcIndex.has(e.vpc))
        throw new RehearseInputError(`${e.instance.address}: its VPC ${e.vpc} is not in the model`);
      const key = `instance ${e.instance.address}`;
      const n = this.number(key, i);
      this.instanceLinks.push(this.link(router(e.vpc), `rhi${n}`, `i${i}`, "rhe0", key));
    });
    [...this.model.peerings.values()].forEach((peering, i) => {
      if (!peeringActive(this.model, peering)) return;
      const self = peering.requesterVpc === peering.accepterVpc;
      const key = `peering ${peering.address}`;
      const n = this.number(key, i);
      const link = this.link(
        router(peering.requesterVpc),
        `rhp${n}`,
        router(peering.accepterVpc),
        self ? `rhq${n}` : `rhp${n}`,
        key,
      );
      this.peeringLinks.set(peering.address, { peering, link });
    });
    const gateways = [...this.model.gateways.values()];
    gateways.forEach((gateway, i) => {
      if (gateway.vpc === undefined || !this.vpcIndex.has(gateway.vpc)) return;
      const key = `gateway ${gateway.address}`;
      const n = this.number(key, i);
      this.gatewayLinks.set(gateway.address, this.link(router(gateway.vpc), `rhg${n}`, OUTSIDE, `rhg${n}`, key));
    });
    const transit = new TransitPlan({
      model: this.model,
      endpoints: this.endpoints,
      router: (vpc) => (this.vpcIndex.has(vpc) ? router(vpc) : undefined),
      link: (nsA, nameA, nsB, nameB, key) => this.link(nsA, nameA, nsB, nameB, key),
      number: (key, fallback) => this.number(key, fallback),
      networkAclOf: (subnet, vpc) => this.networkAclOf(subnet, vpc),
    });
    this.transit = transit;
    const namespaces: NamespaceSpec[] = [
      ...this.vpcs.map((vpc, i) => this.router(vpc, `v${i}`)),
      ...transit.namespaces(this.table),
      ...this.endpoints.map((e, i) => this.instance(e, i)),
      ...(this.gatewayLinks.size > 0 ? [this.outside()] : []),
    ];
    return {
      namespaces,
      links: this.links,
      instanceNamespace: this.endpoints.map((_, i) => `i${i}`),
      counts: {
        namespaces: namespaces.length,
        routers: this.vpcs.length,
        instances: this.endpoints.length,
        peerings: this.peeringLinks.size,
        gateways: this.gatewayLinks.size,
        ...(transit.routers > 0 ? { transitGateways: transit.gatewayCount, transitRouters: transit.routers } : {}),
      },
    };
  }

  /** The number that names the link standing for `key`: `fallback` without a naming. */
  private number(key: string, fallback: number): number {
    return this.naming ? this.naming(key) : fallback;
  }

  private link(nsA: string, nameA: string, nsB: string, nameB: string, key: string): LinkSpec {
    const n = this.naming ? this.naming(key) : this.links.length;
    const link = { a: { ns: nsA, name: nameA, mac: mac(n, 1) }, b: { ns: nsB, name: nameB, mac: mac(n, 2) } };
    this.links.push(link);
    return link;
  }

  private endsIn(ns: string): LinkEnd[] {
    return this.links.flatMap((l) => [l.a, l.b]).filter((end) => end.ns === ns);
  }

  private router(vpc: Vpc, id: string): NamespaceSpec {
    const ip: string[] = ["link set dev lo up"];
    const ip6: string[] = [];
    for (const end of this.endsIn(id))
      ip.push(`link set dev ${end.name} addrgenmode none`, `link set dev ${end.name} up`);
    const members = this.endpoints.map((e, i) => ({ e, i })).filter(({ e }) => e.vpc === vpc.address);
    for (const { e, i } of members) {
      const link = this.instanceLinks[i];
      for (const family of FAMILIES) {
        const address = e[family];
        if (address !== undefined)
          ip.push(`neigh add ${showAddress(family, address)} lladdr ${link.b.mac} dev ${link.a.name} nud permanent`);
      }
    }
    const farEnds: { near: LinkEnd; far: LinkEnd }[] = [];
    for (const { link } of this.peeringLinks.values()) {
      if (link.a.ns === id) farEnds.push({ near: link.a, far: link.b });
      if (link.b.ns === id) farEnds.push({ near: link.b, far: link.a });
    }
    for (const link of this.gatewayLinks.values()) if (link.a.ns === id) farEnds.push({ near: link.a, far: link.b });
    farEnds.push(...this.transitPlan.ends(id));
    for (const { near, far } of farEnds) {
      for (const family of FAMILIES)
        ip.push(`neigh add ${FAR[family]} lladdr ${far.mac} dev ${near.name} nud permanent`);
    }
    // A table that routes to a transit gateway is one Linux table per subnet: where it enters the gateway depends on the subnet.
    const tables = new Map<string, { table: RouteTable; subnet: string; number: number }>();
    for (const { e, i } of members) {
      const table = this.routeTableOf(e);
      const key = this.transitPlan.routesToTransit(table) ? `${table.address}\n${e.subnet}` : table.address;
      if (!tables.has(key)) tables.set(key, { table, subnet: e.subnet, number: FIRST_TABLE + tables.size });
      for (const lines of [ip, ip6])
        lines.push(`rule add iif ${this.instanceLinks[i].a.name} table ${tables.get(key)?.number} pref 100`);
    }
    for (const { table, subnet, number } of tables.values()) ip.push(...this.routes(vpc, id, table, number, subnet));
    for (const { e, i } of members) {
      for (const family of FAMILIES) {
        const address = e[family];
        if (address !== undefined)
          ip.push(`route add ${cidr(family, address, address)} dev ${this.instanceLinks[i].a.name} table ${ARRIVALS}`);
      }
    }
    const arrivals = [...this.peeringLinks.values()].flatMap(({ link }) => [link.a, link.b]).filter((e) => e.ns === id);
    for (const end of [...arrivals, ...this.transitPlan.arrivals(id)])
      for (const lines of [ip, ip6]) lines.push(`rule add iif ${end.name} table ${ARRIVALS} pref 100`);
    for (const lines of [ip, ip6]) lines.push("rule add pref 30000 blackhole");
    return {
      id,
      role: "router",
      stands: vpc.address,
      sysctls: ROUTER_SYSCTLS,
      ip,
      ip6,
      nft: this.routerRules(
        vpc,
        id,
        members.map(({ e, i }) => ({ e, i })),
      ),
    };
  }

  /** The subnet's explicitly associated route table, else the VPC's main one. */
  private routeTableOf(e: Endpoint): RouteTable {
    const explicit = this.model.routeTableAssociations.find((a) => a.from === e.subnet);
    const main = [...this.model.mainRouteTableAssociations].reverse().find((a) => a.from === e.vpc);
    const key = explicit?.to ?? main?.to ?? `${e.vpc}.default_route_table`;
    const table = this.model.routeTables.get(key);
    if (!table) throw new RehearseInputError(`${e.subnet}: its route table ${key} is not in the model`);
    return table;
  }

  /** The subnet's explicitly associated network ACL, else the VPC's default one. */
  private networkAclOf(subnet: string, vpc: string): NetworkAcl {
    const explicit = this.model.networkAclAssociations.find((a) => a.from === subnet);
    const key = explicit?.to ?? `${vpc}.default_network_acl`;
    const acl = this.model.networkAcls.get(key);
    if (!acl) throw new RehearseInputError(`${subnet}: its network ACL ${key} is not in the model`);
    return acl;
  }

  private get transitPlan(): TransitPlan {
    if (!this.transit) throw new Error("the transit plan is made before the routers");
    return this.transit;
  }

  private routes(vpc: Vpc, id: string, table: RouteTable, number: number, subnet: string): string[] {
    const lines: string[] = [];
    const routed = new Set<string>();
    for (const family of FAMILIES) {
      const declared = table.routes.filter((r) => r.destination.family === family && r.target.kind !== "local");
      declared.forEach((route, k) => {
        const destination = cidr(family, route.destination.first, route.destination.last);
        lines.push(
          `route add ${route.blackhole ? `blackhole ${destination}` : this.nextHop(vpc, id, route.target, family, destination, subnet)} table ${number} metric ${10 + k}`,
        );
      });
      for (const block of blocksOf(vpc, family)) {
        const prefix = prefixOf(family, block);
        lines.push(`route add blackhole ${cidr(family, block.first, block.last)} table ${number} metric 0`);
        const decided = without(
          [block],
          declared
            .filter((r) => r.destination.prefix > prefix)
            .map((r) => ({ first: r.destination.first, last: r.destination.last })),
        );
        this.endpoints.forEach((e, i) => {
          const address = e[family];
          if (
            e.vpc !== vpc.address ||
            address === undefined ||
            !holds(decided, address) ||
            routed.has(`${family} ${address}`)
          )
            return;
          routed.add(`${family} ${address}`);
          lines.push(
            `route add ${cidr(family, address, address)} dev ${this.instanceLinks[i].a.name} table ${number} metric 0`,
          );
        });
      }
    }
    return lines;
  }

  private nextHop(
    vpc: Vpc,
    id: string,
    target: RouteTable["routes"][number]["target"],
    family: Family,
    destination: string,
    subnet: string,
  ): string {
    const via = (end: LinkEnd): string =>
      family === "ipv4"
        ? `${destination} via ${FAR.ipv4} dev ${end.name} onlink`
        : `${destination} via ${FAR.ipv6} dev ${end.name}`;
    if (target.kind === "peering") {
      const found = this.peeringLinks.get(target.peering);
      if (found) {
        const { peering, link } = found;
        if (peering.requesterVpc === vpc.address && link.a.ns === id) return via(link.a);
        if (peering.accepterVpc === vpc.address && link.b.ns === id) return via(link.b);
      }
    } else if (target.kind === "gateway") {
      const transit = this.transitPlan.nextHop(vpc, subnet, target.gateway, family);
      if (transit !== undefined) return transit === "blackhole" ? `blackhole ${destination}` : via(transit);
      const link = this.gatewayLinks.get(target.gateway);
      if (link && link.a.ns === id) return via(link.a);
    }
    return `blackhole ${destination}`;
  }

  private routerRules(vpc: Vpc, id: string, members: readonly { e: Endpoint; i: number }[]): string {
    const own = members.map(({ i }) => this.instanceLinks[i].a.name);
    const forward: string[] = [];
    const chains: string[] = [];
    for (const link of this.gatewayLinks.values()) if (link.a.ns === id) forward.push(`iifname "${link.a.name}" drop`);
    for (const { peering, link } of this.peeringLinks.values()) {
      const ends: { end: LinkEnd; peer: string }[] = [];
      if (link.a.ns === id) ends.push({ end: link.a, peer: peering.accepterVpc });
      if (link.b.ns === id) ends.push({ end: link.b, peer: peering.requesterVpc });
      for (const { end, peer } of ends) {
        const other = this.model.vpcs.get(peer) as Vpc;
        forward.push(`iifname "${end.name}" jump from_${end.name}`, `oifname "${end.name}" jump to_${end.name}`);
        chains.push(
          chain(`from_${end.name}`, [
            ...blockGuards(other, vpc),
            own.length > 0 ? `oifname != ${nameSet(own)} drop` : "drop",
          ]),
          chain(`to_${end.name}`, blockGuards(vpc, other)),
        );
      }
    }
    const subnets = new Map<string, string[]>();
    for (const { e, i } of members)
      subnets.set(e.subnet, [...(subnets.get(e.subnet) ?? []), this.instanceLinks[i].a.name]);
    const transit = this.transitPlan.routerRules(id, subnets);
    forward.push(...transit.forward);
    chains.push(...transit.chains);
    [...subnets].forEach(([subnet, names], k) => {
      const acl = this.networkAclOf(subnet, vpc.address);
      const set = nameSet(names);
      forward.push(
        `iifname ${set} oifname != ${set} jump nacl_out_${k}`,
        `oifname ${set} iifname != ${set} jump nacl_in_${k}`,
      );
      chains.push(chain(`nacl_out_${k}`, aclRules(acl, true)), chain(`nacl_in_${k}`, aclRules(acl, false)));
    });
    return ruleset(this.table, [
      base("input", "input", []),
      base("output", "output", []),
      base("forward", "forward", [...forward, "accept"]),
      ...chains,
    ]);
  }

  private instance(e: Endpoint, i: number): NamespaceSpec {
    const link = this.instanceLinks[i];
    const ip = ["link set dev lo up", "link set dev rhe0 addrgenmode none", "link set dev rhe0 up"];
    for (const family of FAMILIES) {
      const address = e[family];
      if (address === undefined) continue;
      ip.push(
        `addr add ${cidr(family, address, address)} dev rhe0${family === "ipv6" ? " nodad" : ""}`,
        `neigh add ${ROUTER[family]} lladdr ${link.a.mac} dev rhe0 nud permanent`,
        family === "ipv4"
          ? `route add 0.0.0.0/0 via ${ROUTER.ipv4} dev rhe0 onlink`
          : `route add ::/0 via ${ROUTER.ipv6} dev rhe0`,
      );
    }
    const groups = e.instance.securityGroups.map((key) => this.model.securityGroups.get(key));
    const rules = (egress: boolean): string[] =>
      groups.flatMap((group) =>
        group ? group.rules.filter((r) => r.egress === egress).flatMap((r) => this.sgRule(group, r)) : [],
      );
    return {
      id: `i${i}`,
      role: "instance",
      stands: e.instance.address,
      sysctls: [],
      ip,
      ip6: [],
      nft: ruleset(this.table, [
        chain("reply_marks", this.replyMarks(i), "type filter hook output priority -10; policy accept;"),
        base("output", "output", ['oifname "lo" accept', "ct state established,related accept", ...rules(true)]),
        base("input", "input", ['iifname "lo" accept', "ct state established,related accept", ...rules(false)]),
      ]),
    };
  }

  /** The rules that send this instance's echo replies with its reply mark as TTL and hop limit (see replyMark). */
  private replyMarks(i: number): string[] {
    const v4 = replyMark(this.endpoints, i, "ipv4");
    const v6 = replyMark(this.endpoints, i, "ipv6");
    return [
      ...(v4 === undefined ? [] : [`icmp type echo-reply ip ttl set ${v4}`]),
      ...(v6 === undefined ? [] : [`icmpv6 type echo-reply ip6 hoplimit set ${v6}`]),
    ];
  }

  /** One security group rule as nft rules (one per IP version it can match), each accepting. */
  private sgRule(group: SecurityGroup, rule: SgRule): string[] {
    const out: string[] = [];
    for (const family of FAMILIES) {
      const protocol = sgProtocol(rule, family);
      if (protocol === undefined) continue;
      const peers: Span[] = rule.cidrs
        .filter((c) => c.family === family)
        .map((c) => ({ first: c.first, last: c.last }));
      for (const key of rule.groups) {
        const referenced = this.model.securityGroups.get(key);
        if (!referenced || !this.referenceAllowed(group, referenced, rule.egress)) continue;
        for (const e of this.endpoints) {
          const address = e[family];
          if (address !== undefined && e.instance.securityGroups.includes(key))
            peers.push({ first: address, last: address });
        }
      }
      if (peers.length === 0) continue;
      out.push([addressMatch(family, rule.egress ? "daddr" : "saddr", peers), ...protocol, "accept"].join(" "));
    }
    return out;
  }

  /**
   * A group may name another group of its VPC, or of a VPC it is actively peered with in the same
   * region; in an inbound rule also of a VPC attached to the same transit gateway, when the gateway
   * and both VPC attachments enable security_group_referencing_support (as reach decides it).
   */
  private referenceAllowed(owner: SecurityGroup, referenced: SecurityGroup, egress: boolean): boolean {
    if (owner.vpc === referenced.vpc) return true;
    if (owner.vpc === undefined || referenced.vpc === undefined || owner.region !== referenced.region) return false;
    const [a, b] = [owner.vpc, referenced.vpc];
    const peered = [...this.model.peerings.values()].some(
      (p) =>
        ((p.requesterVpc === a && p.accepterVpc === b) || (p.requesterVpc === b && p.accepterVpc === a)) &&
        peeringActive(this.model, p),
    );
    return peered || (!egress && referencingGateway(this.model.transit, a, b, true) !== undefined);
  }

  /** The namespace at the far end of every gateway link: links up, nothing forwarded, nothing answered. */
  private outside(): NamespaceSpec {
    return {
      id: OUTSIDE,
      role: "outside",
      stands: [...this.gatewayLinks.keys()].join(", "),
      sysctls: [],
      ip: [...this.gatewayLinks.values()].flatMap((l) => [
        `link set dev ${l.b.name} addrgenmode none`,
        `link set dev ${l.b.name} up`,
      ]),
      ip6: [],
      nft: ruleset(this.table, [
        base("input", "input", []),
        base("forward", "forward", []),
        base("output", "output", []),
      ]),
    };
  }
}
