/**
 * VPCs that transit gateways treat alike. Whether a VPC reaches another through a gateway depends
 * only on the other's attachments (each gateway and segment), so the VPCs of one attachment class are
 * reached by the same VPCs: a large network's security groups admit a class with one rule.
 */
import { RULES_PER_SECURITY_GROUP_QUOTA } from "../core/aws-limits";
import { preview } from "../core/json-input";
import { formatCount } from "../core/text";
import { planPeeringStacks } from "../plan/peering-shards";
import { peersOf } from "./resolve";
import { ipv4Blocks } from "./shape-checks";
import { withTransitPeers } from "./transit";
import type { PeeringConfig, VpcConfig } from "./types";

/** One attachment class: the VPCs attached to the same segments of the same gateways. */
export interface AttachmentClass {
  /** The class as text: "gateway_segment" per attachment, by gateway name, joined by "_" (names hold no "_"). */
  readonly key: string;
  /** Its VPCs, in config order. */
  readonly vpcs: readonly string[];
}

/** The attachment classes of the VPCs attached to any transit gateway, by key order. */
export function attachmentClasses(config: PeeringConfig): AttachmentClass[] {
  const attachments = new Map<string, string[]>();
  const gateways = [...(config.transitGateways ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const gateway of gateways)
    for (const { vpc, segment } of gateway.attachments) {
      const list = attachments.get(vpc) ?? [];
      list.push(`${gateway.name}_${segment}`);
      attachments.set(vpc, list);
    }
  const classes = new Map<string, string[]>();
  for (const vpc of config.vpcs) {
    const key = attachments.get(vpc.name)?.join("_");
    if (key === undefined) continue;
    const list = classes.get(key) ?? [];
    list.push(vpc.name);
    classes.set(key, list);
  }
  return [...classes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, vpcs]) => ({ key, vpcs }));
}

/**
 * Most ping rules the instances stack writes as a resource per peer block: past it, each instance
 * admits its peers with one rule listing their blocks, and a transit network's instances admit
 * whole attachment classes (listedClasses).
 */
export const MAX_PER_PEER_RULES = 3000;

/** How many per-peer ping rules the instances stack would write for `config`: one per peer IPv4 block, one per IPv6 peer. */
export function perPeerRules(config: PeeringConfig, admittedBy?: ReadonlyMap<string, readonly VpcConfig[]>): number {
  return config.vpcs.reduce(
    (sum, vpc) =>
      sum +
      (admittedBy?.get(vpc.name) ?? withTransitPeers(config, vpc.name, peersOf(config, vpc.name))).reduce(
        (n, p) => n + 1 + (p.secondaryCidrs?.length ?? 0) + (vpc.ipv6 && p.ipv6 ? 1 : 0),
        0,
      ),
    0,
  );
}

/**
 * Whether the instances admit their peers with grouped rules: a mesh split into peering shards, or
 * past `maxPerPeerRules`. `admittedBy`: the VPCs each VPC admits, when the caller has them.
 */
export function groupsPingRules(
  config: PeeringConfig,
  maxPerPeerRules = MAX_PER_PEER_RULES,
  admittedBy?: ReadonlyMap<string, readonly VpcConfig[]>,
): boolean {
  return planPeeringStacks(config).length > 1 || perPeerRules(config, admittedBy) > maxPerPeerRules;
}

/**
 * The classes whose every VPC but `name` itself is in `admitted`, and that hold another VPC: those
 * an instance of `name` admits with one list each. `name`'s own class's list holds `name`'s own
 * block too (admitting it changes no path, but AWS counts it as a rule).
 */
export function listedClasses(
  classes: readonly AttachmentClass[],
  name: string,
  admitted: ReadonlySet<string>,
): AttachmentClass[] {
  return classes.filter(({ vpcs }) => vpcs.every((v) => v === name || admitted.has(v)) && vpcs.some((v) => v !== name));
}

/**
 * The IPv4 blocks the ping security group of `name`'s instance lists when its rules are grouped:
 * those of each listed class (its own block too, when its own class is listed: `ownListed`) and of
 * each admitted VPC outside them. `admitted`: the VPCs it admits (withTransitPeers).
 */
export function groupedPingBlocks(
  config: PeeringConfig,
  name: string,
  admitted: readonly VpcConfig[],
  classes = attachmentClasses(config),
): { readonly blocks: number; readonly ownListed: boolean } {
  const byName = new Map(config.vpcs.map((v) => [v.name, v]));
  const listed = listedClasses(classes, name, new Set(admitted.map((p) => p.name)));
  const covered = new Set(listed.flatMap((c) => c.vpcs));
  const blocks =
    listed.reduce((n, c) => n + c.vpcs.reduce((m, v) => m + ipv4Blocks(byName.get(v)!).length, 0), 0) +
    admitted.filter((p) => !covered.has(p.name)).reduce((n, p) => n + ipv4Blocks(p).length, 0);
  return { blocks, ownListed: covered.has(name) };
}

/**
 * With grouped ping rules, each VPC whose security group would hold more IPv4 rules than `quota`
 * allows once its own class's list counts its own block (the config's rules check counts peers'
 * blocks only). `perBlock`: rules per block (2 with the Reachability Analyzer's probe);
 * `maxPerPeerRules` as the instances stack is given it.
 */
export function groupedRulesProblems(
  config: PeeringConfig,
  quota: number,
  perBlock: number,
  maxPerPeerRules = MAX_PER_PEER_RULES,
): string[] {
  if (!config.transitGateways) return [];
  // A security group lists each VPC's blocks once at most: a network with no more blocks than the
  // quota cannot pass it, and needs none of the work below.
  const blocksInAll = config.vpcs.reduce((n, v) => n + ipv4Blocks(v).length, 0);
  if (blocksInAll * perBlock <= quota) return [];
  const admittedBy = new Map(
    config.vpcs.map((v) => [v.name, withTransitPeers(config, v.name, peersOf(config, v.name))]),
  );
  if (!groupsPingRules(config, maxPerPeerRules, admittedBy)) return [];
  const classes = attachmentClasses(config);
  const problems: string[] = [];
  for (const vpc of config.vpcs) {
    const { blocks, ownListed } = groupedPingBlocks(config, vpc.name, admittedBy.get(vpc.name)!, classes);
    const rules = blocks * perBlock;
    if (rules > quota && ownListed)
      problems.push(
        `VPC ${preview(vpc.name)}: its ping security group needs ${formatCount(rules)} inbound IPv4 rules, over "rulesPerSecurityGroup" (${formatCount(quota)}): a network this large admits each attachment class with one list of blocks, and the list of its own class holds its own ${ipv4Blocks(vpc).length > 1 ? "blocks" : "block"} too; raise "rulesPerSecurityGroup" (request the increase of "${RULES_PER_SECURITY_GROUP_QUOTA.name}" (${RULES_PER_SECURITY_GROUP_QUOTA.code}) in Service Quotas first) or let it reach fewer VPCs`,
      );
  }
  return problems;
}
