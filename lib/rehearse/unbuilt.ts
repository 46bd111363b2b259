import type { Model } from "../reach";

/**
 * What rehearse cannot build of a model, so that it refuses instead of building a network without it and
 * reporting differences that are its own omission. Every field of reach's Model is named here as built (or
 * as nothing to build); a field added to the Model later and not listed is refused by name until rehearse
 * builds it.
 */

/** Model fields rehearse builds or reads. */
const BUILT: ReadonlySet<string> = new Set([
  "vpcs",
  "subnets",
  "routeTables",
  "peerings",
  "gateways",
  "securityGroups",
  "networkAcls",
  "instances",
  "routeTableAssociations",
  "mainRouteTableAssociations",
  "networkAclAssociations",
  "generated",
  "warnings",
  "transit",
]);

/** Whether a field holds anything: a non-empty map or list, or any other set value. */
function holdsSomething(value: unknown): boolean {
  if (value === undefined) return false;
  if (value instanceof Map) return value.size > 0;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object" && value !== null) return Object.values(value).some(holdsSomething);
  return true;
}

function named(field: string, value: unknown): string {
  if (field === "transit" && typeof value === "object" && value !== null && "gateways" in value) {
    const gateways = (value as { gateways: ReadonlyMap<string, unknown> }).gateways;
    if (gateways.size > 0) return `transit gateways (${[...gateways.keys()].join(", ")})`;
  }
  return field;
}

/** The parts of the model rehearse does not build, as readable names; empty when it builds all of it. */
export function unbuiltParts(model: Model): string[] {
  return Object.entries(model)
    .filter(([field, value]) => !BUILT.has(field) && holdsSomething(value))
    .map(([field, value]) => named(field, value));
}
