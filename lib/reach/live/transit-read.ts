/**
 * The transit gateway part of a live read: for the VPCs that hold the app's instances, the transit
 * gateways they are attached to, every VPC and peering attachment of those gateways, their route
 * tables, and each table's associations, propagations and routes (static and propagated, as
 * SearchTransitGatewayRoutes reports them), as the EC2 API returns them.
 */
import {
  type EC2Client,
  type Filter,
  type TransitGateway,
  type TransitGatewayPeeringAttachment,
  type TransitGatewayRoute,
  type TransitGatewayRouteTable,
  type TransitGatewayRouteTableAssociation,
  type TransitGatewayRouteTablePropagation,
  type TransitGatewayVpcAttachment,
  paginateDescribeTransitGatewayPeeringAttachments,
  paginateDescribeTransitGatewayRouteTables,
  paginateDescribeTransitGatewayVpcAttachments,
  paginateDescribeTransitGateways,
  paginateGetTransitGatewayRouteTableAssociations,
  paginateGetTransitGatewayRouteTablePropagations,
  paginateSearchTransitGatewayRoutes,
} from "@aws-sdk/client-ec2";
import { type Cidr, cidrSubnet, familyBits, parseCidr } from "../cidr";
import { LiveReadError } from "./errors";

/** One transit gateway route table with what EC2 reports for it. */
export interface TransitTableSnapshot {
  readonly table: TransitGatewayRouteTable;
  readonly associations: readonly TransitGatewayRouteTableAssociation[];
  readonly propagations: readonly TransitGatewayRouteTablePropagation[];
  /** Every route of the table, static and propagated, active and blackhole. */
  readonly routes: readonly TransitGatewayRoute[];
}

/** What EC2 reports about the transit gateways of one target. */
export interface TransitSnapshot {
  readonly gateways: readonly TransitGateway[];
  readonly vpcAttachments: readonly TransitGatewayVpcAttachment[];
  readonly peeringAttachments: readonly TransitGatewayPeeringAttachment[];
  readonly routeTables: readonly TransitTableSnapshot[];
}

/** An empty transit snapshot, for a target without instances or transit gateways. */
export const NO_TRANSIT: TransitSnapshot = {
  gateways: [],
  vpcAttachments: [],
  peeringAttachments: [],
  routeTables: [],
};

/** How the read collects pages and chunks of ids (readSnapshot's helpers). */
export interface TransitCalls {
  readonly client: EC2Client;
  readonly collect: <P, T>(
    call: string,
    iterate: () => AsyncIterable<P>,
    items: (page: P) => T[] | undefined,
  ) => Promise<T[]>;
  readonly byIds: <P, T>(
    call: string,
    filter: string,
    ids: readonly string[],
    iterate: (filters: Filter[]) => AsyncIterable<P>,
    items: (page: P) => T[] | undefined,
  ) => Promise<T[]>;
}

/** Route states SearchTransitGatewayRoutes is asked for: the ones that decide where a packet goes. */
const ROUTE_STATES = ["active", "blackhole"];

/** Attachment states in which the attachment no longer exists. */
const GONE_ATTACHMENT_STATES = new Set(["deleted", "deleting", "failed", "rejected"]);

