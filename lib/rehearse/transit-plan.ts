import type { Model, NetworkAcl, RouteTable, Vpc } from "../reach";
import { effectiveAssociations, peeringCarries, transitRoutes } from "../reach/transit";
import type { TransitNetwork, TransitVpcAttachment } from "../reach/transit-model";
import type { Endpoint } from "./endpoints";
import { aclRules, base, chain, nameSet, ruleset } from "./nft";
import { type LinkEnd, type LinkSpec, type NamespaceSpec, ROUTER_SYSCTLS } from "./network";
import { type Family, toCidrs } from "./ranges";

/**
 * Transit gateways as namespaces, for plan.ts. A transit gateway is a router namespace whose Linux routing
 * table is chosen by the link a packet arrives on: one policy rule per attachment link (`ip rule iif <link>
 * lookup <table>`) picks the Linux table of the TGW route table associated with that attachment, and each
 * such table holds the route table's static routes (metric 10 on), its propagated ones (metric 1000 on, so
 * a static route hides a propagated one of the same prefix) and its blackholes (`ip route add blackhole`);
 * the kernel's longest prefix match decides. What matches nothing, or arrives on an attachment associated
 * with no table, hits a blackhole rule.
 *
 * The Availability Zone of the sending subnet decides where a packet may enter (the attachment's subnet in
 * that zone, or the sending subnet itself when it is one) and where it leaves the receiving VPC (the
 * receiving attachment's subnet in that zone, unless appliance mode is on or it has none there: then all its
 * subnets). So the gateways are built once per zone of sending subnets ("plane"): a packet stays in its
 * plane through every gateway and peering attachment, as the zone stays with the flow in AWS.
 *
 * - An entry link per attachment, entry subnet and plane, from the VPC's router into the gateway: the VPC
 *   route to the gateway goes to it, and nft there applies the entry subnet's inbound ACL rules (sender's
 *   address).
 * - An exit link per attachment and plane, from the gateway into the VPC's router, which delivers what
 *   arrives on it straight to an instance (table 900), after the outbound ACL rules (receiver's address) of
 *   every exit subnet other than the receiver's own; the receiver's inbound ACL is skipped when the only exit
 *   subnet is its own.
 * - A link per accepted peering attachment and plane between the two gateways; peering attachments carry
 *   static routes only (propagation into them is refused before anything is built, as by reach).
 */

const FAR = { ipv4: "169.254.0.2", ipv6: "fe80::2" } as const;
const FAMILIES = ["ipv4", "ipv6"] as const;
const FIRST_TABLE = 1000;
const STATIC_METRIC = 10;
const PROPAGATED_METRIC = 1000;

/** What the transit plan needs from plan.ts. */
export interface TransitContext {
  readonly model: Model;
  readonly endpoints: readonly Endpoint[];
  /** The namespace id of a VPC's router, undefined when the VPC is not built. */
  readonly router: (vpc: string) => string | undefined;
  /** Makes a link; `key` says what it stands for (see LinkNaming). */
  readonly link: (nsA: string, nameA: string, nsB: string, nameB: string, key: string) => LinkSpec;
  /** The number that names the link standing for `key`, `fallback` by default. */
  readonly number: (key: string, fallback: number) => number;
  readonly networkAclOf: (subnet: string, vpc: string) => NetworkAcl;
}

interface EntryLink {
  readonly attachment: TransitVpcAttachment;
  /** The attachment subnet the packet enters through. */
  readonly subnet: string;
  readonly plane: number;
  readonly link: LinkSpec;
}

interface ExitLink {
  readonly attachment: TransitVpcAttachment;
  readonly plane: number;
  /** The attachment subnets the packet leaves through in this plane. */
  readonly exits: readonly string[];
  readonly link: LinkSpec;
}

interface PeeringLink {
  readonly attachment: string;
  readonly plane: number;
  readonly link: LinkSpec;
}

