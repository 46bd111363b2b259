/**
 * VPCs that transit gateways treat alike. Whether a VPC reaches another through a gateway depends
 * only on the other's attachments (each gateway and segment), so the VPCs of one attachment class are
 * reached by the same VPCs: a large network's security groups admit a class with one rule.
 */
import type { PeeringConfig } from "./types";

/** One attachment class: the VPCs attached to the same segments of the same gateways. */
export interface AttachmentClass {
  /** The class as text: "gateway_segment" per attachment, by gateway name, joined by "_" (names hold no "_"). */
  readonly key: string;
  /** Its VPCs, in config order. */
  readonly vpcs: readonly string[];
}

/** The attachment classes of the VPCs attached to any transit gateway, by key order. */
export function attachmentClasses(config: PeeringConfig): AttachmentClass[] {
  const attachments = new Map<string, string[]>();
  const gateways = [...(config.transitGateways ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const gateway of gateways)
    for (const { vpc, segment } of gateway.attachments) {
      const list = attachments.get(vpc) ?? [];
      list.push(`${gateway.name}_${segment}`);
      attachments.set(vpc, list);
    }
  const classes = new Map<string, string[]>();
  for (const vpc of config.vpcs) {
    const key = attachments.get(vpc.name)?.join("_");
    if (key === undefined) continue;
    const list = classes.get(key) ?? [];
    list.push(vpc.name);
    classes.set(key, list);
  }
  return [...classes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, vpcs]) => ({ key, vpcs }));
}
