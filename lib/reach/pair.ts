/**
 * One ordered pair of instances followed through the request and the reply, hop by hop: routes,
 * peerings, transit gateways, security groups and network ACLs, narrowing the possible addresses
 * of each end until the pair is decided.
 */
import {
  type AddressSet,
  type Cidr,
  type Family,
  cidrSet,
  describeSet,
  emptySet,
  intersect,
  isEmpty,
  sameSet,
  setOf,
  subtract,
  union,
} from "./cidr";
import { peerOf, peeringState, referenceAllowed, vpcBlocks } from "./lookup";
import {
  type Instance,
  type Model,
  type NaclRule,
  type NetworkAcl,
  type PairResult,
  type Route,
  type RouteTable,
  type SgRule,
  type Subnet,
  type Vpc,
} from "./model";
import { ICMP, PairCache, type Step } from "./pair-cache";
import { type Describe, type TransitAclCheck, type TransitVia, transitReferenceRefusal } from "./transit";
import { transitForward } from "./transit-walk";

/** One end of a pair: an instance, its subnet, and the addresses it may use in one family. */
export interface Endpoint {
  readonly instance: Instance | undefined;
  readonly label: string;
  readonly subnet: Subnet;
  readonly vpc: Vpc;
  readonly candidates: AddressSet;
}

/** The addresses of a subnet AWS may assign: all but the first four and the last. */
export function usable(block: Cidr): AddressSet {
  return setOf(block.family, { first: block.first + 4n, last: block.last - 1n });
}

/**
 * Thrown inside a PairAnalysis when a hop drops every possible packet. It is control flow, not a
 * failure, so it is no Error: capturing a stack trace for each unreachable pair cost seconds.
 */
/** The hops a brief analysis adds to its path: none. */
const NO_HOPS: readonly string[] = [];

class Dropped {
  constructor(
    readonly hop: string,
    readonly reason: string,
  ) {}
}

interface Routed {
  readonly hops: readonly string[];
  readonly arrival: Vpc | undefined;
  readonly step: Step;
  /** Network ACLs of transit gateway attachment subnets the packet passes. */
  readonly acls: readonly TransitAclCheck[];
  /** The attachment subnets a transit gateway may deliver through, when it delivers. */
  readonly exits: readonly Subnet[] | undefined;
  /** How transit gateways delivered it, when every delivered part came through them. */
  readonly via: TransitVia | undefined;
}

interface Forwarded {
  readonly set: AddressSet;
  readonly hops: readonly string[];
  readonly arrival: Vpc | undefined;
  readonly drop: ((describe: Describe) => string) | undefined;
  readonly acls?: readonly TransitAclCheck[];
  readonly exits?: readonly Subnet[];
  readonly via?: TransitVia;
}

/** Follows one pair through the request and the reply, narrowing the possible addresses of each end. */
export class PairAnalysis {
  private readonly path: string[] = [];
  private readonly notes: string[] = [];
  private sourceSet: AddressSet;
  private targetSet: AddressSet;
  private readonly icmp: (typeof ICMP)[Family];
  /** describe, as the reasons of shared steps take it. */
  private readonly describer: Describe = (set) => this.describe(set);

  constructor(
    private readonly model: Model,
    private readonly family: Family,
    private readonly source: Endpoint,
    private target: Endpoint,
    private readonly to: string,
    private readonly unknownHolder = false,
    private readonly cache = new PairCache(model),
    private readonly brief = false,
  ) {
    this.sourceSet = source.candidates;
    this.targetSet = target.candidates;
    this.icmp = ICMP[family];
  }

  run(): PairResult {
    try {
      this.request();
      this.reply();
    } catch (error) {
      if (error instanceof Dropped) return this.result(false, this.brief ? "" : `${error.hop}: ${error.reason}`);
      throw error;
    }
    if (this.brief) return this.result(this.unknownHolder || this.notes.length > 0 ? "depends" : true, "");
    if (this.unknownHolder) {
      return this.result(
        "depends",
        `the network carries the echo and its reply; whether ${this.to} answers depends on the security groups of whatever holds it in ${this.target.subnet.address}`,
      );
    }
    if (this.notes.length > 0) {
      const only = [
        sameSet(this.sourceSet, this.source.candidates)
          ? undefined
          : `${this.source.label} gets an address in ${this.describe(this.sourceSet)}`,
        sameSet(this.targetSet, this.target.candidates)
          ? undefined
          : `${this.target.label} gets an address in ${this.describe(this.targetSet)}`,
      ].filter((x) => x !== undefined);
      return this.result("depends", `it works only when ${only.join(" and ")} (limited by ${this.notes.join("; ")})`);
    }
    const via =
      this.target.vpc.address === this.source.vpc.address
        ? `within ${this.source.vpc.address}`
        : `between ${this.source.vpc.address} and ${this.target.vpc.address}`;
    return this.result(true, `the echo and its reply pass every hop ${via}`);
  }