/** The transit gateways of a model as namespaces and links (made through the context's `link`). */
export class TransitPlan {
  private readonly net: TransitNetwork | undefined;
  private readonly gateways: readonly string[];
  /** The zones of sending subnets; undefined stands for a subnet whose zone is unknown. */
  private readonly planes: (string | undefined)[] = [];
  private readonly entries: EntryLink[] = [];
  private readonly exitLinks: ExitLink[] = [];
  private readonly peeringLinks: PeeringLink[] = [];

  constructor(private readonly ctx: TransitContext) {
    this.net = ctx.model.transit;
    this.gateways = this.net ? [...this.net.gateways.keys()] : [];
    if (!this.net || this.gateways.length === 0) return;
    const net = this.net;
    const subnets = [...new Set(ctx.endpoints.map((e) => e.subnet))];
    for (const subnet of subnets) {
      const vpc = ctx.model.subnets.get(subnet)?.vpc;
      const router = vpc === undefined ? undefined : ctx.router(vpc);
      if (router === undefined) continue;
      for (const att of net.vpcAttachments.values()) {
        if (att.vpc !== vpc || !net.gateways.has(att.gateway)) continue;
        const entry = this.entrySubnet(att, subnet);
        if (entry === undefined) continue;
        const plane = this.planeOf(net.subnetZones.get(subnet));
        if (this.entries.some((e) => e.attachment === att && e.subnet === entry && e.plane === plane)) continue;
        const key = `entry ${att.address} ${entry} ${plane}`;
        const n = ctx.number(key, this.entries.length);
        const link = ctx.link(router, `rht${n}`, this.gatewayId(att.gateway, plane), `rht${n}`, key);
        this.entries.push({ attachment: att, subnet: entry, plane, link });
      }
    }
    this.planes.forEach((zone, plane) => {
      for (const att of net.vpcAttachments.values()) {
        const router = ctx.router(att.vpc);
        if (router === undefined || !net.gateways.has(att.gateway)) continue;
        const key = `exit ${att.address} ${plane}`;
        const name = `rhx${ctx.number(key, this.exitLinks.length)}`;
        const link = ctx.link(this.gatewayId(att.gateway, plane), name, router, name, key);
        this.exitLinks.push({ attachment: att, plane, exits: this.exitSubnets(att, zone), link });
      }
      for (const att of net.peeringAttachments.values()) {
        if (!peeringCarries(att) || att.gateway === att.peerGateway) continue;
        if (!net.gateways.has(att.gateway) || !net.gateways.has(att.peerGateway)) continue;
        const key = `transit peering ${att.address} ${plane}`;
        const name = `rhy${ctx.number(key, this.peeringLinks.length)}`;
        const peer = this.gatewayId(att.peerGateway, plane);
        const link = ctx.link(this.gatewayId(att.gateway, plane), name, peer, name, key);
        this.peeringLinks.push({ attachment: att.address, plane, link });
      }
    });
  }

  /** How many transit gateways are built. */
  get gatewayCount(): number {
    return this.planes.length === 0 ? 0 : this.gateways.length;
  }

  /** How many router namespaces they take: each gateway once per plane. */
  get routers(): number {
    return this.planes.length * this.gateways.length;
  }

  /** The attachment subnet a packet from `subnet` enters through: the subnet itself, else the one of its zone. */
  private entrySubnet(att: TransitVpcAttachment, subnet: string): string | undefined {
    const net = this.net as TransitNetwork;
    const own = att.subnets.filter((s) => this.ctx.model.subnets.has(s));
    if (own.includes(subnet)) return subnet;
    const zone = net.subnetZones.get(subnet);
    return zone === undefined ? undefined : own.find((s) => net.subnetZones.get(s) === zone);
  }

  /** Where a flow from `zone` leaves through `att`: its subnet in that zone, else (or in appliance mode) all. */
  private exitSubnets(att: TransitVpcAttachment, zone: string | undefined): string[] {
    const net = this.net as TransitNetwork;
    const subnets = att.subnets.filter((s) => this.ctx.model.subnets.has(s));
    const same = subnets.filter((s) => zone !== undefined && net.subnetZones.get(s) === zone);
    return !att.applianceMode && same.length > 0 ? same : subnets;
  }

