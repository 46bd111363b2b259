import type { Cidr } from "./cidr";
import { type DiffElement, transitElements } from "./diff-elements";
import type { Model, PairResult, Reachable, Result, RouteTarget } from "./model";

/**
 * What a change does to who can ping whom: the verdicts of two analyses (BASE and HEAD) compared pair
 * by pair, and for each pair whose verdict changed, the elements of the network that changed on its
 * path. An element is one thing AWS routes or filters by: a route, a security-group rule, a network
 * ACL entry, a peering, an association, an instance, a VPC block, and of transit gateways the
 * gateway, its attachments, route tables, associations, propagations and static routes. Pure: it takes two models and their
 * analyses and returns data.
 */

/** One side of the comparison: the model and its analysis. */
export interface DiffSide {
  readonly model: Model;
  readonly result: Result;
}

/** One element of the network that differs between BASE and HEAD. */
export interface ElementChange {
  /** What happened to it. */
  readonly change: "removed" | "added" | "changed";
  /** The kind of element: "route", "security-group rule", "network ACL entry", "peering", ... */
  readonly kind: string;
  /** The element in words, as HEAD has it (BASE's for a removed one). */
  readonly element: string;
  /** For a changed element: how it was in BASE. */
  readonly before?: string;
}

/** A pair whose verdict differs between BASE and HEAD. */
export interface PairChange {
  readonly from: string;
  readonly to: string;
  readonly protocol: PairResult["protocol"];
  /** BASE's verdict; "absent" when an end does not exist in BASE (listed only when HEAD's is ✓). */
  readonly before: Reachable | "absent";
  /** HEAD's verdict; "absent" when an end does not exist in HEAD (listed only when BASE's was ✓). */
  readonly after: Reachable | "absent";
  /** HEAD's reason (BASE's when the pair is absent from HEAD). */
  readonly reason: string;
  /** The changed elements on the pair's path (BASE's path and HEAD's), in path order. */
  readonly hops: readonly ElementChange[];
}

/** The comparison: pairs lost (reachable in BASE, not in HEAD), gained, and otherwise changed. */
export interface ReachDiff {
  readonly lost: readonly PairChange[];
  readonly gained: readonly PairChange[];
  /** Verdicts that changed between "no" and "depends on the address AWS assigns". */
  readonly changed: readonly PairChange[];
  /** How many elements differ in all (on any path or none). */
  readonly elementsChanged: number;
}

/** How the two sides name their instances and elements. */
export interface DiffOptions {
  /**
   * BASE's instance addresses as HEAD names them (a deployed instance id → its synthesized address),
   * for BASE read live; an instance not in the map keeps its own address.
   * @default - both sides name instances alike
   */
  readonly instances?: ReadonlyMap<string, string>;
  /**
   * Whether the elements of both sides are named alike, so that changed elements can be found; false
   * when BASE is read live (AWS ids) and HEAD from Terraform (addresses): then no hop is named.
   * @default true
   */
  readonly comparableElements?: boolean;
}

/** Compares BASE's verdicts with HEAD's, pair by pair, and names the elements that changed on each changed pair's path. */
export function diffReach(base: DiffSide, head: DiffSide, options: DiffOptions = {}): ReachDiff {
  const rename = (address: string): string => options.instances?.get(address) ?? address;
  const before = pairsByKey(base.result.pairs.map((p) => ({ ...p, from: rename(p.from), to: rename(p.to) })));
  const after = pairsByKey(head.result.pairs);
  const elements =
    options.comparableElements === false ? [] : changedElements(elementsOf(base.model), elementsOf(head.model));
  const lost: PairChange[] = [];
  const gained: PairChange[] = [];
  const changed: PairChange[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(key);
    const a = after.get(key);
    const was = b ? b.reachable : "absent";
    const now = a ? a.reachable : "absent";
    if (was === now) continue;
    if ((was === "absent" && now !== true) || (now === "absent" && was !== true)) continue;
    const pair = (a ?? b) as PairResult;
    const texts = [...(b?.path ?? []), ...(a?.path ?? []), b?.reason ?? "", a?.reason ?? "", pair.from, pair.to];
    const change: PairChange = {
      from: pair.from,
      to: pair.to,
      protocol: pair.protocol,
      before: was,
      after: now,
      reason: (a ?? b)?.reason ?? "",
      hops: onPath(elements, texts),
    };
    if (was === true) lost.push(change);
    else if (now === true) gained.push(change);
    else changed.push(change);
  }
  return { lost, gained, changed, elementsChanged: elements.length };
}