  private request(): void {
    const { source, icmp } = this;
    this.pass(source.label);
    const table = this.cache.routeTableOf(source.subnet);
    // Only a rule naming a group of another VPC asks how the echo will go.
    const ahead = () => this.route(table, source.vpc, this.targetSet, "request").via;
    this.narrowTarget(
      this.securityGroups(source.instance as Instance, true, this.targetSet, this.target.instance, ahead),
    );
    const routed = this.route(table, source.vpc, this.targetSet, "request");
    if (!this.target.instance && routed.arrival) this.placeTarget(routed.arrival);
    const sameSubnet = source.subnet.address === this.target.subnet.address;
    if (!sameSubnet)
      this.narrowTarget(
        this.acl(this.cache.networkAclOf(source.subnet), true, this.targetSet, icmp.request, "outbound"),
      );
    this.narrowTarget(routed.step, this.brief ? NO_HOPS : routed.hops.slice(1));
    this.transitAcls(routed, "request", this.target.subnet);
    if (!sameSubnet && !deliveredInto(routed, this.target.subnet))
      this.narrowSource(
        this.acl(this.cache.networkAclOf(this.target.subnet), false, this.sourceSet, icmp.request, "inbound"),
      );
    if (this.target.instance) {
      this.narrowSource(
        this.securityGroups(this.target.instance, false, this.sourceSet, source.instance, () => routed.via),
      );
      this.pass(this.target.label);
    }
  }

  private reply(): void {
    const { source, target, icmp } = this;
    const sameSubnet = source.subnet.address === target.subnet.address;
    if (!sameSubnet)
      this.narrowSource(
        this.acl(this.cache.networkAclOf(target.subnet), true, this.sourceSet, icmp.reply, "outbound reply"),
      );
    const routed = this.route(this.cache.routeTableOf(target.subnet), target.vpc, this.sourceSet, "reply");
    this.narrowSource(routed.step, this.brief ? NO_HOPS : routed.hops.slice(1));
    this.transitAcls(routed, "reply", source.subnet);
    if (!sameSubnet && !deliveredInto(routed, source.subnet))
      this.narrowTarget(
        this.acl(this.cache.networkAclOf(source.subnet), false, this.targetSet, icmp.reply, "inbound reply"),
      );
    this.pass(source.label);
  }

  /** Adds hops to the path, unless the analysis is brief. */
  private pass(...hops: readonly string[]): void {
    if (!this.brief) this.path.push(...hops);
  }

  /**
   * The network ACLs of the transit gateway attachment subnets (AWS's "Network ACLs for transit
   * gateways"): the entry subnet's inbound rules match the sender's address, the exit subnet's
   * outbound rules the receiver's; neither applies when the exit subnet is the receiver's own.
   */
  private transitAcls(routed: Routed, leg: "request" | "reply", receiver: Subnet): void {
    const icmpType = leg === "request" ? this.icmp.request : this.icmp.reply;
    const suffix = leg === "request" ? "" : " reply";
    for (const check of routed.acls) {
      for (const subnet of check.subnets) {
        if (check.on === "receiver" && subnet.address === receiver.address) continue;
        const narrowsSource = (check.on === "sender") === (leg === "request");
        const peers = narrowsSource ? this.sourceSet : this.targetSet;
        const kind = `${check.egress ? "outbound" : "inbound"}${suffix}`;
        const direction = this.cache.text(
          subnet,
          kind,
          () => `${kind}, transit gateway attachment subnet ${subnet.address}`,
        );
        const step = this.acl(this.cache.networkAclOf(subnet), check.egress, peers, icmpType, direction);
        if (narrowsSource) this.narrowSource(step);
        else this.narrowTarget(step);
      }
    }
  }

  private placeTarget(vpc: Vpc): void {
    const address = this.targetSet.ranges[0].first;
    const subnet = [...this.model.subnets.values()].find((s) => {
      const block = this.family === "ipv4" ? s.ipv4 : s.ipv6;
      return s.vpc === vpc.address && block !== undefined && address >= block.first && address <= block.last;
    });
    if (!subnet) throw new Dropped(vpc.address, `no subnet of ${vpc.address} contains ${this.to}`);
    this.target = { ...this.target, subnet, vpc };
  }

