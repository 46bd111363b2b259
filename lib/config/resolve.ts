/** The config resolved from its validated JSON: every default filled in, peerings spelled out as pairs; and questions about it. */
import type { z } from "zod";
import { CUSTOMER_GATEWAY_ASN } from "../core/aws-limits";
import { accountOfRoleArn } from "./placement";
import type { configSchema } from "./schema";
import { resolvePeerings } from "./topology";
import { resolveTransitGateways } from "./transit";
import { resolveTransitPeerings } from "./transit-peering";
import type { PeeringConfig, VpcConfig } from "./types";

/** The VPCs peered with `name`, in config order of the peerings. */
export function peersOf(config: PeeringConfig, name: string): VpcConfig[] {
  const byName = new Map(config.vpcs.map((v) => [v.name, v]));
  return config.peerings.flatMap(([a, b]) => (a === name ? [byName.get(b)!] : b === name ? [byName.get(a)!] : []));
}

/** Whether the peering of `a` and `b` (in either order) resolves DNS host names across. */
export function resolvesDns(config: PeeringConfig, a: string, b: string): boolean {
  return (config.dnsResolution ?? []).some(([x, y]) => (x === a && y === b) || (x === b && y === a));
}

/** The config's validated JSON, as the schema outputs it. */
export type ValidatedConfig = z.output<typeof configSchema>;

/**
 * The app's config from validated JSON: VPC fields inherit the top level's, peerings become pairs,
 * and transit gateways without `summaryRoutes` take `summaryRoutes` the checks chose for them.
 */
export function resolveConfig(
  data: ValidatedConfig,
  summaryRoutes: ReadonlyMap<string, readonly string[]> = new Map(),
): PeeringConfig {
  const vpcs = data.vpcs.map((v): VpcConfig => ({
    name: v.name,
    cidr: v.cidr,
    maxAzs: v.maxAzs ?? data.maxAzs,
    region: v.region ?? data.region,
    ...(v.account !== undefined ? { account: v.account } : {}),
    ...((v.ipv6 ?? data.ipv6) ? { ipv6: true } : {}),
    ...(v.secondaryCidrs?.length ? { secondaryCidrs: v.secondaryCidrs } : {}),
    ...(v.vpnConnections && Object.keys(v.vpnConnections).length > 0
      ? {
          vpnConnections: Object.fromEntries(
            Object.entries(v.vpnConnections).map(([name, c]) => [
              name,
              {
                ip: c.ip,
                asn: c.asn ?? CUSTOMER_GATEWAY_ASN.default,
                ...(c.staticRoutes ? { staticRoutes: c.staticRoutes } : {}),
              },
            ]),
          ),
        }
      : {}),
  }));
  const peerings = resolvePeerings(
    data.peerings,
    vpcs.map((v) => v.name),
    data.dnsResolution,
  );
  const accounts = data.accounts && Object.keys(data.accounts).length > 0 ? data.accounts : undefined;
  return {
    region: data.region,
    natGateways: data.natGateways,
    instanceType: data.instanceType,
    vpcs,
    peerings: peerings.pairs,
    ...(peerings.dnsResolution.length > 0 ? { dnsResolution: peerings.dnsResolution } : {}),
    ...(peerings.hub ? { hub: peerings.hub } : {}),
    ...(accounts
      ? {
          accounts: Object.fromEntries(
            Object.entries(accounts).map(([name, a]) => [name, accountOfRoleArn(a.roleArn)]),
          ),
        }
      : {}),
    terraformCloud: data.terraformCloud,
    reachabilityAnalyzer: data.reachabilityAnalyzer,
    ssmEndpoints: data.ssmEndpoints,
    ...(data.backend ? { backend: { s3: { ...data.backend.s3, region: data.backend.s3.region ?? data.region } } } : {}),
    maxPeeringStackResources: data.maxPeeringStackResources,
    peeringShards: data.peeringShards,
    ...(data.networkCells !== undefined ? { networkCells: data.networkCells } : {}),
    ...(data.transitGateways?.length
      ? { transitGateways: resolveTransitGateways(data.transitGateways, data.vpcs, data.region, summaryRoutes) }
      : {}),
    ...(data.transitPeerings?.length ? { transitPeerings: resolveTransitPeerings(data.transitPeerings) } : {}),
  };
}