/**
 * BASE's instances as HEAD names them: each HEAD instance with tags matched to the one BASE instance
 * that carries all of them (the app tags each instance Name = <vpc>-ping). An instance matched by none
 * or by several is left out, and its pairs count as absent on one side.
 */
export function instancesByTags(base: Model, head: Model): Map<string, string> {
  const out = new Map<string, string>();
  const candidates = [...base.instances.values()];
  for (const instance of head.instances.values()) {
    const tags = Object.entries(instance.tags);
    if (tags.length === 0) continue;
    const matches = candidates.filter((c) => tags.every(([key, value]) => c.tags[key] === value));
    if (matches.length === 1) out.set(matches[0].address, instance.address);
  }
  return out;
}

function pairsByKey(pairs: readonly PairResult[]): Map<string, PairResult> {
  return new Map(pairs.map((p) => [`${p.from}\u0000${p.to}\u0000${p.protocol}`, p]));
}

type Element = DiffElement;

interface Changed extends ElementChange {
  readonly mentions: readonly string[];
}

/** Every element of a model by a key that survives reordering and renaming of the resources that declare it. */
function elementsOf(model: Model): Map<string, Element> {
  const out = new Map<string, Element>();
  const add = (key: string, element: Element): void => {
    const seen = out.get(key);
    out.set(
      key,
      seen ? { ...element, value: `${seen.value}\n${element.value}`, text: `${seen.text}; ${element.text}` } : element,
    );
  };
  for (const vpc of model.vpcs.values()) {
    for (const block of [...vpc.ipv4, ...vpc.ipv6]) {
      add(`vpc-block\u0000${vpc.address}\u0000${block.cidr.text}`, {
        kind: "VPC block",
        value: block.cidr.text,
        text: `${block.cidr.text} of ${vpc.address}`,
        mentions: [vpc.address],
      });
    }
  }
  for (const subnet of model.subnets.values()) {
    add(`subnet\u0000${subnet.address}`, {
      kind: "subnet",
      value: JSON.stringify([subnet.vpc, subnet.ipv4?.text, subnet.ipv6?.text, subnet.assignIpv6OnCreation]),
      text: `${subnet.address} (${[subnet.ipv4?.text, subnet.ipv6?.text].filter(Boolean).join(", ")})`,
      mentions: [subnet.address],
    });
  }
  for (const table of model.routeTables.values()) {
    for (const route of table.routes) {
      add(`route\u0000${table.address}\u0000${route.destination.text}`, {
        kind: "route",
        value: JSON.stringify([targetOf(route.target), route.blackhole === true]),
        text: `${table.label}: ${route.destination.text} → ${targetText(route.target)}${route.blackhole ? " (blackhole)" : ""} (${route.source})`,
        mentions: [table.address, table.label, ...targetMentions(route.target)],
      });
    }
  }
  for (const group of model.securityGroups.values()) {
    for (const rule of group.rules) {
      const value = JSON.stringify([
        rule.egress,
        rule.protocol,
        rule.fromPort,
        rule.toPort,
        cidrs(rule.cidrs),
        [...rule.groups].sort(),
        rule.self,
      ]);
      add(`sg-rule\u0000${group.address}\u0000${value}`, {
        kind: "security-group rule",
        value,
        text: `${group.label} ${rule.egress ? "egress" : "ingress"} ${protocolText(rule.protocol)}${
          rule.protocol === 1 || rule.protocol === 58 || rule.protocol === -1 ? "" : ` ${rule.fromPort}-${rule.toPort}`
        } ${[...cidrs(rule.cidrs), ...rule.groups, ...(rule.self ? ["self"] : [])].join(", ")} (${rule.source})`,
        mentions: [group.address, group.label],
      });
    }
  }
  for (const acl of model.networkAcls.values()) {
    for (const rule of acl.rules) {
      add(`nacl-rule\u0000${acl.address}\u0000${rule.egress}\u0000${rule.ruleNo}\u0000${rule.cidr.family}`, {
        kind: "network ACL entry",
        value: JSON.stringify([rule.allow, rule.protocol, rule.cidr.text, rule.icmpType, rule.icmpCode]),
        text: `${acl.label} ${rule.egress ? "egress" : "ingress"} #${rule.ruleNo} ${rule.allow ? "allow" : "deny"} ${protocolText(
          rule.protocol,
        )} ${rule.cidr.text} (${rule.source})`,
        mentions: [acl.address, acl.label],
      });
    }
  }
  for (const peering of model.peerings.values()) {
    add(`peering\u0000${peering.address}`, {
      kind: "peering",
      value: JSON.stringify([
        peering.requesterVpc,
        peering.accepterVpc,
        peering.region,
        peering.peerRegion,
        peering.peerAccount,
        peering.autoAccept,
        peering.status,
        peering.accepters.map((a) => [a.region, a.account, a.autoAccept]),
      ]),
      text: `${peering.address} (${peering.requesterVpc} ↔ ${peering.accepterVpc})`,
      mentions: [peering.address],
    });
  }
  for (const instance of model.instances.values()) {
    add(`instance\u0000${instance.address}`, {
      kind: "instance",
      value: JSON.stringify([
        instance.subnet,
        [...instance.securityGroups].sort(),
        String(instance.ipv4),
        String(instance.ipv6),
        instance.wantsIpv6,
      ]),
      text: `${instance.address} in ${instance.subnet}, security groups ${instance.securityGroups.join(", ")}`,
      mentions: [instance.address, instance.subnet, ...instance.securityGroups],
    });
  }
  const associations: readonly [string, Model["routeTableAssociations"], (to: string) => string][] = [
    ["route table association", model.routeTableAssociations, (to) => model.routeTables.get(to)?.label ?? to],
    ["main route table association", model.mainRouteTableAssociations, (to) => model.routeTables.get(to)?.label ?? to],
    ["network ACL association", model.networkAclAssociations, (to) => model.networkAcls.get(to)?.label ?? to],
  ];
  for (const [kind, list, label] of associations) {
    for (const association of list) {
      add(`${kind}\u0000${association.from}`, {
        kind,
        value: association.to,
        text: `${association.from} → ${label(association.to)} (${association.source})`,
        mentions: [association.from, association.to, label(association.to)],
      });
    }
  }
  for (const [key, element] of transitElements(model)) add(key, element);
  return out;
}

