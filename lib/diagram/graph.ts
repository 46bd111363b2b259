/**
 * What the diagram shows, as plain data: VPCs with their subnets, gateways and instances, the
 * peerings between them, and reach's verdicts. Built from reach's model and result, plus the tags
 * and providers of the Terraform JSON (for names and accounts), with no file access.
 */
import type { GatewayKind, Model, Reachable, Result, StackDocument } from "../reach";
import { accountOf, jsonResources, literal, nameTag, type JsonResource } from "../core/terraform-json";
import { transitTopology, type DiagramTransit } from "./transit";

/** An aws_instance: a source or target of reach's verdicts. */
export interface DiagramInstance {
  /** reach's address. */
  readonly key: string;
  /** Its Name tag, else its resource name. */
  readonly label: string;
  /** The fixed private IPv4 address, when the config pins one. */
  readonly ipv4: string | undefined;
}

/** How a subnet reaches the internet: through an internet gateway, a NAT gateway, or not at all. */
export type SubnetTier = "public" | "private, NAT" | "private";

/** An aws_subnet and the instances in it. */
export interface DiagramSubnet {
  readonly key: string;
  readonly label: string;
  /** Its IPv4 and IPv6 blocks. */
  readonly blocks: readonly string[];
  readonly tier: SubnetTier;
  readonly instances: readonly DiagramInstance[];
}

/** An internet, egress-only internet, NAT or VPN gateway of a VPC, or its interface endpoints taken together. */
export interface DiagramGateway {
  readonly key: string;
  readonly kind: GatewayKind;
  readonly label: string;
}

/** A Site-to-Site VPN connection of a VPC's VPN gateway to a customer gateway. */
export interface DiagramVpnConnection {
  readonly key: string;
  /** Its Name tag, else its resource name. */
  readonly label: string;
  /** The customer gateway's public IPv4 address, when written out. */
  readonly ip: string | undefined;
  /** The VPN gateway it ends on (a key of the VPC's gateways). */
  readonly gateway: string;
  /** The customer blocks routed over it statically; empty for BGP. */
  readonly staticRoutes: readonly string[];
}

/** An aws_vpc with everything inside it. */
export interface DiagramVpc {
  readonly key: string;
  /** Its Name tag, else its resource name. */
  readonly name: string;
  /** Its IPv4 and IPv6 blocks. */
  readonly blocks: readonly string[];
  /** The provider's region; undefined when left to the environment. */
  readonly region: string | undefined;
  /** The account the provider pins; undefined when it is the deploying credentials' account. */
  readonly account: string | undefined;
  readonly subnets: readonly DiagramSubnet[];
  readonly gateways: readonly DiagramGateway[];
  readonly vpnConnections: readonly DiagramVpnConnection[];
}

/** A peering connection; a side that is not declared in the loaded Terraform is kept as its literal id. */
export interface DiagramPeering {
  readonly key: string;
  readonly label: string;
  readonly requester: string;
  readonly accepter: string;
  /** Whether the two sides are in different regions. */
  readonly crossRegion: boolean;
  /** Whether the two sides are in different accounts (as their providers pin them). */
  readonly crossAccount: boolean;
}

/** reach's verdict for one ordered pair of instances and one IP version. */
export interface DiagramVerdict {
  readonly from: string;
  readonly to: string;
  readonly protocol: "ipv4" | "ipv6";
  readonly reachable: Reachable;
  readonly reason: string;
}

/** Everything the diagram draws. */
export interface Topology {
  readonly vpcs: readonly DiagramVpc[];
  readonly peerings: readonly DiagramPeering[];
  /** Peer VPC ids that the loaded Terraform does not declare. */
  readonly externalVpcs: readonly string[];
  readonly verdicts: readonly DiagramVerdict[];
  /** Transit gateways with their segments, and the peering attachments between them. */
  readonly transit?: DiagramTransit;
}

const GATEWAY_LABEL: Readonly<Partial<Record<GatewayKind, string>>> = {
  "internet gateway": "internet gateway",
  "NAT gateway": "NAT gateway",
  "VPN gateway": "VPN gateway",
  "egress-only internet gateway": "egress-only internet gateway",
};

/** The address of the resource a `${type.name.id}` reference names, as reach addresses it (stack-prefixed when several documents are loaded). */
function referenced(
  documents: readonly StackDocument[],
  res: JsonResource,
  attribute: string,
  type: string,
): string | undefined {
  const value = res.body[attribute];
  const match = typeof value === "string" ? new RegExp(`^\\$\\{(${type}\\.[\\w-]+)\\.id\\}$`).exec(value) : null;
  if (!match) return undefined;
  return documents.length > 1 ? `${res.stack}/${match[1]}` : match[1];
}

/** A service's short name from an endpoint's service name: "com.amazonaws.eu-west-1.ssm" → "ssm". */
function serviceOf(serviceName: unknown): string {
  const text = literal(serviceName);
  return text === undefined ? "?" : text.replace(/^.*\./, "");
}

