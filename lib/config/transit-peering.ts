/**
 * The config's transit gateway peerings (top-level `transitPeerings`) and the keys a gateway takes
 * for accounts: the zod schemas, their fixes, and the resolved shape. What a peering means is in
 * transit.ts, its checks in transit-peering-checks.ts.
 *
 * A peering joins two gateways (in one region or two, of one account or two). Each side's peering
 * attachment is associated with one segment's route table and behaves as a member of that segment:
 * a VPC of segment X on the requester reaches a VPC of segment Y on the accepter exactly when X
 * reaches the requester's segment and the accepter's segment reaches Y. Peering attachments
 * propagate nothing (Transit Gateway guide, "Transit gateway peering attachments"), so the synth
 * writes a static route to each reached VPC's blocks into every route table that should hold one.
 *
 * With `segmentPairs` instead of a segment per side, one peering joins several pairs of segments
 * ("prod to prod, dev to dev"): each side's attachment is associated with a route table of its own,
 * the peering's table, into which the members of that side's paired segments propagate; each paired
 * segment's table gets static routes to the blocks of the members of the segments it is paired with,
 * through the peering. A member of segment X here reaches a member of Y there exactly when (X, Y) is
 * a pair. Segmentation is decided by the sending gateway's tables: the peering's table delivers to
 * every paired member, and routes back to no other peering, so traffic crosses one peering only.
 */
import { z } from "zod";
import type { TransitPeeringConfig } from "./types";

export type { TransitPeeringConfig, TransitPeeringSide } from "./types";

const NAME = /^[a-z][a-z0-9-]{0,30}$/;

const sideSchema = (role: string) =>
  z
    .object({
      gateway: z.string().regex(NAME).describe(`Name of the ${role} transit gateway (in transitGateways)`),
      segment: z
        .string()
        .regex(NAME)
        .optional()
        .describe(
          "Segment of that gateway whose route table the peering attachment is associated with: the peering is a member of it (leave out on both sides with segmentPairs)",
        ),
    })
    .strict();

/** The top-level `transitPeerings` key. */
export const transitPeeringsSchema = z
  .array(
    z
      .object({
        requester: sideSchema("requesting").describe(
          "The gateway that requests the peering (its provider makes the peering attachment), with its segment",
        ),
        accepter: sideSchema("accepting").describe(
          "The gateway that accepts it (its provider makes the accepter), with its segment",
        ),
        segmentPairs: z
          .array(
            z
              .object({
                requester: z.string().regex(NAME).describe("A segment of the requesting gateway"),
                accepter: z.string().regex(NAME).describe("A segment of the accepting gateway"),
              })
              .strict(),
          )
          .min(1)
          .optional()
          .describe(
            "Instead of a segment per side: the pairs of segments whose members reach each other across the peering, such as prod with prod and dev with dev; each side's peering attachment gets a route table of its own",
          ),
      })
      .strict(),
  )
  .optional()
  .describe(
    "Transit gateway peerings, in one region or across regions and accounts; each side's attachment joins a segment there",
  );

/** A gateway's keys for the account it lives in and how it is shared. */
export const transitAccountKeys = {
  account: z
    .string()
    .optional()
    .describe(
      "Name of the account in accounts that owns the transit gateway (default: the credentials' own); VPCs of other accounts attach through a RAM share",
    ),
  shareOutsideOrganization: z
    .boolean()
    .optional()
    .describe(
      "The RAM share admits accounts outside the AWS Organization: allow_external_principals, and each account accepts the invitation (default false: the accounts share one organization with RAM sharing enabled)",
    ),
};

/** The fixes of the peering keys, by key, for the config's messages. */
export const TRANSIT_PEERING_FIXES: Readonly<Record<string, string>> = {
  transitPeerings:
    'list peerings such as [{"requester": {"gateway": "eu", "segment": "shared"}, "accepter": {"gateway": "us", "segment": "shared"}}]',
  requester: 'write the requesting side as {"gateway": "eu", "segment": "shared"}',
  accepter: 'write the accepting side as {"gateway": "us", "segment": "shared"}',
  gateway: "name a transit gateway of transitGateways",
  segment: "name a segment of that transit gateway",
  segmentPairs:
    'list pairs of a requester segment and an accepter segment such as [{"requester": "prod", "accepter": "prod"}, {"requester": "dev", "accepter": "dev"}], and leave segment out of both sides',
  shareOutsideOrganization:
    "use true (the accounts are outside one AWS Organization: each accepts the RAM invitation) or false",
};

type PeeringsInput = z.output<typeof transitPeeringsSchema>;

/** The peerings of a config that passed every check; undefined when it has none. */
export function resolveTransitPeerings(input: PeeringsInput): TransitPeeringConfig[] | undefined {
  if (!input || input.length === 0) return undefined;
  return input.map((p) =>
    p.segmentPairs
      ? {
          requester: { gateway: p.requester.gateway },
          accepter: { gateway: p.accepter.gateway },
          segmentPairs: p.segmentPairs.map((pair) => ({ requester: pair.requester, accepter: pair.accepter })),
        }
      : {
          requester: { gateway: p.requester.gateway, segment: p.requester.segment },
          accepter: { gateway: p.accepter.gateway, segment: p.accepter.segment },
        },
  );
}
