/**
 * The migrate layer: a peering config moved to a transit gateway in stages (npm run migrate). The
 * segments come from the peerings or a --segments file (`segments.ts`), the stage configs from
 * `stages.ts`, their proof from synthesizing each and comparing it with the one before through reach
 * --diff (`prove.ts`), and the files and warnings from `report.ts`. It imports the core, plan, config
 * and reach layers; the script hands in the synthesis and the prices.
 */
export { MigrateInputError, segmentsFromFile, segmentsOfPeerings, targetPairs, type TargetSegment } from "./segments";
export { GATEWAY, planStages, summaryRoutes, type MigrateOptions, type Stage } from "./stages";
export { proveStages, type MigrationProof, type Price, type ProofDeps, type StageProof } from "./prove";
export { migrationFiles, migrationText, migrationWarnings, pmtudRules, PMTUD_FILE, provesSafe } from "./report";
