/**
 * ping: the post-deploy ping matrix in the user's account — every instance pings every other over SSM
 * Run Command, and the matrix is held against what reach expects (`npm run ping`, scripts/ping.ts).
 * Imports the core and reach.
 */
export { main as pingCommand, parseOptions, type CliDeps, type PingOptions } from "./cli";
