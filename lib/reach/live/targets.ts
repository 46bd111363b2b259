import { isObject, literal } from "../../core/terraform-json";
import type { StackDocument } from "../model";

/** Where the live loader reads: one region, with the default credentials or through a role. */
export interface LiveTarget {
  /**
   * The region to read.
   * @default - the AWS SDK's default region (AWS_REGION, the profile, ...)
   */
  readonly region?: string;
  /**
   * A role to assume first (a provider's assume_role), e.g. for another account.
   * @default - the default credentials
   */
  readonly roleArn?: string;
}

/** What to read: the targets, and the tags that mark the app's instances. */
export interface LivePlan {
  /** Every (region, role) the synthesized stacks deploy to, each once. */
  readonly targets: readonly LiveTarget[];
  /** Tags every stack's provider puts on every resource (default_tags); the instances to analyze carry all of them. */
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * The targets and tags of synthesized Terraform: every `provider "aws"` block gives its region and
 * assume_role ARN, and the default_tags all blocks share pick the app's instances (a tag such as
 * `Stack = network` that differs between stacks is left out). With `regions`, only those regions are
 * read: each with the roles the stacks use there, or with the default credentials.
 */
export function livePlan(documents: readonly StackDocument[], regions: readonly string[] = []): LivePlan {
  const blocks = documents.flatMap((doc) => awsProviders(doc).map((block) => ({ doc, block })));
  const declared = blocks.map(({ doc, block }) => ({ region: providerRegion(doc, block), roleArn: roleArnOf(block) }));
  const targets =
    regions.length === 0
      ? declared
      : regions.flatMap((region) => {
          const here = declared.filter((t) => t.region === region);
          return here.length > 0 ? here : [{ region, roleArn: undefined }];
        });
  return {
    targets: unique(targets.length > 0 ? targets : [{}]),
    tags: sharedTags(blocks.map(({ block }) => defaultTags(block))),
  };
}

/** How a target is named in messages and as the "stack" of what it holds: its region, and the role when there is one. */
export function targetLabel(target: LiveTarget, region: string): string {
  return target.roleArn ? `${region} as ${target.roleArn}` : region;
}

function awsProviders(doc: StackDocument): Readonly<Record<string, unknown>>[] {
  const providers = isObject(doc.json) && isObject(doc.json.provider) ? doc.json.provider.aws : undefined;
  return (Array.isArray(providers) ? providers : [providers]).filter(isObject);
}

/** A provider's region: a literal, or a variable's literal default. */
function providerRegion(doc: StackDocument, block: Readonly<Record<string, unknown>>): string | undefined {
  const direct = literal(block.region);
  if (direct !== undefined) return direct;
  const variable = typeof block.region === "string" ? /^\$\{var\.([\w-]+)\}$/.exec(block.region)?.[1] : undefined;
  const json = doc.json;
  const declared = variable && isObject(json) && isObject(json.variable) ? json.variable[variable] : undefined;
  return isObject(declared) ? literal(declared.default) : undefined;
}

function roleArnOf(block: Readonly<Record<string, unknown>>): string | undefined {
  const roles = [block.assume_role].flat().filter(isObject);
  return roles.length === 1 ? literal(roles[0].role_arn) : undefined;
}

function defaultTags(block: Readonly<Record<string, unknown>>): Readonly<Record<string, string>> {
  const tags: Record<string, string> = {};
  for (const entry of [block.default_tags].flat().filter(isObject)) {
    if (!isObject(entry.tags)) continue;
    for (const [key, value] of Object.entries(entry.tags)) {
      const text = literal(value);
      if (text !== undefined) tags[key] = text;
    }
  }
  return tags;
}

function sharedTags(all: readonly Readonly<Record<string, string>>[]): Readonly<Record<string, string>> {
  if (all.length === 0) return {};
  return Object.fromEntries(Object.entries(all[0]).filter(([key, value]) => all.every((tags) => tags[key] === value)));
}

function unique(targets: readonly LiveTarget[]): LiveTarget[] {
  const seen = new Map<string, LiveTarget>();
  for (const t of targets) {
    const target: LiveTarget = {
      ...(t.region !== undefined ? { region: t.region } : {}),
      ...(t.roleArn !== undefined ? { roleArn: t.roleArn } : {}),
    };
    seen.set(`${target.region ?? ""}\u0000${target.roleArn ?? ""}`, target);
  }
  return [...seen.values()];
}
