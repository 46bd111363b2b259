/**
 * What the pairs of one analysis share (PairCache): lookups, sets, steps and texts that do not
 * depend on the pair, each made once. A network of a thousand VPCs has a million pairs.
 */
import { type AddressSet, type Family, fullSet, setOfRanges } from "./cidr";
import { networkAclOf, routeTableOf, vpcBlocks } from "./lookup";
import type { Instance, Model, NaclRule, NetworkAcl, Route, RouteTable, SgRule, Subnet, Vpc } from "./model";
import type { Describe, TransitNetwork } from "./transit";
import { TransitTables } from "./transit-tables";

/** ICMP echo's protocol number and message types, by family. */
export const ICMP = {
  ipv4: { protocol: 1, request: 8, reply: 0 },
  ipv6: { protocol: 58, request: 128, reply: 129 },
} as const;

/**
 * What the pairs of one analysis share, made once: the blocks each instance's security groups admit
 * (a large network's rules list hundreds), and the transit gateways' tables.
 */
export class PairCache {
  private readonly blocks = new Map<string, AddressSet>();
  private readonly routes = {
    ipv4: new Map<RouteTable, Map<Vpc, Route[]>>(),
    ipv6: new Map<RouteTable, Map<Vpc, Route[]>>(),
  };
  private readonly acls = new Map<NetworkAcl, Map<number, NaclRule[]>>();
  private readonly subnetTables = new Map<Subnet, RouteTable>();
  private readonly groupSteps = new Map<Instance, Map<number, Step>>();
  private readonly openAcls = {
    ipv4: new Map<NetworkAcl, Map<string, Step>>(),
    ipv6: new Map<NetworkAcl, Map<string, Step>>(),
  };
  private readonly texts = new Map<object, Map<string, string>>();
  private readonly subnetAcls = new Map<Subnet, NetworkAcl>();
  private tables?: TransitTables;

  constructor(private readonly model: Model) {}

  /** The blocks of `family` that `rules` name, as one set, made once per `key` (an instance's groups, a direction and a family). */
  blocksAdmitted(key: string, family: Family, rules: () => readonly SgRule[]): AddressSet {
    let found = this.blocks.get(key);
    if (!found) {
      found = setOfRanges(
        family,
        rules().flatMap((r) => r.cidrs.filter((c) => c.family === family)),
      );
      this.blocks.set(key, found);
    }
    return found;
  }

  /** The routes of `table` for `family` in `vpc`, its local routes included, longest prefix first, made once each. */
  routesOf(table: RouteTable, vpc: Vpc, family: Family): readonly Route[] {
    let byVpc = this.routes[family].get(table);
    if (!byVpc) this.routes[family].set(table, (byVpc = new Map()));
    let found = byVpc.get(vpc);
    if (!found) {
      const local: Route[] = vpcBlocks(vpc, family).map((cidr) => ({
        source: `local route of ${vpc.address}`,
        destination: cidr,
        target: { kind: "local" },
      }));
      found = [
        ...local,
        ...table.routes.filter((r) => r.destination.family === family && r.target.kind !== "local"),
      ].sort((a, b) => b.destination.prefix - a.destination.prefix);
      byVpc.set(vpc, found);
    }
    return found;
  }

  /** The rules of `acl` that match an ICMP message of `icmpType` in one direction and family, by rule number, made once each. */
  aclRules(acl: NetworkAcl, egress: boolean, family: Family, icmpType: number): readonly NaclRule[] {
    const key = (icmpType * 2 + (egress ? 1 : 0)) * 2 + (family === "ipv6" ? 1 : 0);
    let byKind = this.acls.get(acl);
    if (!byKind) this.acls.set(acl, (byKind = new Map()));
    let found = byKind.get(key);
    if (!found) {
      const { protocol } = ICMP[family];
      found = acl.rules
        .filter((r) => r.egress === egress && r.cidr.family === family)
        .filter(
          (r) =>
            r.protocol === -1 ||
            (r.protocol === protocol && [-1, icmpType].includes(r.icmpType) && [-1, 0].includes(r.icmpCode)),
        )
        .sort((a, b) => a.ruleNo - b.ruleNo);
      byKind.set(key, found);
    }
    return found;
  }

  /** The route table `subnet` uses (routeTableOf), looked up once per subnet. */
  routeTableOf(subnet: Subnet): RouteTable {
    let found = this.subnetTables.get(subnet);
    if (!found) this.subnetTables.set(subnet, (found = routeTableOf(this.model, subnet)));
    return found;
  }

  /** The network ACL `subnet` uses (networkAclOf), looked up once per subnet. */
  networkAclOf(subnet: Subnet): NetworkAcl {
    let found = this.subnetAcls.get(subnet);
    if (!found) this.subnetAcls.set(subnet, (found = networkAclOf(this.model, subnet)));
    return found;
  }

  /** The step of `owner`'s security groups in one direction and family, when it is the same for every peer. */
  groupStep(owner: Instance, egress: boolean, family: Family): Step | undefined {
    return this.groupSteps.get(owner)?.get(groupStepKey(egress, family));
  }

  /** Keeps a step groupStep hands out from now on. */
  keepGroupStep(owner: Instance, egress: boolean, family: Family, step: Step): void {
    let byKind = this.groupSteps.get(owner);
    if (!byKind) this.groupSteps.set(owner, (byKind = new Map()));
    byKind.set(groupStepKey(egress, family), step);
  }

  /** The step of a network ACL whose first rule for the packet allows every address, for `direction` (its hop's text). */
  openAclStep(acl: NetworkAcl, direction: string, family: Family): Step {
    let byDirection = this.openAcls[family].get(acl);
    if (!byDirection) this.openAcls[family].set(acl, (byDirection = new Map()));
    let found = byDirection.get(direction);
    if (!found) {
      found = { allowed: fullSet(family), hop: `${acl.label} (${direction})`, why: () => "" };
      byDirection.set(direction, found);
    }
    return found;
  }

  /**
   * A text about `owner` (a route, a subnet) made once per `variant` (a few fixed words): a hop's
   * text is the same for every pair that takes it.
   */
  text(owner: object, variant: string, make: () => string): string {
    let byVariant = this.texts.get(owner);
    if (!byVariant) this.texts.set(owner, (byVariant = new Map()));
    let found = byVariant.get(variant);
    if (found === undefined) byVariant.set(variant, (found = make()));
    return found;
  }

  /** The transit gateways' tables of `net`, the model's transit network. */
  transit(net: TransitNetwork): TransitTables {
    return (this.tables ??= new TransitTables(this.model, net));
  }
}

function groupStepKey(egress: boolean, family: Family): number {
  return (egress ? 2 : 0) + (family === "ipv6" ? 1 : 0);
}

export interface Step {
  readonly allowed: AddressSet;
  readonly hop: string;
  /** Why it drops every packet of `narrowed` (the set it narrows), with the pair's way of showing a set of addresses. */
  readonly why: (describe: Describe, narrowed: AddressSet) => string;
  /** Why it drops some, likewise. */
  readonly partialWhy?: (describe: Describe) => string;
  readonly dropHop?: string;
}
