/** cost: a monthly estimate of synthesized Terraform from dated, per-region price tables. */
export * from "./estimate";
export * from "./format";
export * from "./prices";
export * from "./transit-compare";
