import { Construct } from "constructs";
import { TerraformProvider, TerraformResource } from "cdktf";
import { RamPrincipalAssociation } from "@cdktf/provider-aws/lib/ram-principal-association";
import { RamResourceAssociation } from "@cdktf/provider-aws/lib/ram-resource-association";
import { RamResourceShare } from "@cdktf/provider-aws/lib/ram-resource-share";
import { RamResourceShareAccepter } from "@cdktf/provider-aws/lib/ram-resource-share-accepter";

/** Properties of a TransitShare. */
export interface TransitShareProps {
  /** The gateway's config name: the share's name. */
  readonly name: string;
  readonly gatewayArn: string;
  /** The accounts shared with: id, a key for construct ids, and the provider of the account (which accepts an invitation). */
  readonly accounts: readonly { readonly id: string; readonly key: string; readonly provider: TerraformProvider }[];
  /**
   * Whether the accounts are outside the gateway account's AWS Organization (or RAM sharing with
   * the organization is off): the share then admits external principals, and each account accepts
   * its invitation with an aws_ram_resource_share_accepter.
   */
  readonly outsideOrganization: boolean;
}

/**
 * A transit gateway shared through AWS RAM, in the gateway's account: the share, the gateway as
 * its resource, each other account as a principal, and, outside one organization, each account's
 * acceptance of the invitation in that account. A VPC of a shared account can attach to the
 * gateway once its account's dependencies exist.
 */
export class TransitShare extends Construct {
  readonly share: RamResourceShare;
  private readonly ready = new Map<string, TerraformResource[]>();

  constructor(scope: Construct, id: string, props: TransitShareProps) {
    super(scope, id);
    this.share = new RamResourceShare(this, "share", {
      name: `transit-gateway-${props.name}`,
      allowExternalPrincipals: props.outsideOrganization,
      tags: { Name: props.name },
    });
    const resource = new RamResourceAssociation(this, "gateway", {
      resourceShareArn: this.share.arn,
      resourceArn: props.gatewayArn,
    });
    for (const account of props.accounts) {
      if (this.ready.has(account.key)) continue;
      const principal = new RamPrincipalAssociation(this, `principal-${account.key}`, {
        resourceShareArn: this.share.arn,
        principal: account.id,
      });
      const accepted = props.outsideOrganization
        ? [
            new RamResourceShareAccepter(this, `accept-${account.key}`, {
              shareArn: principal.resourceShareArn,
              provider: account.provider,
              dependsOn: [resource],
            }),
          ]
        : [];
      this.ready.set(account.key, [resource, principal, ...accepted]);
    }
  }

  /** What an attachment from the account `key` waits for: the gateway shared with it, and accepted. */
  dependencies(key: string): TerraformResource[] {
    const found = this.ready.get(key);
    if (!found) throw new Error(`TransitShare: no account "${key}" shares the gateway`);
    return found;
  }
}
