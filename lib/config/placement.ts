/**
 * Where each VPC lives: its region (`vpcs[].region`, default the top-level `region`) and its account
 * (`vpcs[].account`, naming an entry of the top-level `accounts` map; default the credentials' own
 * account). Pure data: the schema of `accounts`, the checks, and the placement, account id and
 * provider alias of each VPC. The providers themselves are made in lib/constructs/stack-providers.ts.
 */
import { z } from "zod";
import { AWS_REGIONS, partitionOf, REGION_PATTERN, ROLE_ARN_PATTERN } from "../core/aws-limits";
import { preview } from "../core/json-input";

/** Names of accounts: as VPC names, lowercase letters, digits and '-'. */
const ACCOUNT_NAME_PATTERN = /^[a-z][a-z0-9-]{0,30}$/;
/** IAM's longest role ARN. */
const MAX_ROLE_ARN = 2048;
/** An example role ARN for messages and docs. */
export const EXAMPLE_ROLE_ARN = "arn:aws:iam::222222222222:role/peering";

/** The top-level `accounts` key. */
export const accountsSchema = z
  .record(
    z.string().regex(ACCOUNT_NAME_PATTERN),
    z
      .object({
        roleArn: z
          .string()
          .max(MAX_ROLE_ARN)
          .regex(ROLE_ARN_PATTERN)
          .describe(`IAM role in that account which the deploying identity assumes, e.g. "${EXAMPLE_ROLE_ARN}"`),
      })
      .strict(),
  )
  .optional()
  .describe("Other AWS accounts by name, each with the role to assume there; vpcs[].account names one");

/** What the checks and messages need of the keys placement adds to a VPC entry. */
export const vpcPlacementKeys = {
  region: z
    .string()
    .max(32)
    .regex(REGION_PATTERN)
    .optional()
    .describe("AWS region of this VPC (default: the top-level region)"),
  account: z
    .string()
    .optional()
    .describe("Name of the account in accounts that owns this VPC (default: the credentials' own account)"),
};

/** Fixes for the placement keys, by key name. */
export const PLACEMENT_FIXES: Readonly<Record<string, string>> = {
  accounts: `write {"<name>": {"roleArn": "${EXAMPLE_ROLE_ARN}"}}, one entry per other account`,
  roleArn: `use an IAM role ARN: arn:<partition>:iam::<12-digit account id>:role/<name>, such as "${EXAMPLE_ROLE_ARN}"`,
  account: 'name an entry of accounts, such as "network", or leave account out for the credentials\' own account',
};

/** An account of the config, resolved from its role ARN. */
export interface AccountConfig {
  /** The role the deploying identity assumes in that account. */
  readonly roleArn: string;
  /** The 12-digit account id in the role ARN. */
  readonly accountId: string;
  /** The role's partition: "aws", "aws-cn" or "aws-us-gov". */
  readonly partition: string;
}

/** Where a VPC and everything in it is created. */
export interface Placement {
  /** AWS region. */
  readonly region: string;
  /**
   * Name of the account in the config's `accounts`.
   * @default - the credentials' own account, without a role
   */
  readonly account?: string;
}

/** The account a valid role ARN belongs to. */
export function accountOfRoleArn(roleArn: string): AccountConfig {
  const m = ROLE_ARN_PATTERN.exec(roleArn);
  if (!m) throw new Error(`not an IAM role ARN: ${roleArn}`);
  return { roleArn, accountId: m[2], partition: m[1] };
}

/** What the checks keep of a VPC whose placement is valid: its region's partition. */
export interface CheckedPlacement {
  readonly region: string;
  readonly partition: string;
  readonly account?: string;
}

/** A well-known region of each partition, for messages. */
const EXAMPLE_REGION: Readonly<Record<string, string>> = {
  aws: "eu-west-1",
  "aws-cn": "cn-north-1",
  "aws-us-gov": "us-gov-west-1",
};

const REGION_FIX = `use an AWS region code such as "eu-west-1" (the list is AWS_REGIONS in lib/core/aws-limits.ts)`;

function regionProblem(field: string, region: string): string | undefined {
  return partitionOf(region) ? undefined : `${field} ${preview(region)} is not an AWS region: ${REGION_FIX}`;
}

/**
 * Checks the regions and accounts of a raw config that zod has checked the shape of (so this only
 * looks at values of the right type): regions that are no AWS region, a VPC naming an account that
 * `accounts` lacks, and a VPC whose region is in another partition than its account's role. Returns
 * the placement of each VPC entry that passes, by name (the first entry of a name).
 */