  private narrowSource(step: Step, extraHops: readonly string[] = []): void {
    this.sourceSet = this.narrow(this.sourceSet, step, extraHops);
  }

  private narrowTarget(step: Step, extraHops: readonly string[] = []): void {
    this.targetSet = this.narrow(this.targetSet, step, extraHops);
  }

  private narrow(before: AddressSet, step: Step, extraHops: readonly string[]): AddressSet {
    this.pass(step.hop, ...extraHops);
    const after = intersect(before, step.allowed);
    if (isEmpty(after)) throw new Dropped(step.dropHop ?? step.hop, this.brief ? "" : step.why(this.describer, before));
    // The same set object as long as nothing narrows it: the caches of the tables it is walked through find it by identity.
    if (sameSet(after, before)) return before;
    const partial = this.brief ? undefined : step.partialWhy?.(this.describer);
    this.notes.push(`${step.hop}${partial ? `: ${partial}` : ""}`);
    return after;
  }

  /** Shows addresses, counting the reserved addresses of both subnets in so that whole blocks read as CIDRs. */
  private describe(set: AddressSet): string {
    const reserved = [this.source, this.target].reduce((acc, end) => {
      const block = this.family === "ipv4" ? end.subnet.ipv4 : end.subnet.ipv6;
      const pinned =
        end.candidates.ranges.length === 1 && end.candidates.ranges[0].first === end.candidates.ranges[0].last;
      return block && !pinned ? union(acc, subtract(setOf(this.family, block), usable(block))) : acc;
    }, emptySet(this.family));
    const widened = union(set, reserved).ranges.filter((r) => !isEmpty(intersect(set, setOf(this.family, r))));
    return describeSet({ family: this.family, ranges: widened }, this.model.generated);
  }

  /**
   * The addresses `owner`'s security groups admit in one direction; `via` tells, for a rule naming
   * a group of another VPC, how the echo goes through transit gateways (undefined when not).
   */
  private securityGroups(
    owner: Instance,
    egress: boolean,
    peers: AddressSet,
    peer: Instance | undefined,
    via: () => TransitVia | undefined,
  ): Step {
    const { model, family, icmp } = this;
    const shared = this.cache.groupStep(owner, egress, family);
    if (shared) return shared;
    const refused: string[] = [];
    const groups = owner.securityGroups.map((key) => model.securityGroups.get(key));
    const echo = (rule: SgRule) =>
      rule.egress === egress &&
      (rule.protocol === -1 ||
        (rule.protocol === icmp.protocol &&
          [-1, icmp.request].includes(rule.fromPort) &&
          [-1, 0].includes(rule.toPort)));
    const rules = groups.flatMap((group) => group?.rules.filter(echo) ?? []);
    let allowed = this.cache.blocksAdmitted(`${owner.address}\u0000${egress}\u0000${family}`, family, () => rules);
    for (const group of groups) {
      if (!group) continue;
      for (const rule of group.rules) {
        if (!echo(rule)) continue;
        const byGroup = rule.groups.some((key) => {
          const referenced = model.securityGroups.get(key);
          if (referenced === undefined || peer?.securityGroups.includes(key) !== true) return false;
          const transit = referenced.vpc !== group.vpc && model.transit ? via() : undefined;
          if (!transit || !model.transit) return referenceAllowed(model, group, referenced);
          const why = transitReferenceRefusal(model.transit, transit, egress);
          if (why !== undefined) refused.push(`${rule.source} names ${referenced.label}, but ${why}`);
          return why === undefined;
        });
        if (byGroup) allowed = union(allowed, peers);
      }
    }
    const names = groups.map((g, i) => g?.label ?? owner.securityGroups[i]).join(", ");
    const direction = egress ? "egress" : "ingress";
    const references = refused.length > 0 ? `; ${refused.join("; ")}` : "";
    const step: Step = {
      allowed,
      hop: `${names} (${direction})`,
      why: (describe, narrowed) =>
        `no ${direction} rule allows an ICMP${family === "ipv6" ? "v6" : ""} echo request ${
          egress ? "to" : "from"
        } ${describe(narrowed)}${references}`,
      ...(refused.length > 0 ? { partialWhy: () => refused.join("; ") } : {}),
    };
    // Without a rule naming a group, the step is the same for every peer.
    if (rules.every((r) => r.groups.length === 0)) this.cache.keepGroupStep(owner, egress, family, step);
    return step;
  }

