import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { PROJECT_ROOT } from "../core/paths";

/** The directory of the dated price tables, one `<region>.json` each. */
export const PRICES_DIR = path.join(PROJECT_ROOT, "lib", "cost", "prices");

const rate = z.number().nonnegative();

/** One region's prices in USD, with the day they were taken and where from. */
export const priceTableSchema = z
  .object({
    region: z.string(),
    location: z.string(),
    currency: z.literal("USD"),
    taken: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    source: z.string().min(1),
    hourly: z
      .object({ natGateway: rate, publicIpv4Address: rate, interfaceEndpointPerAz: rate, vpnConnection: rate })
      .strict(),
    perGb: z
      .object({
        natGatewayProcessing: rate,
        interfaceEndpointProcessing: rate,
        interAzEachDirection: rate,
        interRegionOut: rate,
      })
      .strict(),
    ebsPerGbMonth: z.record(z.string(), rate),
    instanceHourly: z.record(z.string(), rate),
    perAnalysis: z.object({ reachabilityAnalyzer: rate }).strict(),
    /** AWS Transit Gateway: taken apart from the rest, so with its own date and page. */
    transitGateway: z
      .object({
        taken: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
        source: z.string().min(1),
        /** Per attachment (VPC or peering) per hour; the gateway itself is not charged. */
        attachmentHourly: rate,
        /** Per GB a VPC attachment sends into the gateway; what a peering attachment sends in is not charged. */
        dataProcessingPerGb: rate,
      })
      .strict(),
  })
  .strict();

/** One region's prices. */
export type PriceTable = z.infer<typeof priceTableSchema>;

/** Input the estimate cannot price: a region without a table, an instance type or volume type the table lacks, ... */
export class CostInputError extends Error {
  override readonly name = "CostInputError";
}

/** The regions that have a price table. */
export function pricedRegions(dir = PRICES_DIR): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.replace(/\.json$/, ""))
    .sort();
}

const cache = new Map<string, PriceTable>();

/** The price table of a region; a CostInputError naming the regions that have one when it has none. */
export function priceTable(region: string, dir = PRICES_DIR): PriceTable {
  const key = path.join(dir, `${region}.json`);
  const cached = cache.get(key);
  if (cached) return cached;
  if (!/^[a-z0-9-]+$/.test(region) || !fs.existsSync(key)) {
    throw new CostInputError(
      `no price table for region "${region}" (tables: ${pricedRegions(dir).join(", ")}): add lib/cost/prices/${region}.json with AWS's prices for it, dated and with its source`,
    );
  }
  const parsed = priceTableSchema.safeParse(JSON.parse(fs.readFileSync(key, "utf8")));
  if (!parsed.success)
    throw new CostInputError(
      `${key} is not a valid price table: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  if (parsed.data.region !== region)
    throw new CostInputError(`${key} holds the prices of ${parsed.data.region}, not ${region}`);
  cache.set(key, parsed.data);
  return parsed.data;
}
