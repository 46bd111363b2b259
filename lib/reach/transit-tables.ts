/**
 * What the transit gateway walks of one analysis share (TransitTables): each table's routes in
 * effect, how a table splits a set of destinations, the attachments by gateway and VPC, and the
 * outcome of a walk from a table on, each made once.
 */
import { type AddressSet, type Family, cidrOverlaps, cidrSet, intersect, isEmpty, subtract } from "./cidr";
import type { Model } from "./model";
import {
  effectiveAssociations,
  type TransitLink,
  type TransitNetwork,
  type TransitOutcome,
  type TransitRoute,
  transitRoutes,
  type TransitVpcAttachment,
} from "./transit";

/**
 * What the transit walks of one analysis share, made once each: every route table's routes in
 * effect, longest prefix first, by family; and each attachment's associations. A network of a
 * thousand attachments has a thousand routes in a table, and every pair walks one.
 */
export class TransitTables {
  private readonly ordered = new Map<string, TransitRoute[]>();
  private readonly splits = new Map<string, TableSplit>();
  /** The same splits by the set object: a pair's sets are mostly its ends' own, unnarrowed. */
  private readonly splitsBySet = new WeakMap<AddressSet, Map<string, TableSplit>>();
  private attachments?: Map<string, Map<string, TransitVpcAttachment>>;
  private readonly labels = new Map<TransitVpcAttachment, Map<string, string>>();
  private readonly walks = new WeakMap<AddressSet, Map<string, Map<string, TransitOutcome[]>>>();
  private byFamily?: Map<Family, TransitRoute[]>;
  private associations?: Map<string, TransitLink[]>;

  constructor(
    private readonly model: Model,
    private readonly net: TransitNetwork,
  ) {}

  /** The routes of `table` in effect for `family`, a static route in place of a propagated one of its prefix, longest prefix first. */
  routesOf(family: Family, table: string): TransitRoute[] {
    const key = `${family}\u0000${table}`;
    let found = this.ordered.get(key);
    if (!found) {
      this.byFamily ??= groupBy(transitRoutes(this.model, this.net), (r) => r.destination.family);
      const effective = new Map<string, TransitRoute>();
      for (const route of this.byFamily.get(family) ?? []) {
        if (route.routeTable !== table) continue;
        const held = effective.get(route.destination.text);
        if (!held || (held.propagated && !route.propagated)) effective.set(route.destination.text, route);
      }
      found = [...effective.values()].sort((a, b) => b.destination.prefix - a.destination.prefix);
      this.ordered.set(key, found);
    }
    return found;
  }

  /**
   * The parts of `set` each route of `table` takes, in the order AWS tries the routes (longest
   * prefix first), and what no route matches; made once per table and set, as every pair whose
   * destination is one instance's subnet walks the same table with the same set.
   */
  split(family: Family, table: string, set: AddressSet): TableSplit {
    let bySet = this.splitsBySet.get(set);
    if (!bySet) this.splitsBySet.set(set, (bySet = new Map()));
    const seen = bySet.get(table);
    if (seen) return seen;
    const key = `${family}\u0000${table}\u0000${setKey(set)}`;
    let found = this.splits.get(key);
    if (!found) {
      let remaining = set;
      const parts: { route: TransitRoute; matched: AddressSet }[] = [];
      for (const route of this.routesOf(family, table)) {
        if (isEmpty(remaining)) break;
        if (!remaining.ranges.some((r) => cidrOverlaps(r, route.destination))) continue;
        const matched = intersect(remaining, cidrSet(route.destination));
        if (isEmpty(matched)) continue;
        remaining = subtract(remaining, matched);
        parts.push({ route, matched });
      }
      found = { parts, remaining };
      this.splits.set(key, found);
    }
    bySet.set(table, found);
    return found;
  }

  /**
   * What `walk` makes of `set` from `table` on, made once per table, set, and `context` (the
   * sender's zone and the leg): the outcomes of a walk that starts at the table, their hops and
   * attachment ACLs from there.
   */
  walked(table: string, set: AddressSet, context: string, walk: () => TransitOutcome[]): readonly TransitOutcome[] {
    let bySet = this.walks.get(set);
    if (!bySet) this.walks.set(set, (bySet = new Map()));
    let byTable = bySet.get(table);
    if (!byTable) bySet.set(table, (byTable = new Map()));
    let found = byTable.get(context);
    if (!found) byTable.set(context, (found = walk()));
    return found;
  }

  /** An attachment's label as a hop of a leg (`prefix`: "" or "reply: "), made once each. */
  label(attachment: TransitVpcAttachment, prefix: string): string {
    let byPrefix = this.labels.get(attachment);
    if (!byPrefix) this.labels.set(attachment, (byPrefix = new Map()));
    let found = byPrefix.get(prefix);
    if (found === undefined) byPrefix.set(prefix, (found = `${prefix}${attachment.label}`));
    return found;
  }

  /** The attachment of `vpc` to `gateway`, if any. */
  attachmentOf(gateway: string, vpc: string): TransitVpcAttachment | undefined {
    if (!this.attachments) {
      this.attachments = new Map();
      for (const a of this.net.vpcAttachments.values()) {
        let byVpc = this.attachments.get(a.gateway);
        if (!byVpc) this.attachments.set(a.gateway, (byVpc = new Map()));
        if (!byVpc.has(a.vpc)) byVpc.set(a.vpc, a);
      }
    }
    return this.attachments.get(gateway)?.get(vpc);
  }

  /** The associations in effect of `attachment`. */
  associationsOf(attachment: string): readonly TransitLink[] {
    this.associations ??= groupBy(effectiveAssociations(this.net), (a) => a.attachment);
    return this.associations.get(attachment) ?? [];
  }
}

/** How a transit gateway route table splits a set of destinations (TransitTables.split). */
export interface TableSplit {
  /** Each route that matches part of the set, longest prefix first, with the part it takes. */
  readonly parts: readonly { readonly route: TransitRoute; readonly matched: AddressSet }[];
  /** What no route matches. */
  readonly remaining: AddressSet;
}

/** A set's ranges as text: the key of a set in a cache. */
export function setKey(set: AddressSet): string {
  return set.ranges.map((r) => `${r.first}-${r.last}`).join(",");
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const list = out.get(key(item));
    if (list) list.push(item);
    else out.set(key(item), [item]);
  }
  return out;
}