export function checkPlacements(
  root: Readonly<Record<string, unknown>>,
  add: (describe: () => string) => void,
): Map<string, CheckedPlacement> {
  const placements = new Map<string, CheckedPlacement>();
  const topRegion =
    typeof root.region === "string" && REGION_PATTERN.test(root.region)
      ? root.region
      : root.region === undefined
        ? "eu-west-1"
        : undefined;
  if (typeof root.region === "string" && REGION_PATTERN.test(root.region)) {
    const problem = regionProblem("region", root.region);
    if (problem) add(() => problem);
  }
  const accounts = new Map<string, AccountConfig>();
  if (root.accounts !== null && typeof root.accounts === "object" && !Array.isArray(root.accounts)) {
    for (const [name, entry] of Object.entries(root.accounts as Record<string, unknown>)) {
      const arn = entry !== null && typeof entry === "object" ? (entry as Record<string, unknown>).roleArn : undefined;
      if (typeof arn === "string" && ROLE_ARN_PATTERN.test(arn) && arn.length <= MAX_ROLE_ARN)
        accounts.set(name, accountOfRoleArn(arn));
    }
  }
  const declared =
    root.accounts !== null && typeof root.accounts === "object" ? Object.keys(root.accounts as object) : [];
  const entries: unknown[] = Array.isArray(root.vpcs) ? root.vpcs : [];
  entries.forEach((entry, index) => {
    if (entry === null || typeof entry !== "object") return;
    const vpc = entry as Record<string, unknown>;
    if (typeof vpc.name !== "string" || placements.has(vpc.name)) return;
    const field = `vpcs[${index}]`;
    let region = topRegion;
    if (vpc.region !== undefined) {
      region = typeof vpc.region === "string" && REGION_PATTERN.test(vpc.region) ? vpc.region : undefined;
      const problem = region && regionProblem(`${field}.region`, region);
      if (problem) {
        add(() => problem);
        region = undefined;
      }
    }
    const account = vpc.account;
    if (account !== undefined && typeof account !== "string") return;
    if (account !== undefined && !declared.includes(account)) {
      add(() =>
        declared.length > 0
          ? `${field}.account ${preview(account)} is not in accounts: use one of ${declared.slice(0, 5).map(preview).join(", ")}, or add it to accounts with its roleArn`
          : `${field}.account ${preview(account)} is not in accounts, which is empty: add {"accounts": {${preview(account)}: {"roleArn": "${EXAMPLE_ROLE_ARN}"}}} with the role to assume there, or leave account out`,
      );
      return;
    }
    const partition = region && partitionOf(region);
    if (!region || !partition) return;
    const owner = account === undefined ? undefined : accounts.get(account);
    if (account !== undefined && !owner) return;
    if (owner && owner.partition !== partition) {
      add(
        () =>
          `${field}.region ${preview(region)} is in the partition ${partition}, but account ${preview(account)}'s roleArn is in ${owner.partition}: a role works only in its own partition's regions; use a region of ${owner.partition} (such as "${EXAMPLE_REGION[owner.partition] ?? AWS_REGIONS[owner.partition][0]}") or that partition's role`,
      );
      return;
    }
    placements.set(vpc.name, { region, partition, ...(account !== undefined ? { account } : {}) });
  });
  return placements;
}

/** The problem with peering two placed VPCs, if any: AWS peers VPCs only within one partition. */
export function crossPartitionProblem(
  field: string,
  a: string,
  pa: CheckedPlacement,
  b: string,
  pb: CheckedPlacement,
): string | undefined {
  if (pa.partition === pb.partition) return undefined;
  return `${field} peers ${preview(a)} (${pa.region}, partition ${pa.partition}) with ${preview(b)} (${pb.region}, partition ${pb.partition}): AWS peers VPCs only within one partition; move one of them`;
}

/** What the placement helpers read from a resolved config. */
export interface PlacedConfig {
  /** The top-level region: the default provider's. */
  readonly region: string;
  /** The VPCs with their resolved placement. */
  readonly vpcs: readonly { readonly name: string; readonly region: string; readonly account?: string }[];
  /** The accounts by name. */
  readonly accounts?: Readonly<Record<string, AccountConfig>>;
}

/** Where a VPC of the config lives. */
export function placementOf(vpc: { readonly region: string; readonly account?: string }): Placement {
  return vpc.account === undefined ? { region: vpc.region } : { region: vpc.region, account: vpc.account };
}

/** Whether two placements are the same account and region. */
export function samePlacement(a: Placement, b: Placement): boolean {
  return a.region === b.region && a.account === b.account;
}

/** A string key of a placement, for maps. */
export function placementKey(p: Placement): string {
  return `${p.account ?? ""}\u0000${p.region}`;
}

/**
 * The Terraform alias of the provider for a placement: none (undefined) for the credentials' own
 * account in the top-level region, the stacks' default provider; the region for the own account
 * elsewhere ("us-east-1"); `<account>_<region>` for a named account ("network_eu-west-1"). The
 * alias comes from names only, so adding a region or an account never renames a provider.
 */
export function providerAlias(config: PlacedConfig, p: Placement): string | undefined {
  if (p.account === undefined) return p.region === config.region ? undefined : p.region;
  return `${p.account}_${p.region}`;
}

/** The account of a named account, from its role ARN; undefined for the credentials' own account. */
export function accountOf(config: PlacedConfig, p: Placement): AccountConfig | undefined {
  if (p.account === undefined) return undefined;
  const account = config.accounts?.[p.account];
  if (!account) throw new Error(`no account "${p.account}" in the config`);
  return account;
}

/**
 * Whether two placements are in one AWS account: the same account name, or two names whose roles
 * are in the same account id. A named account is taken to be another account than the credentials'
 * own (which is unknown before apply).
 */
export function sameAccount(config: PlacedConfig, a: Placement, b: Placement): boolean {
  if (a.account === b.account) return true;
  const ia = accountOf(config, a)?.accountId;
  const ib = accountOf(config, b)?.accountId;
  return ia !== undefined && ia === ib;
}

/** How to say where a placement is: "us-east-1", or "us-east-1, account network (222222222222)". */
export function describePlacement(config: PlacedConfig, p: Placement): string {
  const account = accountOf(config, p);
  return account ? `${p.region}, account ${p.account} (${account.accountId})` : p.region;
}