  private planeOf(zone: string | undefined): number {
    const found = this.planes.indexOf(zone);
    if (found >= 0) return found;
    this.planes.push(zone);
    return this.planes.length - 1;
  }

  private gatewayId(gateway: string, plane: number): string {
    return `t${this.gateways.indexOf(gateway)}p${plane}`;
  }

  /** Whether a VPC route table routes to a transit gateway this plan builds (its next hop then depends on the subnet). */
  routesToTransit(table: RouteTable): boolean {
    const net = this.net;
    return (
      net !== undefined && table.routes.some((r) => r.target.kind === "gateway" && net.gateways.has(r.target.gateway))
    );
  }

  /**
   * The link a route from `subnet` to `gateway` leaves by, "blackhole" where AWS drops the traffic (no
   * attachment of the VPC, IPv6 without ipv6_support, no attachment subnet in the sender's zone), undefined
   * when `gateway` is not a transit gateway.
   */
  nextHop(vpc: Vpc, subnet: string, gateway: string, family: Family): LinkEnd | "blackhole" | undefined {
    const net = this.net;
    if (!net?.gateways.has(gateway)) return undefined;
    const att = [...net.vpcAttachments.values()].find((a) => a.gateway === gateway && a.vpc === vpc.address);
    if (!att || (family === "ipv6" && !att.ipv6)) return "blackhole";
    const entry = this.entrySubnet(att, subnet);
    const plane = this.planes.indexOf(net.subnetZones.get(subnet));
    const found = this.entries.find((e) => e.attachment === att && e.subnet === entry && e.plane === plane);
    return found ? found.link.a : "blackhole";
  }

  /** The transit link ends in namespace `id` with the far end of each (for its neighbour entries). */
  ends(id: string): { near: LinkEnd; far: LinkEnd }[] {
    const out: { near: LinkEnd; far: LinkEnd }[] = [];
    for (const { link } of [...this.entries, ...this.exitLinks, ...this.peeringLinks]) {
      if (link.a.ns === id) out.push({ near: link.a, far: link.b });
      if (link.b.ns === id) out.push({ near: link.b, far: link.a });
    }
    return out;
  }

  /** The exit link ends in router `id`: what arrives on them is delivered to an instance. */
  arrivals(id: string): LinkEnd[] {
    return this.exitLinks.filter((x) => x.link.b.ns === id).map((x) => x.link.b);
  }

  /**
   * The nft rules of router `id` for its transit links (before its subnets' ACL rules) and their chains;
   * `instanceLinks` names the instance links of each subnet in this router.
   */
  routerRules(
    id: string,
    instanceLinks: ReadonlyMap<string, readonly string[]>,
  ): { forward: string[]; chains: string[] } {
    const forward: string[] = [];
    const chains: string[] = [];
    const own = [...instanceLinks.values()].flat();
    for (const e of this.entries.filter((x) => x.link.a.ns === id)) {
      const acl = this.ctx.networkAclOf(e.subnet, e.attachment.vpc);
      forward.push(`oifname "${e.link.a.name}" jump tgw_to_${e.link.a.name}`);
      chains.push(chain(`tgw_to_${e.link.a.name}`, aclRules(acl, false)));
    }
    for (const x of this.exitLinks.filter((l) => l.link.b.ns === id)) {
      const name = x.link.b.name;
      const body = [own.length > 0 ? `oifname != ${nameSet(own)} drop` : "drop"];
      x.exits.forEach((subnet, k) => {
        const links = instanceLinks.get(subnet) ?? [];
        body.push(`${links.length > 0 ? `oifname != ${nameSet(links)} ` : ""}jump tgw_exit_${name}_${k}`);
        chains.push(chain(`tgw_exit_${name}_${k}`, aclRules(this.ctx.networkAclOf(subnet, x.attachment.vpc), true)));
      });
      forward.push(`iifname "${name}" jump tgw_from_${name}`);
      chains.push(chain(`tgw_from_${name}`, body));
      const only = x.exits.length === 1 ? instanceLinks.get(x.exits[0]) : undefined;
      if (only && only.length > 0) forward.push(`iifname "${name}" oifname ${nameSet(only)} accept`);
    }
    return { forward, chains };
  }

