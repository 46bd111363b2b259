/**
 * The propagated routes AWS installs in a transit gateway route table and moto 5.2.1 does not: with
 * a VPC attachment's propagation enabled to a table, AWS installs a route to each of the VPC's CIDR
 * blocks through that attachment ("propagated", "active"), and SearchTransitGatewayRoutes lists it
 * beside the static routes; a static route to the same destination takes priority
 * (docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html, route evaluation order), so
 * none is added where moto lists one. moto lists the propagations (GetTransitGatewayRouteTablePropagations)
 * and the VPCs' blocks (DescribeVpcs); the EC2 front (emulator-ec2-front.ts), when asked to, adds
 * the routes they mean to moto's answer. What AWS does beyond that (dropping a block another
 * attachment propagates too, the time it takes to install a route) is not modeled.
 */
import {
  DescribeVpcsCommand,
  EC2Client,
  GetTransitGatewayRouteTablePropagationsCommand,
  type Vpc,
} from "@aws-sdk/client-ec2";
import { cidrInside, parseCidr, type Cidr } from "../lib/reach/cidr";

/** A route AWS would install: its destination and the attachment and VPC it leads to. */
interface PropagatedRoute {
  readonly destination: string;
  readonly attachment: string;
  readonly vpc: string;
}

/** The filters of a SearchTransitGatewayRoutes request, by name (Filter.N.Name and Filter.N.Value.M). */
function filtersOf(params: URLSearchParams): Map<string, string[]> {
  const filters = new Map<string, string[]>();
  for (let n = 1; params.has(`Filter.${n}.Name`); n++) {
    const values: string[] = [];
    for (let m = 1; params.has(`Filter.${n}.Value.${m}`); m++) values.push(params.get(`Filter.${n}.Value.${m}`) ?? "");
    filters.set(params.get(`Filter.${n}.Name`) ?? "", values);
  }
  return filters;
}

function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (typeof parsed === "string") throw new Error(`the EC2 front cannot read the CIDR block ${text}: ${parsed}`);
  return parsed;
}

/**
 * Whether a propagated route to `destination` passes the request's filters: the ones reach's live
 * loader sends (state, route-search.exact-match, route-search.subnet-of-match) and type. Any other
 * filter throws, so that the front never answers a search it does not understand.
 */
function passes(destination: string, filters: ReadonlyMap<string, readonly string[]>): boolean {
  for (const [name, values] of filters) {
    if (name === "state" && !values.includes("active")) return false;
    else if (name === "type" && !values.includes("propagated")) return false;
    else if (name === "route-search.exact-match" && !values.includes(destination)) return false;
    else if (name === "route-search.subnet-of-match" && !values.some((v) => cidrInside(cidr(destination), cidr(v))))
      return false;
    else if (!["state", "type", "route-search.exact-match", "route-search.subnet-of-match"].includes(name))
      throw new Error(`the EC2 front adds no propagated route to a search filtered by ${name}`);
  }
  return true;
}

/** The IPv4 and IPv6 blocks of a VPC that are associated (AWS propagates those). */
function blocksOf(vpc: Vpc): string[] {
  const v4 = (vpc.CidrBlockAssociationSet ?? [])
    .filter((b) => b.CidrBlockState?.State === "associated")
    .flatMap((b) => (b.CidrBlock ? [b.CidrBlock] : []));
  const v6 = (vpc.Ipv6CidrBlockAssociationSet ?? [])
    .filter((b) => b.Ipv6CidrBlockState?.State === "associated")
    .flatMap((b) => (b.Ipv6CidrBlock ? [b.Ipv6CidrBlock] : []));
  return [...(v4.length > 0 ? v4 : vpc.CidrBlock ? [vpc.CidrBlock] : []), ...v6];
}

/** The routes the enabled VPC propagations of `table` install, by what moto lists. */
async function propagatedRoutes(moto: EC2Client, table: string): Promise<PropagatedRoute[]> {
  const propagations =
    (await moto.send(new GetTransitGatewayRouteTablePropagationsCommand({ TransitGatewayRouteTableId: table })))
      .TransitGatewayRouteTablePropagations ?? [];
  const enabled = propagations.filter(
    (p) => p.State === "enabled" && p.ResourceType === "vpc" && p.ResourceId && p.TransitGatewayAttachmentId,
  );
  if (enabled.length === 0) return [];
  const vpcIds = [...new Set(enabled.map((p) => p.ResourceId!))];
  const vpcs = (await moto.send(new DescribeVpcsCommand({ VpcIds: vpcIds }))).Vpcs ?? [];
  return enabled.flatMap((p) => {
    const vpc = vpcs.find((v) => v.VpcId === p.ResourceId);
    return vpc
      ? blocksOf(vpc).map((destination) => ({
          destination,
          attachment: p.TransitGatewayAttachmentId!,
          vpc: vpc.VpcId!,
        }))
      : [];
  });
}

/** One route as SearchTransitGatewayRoutes's XML holds it. */
function routeItem(route: PropagatedRoute): string {
  return (
    `<item><destinationCidrBlock>${route.destination}</destinationCidrBlock>` +
    `<transitGatewayAttachments><item><resourceId>${route.vpc}</resourceId>` +
    `<transitGatewayAttachmentId>${route.attachment}</transitGatewayAttachmentId>` +
    `<resourceType>vpc</resourceType></item></transitGatewayAttachments>` +
    `<type>propagated</type><state>active</state></item>`
  );
}

/**
 * moto's answer `body` to the SearchTransitGatewayRoutes request `params`, with the propagated
 * routes AWS would list added (those the filters pass and no listed route's destination holds);
 * returns `body` itself when there are none. `added` receives the destinations added.
 */
export async function withPropagatedRoutes(
  moto: EC2Client,
  params: URLSearchParams,
  body: string,
  added: (destinations: readonly string[]) => void,
): Promise<string> {
  const table = params.get("TransitGatewayRouteTableId");
  if (!table) return body;
  const filters = filtersOf(params);
  const listed = new Set([...body.matchAll(/<destinationCidrBlock>([^<]+)</g)].map((m) => m[1]));
  const routes = (await propagatedRoutes(moto, table)).filter(
    (r) => !listed.has(r.destination) && passes(r.destination, filters),
  );
  if (routes.length === 0) return body;
  const items = routes.map(routeItem).join("");
  const mended = body.includes("<routeSet/>")
    ? body.replace("<routeSet/>", `<routeSet>${items}</routeSet>`)
    : body.replace("</routeSet>", `${items}</routeSet>`);
  if (mended === body) throw new Error("the EC2 front found no routeSet in moto's SearchTransitGatewayRoutes answer");
  added(routes.map((r) => r.destination));
  return mended;
}