/** The topology of reach's model, with the names and accounts the documents give. */
export function buildTopology(documents: readonly StackDocument[], model: Model, result: Result): Topology {
  const raw = new Map<string, JsonResource>(jsonResources(documents).map((r) => [r.address, r]));
  const docs = new Map(documents.map((d) => [d.stack, d]));
  const label = (address: string): string => {
    const res = raw.get(address);
    return (res && nameTag(res.body)) ?? address.replace(/^.*\./, "");
  };
  const ofType = (type: string) => [...raw.values()].filter((r) => r.type === type);
  const endpointsOf = (vpc: string): DiagramGateway[] => {
    const interfaces = ofType("aws_vpc_endpoint").filter(
      (r) => referenced(documents, r, "vpc_id", "aws_vpc") === vpc && literal(r.body.vpc_endpoint_type) === "Interface",
    );
    if (interfaces.length === 0) return [];
    const services = interfaces.map((r) => serviceOf(r.body.service_name));
    return [
      {
        key: interfaces[0].address,
        kind: "VPC endpoint",
        label: `interface endpoint${services.length > 1 ? "s" : ""}: ${services.join(", ")}`,
      },
    ];
  };
  const vpnConnectionsOf = (vpc: string): DiagramVpnConnection[] =>
    ofType("aws_vpn_connection").flatMap((r) => {
      const gateway = referenced(documents, r, "vpn_gateway_id", "aws_vpn_gateway");
      if (gateway === undefined || model.gateways.get(gateway)?.vpc !== vpc) return [];
      const customer = raw.get(referenced(documents, r, "customer_gateway_id", "aws_customer_gateway") ?? "");
      const staticRoutes = ofType("aws_vpn_connection_route")
        .filter((route) => referenced(documents, route, "vpn_connection_id", "aws_vpn_connection") === r.address)
        .flatMap((route) => literal(route.body.destination_cidr_block) ?? []);
      return [
        {
          key: r.address,
          label: label(r.address),
          ip: customer ? literal(customer.body.ip_address) : undefined,
          gateway,
          staticRoutes,
        },
      ];
    });
  const instancesBySubnet = new Map<string, DiagramInstance[]>();
  for (const instance of result.instances) {
    const list = instancesBySubnet.get(instance.subnet) ?? [];
    list.push({ key: instance.address, label: instance.tags.Name ?? label(instance.address), ipv4: instance.ipv4 });
    instancesBySubnet.set(instance.subnet, list);
  }
  const vpcs = [...model.vpcs.values()].map((vpc): DiagramVpc => {
    const res = raw.get(vpc.address);
    const generated = (first: bigint) => model.generated.some((g) => g.first === first);
    const inGenerated = (block: { first: bigint; last: bigint }) =>
      model.generated.some((g) => g.first <= block.first && block.last <= g.last);
    return {
      key: vpc.address,
      name: label(vpc.address),
      blocks: [
        ...vpc.ipv4.map((b) => b.cidr.text),
        ...vpc.ipv6.map((b) => (generated(b.cidr.first) ? "IPv6 /56 from AWS" : b.cidr.text)),
      ],
      region: vpc.region,
      account: res ? accountOf(docs.get(res.stack), res.body) : undefined,
      subnets: [...model.subnets.values()]
        .filter((s) => s.vpc === vpc.address)
        .map((s) => ({
          key: s.address,
          label: label(s.address),
          blocks: [
            s.ipv4?.text,
            s.ipv6 && (inGenerated(s.ipv6) ? `IPv6 /${s.ipv6.prefix} from the VPC's` : s.ipv6.text),
          ].filter((b): b is string => typeof b === "string"),
          tier: tierOf(model, s.address, s.vpc),
          instances: instancesBySubnet.get(s.address) ?? [],
        })),
      gateways: [
        ...[...model.gateways.values()]
          .filter((g) => g.vpc === vpc.address && GATEWAY_LABEL[g.kind] !== undefined)
          .map((g) => ({ key: g.address, kind: g.kind, label: GATEWAY_LABEL[g.kind] as string })),
        ...ofType("aws_egress_only_internet_gateway")
          .filter((r) => referenced(documents, r, "vpc_id", "aws_vpc") === vpc.address)
          .map((r) => ({
            key: r.address,
            kind: "egress-only internet gateway" as const,
            label: "egress-only internet gateway",
          })),
        ...endpointsOf(vpc.address),
      ],
      vpnConnections: vpnConnectionsOf(vpc.address),
    };
  });
  const accounts = new Map(vpcs.map((v) => [v.key, v.account]));
  const peerings = [...model.peerings.values()].map((p) => ({
    key: p.address,
    label: label(p.address),
    requester: p.requesterVpc,
    accepter: p.accepterVpc,
    crossRegion: p.peerRegion !== undefined && p.region !== undefined && p.peerRegion !== p.region,
    crossAccount:
      accounts.has(p.requesterVpc) &&
      accounts.has(p.accepterVpc) &&
      accounts.get(p.requesterVpc) !== accounts.get(p.accepterVpc),
  }));
  const externalVpcs = [
    ...new Set(peerings.flatMap((p) => [p.requester, p.accepter]).filter((v) => !model.vpcs.has(v))),
  ];
  const verdicts = result.pairs.map(({ from, to, protocol, reachable, reason }) => ({
    from,
    to,
    protocol,
    reachable,
    reason,
  }));
  return { vpcs, peerings, externalVpcs, verdicts, transit: transitTopology(model, label) };
}

function tierOf(model: Model, subnet: string, vpc: string): SubnetTier {
  const association = model.routeTableAssociations.find((a) => a.from === subnet);
  const main = model.mainRouteTableAssociations.find((a) => a.from === vpc);
  const table = model.routeTables.get(association?.to ?? main?.to ?? `${vpc}.default_route_table`);
  const defaults = (table?.routes ?? []).filter((r) => r.destination.prefix === 0);
  const kinds = defaults.flatMap((r) => (r.target.kind === "gateway" ? [r.target.gatewayKind] : []));
  if (kinds.includes("internet gateway")) return "public";
  if (kinds.includes("NAT gateway")) return "private, NAT";
  return "private";
}
