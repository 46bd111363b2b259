/**
 * The check layer: reach's verdicts held against what the config means (`intent.ts`) — which VPCs
 * should ping each other, which do, and a synth or a deployment that is not the config's — and
 * reach's verdicts on a large network's million pairs, a byte each, in threads (`decide.ts`). Run by
 * `npm run check` (scripts/check.ts); imports core, plan, config and reach.
 */
export * from "./intent";
export * from "./decide";