  private acl(acl: NetworkAcl, egress: boolean, peers: AddressSet, icmpType: number, direction: string): Step {
    const { family, icmp } = this;
    const rules = this.cache.aclRules(acl, egress, family, icmpType);
    // The first rule allows every address (as a default network ACL's does): nothing is narrowed.
    if (rules.length > 0 && rules[0].allow && rules[0].cidr.prefix === 0)
      return this.cache.openAclStep(acl, direction, family);
    let remaining = peers;
    let allowed = emptySet(family);
    const denied: { readonly rule: NaclRule; readonly matched: AddressSet }[] = [];
    for (const rule of rules) {
      const matched = intersect(remaining, setOf(family, rule.cidr));
      if (isEmpty(matched)) continue;
      if (rule.allow) allowed = union(allowed, matched);
      else denied.push({ rule, matched });
      remaining = subtract(remaining, matched);
    }
    const denials = (describe: Describe): string =>
      [
        ...denied.map(({ rule, matched }) => `rule ${rule.ruleNo} (${rule.source}) denies ${describe(matched)}`),
        ...(isEmpty(remaining) ? [] : [`no rule allows ${describe(remaining)} (the final deny-all rule)`]),
      ].join("; ");
    const what = icmpType === icmp.request ? "echo request" : "echo reply";
    return {
      allowed,
      hop: `${acl.label} (${direction})`,
      why: (describe) => `the ICMP${family === "ipv6" ? "v6" : ""} ${what} is dropped: ${denials(describe)}`,
      partialWhy: denials,
    };
  }

  private route(table: RouteTable, vpc: Vpc, destinations: AddressSet, leg: "request" | "reply"): Routed {
    const { family } = this;
    const routes = this.cache.routesOf(table, vpc, family);
    const prefix = leg === "reply" ? "reply: " : "";
    let remaining = destinations;
    const outcomes: Forwarded[] = [];
    for (const route of routes) {
      if (isEmpty(remaining)) break;
      const matched = intersect(remaining, cidrSet(route.destination));
      if (isEmpty(matched)) continue;
      remaining = subtract(remaining, matched);
      outcomes.push(...this.forwardAll(table, vpc, route, matched, prefix, leg));
    }
    if (!isEmpty(remaining)) {
      outcomes.push({
        set: remaining,
        hops: [`${prefix}${table.label}`],
        arrival: undefined,
        drop: (describe) => `no route matches ${describe(remaining)}`,
      });
    }
    const expected = leg === "reply" ? this.source.vpc : this.target.instance ? this.target.vpc : undefined;
    const good: Forwarded[] = [];
    const blocked: Forwarded[] = [];
    for (const o of outcomes)
      (o.drop === undefined && (expected === undefined || o.arrival?.address === expected.address)
        ? good
        : blocked
      ).push(o);
    const why = (describe: Describe): string => {
      const owner = leg === "reply" ? this.source.label : this.target.label;
      return blocked
        .map(
          (o) =>
            o.drop?.(describe) ??
            `${describe(o.set)} arrives in ${o.arrival?.address}, but ${owner} is in ${expected?.address}`,
        )
        .join("; ");
    };
    const shown = good[0] ?? blocked[0];
    const dropHop = blocked[0]?.hops[0];
    // One part of the set, delivered: by far the most common outcome of a large network's pairs.
    const only = good.length === 1 ? good[0] : undefined;
    return {
      hops: shown.hops,
      arrival: good[0]?.arrival,
      acls: only ? (only.acls ?? []) : good.flatMap((o) => o.acls ?? []),
      exits: only
        ? only.exits
        : good.some((o) => o.exits !== undefined)
          ? good.flatMap((o) => o.exits ?? [])
          : undefined,
      via: good.length > 0 && good.every((o) => o.via !== undefined) ? good[0].via : undefined,
      step: {
        allowed: only ? only.set : good.reduce((acc, o) => union(acc, o.set), emptySet(family)),
        hop: shown.hops[0],
        why,
        partialWhy: why,
        dropHop,
      },
    };
  }

