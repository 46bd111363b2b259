/**
 * A monthly cost estimate of Terraform JSON: what is charged by the hour (NAT gateways, public
 * IPv4 addresses, instances, interface endpoints, VPN connections), by the GB-month (root volumes),
 * by the GB moved (stated assumptions, `gb` per peering, NAT gateway and endpoint, `tgwGb` per
 * transit gateway VPC attachment), and once per analysis (Reachability Analyzer). Transit gateway
 * attachments (VPC and peering, each side of a peering) are charged by the hour; the gateway itself is free. Pure: documents and price tables in, lines out.
 */
import type { Model, StackDocument } from "../reach";
import { isObject, jsonResources, literal, regionOf, type JsonResource } from "../core/terraform-json";
import { preview } from "../core/json-limits";
import { ctyNumber } from "../reach/terraform/cty";
import { CostInputError, type PriceTable } from "./prices";

/** AWS's billing month: 730 hours. */
export const HOURS_PER_MONTH = 730;

/** The root volume an aws_instance gets when it does not say: Amazon Linux 2023's, 8 GiB of gp3. */
export const DEFAULT_ROOT_VOLUME = { type: "gp3", gb: 8 } as const;

/** The largest EBS volume AWS makes, in GiB: 64 TiB (io2 Block Express). */
export const MAX_VOLUME_GB = 65_536;

/** Resource types that cost money but that this estimate does not price; listed so the reader knows. */
export const UNPRICED_TYPES = [
  "aws_lb",
  "aws_alb",
  "aws_db_instance",
  "aws_rds_cluster",
  "aws_ebs_volume",
  "aws_ec2_client_vpn_endpoint",
  "aws_networkfirewall_firewall",
  "aws_flow_log",
  "aws_dx_connection",
] as const;

/** What the estimate assumes about traffic. */
export interface TrafficAssumption {
  /** GB a month over each peering, through each NAT gateway and through each interface endpoint. */
  readonly gb: number;
  /**
   * GB a month each VPC attachment sends into its transit gateway (charged for data processing).
   * @default 0
   */
  readonly tgwGb?: number;
}

/** One priced line: quantity × unit price, in one stack and region. */
export interface CostLine {
  readonly stack: string;
  readonly region: string;
  readonly item: string;
  /** How many (resources, GB, ...), and the unit that follows the quantity, e.g. "× 730 h". */
  readonly quantity: number;
  readonly basis: string;
  readonly unitPrice: number;
  /** quantity × the basis's factor × unitPrice, in USD, rounded to the cent (totals add up the rounded lines). */
  readonly amount: number;
  /** Whether it recurs monthly (true) or is charged once per deploy that runs it. */
  readonly monthly: boolean;
}

/** The estimate: lines, and what it cannot price. */
export interface Estimate {
  readonly lines: readonly CostLine[];
  /** Price tables used, by region (for the date and the source). */
  readonly tables: readonly PriceTable[];
  /** Chargeable resources this estimate does not price, as "stack/type" with counts. */
  readonly unpriced: ReadonlyMap<string, number>;
  readonly assumption: TrafficAssumption;
}

/** Options of `estimate`. */
export interface EstimateOptions extends TrafficAssumption {
  /** The price table of a region (throws CostInputError for a region without one). */
  readonly prices: (region: string) => PriceTable;
  /**
   * Region of resources whose provider does not set one.
   * @default - such resources are an error
   */
  readonly defaultRegion?: string;
}

interface Context {
  readonly documents: ReadonlyMap<string, StackDocument>;
  readonly raw: ReadonlyMap<string, JsonResource>;
  readonly model: Model;
  readonly options: EstimateOptions;
}

/** Sums the same items of a stack and region into one line. */
class Lines {
  private readonly byKey = new Map<string, CostLine>();

  add(line: Omit<CostLine, "amount">, factor: number): void {
    const key = [line.stack, line.region, line.item, line.basis, line.unitPrice, line.monthly].join("\u0000");
    const previous = this.byKey.get(key);
    const quantity = (previous?.quantity ?? 0) + line.quantity;
    this.byKey.set(key, { ...line, quantity, amount: cents(quantity * factor * line.unitPrice) });
  }

  get all(): CostLine[] {
    return [...this.byKey.values()];
  }
}