/** Reads the transit gateways attached to `vpcIds` and everything that routes through them. */
export async function readTransitSnapshot(calls: TransitCalls, vpcIds: readonly string[]): Promise<TransitSnapshot> {
  const { client, byIds, collect } = calls;
  const pages = { client, stopOnSameToken: true };
  const ours = await byIds(
    "DescribeTransitGatewayVpcAttachments",
    "vpc-id",
    vpcIds,
    (Filters) => paginateDescribeTransitGatewayVpcAttachments(pages, { Filters }),
    (p) => p.TransitGatewayVpcAttachments,
  );
  const gatewayIds = sortedIds(
    ours.filter((a) => !GONE_ATTACHMENT_STATES.has(a.State ?? "")).map((a) => a.TransitGatewayId),
  );
  if (gatewayIds.length === 0) return NO_TRANSIT;
  const mine = (id: string | undefined): boolean => id !== undefined && gatewayIds.includes(id);
  const [gateways, vpcAttachments, peeringAttachments, tables] = await Promise.all([
    byIds(
      "DescribeTransitGateways",
      "transit-gateway-id",
      gatewayIds,
      (Filters) => paginateDescribeTransitGateways(pages, { Filters }),
      (p) => p.TransitGateways,
    ),
    byIds(
      "DescribeTransitGatewayVpcAttachments",
      "transit-gateway-id",
      gatewayIds,
      (Filters) => paginateDescribeTransitGatewayVpcAttachments(pages, { Filters }),
      (p) => p.TransitGatewayVpcAttachments,
    ),
    byIds(
      "DescribeTransitGatewayPeeringAttachments",
      "transit-gateway-id",
      gatewayIds,
      (Filters) => paginateDescribeTransitGatewayPeeringAttachments(pages, { Filters }),
      (p) => p.TransitGatewayPeeringAttachments,
    ),
    byIds(
      "DescribeTransitGatewayRouteTables",
      "transit-gateway-id",
      gatewayIds,
      (Filters) => paginateDescribeTransitGatewayRouteTables(pages, { Filters }),
      (p) => p.TransitGatewayRouteTables,
    ),
  ]);
  const routeTables = await Promise.all(
    unique(
      tables.filter((t) => mine(t.TransitGatewayId) && t.State !== "deleted" && t.State !== "deleting"),
      (t) => t.TransitGatewayRouteTableId,
    ).map(async (table): Promise<TransitTableSnapshot> => {
      const TransitGatewayRouteTableId = table.TransitGatewayRouteTableId as string;
      const [associations, propagations, routes] = await Promise.all([
        collect(
          "GetTransitGatewayRouteTableAssociations",
          () => paginateGetTransitGatewayRouteTableAssociations(pages, { TransitGatewayRouteTableId }),
          (p) => p.Associations,
        ),
        collect(
          "GetTransitGatewayRouteTablePropagations",
          () => paginateGetTransitGatewayRouteTablePropagations(pages, { TransitGatewayRouteTableId }),
          (p) => p.TransitGatewayRouteTablePropagations,
        ),
        searchRoutes(calls, TransitGatewayRouteTableId),
      ]);
      return { table, associations, propagations, routes };
    }),
  );
  return {
    gateways: unique(
      gateways.filter((g) => mine(g.TransitGatewayId)),
      (g) => g.TransitGatewayId,
    ),
    vpcAttachments: unique(
      vpcAttachments.filter((a) => mine(a.TransitGatewayId)),
      (a) => a.TransitGatewayAttachmentId,
    ),
    peeringAttachments: unique(
      peeringAttachments.filter(
        (a) => mine(a.RequesterTgwInfo?.TransitGatewayId) || mine(a.AccepterTgwInfo?.TransitGatewayId),
      ),
      (a) => a.TransitGatewayAttachmentId,
    ),
    routeTables,
  };
}

/**
 * Every active and blackhole route of a table. SearchTransitGatewayRoutes returns at most 1,000
 * routes and says when there are more (AdditionalRoutesAvailable), so a full answer is split: the
 * routes exactly at a block, then those inside each of its halves (route-search.subnet-of-match),
 * down to single addresses if need be.
 */
async function searchRoutes(calls: TransitCalls, table: string): Promise<TransitGatewayRoute[]> {
  const pages = { client: calls.client, stopOnSameToken: true };
  const call = `SearchTransitGatewayRoutes (${table})`;
  const search = async (filters: Filter[]): Promise<{ routes: TransitGatewayRoute[]; more: boolean }> => {
    let more = false;
    const routes = await calls.collect(
      call,
      () =>
        paginateSearchTransitGatewayRoutes(pages, {
          TransitGatewayRouteTableId: table,
          Filters: [{ Name: "state", Values: ROUTE_STATES }, ...filters],
        }),
      (p) => {
        more ||= p.AdditionalRoutesAvailable === true;
        return p.Routes;
      },
    );
    return { routes, more };
  };
  const within = async (block: Cidr): Promise<TransitGatewayRoute[]> => {
    const inside = await search([{ Name: "route-search.subnet-of-match", Values: [block.text] }]);
    if (!inside.more) return inside.routes;
    if (block.prefix >= familyBits(block.family))
      throw new LiveReadError(
        `EC2 ${call}: reports more routes to ${block.text} than it returns, which it never should`,
      );
    const exact = await search([{ Name: "route-search.exact-match", Values: [block.text] }]);
    const halves = await Promise.all(halvesOf(block).map(within));
    return [...exact.routes, ...halves.flat()];
  };
  const all = await search([]);
  if (!all.more) return all.routes;
  const [v4, v6] = await Promise.all([within(block("0.0.0.0/0")), within(block("::/0"))]);
  return [...v4, ...v6];
}

function block(text: string): Cidr {
  return parseCidr(text) as Cidr;
}

/** The two halves of a block, one prefix bit longer. */
function halvesOf(cidr: Cidr): Cidr[] {
  return [0, 1].map((half) => cidrSubnet(cidr, 1, half) as Cidr);
}

function sortedIds(ids: readonly (string | undefined)[]): string[] {
  return [...new Set(ids.filter((id): id is string => typeof id === "string" && id !== ""))].sort();
}

/** Items with an id, each once (an endpoint that ignores a filter may list one in two chunks). */
function unique<T>(items: readonly T[], id: (item: T) => string | undefined): T[] {
  const seen = new Map<string, T>();
  for (const item of items) {
    const key = id(item);
    if (key && !seen.has(key)) seen.set(key, item);
  }
  return [...seen.values()];
}
