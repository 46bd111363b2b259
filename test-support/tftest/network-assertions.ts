/** What the network stack of a config must hold, as `terraform test` assertions. */
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { EgressOnlyInternetGateway } from "@cdktf/provider-aws/lib/egress-only-internet-gateway";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { PeeringConfig, VpcConfig } from "../../lib/config";
import { PeeringVpc } from "../../lib/constructs/peering-vpc";
import { placementOf } from "../../lib/config/placement";
import { hasSsmEndpoints, ipv4Blocks } from "../../lib/config/shape-checks";
import { endpointServiceName } from "../../lib/constructs/ssm-endpoints";
import { ipv6SubnetNetnum, planSecondarySubnets, planSubnets } from "../../lib/plan/subnets";

import { NetworkStack } from "../../stacks";
import { Assertions, address, all, hcl, sameStrings, sameValues, tuple } from "./hcl";
import { MOCK, mockedAzCount, placedAssertion } from "./mocked-world";

export function networkAssertions(config: PeeringConfig, network: NetworkStack, a: Assertions): void {
  const routes = tuple(all(network, Route));
  const associations = tuple(all(network, RouteTableAssociation));
  const natGateways = all(network, NatGateway);
  const nats = tuple(natGateways);
  const eips = tuple(all(network, Eip));

  if (natGateways.length > 0) {
    a.add(
      `alltrue([for n in ${nats} : contains([for e in ${eips} : e.allocation_id], n.allocation_id)])`,
      `every NAT gateway should use one of the stack's Elastic IPs`,
    );
  }
  // The VPCs of this stack: all of them, or one cell's.
  for (const cfg of config.vpcs.filter((c) => network.vpcs.has(c.name))) {
    const name = cfg.name;
    const v = network.vpcs.get(name);
    if (!v) throw new Error(`network stack has no VPC "${name}"`);
    const plan = planSubnets(cfg.cidr, cfg.maxAzs)!;
    const zones = MOCK.availabilityZones(cfg.region, mockedAzCount(config));
    placedAssertion(config, v, placementOf(cfg), `VPC ${name}`, a);
    for (const [what, list] of [
      ["public subnets", v.publicSubnets],
      ["private subnets", v.privateSubnets],
      ["public route tables", v.publicRouteTables],
      ["private route tables", v.privateRouteTables],
    ] as const) {
      if (list.length !== cfg.maxAzs)
        throw new Error(`VPC "${name}" has ${list.length} ${what}, the config asks for one per AZ (${cfg.maxAzs})`);
    }
    const vpc = address(v.vpc);
    a.add(`${vpc}.cidr_block == ${hcl(cfg.cidr)}`, `VPC ${name} should have the block ${cfg.cidr}`);
    a.add(
      `${vpc}.enable_dns_support == true && ${vpc}.enable_dns_hostnames == true`,
      `VPC ${name} should have DNS support and DNS host names on`,
    );
    a.add(
      `${address(v.internetGateway)}.vpc_id == ${vpc}.id`,
      `the internet gateway of ${name} should be attached to VPC ${name}`,
    );

    const sgs = all(v, DefaultSecurityGroup);
    if (sgs.length !== 1) throw new Error(`VPC "${name}" has ${sgs.length} default security groups, expected 1`);
    const sg = address(sgs[0]);
    a.add(`${sg}.vpc_id == ${vpc}.id`, `the default security group of ${name} should belong to VPC ${name}`);
    // The mock leaves unconfigured rule sets empty, so this fails only if the stack configures rules.
    a.add(
      `length(${sg}.ingress) == 0 && length(${sg}.egress) == 0`,
      `the default security group of ${name} should have no ingress and no egress rules`,
    );

    networkShapeAssertions(config, cfg, v, { routes, associations, zones }, a);

    const publicIds = v.publicSubnets.map((s) => `${address(s)}.id`);
    const natsInVpc = `[for n in ${nats} : n.id if contains([${publicIds.join(", ")}], n.subnet_id)]`;
    const expectedNats = config.natGateways === "per-az" ? cfg.maxAzs : config.natGateways === "single" ? 1 : 0;
    a.add(
      `length(${natsInVpc}) == ${expectedNats}`,
      `VPC ${name} should have ${expectedNats} NAT gateway(s) (natGateways "${config.natGateways}", ${cfg.maxAzs} AZ(s))`,
    );

    for (let az = 0; az < cfg.maxAzs; az++) {
      for (const tier of ["public", "private"] as const) {
        const subnet = address((tier === "public" ? v.publicSubnets : v.privateSubnets)[az]);
        const table = address((tier === "public" ? v.publicRouteTables : v.privateRouteTables)[az]);
        const cidr = tier === "public" ? plan[az].public : plan[az].private;
        a.add(
          `${subnet}.vpc_id == ${vpc}.id && ${subnet}.cidr_block == ${hcl(cidr)} && ${subnet}.availability_zone == ${hcl(zones[az])}`,
          `the ${tier} subnet ${az} of ${name} should be ${cidr} in ${zones[az]}, in VPC ${name}`,
        );
        // Unset is false in AWS (the mock applies no provider-side defaults, so it stays null).
        a.add(
          tier === "public" ? `${subnet}.map_public_ip_on_launch == true` : `${subnet}.map_public_ip_on_launch != true`,
          `the ${tier} subnet ${az} of ${name} should ${tier === "public" ? "" : "not "}map public IPs on launch`,
        );
        a.add(`${table}.vpc_id == ${vpc}.id`, `the ${tier} route table ${az} of ${name} should belong to VPC ${name}`);
        // A private route table also serves the AZ's subnets of the secondary blocks.
        const served = [
          subnet,
          ...(tier === "private" ? v.secondarySubnets.filter((_, i) => i % cfg.maxAzs === az).map(address) : []),
        ];
        a.add(
          sameValues(
            `[for x in ${associations} : x.subnet_id if x.route_table_id == ${table}.id]`,
            served.map((x) => `${x}.id`),
          ),
          `the ${tier} route table ${az} of ${name} should be associated with exactly the ${tier} subnet ${az}${served.length > 1 ? " and the secondary blocks' private subnets of that AZ" : ""}`,
        );
        const defaults = (attr: string) =>
          `[for r in ${routes} : r.${attr} if r.route_table_id == ${table}.id && r.destination_cidr_block == "0.0.0.0/0"]`;
        if (tier === "public") {
          a.add(
            `${defaults("gateway_id")} == [${address(v.internetGateway)}.id]`,
            `the public route table ${az} of ${name} should have one default route, to its internet gateway`,
          );
          continue;
        }
        const natAz = config.natGateways === "per-az" ? az : config.natGateways === "single" ? 0 : undefined;
        if (natAz === undefined) {
          a.add(
            `length(${defaults("id")}) == 0`,
            `the private route table ${az} of ${name} should have no default route (natGateways "none")`,
          );
        } else {
          a.add(
            `${defaults("nat_gateway_id")} == [for n in ${nats} : n.id if n.subnet_id == ${publicIds[natAz]}]`,
            `the private route table ${az} of ${name} should have one default route, to the NAT gateway in public subnet ${natAz} (natGateways "${config.natGateways}")`,
          );
        }
      }
    }
  }
}