/** The monthly estimate of the documents, with reach's model for references across stacks. */
export function estimate(documents: readonly StackDocument[], model: Model, options: EstimateOptions): Estimate {
  const ctx: Context = {
    documents: new Map(documents.map((d) => [d.stack, d])),
    raw: new Map(jsonResources(documents).map((r) => [r.address, r])),
    model,
    options,
  };
  const lines = new Lines();
  const tables = new Map<string, PriceTable>();
  const unpriced = new Map<string, number>();
  const { gb } = options;
  const tgwGb = options.tgwGb ?? 0;
  const hours = `× ${HOURS_PER_MONTH} h`;

  for (const res of ctx.raw.values()) {
    const count = countOf(res);
    if (count === 0) continue;
    const unpricedType = (UNPRICED_TYPES as readonly string[]).includes(res.type);
    if (unpricedType) {
      unpriced.set(`${res.stack}/${res.type}`, (unpriced.get(`${res.stack}/${res.type}`) ?? 0) + count);
      continue;
    }
    if (!CHARGED.has(res.type)) continue;
    const region = regionFor(ctx, res);
    const table = tables.get(region) ?? options.prices(region);
    tables.set(region, table);
    const at = { stack: res.stack, region, monthly: true };
    switch (res.type) {
      case "aws_nat_gateway":
        lines.add(
          { ...at, item: "NAT gateway hours", quantity: count, basis: hours, unitPrice: table.hourly.natGateway },
          HOURS_PER_MONTH,
        );
        lines.add(
          {
            ...at,
            item: "NAT gateway data processing",
            quantity: count * gb,
            basis: "GB",
            unitPrice: table.perGb.natGatewayProcessing,
          },
          1,
        );
        break;
      case "aws_eip":
        lines.add(
          {
            ...at,
            item: "public IPv4 addresses (Elastic IPs)",
            quantity: count,
            basis: hours,
            unitPrice: table.hourly.publicIpv4Address,
          },
          HOURS_PER_MONTH,
        );
        break;
      case "aws_instance": {
        const type = literal(res.body.instance_type);
        if (type === undefined)
          throw new CostInputError(
            `${res.address}: instance_type ${JSON.stringify(res.body.instance_type)} is not a literal; the estimate needs the type written out`,
          );
        const price = ownPrice(table.instanceHourly, type);
        if (price === undefined) {
          throw new CostInputError(
            `${res.address}: no price for instance type ${preview(type)} in the ${region} table (priced: ${Object.keys(table.instanceHourly).join(", ")}): add it to lib/cost/prices/${region}.json`,
          );
        }
        lines.add(
          { ...at, item: `${type} instances`, quantity: count, basis: hours, unitPrice: price },
          HOURS_PER_MONTH,
        );
        const volume = rootVolume(res);
        const perGbMonth = ownPrice(table.ebsPerGbMonth, volume.type);
        if (perGbMonth === undefined) {
          throw new CostInputError(
            `${res.address}: no price for root volume type ${preview(volume.type)} in the ${region} table (priced: ${Object.keys(table.ebsPerGbMonth).join(", ")}): add it to lib/cost/prices/${region}.json`,
          );
        }
        lines.add(
          {
            ...at,
            item: `EBS ${volume.type} root volumes`,
            quantity: count * volume.gb,
            basis: "GB-month",
            unitPrice: perGbMonth,
          },
          1,
        );
        if (hasPublicIp(ctx, res)) {
          lines.add(
            {
              ...at,
              item: "public IPv4 addresses (instances)",
              quantity: count,
              basis: hours,
              unitPrice: table.hourly.publicIpv4Address,
            },
            HOURS_PER_MONTH,
          );
        }
        break;
      }
      case "aws_vpc_endpoint": {
        const kind = literal(res.body.vpc_endpoint_type) ?? "Gateway";
        if (kind === "Gateway") break;
        if (kind !== "Interface") {
          unpriced.set(
            `${res.stack}/${res.type} (${kind})`,
            (unpriced.get(`${res.stack}/${res.type} (${kind})`) ?? 0) + count,
          );
          break;
        }
        const azs = Array.isArray(res.body.subnet_ids) ? Math.max(1, res.body.subnet_ids.length) : 1;
        lines.add(
          {
            ...at,
            item: "interface endpoint hours (per AZ)",
            quantity: count * azs,
            basis: hours,
            unitPrice: table.hourly.interfaceEndpointPerAz,
          },
          HOURS_PER_MONTH,
        );
        lines.add(
          {
            ...at,
            item: "interface endpoint data processing",
            quantity: count * gb,
            basis: "GB",
            unitPrice: table.perGb.interfaceEndpointProcessing,
          },
          1,
        );
        break;
      }
      case "aws_vpn_connection":
        lines.add(
          {
            ...at,
            item: "Site-to-Site VPN connection hours",
            quantity: count,
            basis: hours,
            unitPrice: table.hourly.vpnConnection,
          },
          HOURS_PER_MONTH,
        );
        break;
      case "aws_vpc_peering_connection": {
        const peerRegion = literal(res.body.peer_region);
        if (peerRegion !== undefined && peerRegion !== region) {
          lines.add(
            {
              ...at,
              item: "data over inter-region peerings",
              quantity: count * gb,
              basis: "GB",
              unitPrice: table.perGb.interRegionOut,
            },
            1,
          );
        } else {
          lines.add(
            {
              ...at,
              item: "data over peerings, across AZs (both directions charged)",
              quantity: count * gb,
              basis: "GB",
              unitPrice: 2 * table.perGb.interAzEachDirection,
            },
            1,
          );
        }
        break;
      }
      case "aws_ec2_transit_gateway":
        break;
      case "aws_ec2_transit_gateway_vpc_attachment":
        lines.add(
          {
            ...at,
            item: "transit gateway VPC attachment hours",
            quantity: count,
            basis: hours,
            unitPrice: table.transitGateway.attachmentHourly,
          },
          HOURS_PER_MONTH,
        );
        lines.add(
          {
            ...at,
            item: "transit gateway data processing (sent by VPC attachments)",
            quantity: count * tgwGb,
            basis: "GB",
            unitPrice: table.transitGateway.dataProcessingPerGb,
          },
          1,
        );
        break;
      case "aws_ec2_transit_gateway_peering_attachment":
      case "aws_ec2_transit_gateway_peering_attachment_accepter":
        lines.add(
          {
            ...at,
            item: `transit gateway peering attachment hours (${res.type.endsWith("_accepter") ? "accepter" : "requester"} side)`,
            quantity: count,
            basis: hours,
            unitPrice: table.transitGateway.attachmentHourly,
          },
          HOURS_PER_MONTH,
        );
        break;
      case "aws_ec2_network_insights_analysis":
        lines.add(
          {
            ...at,
            monthly: false,
            item: "Reachability Analyzer analyses",
            quantity: count,
            basis: "analyses",
            unitPrice: table.perAnalysis.reachabilityAnalyzer,
          },
          1,
        );
        break;
    }
  }
  return { lines: lines.all, tables: [...tables.values()], unpriced, assumption: { gb, tgwGb } };
}

