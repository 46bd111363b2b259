/**
 * A transit gateway's `summaryRoutes`: IPv4 blocks that every attached VPC's private route tables send
 * to the gateway in place of a route per reached VPC block. AWS routes by the longest prefix, so a
 * summary less specific than a peering's routes moves nothing while the peering stands, and carries
 * the pair once the peering goes: the first stage of a move from peering to a transit gateway
 * (npm run migrate). IPv6 keeps its routes per block (Amazon assigns the /56s at apply time).
 */
import { z } from "zod";
import { preview } from "../core/json-input";
import { type Block, overlaps, parseIpv4Cidr, summaryCover } from "../plan/vpc-cidr";
import type { FieldBlock, ProblemSink } from "./shape-checks";

/** The `summaryRoutes` key of a transit gateway. */
export const summaryRoutesSchema = z
  .array(z.string())
  .optional()
  .describe(
    "IPv4 blocks every attached VPC's private route tables send to this gateway instead of a route per reached VPC block; each less specific than every VPC block it covers, so a peering's routes still win",
  );

/** The fix of a bad `summaryRoutes`. */
export const SUMMARY_ROUTES_FIX =
  'list IPv4 blocks less specific than every VPC block they cover, such as ["10.0.0.0/8"], or leave summaryRoutes out for a route per reached block';

/**
 * Each gateway's summary routes: IPv4 blocks in canonical form, none /0 (the default route's
 * destination), none twice, and none equal to or inside a VPC's block (AWS refuses a route more
 * specific than the local route, and one equal to a peering route's destination).
 */
export function checkSummaryRoutes(
  rawGateways: readonly unknown[],
  vpcBlocks: readonly { readonly vpc: string; readonly block: FieldBlock }[],
  problems: ProblemSink,
): void {
  rawGateways.forEach((raw, i) => {
    const list = raw !== null && typeof raw === "object" ? (raw as { summaryRoutes?: unknown }).summaryRoutes : [];
    if (!Array.isArray(list)) return;
    const seen = new Set<string>();
    list.forEach((entry: unknown, j) => {
      if (typeof entry !== "string") return;
      const field = `transitGateways[${i}].summaryRoutes[${j}]`;
      const parsed = parseIpv4Cidr(entry, field);
      if ("problem" in parsed) return problems.add(parsed.problem);
      const problem = summaryProblem(parsed.block, field, seen, vpcBlocks);
      if (problem) problems.add(problem);
      seen.add(parsed.block.cidr);
    });
  });
}

function summaryProblem(
  block: Block,
  field: string,
  seen: ReadonlySet<string>,
  vpcBlocks: readonly { readonly vpc: string; readonly block: FieldBlock }[],
): string | undefined {
  const shown = preview(block.cidr);
  if (block.prefix === 0)
    return `${field} ${shown} is the destination of the private route tables' default route: ${SUMMARY_ROUTES_FIX}`;
  if (seen.has(block.cidr)) return `${field} ${shown} is listed twice: list each summary route once`;
  const covered = vpcBlocks.find((v) => overlaps(v.block.block, block) && v.block.block.prefix >= block.prefix);
  const inside = vpcBlocks.find((v) => overlaps(v.block.block, block) && v.block.block.prefix < block.prefix);
  if (covered && covered.block.block.prefix === block.prefix)
    return `${field} ${shown} is the block of VPC ${preview(covered.vpc)} (${covered.block.field}): the VPC's local route and the routes to it have that destination; ${SUMMARY_ROUTES_FIX}`;
  if (inside)
    return `${field} ${shown} is inside the block ${preview(inside.block.block.cidr)} of VPC ${preview(inside.vpc)} (${inside.block.field}): AWS refuses a route more specific than a VPC's local route, and it would take part of the VPC's traffic; ${SUMMARY_ROUTES_FIX}`;
  return undefined;
}

/**
 * The summary routes of a gateway whose attached VPCs' private route tables would pass the routes
 * quota with a route per reached block: summaryCover of the attached VPCs' IPv4 blocks, when each
 * passes the checks a listed summary route passes; else undefined.
 */
export function automaticSummaryRoutes(
  attached: readonly Block[],
  vpcBlocks: readonly { readonly vpc: string; readonly block: FieldBlock }[],
): string[] | undefined {
  const cover = summaryCover(attached);
  const seen = new Set<string>();
  const fits = cover?.every((block) => {
    const problem = summaryProblem(block, "summaryRoutes", seen, vpcBlocks);
    seen.add(block.cidr);
    return problem === undefined;
  });
  return fits ? cover!.map((b) => b.cidr) : undefined;
}