function targetOf(target: RouteTarget): string {
  if (target.kind === "local") return "local";
  return target.kind === "peering" ? `peering ${target.peering}` : `${target.gatewayKind} ${target.gateway}`;
}

function targetText(target: RouteTarget): string {
  return target.kind === "local" ? "local" : target.kind === "peering" ? target.peering : target.gateway;
}

function targetMentions(target: RouteTarget): string[] {
  return target.kind === "local" ? [] : [target.kind === "peering" ? target.peering : target.gateway];
}

function cidrs(list: readonly Cidr[]): string[] {
  return list.map((c) => c.text).sort();
}

function protocolText(protocol: number): string {
  return protocol === -1
    ? "all"
    : protocol === 1
      ? "icmp"
      : protocol === 58
        ? "icmpv6"
        : protocol === 6
          ? "tcp"
          : protocol === 17
            ? "udp"
            : `protocol ${protocol}`;
}

/** The elements that differ, each with the names of both its versions. */
function changedElements(base: ReadonlyMap<string, Element>, head: ReadonlyMap<string, Element>): Changed[] {
  const out: Changed[] = [];
  for (const [key, was] of base) {
    const now = head.get(key);
    if (!now) out.push({ change: "removed", kind: was.kind, element: was.text, mentions: was.mentions });
    else if (now.value !== was.value)
      out.push({
        change: "changed",
        kind: now.kind,
        element: now.text,
        before: was.text,
        mentions: [...was.mentions, ...now.mentions],
      });
  }
  for (const [key, now] of head) {
    if (!base.has(key)) out.push({ change: "added", kind: now.kind, element: now.text, mentions: now.mentions });
  }
  return out;
}

/**
 * The changed elements a pair's path (or reason) names, ordered by the first hop that names them. A
 * path names a route table, security group, network ACL, peering or instance by its address or label;
 * an element belongs to the pair when one of its names appears there.
 */
function onPath(elements: readonly Changed[], texts: readonly string[]): ElementChange[] {
  const hits: { index: number; change: ElementChange }[] = [];
  for (const element of elements) {
    const index = texts.findIndex((text) => element.mentions.some((name) => mentions(text, name)));
    if (index >= 0) {
      const { mentions: _names, ...change } = element;
      hits.push({ index, change });
    }
  }
  return hits.sort((a, b) => a.index - b.index).map((h) => h.change);
}

/** Whether `text` names `name` as a whole word: "vpc-a" is not named by "vpc-ab". */
function mentions(text: string, name: string): boolean {
  let at = text.indexOf(name);
  while (at >= 0) {
    const next = text.charAt(at + name.length);
    if (!/[\w.-]/.test(next)) return true;
    at = text.indexOf(name, at + 1);
  }
  return false;
}
