/**
 * The core layer: what every other layer shares and nothing of the app's own — exit codes, escaping
 * for the terminal, atomic writes, the project root, the Terraform environment and provider mirror,
 * AWS's limits and quotas, and the Terraform JSON readers the tools share. It imports no other layer.
 * The JSON bounds (`json-limits.ts`) and the config file from bytes to JSON (`json-input.ts`) are
 * imported from their files: each has its own `preview` bound and `MAX_JSON_DEPTH`.
 */
export * from "./aws-limits";
export * from "./exit-codes";
export * from "./files";
export * from "./paths";
export * from "./records";
export * from "./terraform-env";
export * from "./terraform-json";
export * from "./text";
