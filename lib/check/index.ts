/**
 * The check layer: reach's verdicts held against what the config means (`intent.ts`) — which VPCs
 * should ping each other, which do, and a synth or a deployment that is not the config's. Run by
 * `npm run check` (scripts/check.ts); imports core, plan, config and reach.
 */
export * from "./intent";
