/**
 * The core layer: what every other layer shares and nothing of the app's own — exit codes, escaping
 * for the terminal, atomic writes, the project root, the Terraform environment and provider mirror,
 * AWS's limits and quotas, and the Terraform JSON readers the tools share. It imports no other layer.
 * The JSON bounds (`json-limits.ts`) and the config file from bytes to JSON (`json-input.ts`) are
 * imported from their files (the config is held to a shallower MAX_CONFIG_DEPTH and a shorter preview).
 */
export * from "./aws-limits";
export * from "./exit-codes";
export * from "./files";
export * from "./paths";
export * from "./records";
export * from "./terraform-env";
export * from "./terraform-json";
export * from "./text";