  /** One namespace per transit gateway and plane. */
  namespaces(table: string): NamespaceSpec[] {
    const net = this.net;
    if (!net) return [];
    const routes = transitRoutes(this.ctx.model, net);
    const associations = effectiveAssociations(net);
    const tables = new Map([...net.routeTables.keys()].map((key, k) => [key, FIRST_TABLE + k]));
    const out: NamespaceSpec[] = [];
    this.planes.forEach((_, plane) => {
      for (const gateway of this.gateways) {
        const id = this.gatewayId(gateway, plane);
        const ip: string[] = ["link set dev lo up"];
        const ip6: string[] = [];
        for (const { near, far } of this.ends(id)) {
          ip.push(`link set dev ${near.name} addrgenmode none`, `link set dev ${near.name} up`);
          for (const family of FAMILIES)
            ip.push(`neigh add ${FAR[family]} lladdr ${far.mac} dev ${near.name} nud permanent`);
        }
        for (const [key, number] of tables) {
          if (net.routeTables.get(key)?.gateway !== gateway) continue;
          let order = 0;
          for (const route of routes.filter((r) => r.routeTable === key)) {
            const family = route.destination.family;
            const destination = toCidrs(family, [route.destination])[0];
            const metric = (route.propagated ? PROPAGATED_METRIC : STATIC_METRIC) + order++;
            const hop = route.blackhole ? undefined : this.routeLink(gateway, plane, route.attachment ?? "", family);
            ip.push(
              hop === undefined
                ? `route add blackhole ${destination} table ${number} metric ${metric}`
                : `route add ${destination} via ${FAR[family]} dev ${hop.name}${family === "ipv4" ? " onlink" : ""} table ${number} metric ${metric}`,
            );
          }
        }
        for (const { near } of this.ends(id)) {
          const attachment = this.attachmentOf(near);
          const association = associations.find(
            (a) => a.attachment === attachment && net.routeTables.get(a.routeTable)?.gateway === gateway,
          );
          const number = association && tables.get(association.routeTable);
          if (number !== undefined)
            for (const lines of [ip, ip6]) lines.push(`rule add iif ${near.name} table ${number} pref 100`);
        }
        for (const lines of [ip, ip6]) lines.push("rule add pref 30000 blackhole");
        out.push({
          id,
          role: "transit",
          stands: gateway,
          sysctls: ROUTER_SYSCTLS,
          ip,
          ip6,
          nft: ruleset(table, [
            base("input", "input", []),
            base("output", "output", []),
            base("forward", "forward", ["accept"]),
          ]),
        });
      }
    });
    return out;
  }

  /** The attachment whose traffic enters a gateway on this link end; undefined for an exit link. */
  private attachmentOf(end: LinkEnd): string | undefined {
    const entry = this.entries.find((e) => e.link.b === end);
    if (entry) return entry.attachment.address;
    return this.peeringLinks.find((p) => p.link.a === end || p.link.b === end)?.attachment;
  }

  /** The link a route of `gateway` to `attachment` leaves by in `plane`; undefined where AWS drops the traffic. */
  private routeLink(gateway: string, plane: number, attachment: string, family: Family): LinkEnd | undefined {
    const net = this.net as TransitNetwork;
    const vpcAttachment = net.vpcAttachments.get(attachment);
    if (vpcAttachment) {
      if (vpcAttachment.gateway !== gateway || (family === "ipv6" && !vpcAttachment.ipv6)) return undefined;
      return this.exitLinks.find((x) => x.attachment === vpcAttachment && x.plane === plane)?.link.a;
    }
    const peering = this.peeringLinks.find((p) => p.attachment === attachment && p.plane === plane)?.link;
    if (!peering) return undefined;
    const id = this.gatewayId(gateway, plane);
    return peering.a.ns === id ? peering.a : peering.b.ns === id ? peering.b : undefined;
  }
}
