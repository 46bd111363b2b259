/**
 * Reads the AWS RAM resources that share transit gateways: aws_ram_resource_share,
 * aws_ram_resource_association, aws_ram_principal_association and aws_ram_resource_share_accepter,
 * into one TransitShare per share. Best effort: an expression reach cannot evaluate leaves a
 * principal unknown (it may be anyone) or an association out, so a check can only miss a refusal,
 * never invent one.
 */
import type { TransitShare } from "../transit-model";
import { own } from "./stack";
import type { Attributes } from "./attributes";
import { AccountRef, type RawResource, type Resolver, ResourceRef, type Value } from "./resolve";

/** What the RAM reader takes from the Terraform loader. */
export interface RamSource {
  readonly resolver: Resolver;
  readonly read: Attributes;
  /** The resources of one type, in document order. */
  readonly resources: (type: string) => readonly RawResource[];
}

/** The RAM resource types reach reads. */
export const RAM_TYPES: readonly string[] = [
  "aws_ram_resource_share",
  "aws_ram_resource_association",
  "aws_ram_principal_association",
  "aws_ram_resource_share_accepter",
];

/** A 12-digit account id, or an IAM ARN in one account (a role or user is a principal of its account). */
const ACCOUNT_PRINCIPAL = /^(?:arn:[\w-]+:iam::)?(\d{12})(?::|$)/;

/** How many associations' resource_share_arn a share reference is followed through (a cycle ends there). */
const MAX_HOPS = 8;

interface Building {
  readonly address: string;
  readonly allowExternal: boolean;
  readonly gateways: string[];
  readonly principals: { source: string; account: string | undefined }[];
  readonly accepters: { address: string; account: string | undefined }[];
}

/** The shares of the configuration, each with the gateways, principals and accepters associated with it. */
export function readShares(source: RamSource, gateways: ReadonlySet<string>): TransitShare[] {
  const { read, resolver, resources } = source;
  const shares = new Map<string, Building>();
  for (const res of resources("aws_ram_resource_share"))
    shares.set(res.address, {
      address: res.address,
      allowExternal: read.bool(read.slot(res, "allow_external_principals")),
      gateways: [],
      principals: [],
      accepters: [],
    });
  const value = (res: RawResource, field: string): Value | undefined => read.bestEffort(res, own(res.body, field));
  /** The share an ARN attribute names: the share's arn, or an association's resource_share_arn, followed. */
  const shareOf = (res: RawResource, field: string): Building | undefined => {
    let current = value(res, field);
    for (let hops = 0; hops < MAX_HOPS && current instanceof ResourceRef; hops++) {
      const address = resolver.address(current.stack, current.type, current.name);
      if (current.type === "aws_ram_resource_share") return shares.get(address);
      if (current.attr !== "resource_share_arn" || !RAM_TYPES.includes(current.type)) return undefined;
      const { stack, type, name } = current;
      try {
        current = resolver.resourceAttribute(stack, type, name, "resource_share_arn");
      } catch {
        // An expression reach cannot evaluate: the share is unknown, and nothing is associated with one.
        return undefined;
      }
    }
    return undefined;
  };
  for (const res of resources("aws_ram_resource_association")) {
    const target = value(res, "resource_arn");
    if (!(target instanceof ResourceRef) || target.type !== "aws_ec2_transit_gateway") continue;
    const gateway = resolver.address(target.stack, target.type, target.name);
    if (gateways.has(gateway)) shareOf(res, "resource_share_arn")?.gateways.push(gateway);
  }
  for (const res of resources("aws_ram_principal_association")) {
    const principal = value(res, "principal");
    const account =
      principal instanceof AccountRef
        ? resolver.callerAccount(principal)
        : typeof principal === "string" || typeof principal === "number"
          ? ACCOUNT_PRINCIPAL.exec(String(principal))?.[1]
          : undefined;
    shareOf(res, "resource_share_arn")?.principals.push({ source: res.address, account });
  }
  for (const res of resources("aws_ram_resource_share_accepter"))
    shareOf(res, "share_arn")?.accepters.push({ address: res.address, account: resolver.account(res) });
  return [...shares.values()];
}