/** An amount rounded to the cent. */
export function cents(amount: number): number {
  return Math.round(amount * 100) / 100;
}

const CHARGED = new Set([
  "aws_nat_gateway",
  "aws_eip",
  "aws_instance",
  "aws_vpc_endpoint",
  "aws_vpn_connection",
  "aws_vpc_peering_connection",
  "aws_ec2_network_insights_analysis",
  "aws_ec2_transit_gateway",
  "aws_ec2_transit_gateway_vpc_attachment",
  "aws_ec2_transit_gateway_peering_attachment",
  "aws_ec2_transit_gateway_peering_attachment_accepter",
]);

/** How many resources a block declares: 1, or its literal `count`; `for_each` cannot be counted offline. */
function countOf(res: JsonResource): number {
  const { count } = res.body;
  if (res.body.for_each !== undefined) {
    throw new CostInputError(
      `${res.address}: uses for_each; the estimate counts resources one by one: synthesize without for_each or with a literal count`,
    );
  }
  if (count === undefined || count === null) return 1;
  return wholeNumber(res, "count", count, 0, "the estimate needs it written out, e.g. 2");
}

/** A price of the table's own, never a property every object inherits (a type named "constructor" has none). */
function ownPrice(prices: Readonly<Record<string, number>>, type: string): number | undefined {
  return Object.hasOwn(prices, type) ? prices[type] : undefined;
}

/**
 * A whole number of at least `min` (and at most `max`), converted as Terraform converts an argument
 * that must be a number: 8 and "8" are 8, "1e3" is 1000; anything else is a CostInputError naming
 * the field and its value.
 */
function wholeNumber(
  res: JsonResource,
  field: string,
  raw: unknown,
  min: number,
  fix: string,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const n = typeof raw === "number" || typeof raw === "string" ? ctyNumber(raw) : undefined;
  if (n !== undefined && Number.isInteger(n) && n >= min && n <= max) return n;
  const what =
    n !== undefined && Number.isInteger(n) && n > max
      ? `is over ${max}`
      : `is not a literal whole number of at least ${min}`;
  throw new CostInputError(`${res.address}: ${field} = ${preview(raw)} ${what}: ${fix}`);
}

function regionFor(ctx: Context, res: JsonResource): string {
  const region = regionOf(ctx.documents.get(res.stack), res.body) ?? ctx.options.defaultRegion;
  if (region === undefined) {
    throw new CostInputError(
      `${res.address}: its aws provider sets no region (nor a variable default for it): pass --region REGION`,
    );
  }
  return region;
}

function rootVolume(res: JsonResource): { type: string; gb: number } {
  const block = [res.body.root_block_device].flat().find(isObject);
  const size = block?.volume_size;
  const fix = `give the size in GiB, from 1 to ${MAX_VOLUME_GB} (AWS's largest volume), e.g. 8`;
  return {
    type: literal(block?.volume_type) ?? DEFAULT_ROOT_VOLUME.type,
    gb:
      size === undefined || size === null
        ? DEFAULT_ROOT_VOLUME.gb
        : wholeNumber(res, "root_block_device.volume_size", size, 1, fix, MAX_VOLUME_GB),
  };
}

/** Whether an instance gets a public IPv4 address: asked for, or by default from its subnet. */
function hasPublicIp(ctx: Context, res: JsonResource): boolean {
  const asked = res.body.associate_public_ip_address;
  if (asked === true || asked === "true") return true;
  if (asked === false || asked === "false") return false;
  const subnet = ctx.model.instances.get(res.address)?.subnet;
  const body = subnet ? ctx.raw.get(subnet)?.body : undefined;
  return body?.map_public_ip_on_launch === true || body?.map_public_ip_on_launch === "true";
}
