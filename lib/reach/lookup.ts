import { defaultNetworkAclKey, defaultRouteTableKey } from "./build";
import { type Cidr, type Family, cidrOverlaps } from "./cidr";
import type { Model, NetworkAcl, Peering, RouteTable, SecurityGroup, Subnet, Vpc } from "./model";

/** Lookups the analysis makes for every pair, computed once per model (a Model is never changed). */
interface Index {
  readonly explicitTable: ReadonlyMap<string, string>;
  readonly mainTable: ReadonlyMap<string, string>;
  readonly explicitAcl: ReadonlyMap<string, string>;
  readonly peeringsByVpc: ReadonlyMap<string, readonly Peering[]>;
}

const indexes = new WeakMap<Model, Index>();

function indexOf(model: Model): Index {
  let index = indexes.get(model);
  if (index) return index;
  const first = (list: Model["routeTableAssociations"]): Map<string, string> => {
    const out = new Map<string, string>();
    for (const a of list) if (!out.has(a.from)) out.set(a.from, a.to);
    return out;
  };
  const peeringsByVpc = new Map<string, Peering[]>();
  for (const peering of model.peerings.values()) {
    for (const vpc of new Set([peering.requesterVpc, peering.accepterVpc])) {
      const list = peeringsByVpc.get(vpc);
      if (list) list.push(peering);
      else peeringsByVpc.set(vpc, [peering]);
    }
  }
  index = {
    explicitTable: first(model.routeTableAssociations),
    mainTable: new Map(model.mainRouteTableAssociations.map((a) => [a.from, a.to])),
    explicitAcl: first(model.networkAclAssociations),
    peeringsByVpc,
  };
  indexes.set(model, index);
  return index;
}

/** The CIDR blocks of a VPC in one family. */
export function vpcBlocks(vpc: Vpc, family: Family): readonly Cidr[] {
  return (family === "ipv4" ? vpc.ipv4 : vpc.ipv6).map((b) => b.cidr);
}

/** The route table a subnet uses: its explicit association, else its VPC's main table. */
export function routeTableOf(model: Model, subnet: Subnet): RouteTable {
  const index = indexOf(model);
  const key =
    index.explicitTable.get(subnet.address) ?? index.mainTable.get(subnet.vpc) ?? defaultRouteTableKey(subnet.vpc);
  const table = model.routeTables.get(key);
  if (!table) throw new Error(`route table ${key} of ${subnet.address} is missing from the model`);
  return table;
}

/** The network ACL a subnet uses: its explicit association, else its VPC's default ACL. */
export function networkAclOf(model: Model, subnet: Subnet): NetworkAcl {
  const key = indexOf(model).explicitAcl.get(subnet.address) ?? defaultNetworkAclKey(subnet.vpc);
  const acl = model.networkAcls.get(key);
  if (!acl) throw new Error(`network ACL ${key} of ${subnet.address} is missing from the model`);
  return acl;
}

/** Pairs of overlapping blocks between two VPCs. */
export function overlappingBlocks(a: Vpc, b: Vpc): readonly [Cidr, Cidr][] {
  const out: [Cidr, Cidr][] = [];
  for (const family of ["ipv4", "ipv6"] as const) {
    for (const x of vpcBlocks(a, family)) {
      for (const y of vpcBlocks(b, family)) if (cidrOverlaps(x, y)) out.push([x, y]);
    }
  }
  return out;
}

/** Whether a peering becomes active, and if not, why. */
export function peeringState(model: Model, peering: Peering): { readonly active: boolean; readonly why: string } {
  if (peering.status !== undefined) {
    return { active: peering.status === "active", why: `AWS reports it as ${peering.status}` };
  }
  const a = model.vpcs.get(peering.requesterVpc);
  const b = model.vpcs.get(peering.accepterVpc);
  const overlap = a && b ? overlappingBlocks(a, b)[0] : undefined;
  if (overlap) {
    return { active: false, why: `AWS rejects it: ${overlap[0].text} and ${overlap[1].text} overlap` };
  }
  if (peering.autoAccept && peering.peerRegionSet) {
    return { active: false, why: "auto_accept cannot be combined with peer_region, so it is never created" };
  }
  if (differ(peering.peerAccount, b?.account)) {
    return {
      active: false,
      why: `AWS looks for ${peering.accepterVpc} in ${peering.peerAccount}, but it is in ${b?.account}, so the request fails`,
    };
  }
  if (peering.autoAccept && differ(peering.account, b?.account)) {
    return {
      active: false,
      why: `auto_accept works within one account only, and ${peering.accepterVpc} is in ${b?.account}, not in ${peering.account}`,
    };
  }
  if (peering.autoAccept) return { active: true, why: "auto_accept = true" };
  const accepter = peering.accepters.find((x) => x.autoAccept && !differ(x.account, b?.account));
  if (accepter) return { active: true, why: `accepted by ${accepter.address}` };
  const elsewhere = peering.accepters.find((x) => x.autoAccept);
  if (elsewhere) {
    return {
      active: false,
      why: `it stays pending acceptance: ${elsewhere.address} accepts it from ${elsewhere.account}, but only ${b?.account}, which owns ${peering.accepterVpc}, can`,
    };
  }
  return {
    active: false,
    why: "it stays pending acceptance: neither auto_accept = true on it nor an aws_vpc_peering_connection_accepter with auto_accept = true",
  };
}

/** Whether two accounts are both known and not the same. */
export function differ(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a !== b;
}

/** The other VPC of a peering, seen from one of its VPCs; undefined when the peering does not touch it. */
export function peerOf(peering: Peering, vpc: string): string | undefined {
  if (peering.requesterVpc === vpc) return peering.accepterVpc;
  if (peering.accepterVpc === vpc) return peering.requesterVpc;
  return undefined;
}

/** The active peering between two VPCs, if any. */
export function activePeeringBetween(model: Model, a: string, b: string): Peering | undefined {
  return (indexOf(model).peeringsByVpc.get(a) ?? []).find((p) => peerOf(p, a) === b && peeringState(model, p).active);
}

/** Whether a rule of one group may refer to another group (same VPC, or same region across an active peering). */
export function referenceAllowed(model: Model, owner: SecurityGroup, referenced: SecurityGroup): boolean {
  if (owner.vpc === referenced.vpc) return true;
  if (owner.region !== referenced.region || !owner.vpc || !referenced.vpc) return false;
  return activePeeringBetween(model, owner.vpc, referenced.vpc) !== undefined;
}