  /** forward, or for a route to a modeled transit gateway, each part of the set the gateway routes its own way. */
  private forwardAll(
    table: RouteTable,
    vpc: Vpc,
    route: Route,
    set: AddressSet,
    prefix: string,
    leg: "request" | "reply",
  ): Forwarded[] {
    const target = route.target;
    const net = this.model.transit;
    if (target.kind !== "gateway" || route.blackhole || !net?.gateways.has(target.gateway))
      return [this.forward(table, vpc, route, set, prefix)];
    const routeHop = this.cache.text(
      route,
      prefix,
      () =>
        `${prefix}${table.label}: ${route.destination.text} → ${net.gateways.get(target.gateway)?.label}${
          route.source.startsWith(table.label) ? "" : ` (${route.source})`
        }`,
    );
    const sender = leg === "request" ? this.source.subnet : this.target.subnet;
    const outcomes = transitForward(
      this.model,
      net,
      {
        family: this.family,
        vpc,
        subnet: sender,
        gateway: target.gateway,
        set,
        prefix,
        brief: this.brief,
      },
      this.cache.transit(net),
    );
    // A brief analysis keeps neither hops nor reasons.
    if (this.brief) return outcomes;
    return outcomes.map((o) => {
      const last = o.hops[o.hops.length - 1];
      const drop = o.drop;
      return {
        ...o,
        hops: [routeHop, ...o.hops],
        drop:
          drop && last !== undefined ? (describe: Describe) => `${last.slice(prefix.length)}: ${drop(describe)}` : drop,
      };
    });
  }

  private forward(table: RouteTable, vpc: Vpc, route: Route, set: AddressSet, prefix: string): Forwarded {
    const { model } = this;
    const target = route.target;
    const declaredApart = target.kind !== "local" && !route.source.startsWith(table.label);
    const routeHop = this.cache.text(
      route,
      prefix,
      () =>
        `${prefix}${table.label}: ${route.destination.text} → ${
          target.kind === "local" ? "local" : target.kind === "peering" ? target.peering : target.gateway
        }${declaredApart ? ` (${route.source})` : ""}`,
    );
    if (target.kind === "local") return { set, hops: [routeHop], arrival: vpc, drop: undefined };
    if (route.blackhole) {
      const gone = target.kind === "peering" ? target.peering : target.gateway;
      return {
        set,
        hops: [routeHop],
        arrival: undefined,
        drop: () =>
          `the route is a blackhole: its target ${gone} no longer exists (AWS reports the route's state as blackhole)`,
      };
    }
    if (target.kind === "gateway") {
      const gateway = model.gateways.get(target.gateway);
      const foreign = gateway?.vpc !== undefined && gateway.vpc !== vpc.address;
      return {
        set,
        hops: [routeHop],
        arrival: undefined,
        drop: foreign
          ? () =>
              `${target.gateway} belongs to ${gateway?.vpc}: a peer's ${target.gatewayKind} never carries another VPC's traffic`
          : () =>
              `the ${target.gatewayKind} ${target.gateway} leaves the VPC; private addresses of other VPCs are not reachable through it`,
      };
    }
    const peering = model.peerings.get(target.peering);
    const hops = [routeHop, `${prefix}${target.peering}`];
    if (!peering)
      return {
        set,
        hops,
        arrival: undefined,
        drop: () => `${target.peering} is not a peering connection of the loaded configuration`,
      };
    const peerKey = peerOf(peering, vpc.address);
    if (peerKey === undefined)
      return { set, hops, arrival: undefined, drop: () => `${peering.address} does not connect ${vpc.address}` };
    const state = peeringState(model, peering);
    if (!state.active) return { set, hops, arrival: undefined, drop: () => `the peering is not active: ${state.why}` };
    const peer = model.vpcs.get(peerKey);
    if (!peer) return { set, hops, arrival: undefined, drop: () => `${peerKey} is outside the loaded configuration` };
    const inside = vpcBlocks(peer, this.family).reduce(
      (acc, c) => union(acc, setOf(this.family, c)),
      emptySet(this.family),
    );
    const delivered = intersect(set, inside);
    if (isEmpty(delivered)) {
      return {
        set,
        hops,
        arrival: undefined,
        drop: (describe) =>
          `${describe(set)} is outside ${
            peer.address
          }'s CIDRs: a peering delivers only to the peer VPC itself (no transitive or edge-to-edge routing)`,
      };
    }
    return { set: delivered, hops, arrival: peer, drop: undefined };
  }

  private result(reachable: PairResult["reachable"], reason: string): PairResult {
    return { from: this.source.label, to: this.to, protocol: this.family, reachable, reason, path: this.path };
  }
}

/** Whether a transit gateway delivers into the receiver's own subnet only: then its inbound rules do not apply. */
function deliveredInto(routed: Routed, receiver: Subnet): boolean {
  return (
    routed.exits !== undefined && routed.exits.length > 0 && routed.exits.every((s) => s.address === receiver.address)
  );
}
