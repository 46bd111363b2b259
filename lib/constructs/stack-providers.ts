/**
 * The AWS providers of a stack: the default provider (the credentials' own account in the
 * config's top-level region, without alias, as every stack always had) and one aliased provider
 * per other (account, region) the stack's resources live in, made on first use, each assuming its
 * account's role. See lib/config/placement.ts for where each VPC lives and how aliases are named.
 */
import { Aspects, IAspect, TerraformDataSource, TerraformProvider, TerraformResource } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { accountOf, Placement, PlacedConfig, placementOf, providerAlias } from "../config/placement";

/** The session name of every role the providers assume, as CloudTrail shows it. */
export const ROLE_SESSION_NAME = "peering";

/** The aliased providers of one stack, made on first use. */
export class StackProviders {
  private readonly made = new Map<string, AwsProvider>();
  private vpcs?: ReadonlyMap<string, PlacedConfig["vpcs"][number]>;

  /**
   * @param scope the stack the providers belong to
   * @param config where the VPCs live, and the accounts' roles
   * @param tags the default tags every provider puts on every resource
   */
  constructor(
    private readonly scope: Construct,
    private readonly config: PlacedConfig,
    private readonly tags: Readonly<Record<string, string>>,
  ) {}

  /** The provider for a placement; undefined for the stack's default provider. */
  of(placement: Placement): AwsProvider | undefined {
    const alias = providerAlias(this.config, placement);
    if (alias === undefined) return undefined;
    let provider = this.made.get(alias);
    if (!provider) {
      const account = accountOf(this.config, placement);
      provider = new AwsProvider(this.scope, `aws-${alias}`, {
        alias,
        region: placement.region,
        defaultTags: [{ tags: { ...this.tags } }],
        ...(account ? { assumeRole: [{ roleArn: account.roleArn, sessionName: ROLE_SESSION_NAME }] } : {}),
      });
      this.made.set(alias, provider);
    }
    return provider;
  }

  /** The provider of the VPC named `vpc`; undefined for the stack's default provider. */
  ofVpc(vpc: string): AwsProvider | undefined {
    this.vpcs ??= new Map(this.config.vpcs.map((v) => [v.name, v]));
    const found = this.vpcs.get(vpc);
    if (!found) throw new Error(`no VPC "${vpc}" in the config`);
    return this.of(placementOf(found));
  }

  /** The aliased providers made so far, in the order they were made. */
  get aliased(): readonly AwsProvider[] {
    return [...this.made.values()];
  }
}

/** Sets the provider of every resource and data source below a construct that names none itself. */
class UseProvider implements IAspect {
  constructor(private readonly provider: TerraformProvider) {}

  visit(node: IConstruct): void {
    if ((node instanceof TerraformResource || node instanceof TerraformDataSource) && node.provider === undefined)
      node.provider = this.provider;
  }
}

/**
 * Creates every resource and data source of `scope` (and below) with `provider`, unless one names
 * its own; nothing changes when `provider` is undefined (the stack's default provider). Applied at
 * synth, so it covers resources added to the construct later too.
 */
export function useProvider(scope: IConstruct, provider: TerraformProvider | undefined): void {
  if (provider) Aspects.of(scope).add(new UseProvider(provider));
}