/**
 * The network shapes of one VPC: IPv6 (the VPC's /56, each subnet's /64 by its place in the plan,
 * the egress-only gateway and both ::/0 routes), secondary blocks (association, a private subnet
 * per AZ), the VPN (gateway, customer gateways, connections, static routes, propagation into every
 * private route table) and the SSM endpoints; and their absence where the config has none.
 */
function networkShapeAssertions(
  config: PeeringConfig,
  cfg: VpcConfig,
  v: PeeringVpc,
  shared: { readonly routes: string; readonly associations: string; readonly zones: readonly string[] },
  a: Assertions,
): void {
  const { name } = cfg;
  const vpc = address(v.vpc);
  const eigws = all(v, EgressOnlyInternetGateway);
  const defaults6 = (table: string, attr: string) =>
    `[for r in ${shared.routes} : r.${attr} if r.route_table_id == ${table}.id && r.destination_ipv6_cidr_block == "::/0"]`;
  if (cfg.ipv6) {
    if (eigws.length !== 1)
      throw new Error(`VPC "${name}" has ${eigws.length} egress-only internet gateways, expected 1`);
    const eigw = address(eigws[0]);
    a.add(`${vpc}.assign_generated_ipv6_cidr_block == true`, `VPC ${name} should have an Amazon-provided IPv6 block`);
    a.add(
      `${eigw}.vpc_id == ${vpc}.id`,
      `the egress-only internet gateway of ${name} should be attached to VPC ${name}`,
    );
    for (let az = 0; az < cfg.maxAzs; az++) {
      for (const tier of ["public", "private"] as const) {
        const subnet = address((tier === "public" ? v.publicSubnets : v.privateSubnets)[az]);
        const table = address((tier === "public" ? v.publicRouteTables : v.privateRouteTables)[az]);
        const netnum = ipv6SubnetNetnum(tier, az);
        a.add(
          `${subnet}.ipv6_cidr_block == cidrsubnet(${vpc}.ipv6_cidr_block, 8, ${netnum})`,
          `the ${tier} subnet ${az} of ${name} should have /64 number ${netnum} of the VPC's IPv6 block`,
        );
        if (tier === "private") {
          a.add(
            `${subnet}.assign_ipv6_address_on_creation == true`,
            `the private subnet ${az} of ${name} should give instances an IPv6 address at launch`,
          );
          a.add(
            `${defaults6(table, "egress_only_gateway_id")} == [${eigw}.id]`,
            `the private route table ${az} of ${name} should send ::/0 to its egress-only internet gateway`,
          );
        } else {
          a.add(
            `${defaults6(table, "gateway_id")} == [${address(v.internetGateway)}.id]`,
            `the public route table ${az} of ${name} should send ::/0 to its internet gateway`,
          );
        }
      }
    }
  } else {
    if (eigws.length !== 0) throw new Error(`VPC "${name}" has an egress-only internet gateway but no IPv6`);
    a.add(`${vpc}.assign_generated_ipv6_cidr_block != true`, `VPC ${name} should have no IPv6 block (ipv6 is off)`);
    for (const subnet of [...v.publicSubnets, ...v.privateSubnets]) {
      a.add(
        `${address(subnet)}.ipv6_cidr_block == null`,
        `the subnet ${subnet.node.id} of ${name} should have no IPv6 block`,
      );
    }
    for (const table of [...v.publicRouteTables, ...v.privateRouteTables]) {
      a.add(
        `length(${defaults6(address(table), "id")}) == 0`,
        `the route table ${table.node.id} of ${name} should have no ::/0 route (ipv6 is off)`,
      );
    }
  }

  const secondary = cfg.secondaryCidrs ?? [];
  if (v.cidrBlockAssociations.length !== secondary.length)
    throw new Error(
      `VPC "${name}" has ${v.cidrBlockAssociations.length} block associations, the config lists ${secondary.length}`,
    );
  secondary.forEach((block, i) => {
    const association = address(v.cidrBlockAssociations[i]);
    a.add(
      `${association}.vpc_id == ${vpc}.id && ${association}.cidr_block == ${hcl(block)}`,
      `VPC ${name} should have the secondary block ${block}`,
    );
    planSecondarySubnets(block, cfg.maxAzs)!.forEach((cidr, az) => {
      const subnet = address(v.secondarySubnets[i * cfg.maxAzs + az]);
      a.add(
        `${subnet}.vpc_id == ${vpc}.id && ${subnet}.cidr_block == ${hcl(cidr)} && ${subnet}.availability_zone == ${hcl(shared.zones[az])} && ${subnet}.map_public_ip_on_launch != true`,
        `the private subnet ${az} of ${name}'s block ${block} should be ${cidr} in ${shared.zones[az]}, in VPC ${name}, without public IPs`,
      );
    });
  });

  const connections = Object.entries(cfg.vpnConnections ?? {});
  if (connections.length === 0) {
    if (v.vpn) throw new Error(`VPC "${name}" has a VPN gateway but no vpnConnections`);
  } else {
    const vpn = v.vpn;
    if (!vpn) throw new Error(`VPC "${name}" has vpnConnections but no VPN gateway`);
    const vgw = address(vpn.vpnGateway);
    a.add(`${vgw}.vpc_id == ${vpc}.id`, `the VPN gateway of ${name} should be attached to VPC ${name}`);
    a.add(
      sameValues(
        `[for p in ${tuple(vpn.propagations)} : p.route_table_id if p.vpn_gateway_id == ${vgw}.id]`,
        v.privateRouteTables.map((t) => `${address(t)}.id`),
      ),
      `the VPN gateway of ${name} should propagate its routes into exactly the private route tables of ${name}`,
    );
    for (const [connectionName, c] of connections) {
      const handles = vpn.connections.get(connectionName);
      if (!handles) throw new Error(`VPC "${name}" has no VPN connection "${connectionName}"`);
      const cgw = address(handles.customerGateway);
      const connection = address(handles.connection);
      a.add(
        `${cgw}.ip_address == ${hcl(c.ip)} && ${cgw}.bgp_asn == ${hcl(String(c.asn))} && ${cgw}.type == "ipsec.1"`,
        `the customer gateway of ${name}'s VPN ${connectionName} should be ${c.ip}, ASN ${c.asn}`,
      );
      a.add(
        `${connection}.vpn_gateway_id == ${vgw}.id && ${connection}.customer_gateway_id == ${cgw}.id && ${connection}.static_routes_only == ${c.staticRoutes !== undefined}`,
        `the VPN connection ${connectionName} of ${name} should join its VPN gateway to its customer gateway, ${c.staticRoutes ? "with static routes" : "with BGP"}`,
      );
      a.add(
        sameStrings(
          `[for r in ${tuple(vpn.connections.get(connectionName)!.routes)} : r.destination_cidr_block if r.vpn_connection_id == ${connection}.id]`,
          c.staticRoutes ?? [],
        ),
        `the VPN connection ${connectionName} of ${name} should route exactly ${c.staticRoutes?.join(", ") ?? "nothing (BGP)"}`,
      );
    }
  }

  if (hasSsmEndpoints(config)) {
    const ssm = v.ssmEndpoints;
    if (!ssm)
      throw new Error(`VPC "${name}" has no SSM endpoints, though natGateways is "none" and ssmEndpoints is on`);
    const sg = address(ssm.securityGroup);
    for (const [service, endpoint] of ssm.endpoints) {
      const e = address(endpoint);
      a.add(
        `${e}.vpc_id == ${vpc}.id && ${e}.service_name == ${hcl(endpointServiceName(cfg.region, service))} && ${e}.vpc_endpoint_type == "Interface" && ${e}.private_dns_enabled == true`,
        `VPC ${name} should have an interface endpoint for ${service} with private DNS`,
      );
      a.add(
        sameValues(
          `${e}.subnet_ids`,
          v.privateSubnets.map((x) => `${address(x)}.id`),
        ),
        `the ${service} endpoint of ${name} should be in every private subnet of ${name}`,
      );
      a.add(
        `${e}.security_group_ids == toset([${sg}.id])`,
        `the ${service} endpoint of ${name} should have its endpoint security group only`,
      );
    }
    const rules = tuple(all(ssm, VpcSecurityGroupIngressRule));
    a.add(
      sameStrings(
        `[for r in ${rules} : r.cidr_ipv4 if r.security_group_id == ${sg}.id && r.ip_protocol == "tcp" && r.from_port == 443 && r.to_port == 443]`,
        ipv4Blocks(cfg),
      ),
      `the SSM endpoints' security group of ${name} should admit HTTPS from exactly the VPC's blocks: ${ipv4Blocks(cfg).join(", ")}`,
    );
    a.add(`${sg}.vpc_id == ${vpc}.id`, `the SSM endpoints' security group of ${name} should be in VPC ${name}`);
  } else if (all(v, VpcEndpoint).length > 0) {
    throw new Error(`VPC "${name}" has VPC endpoints, but the config asks for none`);
  }
}
