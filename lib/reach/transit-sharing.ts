/**
 * What AWS refuses when a transit gateway is used from another account (Transit Gateway guide,
 * "Share a transit gateway"; AWS RAM User Guide): an account attaches a VPC only to a gateway
 * shared with it through RAM; a share admits accounts outside the organization only with
 * allow_external_principals, and only such accounts get an invitation to accept; an attachment
 * from another account waits in pendingAcceptance until the gateway's owner accepts it, unless the
 * gateway has auto_accept_shared_attachments on. Read offline only: the live loader reads no RAM,
 * and where an account is unknown (a role ARN reach cannot evaluate) the check is skipped.
 */
import type { Finding } from "./model";
import type { TransitNetwork, TransitShare } from "./transit-model";

/** Whether two accounts are both known and not the same. */
function differ(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a !== b;
}

/** The VPC attachments from accounts a gateway is not shared with, not accepted, or accepted by another account than its owner; shares that refuse the accounts accepting them. */
export function checkSharing(net: TransitNetwork, errors: Finding[]): void {
  const shares = net.shares;
  if (shares === undefined) return;
  for (const share of shares) checkShare(share, errors);
  for (const att of net.vpcAttachments.values()) {
    const gateway = net.gateways.get(att.gateway);
    if (!gateway || !differ(att.account, gateway.account)) continue;
    const shared = shares.some(
      (s) =>
        s.gateways.includes(att.gateway) &&
        s.principals.some((p) => p.account === undefined || p.account === att.account),
    );
    if (!shared)
      errors.push({
        resource: att.address,
        message: `is made from ${att.account}, but ${gateway.label} is owned by ${gateway.account} and not shared with ${att.account}: AWS attaches a VPC of another account only to a transit gateway shared with it; share the gateway through an aws_ram_resource_share with an aws_ram_resource_association of its arn and an aws_ram_principal_association of ${att.account}`,
      });
    const accepters = att.accepters;
    if (accepters === undefined) continue;
    for (const x of accepters.filter((a) => differ(a.account, gateway.account)))
      errors.push({
        resource: x.address,
        message: `accepts ${att.address} from ${x.account}, but only ${gateway.account}, which owns ${gateway.label}, can accept an attachment to it: use the gateway's provider`,
      });
    if (!gateway.autoAcceptShared && !accepters.some((a) => !differ(a.account, gateway.account)))
      errors.push({
        resource: att.address,
        message: `stays pendingAcceptance and carries no traffic: it is made from ${att.account}, ${gateway.label}, owned by ${gateway.account}, has auto_accept_shared_attachments off (AWS's default "disable"), and no aws_ec2_transit_gateway_vpc_attachment_accepter accepts it: add one with the gateway owner's provider, or set auto_accept_shared_attachments = "enable"`,
      });
  }
}

/**
 * A share whose invitation an account accepts must allow external principals: AWS sends an
 * invitation only to an account outside the organization (or when sharing with the organization is
 * off, which treats every account as outside), and refuses to associate such an account with a
 * share that does not allow external principals.
 */
function checkShare(share: TransitShare, errors: Finding[]): void {
  if (share.allowExternal) return;
  for (const x of share.accepters)
    errors.push({
      resource: x.address,
      message: `accepts an invitation to ${share.address}, so ${x.account ?? "its account"} is outside the share's organization (AWS invites no account inside it), but ${share.address} has allow_external_principals = false (Terraform's default): AWS refuses to share it with an account outside the organization; set allow_external_principals = true, or, for accounts of one organization with RAM sharing enabled, remove the accepter`,
    });
}
