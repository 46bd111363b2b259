/** cty's conversions of strings to numbers and bools, as Terraform makes them where the schema wants one. */

/** A decimal number as cty reads one from a string: a sign, digits with or without a point, an exponent. */
const CTY_NUMBER = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/**
 * A value as the number Terraform converts it to where the schema wants a number: a number, or a
 * string cty reads as one ("12", "-1e0", "+1", ".5"); undefined for anything else and for what no
 * finite double holds.
 */
export function ctyNumber(value: unknown): number | undefined {
  const number =
    typeof value === "number" ? value : typeof value === "string" && CTY_NUMBER.test(value) ? Number(value) : NaN;
  return Number.isFinite(number) ? number : undefined;
}

/** A value as the bool Terraform converts it to where the schema wants one: true, "true", "1"; false, "false", "0". */
export function ctyBool(value: unknown): boolean | undefined {
  if (value === true || value === "true" || value === "1") return true;
  if (value === false || value === "false" || value === "0") return false;
  return undefined;
}
