/** What the instances, peering and transit stacks of a config must hold, as `terraform test` assertions. */
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Route } from "@cdktf/provider-aws/lib/route";
import { Ec2TransitGatewayRoute } from "@cdktf/provider-aws/lib/ec2-transit-gateway-route";
import { Ec2TransitGatewayRouteTableAssociation } from "@cdktf/provider-aws/lib/ec2-transit-gateway-route-table-association";
import { Ec2TransitGatewayRouteTablePropagation } from "@cdktf/provider-aws/lib/ec2-transit-gateway-route-table-propagation";
import { SecurityGroupRule } from "@cdktf/provider-aws/lib/security-group-rule";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { VpcPeeringConnectionOptions } from "@cdktf/provider-aws/lib/vpc-peering-connection-options";
import { PeeringConfig, peersOf, resolvesDns, VpcConfig } from "../../lib/config";
import { segmentReaches, withTransitPeers } from "../../lib/config/transit";
import { accountOf, placementOf, sameAccount } from "../../lib/config/placement";
import { ipv4Blocks } from "../../lib/config/shape-checks";

import { InstancesStack, PeeringStack, TransitCellStack, TransitStack } from "../../stacks";
import { Assertions, address, all, hcl, sameStrings, tuple } from "./hcl";
import { FAKE, MOCK, stamp, stamped, placedAssertion } from "./mocked-world";

export function instancesAssertions(config: PeeringConfig, instances: InstancesStack, a: Assertions): void {
  const ingress = tuple(all(instances, VpcSecurityGroupIngressRule));
  const egress = tuple(all(instances, VpcSecurityGroupEgressRule));
  const grouped = tuple(all(instances, SecurityGroupRule));
  const attachments = tuple(all(instances, IamRolePolicyAttachment));
  const ssmPolicy = `arn:${MOCK.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`;

  // The VPCs of this stack: all of them, or one cell's.
  for (const cfg of config.vpcs.filter((c) => instances.instances.has(c.name))) {
    const name = cfg.name;
    const handle = instances.instances.get(name);
    if (!handle) throw new Error(`instances stack has no instance for VPC "${name}"`);
    const sg = address(handle.securityGroup);
    const instance = address(handle.instance);
    const role = address(handle.role);
    const profiles = all(handle, IamInstanceProfile);
    if (profiles.length !== 1)
      throw new Error(`the instance of "${name}" has ${profiles.length} instance profiles, expected 1`);
    const profile = address(profiles[0]);
    // Its peers and the VPCs its transit gateway segments reach: the instances stack admits both.
    const peers = withTransitPeers(config, name, peersOf(config, name)).flatMap((p: VpcConfig) => ipv4Blocks(p));
    const peers6 = cfg.ipv6
      ? withTransitPeers(config, name, peersOf(config, name))
          .filter((p) => p.ipv6)
          .map((p) => FAKE.ipv6Block(config, p.name))
      : [];
    // A sharded mesh admits all peers with one aws_security_group_rule per IP version (PingInstanceProps.groupedRules).
    const isGrouped = all(handle, SecurityGroupRule).length > 0;
    const orEmpty = (list: string) => `(${list} == null ? [] : ${list})`;
    const rules = (what: string, family: "ipv4" | "ipv6" = "ipv4") =>
      isGrouped
        ? `flatten([for r in ${grouped} : ${what} if r.security_group_id == ${sg}.id && r.type == "ingress" && r.${family === "ipv4" ? "cidr_blocks" : "ipv6_cidr_blocks"} != null])`
        : `[for r in ${ingress} : ${what} if r.security_group_id == ${sg}.id && r.cidr_${family} != null]`;
    const [protocol, cidr, cidr6] = isGrouped
      ? ["protocol", "r.cidr_blocks", "r.ipv6_cidr_blocks"]
      : ["ip_protocol", "r.cidr_ipv4", "r.cidr_ipv6"];

    a.add(`${sg}.vpc_id == ${hcl(FAKE.vpc(name))}`, `the ping security group of ${name} should be in VPC ${name}`);
    a.add(
      sameStrings(rules(cidr), peers),
      `the ping security group of ${name} should admit exactly its peers' blocks: ${peers.join(", ") || "none"}`,
    );
    a.add(
      `alltrue(${rules(`r.${protocol} == "icmp" && r.from_port == 8 && r.to_port == -1`)})`,
      `every IPv4 ingress rule of the ping security group of ${name} should admit ICMP echo requests only (icmp, type 8)`,
    );
    a.add(
      sameStrings(rules(cidr6, "ipv6"), peers6),
      `the ping security group of ${name} should admit exactly the IPv6 blocks of its peers that have IPv6 too: ${peers6.join(", ") || "none"}`,
    );
    if (peers6.length > 0) {
      a.add(
        `alltrue(${rules(`r.${protocol} == "icmpv6" && r.from_port == 128 && r.to_port == -1`, "ipv6")})`,
        `every IPv6 ingress rule of the ping security group of ${name} should admit ICMPv6 echo requests only (icmpv6, type 128)`,
      );
    }
    if (isGrouped) {
      a.add(
        `[for r in ${grouped} : "\${r.protocol} \${join(",", concat(${orEmpty("r.cidr_blocks")}, ${orEmpty("r.ipv6_cidr_blocks")}))}" if r.security_group_id == ${sg}.id && r.type == "egress"] == [${hcl(cfg.ipv6 ? "-1 0.0.0.0/0,::/0" : "-1 0.0.0.0/0")}]`,
        `the ping security group of ${name} should have one egress rule, allowing everything out${cfg.ipv6 ? " over IPv4 and IPv6" : ""}`,
      );
    } else {
      a.add(
        sameStrings(
          `[for r in ${egress} : "\${r.ip_protocol} \${coalesce(r.cidr_ipv4, r.cidr_ipv6)}" if r.security_group_id == ${sg}.id]`,
          cfg.ipv6 ? ["-1 0.0.0.0/0", "-1 ::/0"] : ["-1 0.0.0.0/0"],
        ),
        `the ping security group of ${name} should have one egress rule per IP version, allowing everything out`,
      );
    }
    if (cfg.ipv6) a.add(`${instance}.ipv6_address_count == 1`, `the instance of ${name} should have one IPv6 address`);
    a.add(
      `${instance}.subnet_id == ${hcl(FAKE.subnet(name, "private", 0))}`,
      `the instance of ${name} should be in the first private subnet of ${name}`,
    );
    a.add(
      `${instance}.vpc_security_group_ids == toset([${sg}.id])`,
      `the instance of ${name} should have its ping security group only`,
    );
    a.add(`${instance}.associate_public_ip_address == false`, `the instance of ${name} should have no public IP`);
    a.add(
      `${instance}.metadata_options[0].http_tokens == "required"`,
      `the instance of ${name} should require IMDSv2 tokens`,
    );
    a.add(
      `${instance}.root_block_device[0].encrypted == true`,
      `the root volume of the instance of ${name} should be encrypted`,
    );
    a.add(
      `${instance}.ami == ${hcl(MOCK.ami(cfg.region))}`,
      `the instance of ${name} should use the AMI from SSM in ${cfg.region}`,
    );
    placedAssertion(config, handle, placementOf(cfg), `the instance of ${name}`, a);
    a.add(
      `${instance}.instance_type == ${hcl(config.instanceType)}`,
      `the instance of ${name} should be a ${config.instanceType}`,
    );
    a.add(
      `${instance}.iam_instance_profile == ${profile}.name && ${profile}.role == ${role}.name`,
      `the instance of ${name} should run with its own role`,
    );
    a.add(
      `[for x in ${attachments} : x.policy_arn if x.role == ${role}.name] == [${hcl(ssmPolicy)}]`,
      `the role of ${name} should have exactly the AmazonSSMManagedInstanceCore policy of the partition`,
    );
  }
}

/** Assertions for one peering stack: the whole mesh's, or one shard's peerings. */
export function peeringAssertions(config: PeeringConfig, peering: PeeringStack, a: Assertions): void {
  const byName = new Map(config.vpcs.map((v) => [v.name, v]));
  const allRoutes = all(peering, Route);
  const routes = tuple(allRoutes);
  const allOptions = all(peering, VpcPeeringConnectionOptions);
  const held = config.peerings.filter(([r, acc]) => peering.peerings.has(`${r}_${acc}`));
  if (held.length !== peering.peerings.size)
    throw new Error(`peering stack "${peering.node.id}" holds peerings the config does not have`);
  /** The active-peering ids (accepter's or connection's) of the peerings with DNS resolution. */
  const dnsActive: string[] = [];

  for (const [requester, accepter] of held) {
    const key = `${requester}_${accepter}`;
    const handle = peering.peerings.get(key)!;
    const connection = address(handle.connection);
    const from = placementOf(byName.get(requester)!);
    const to = placementOf(byName.get(accepter)!);
    const crossRegion = from.region !== to.region;
    const crossAccount = !sameAccount(config, from, to);
    const where = `${key} peering (${requester} in ${stamp(config, from)}, ${accepter} in ${stamp(config, to)})`;
    a.add(
      `${connection}.vpc_id == ${hcl(FAKE.vpc(requester))} && ${connection}.peer_vpc_id == ${hcl(FAKE.vpc(accepter))} && ${stamped(handle.connection, stamp(config, from))}`,
      `the ${where} should be requested by VPC ${requester}, for VPC ${accepter}, with the requester's provider`,
    );
    let active = `${connection}.id`;
    if (!crossRegion && !crossAccount) {
      if (handle.accepterConnection)
        throw new Error(`peering ${key} within one account and region has an accepter resource`);
      a.add(
        `${connection}.auto_accept == true`,
        `the ${where} should be accepted automatically, within one account and region`,
      );
    } else {
      if (!handle.accepterConnection)
        throw new Error(`peering ${key} across regions or accounts has no accepter resource`);
      const accepted = address(handle.accepterConnection);
      active = `${accepted}.id`;
      const owner = crossAccount ? (accountOf(config, to)?.accountId ?? MOCK.account) : undefined;
      // Unset, peer_region and peer_owner_id are computed (the mock makes up values): stacks.test.ts checks they are left out.
      a.add(
        [
          `${connection}.auto_accept != true`,
          ...(crossRegion ? [`${connection}.peer_region == ${hcl(to.region)}`] : []),
          ...(owner ? [`${connection}.peer_owner_id == ${hcl(owner)}`] : []),
        ].join(" && "),
        `the ${where} should be requested${crossRegion ? ` with peer_region ${to.region}` : ""}${owner ? ` with peer_owner_id ${owner}` : ""}, not auto-accepted`,
      );
      a.add(
        `${accepted}.vpc_peering_connection_id == ${connection}.id && ${accepted}.auto_accept == true && ${stamped(handle.accepterConnection, stamp(config, to))} && ${accepted}.tags.Name == ${connection}.tags.Name`,
        `the ${where} should be accepted by an accepter resource with the accepter's provider, tagged as the request`,
      );
    }
    for (const [side, name, peer, list, placement] of [
      ["requester", requester, accepter, handle.requesterRoutes, from],
      ["accepter", accepter, requester, handle.accepterRoutes, to],
    ] as const) {
      const azs = byName.get(name)!.maxAzs;
      if (list.length !== azs)
        throw new Error(`peering ${key} has ${list.length} ${side} routes, expected one per AZ of ${name} (${azs})`);
      const destination = byName.get(peer)!.cidr;
      list.forEach((route, az) => {
        const r = address(route);
        const table = FAKE.routeTable(name, "private", az);
        a.add(
          `${r}.vpc_peering_connection_id == ${active} && ${r}.route_table_id == ${hcl(table)} && ${r}.destination_cidr_block == ${hcl(destination)} && ${stamped(route, stamp(config, placement))}`,
          `the ${side} route ${az} of ${key} should send ${destination} from ${table} through the ${key} peering once it is active, with the ${side}'s provider`,
        );
      });
    }
    // Every other block: the peer's secondary blocks, and its IPv6 block where both have IPv6.
    for (const route of handle.routes) {
      if (handle.requesterRoutes.includes(route.route) || handle.accepterRoutes.includes(route.route)) continue;
      const [own, other, placement] =
        route.side === "requester" ? [requester, accepter, from] : [accepter, requester, to];
      const r = address(route.route);
      const table = FAKE.routeTable(own, "private", route.az);
      const destination = route.family === "ipv4" ? route.destination : FAKE.ipv6Block(config, other);
      const attribute = route.family === "ipv4" ? "destination_cidr_block" : "destination_ipv6_cidr_block";
      a.add(
        `${r}.vpc_peering_connection_id == ${active} && ${r}.route_table_id == ${hcl(table)} && ${r}.${attribute} == ${hcl(destination)} && ${stamped(route.route, stamp(config, placement))}`,
        `the ${route.side} route ${route.az} of ${key} to ${other}'s ${route.family === "ipv4" ? `block ${destination}` : `IPv6 block ${destination}`} should leave ${table} through the ${key} peering once it is active, with the ${route.side}'s provider`,
      );
    }
    const dns = resolvesDns(config, requester, accepter);
    const options = handle.options.map(address);
    if (dns) dnsActive.push(active);
    if (!dns) {
      if (options.length > 0) throw new Error(`peering ${key} has DNS options the config does not ask for`);
      continue;
    }
    const allow = (o: string, side: string) => `${o}.${side}[0].allow_remote_vpc_dns_resolution == true`;
    if (!crossRegion && !crossAccount) {
      if (options.length !== 1) throw new Error(`peering ${key} has ${options.length} options resources, expected 1`);
      a.add(
        `${options[0]}.vpc_peering_connection_id == ${active} && ${allow(options[0], "requester")} && ${allow(options[0], "accepter")} && ${stamped(handle.options[0], stamp(config, from))}`,
        `the ${where} should let both sides resolve each other's DNS names, set once it is active`,
      );
    } else {
      if (options.length !== 2)
        throw new Error(`peering ${key} has ${options.length} options resources, expected one per side`);
      a.add(
        `${options[0]}.vpc_peering_connection_id == ${active} && ${allow(options[0], "requester")} && length(${options[0]}.accepter) == 0 && ${stamped(handle.options[0], stamp(config, from))}`,
        `the ${where} should let the requester resolve the accepter's DNS names, set with the requester's provider after the accepter accepted`,
      );
      a.add(
        `${options[1]}.vpc_peering_connection_id == ${active} && ${allow(options[1], "accepter")} && length(${options[1]}.requester) == 0 && ${stamped(handle.options[1], stamp(config, to))}`,
        `the ${where} should let the accepter resolve the requester's DNS names, set with the accepter's provider after it accepted`,
      );
    }
  }
  if (allOptions.length > 0) {
    a.add(
      `toset([for o in ${tuple(allOptions)} : o.vpc_peering_connection_id]) == toset([${dnsActive.join(", ")}])`,
      `exactly the peerings that ask for DNS resolution should have DNS options: ${dnsActive.length} of ${held.length}`,
    );
  }
  // Whole-stack view: each private route table reaches exactly the blocks, IPv4 and IPv6, of the
  // peers it is peered with in this stack. (Terraform rejects conditions that reference nothing,
  // so this needs at least one route.)
  if (allRoutes.length === 0) return;
  const inStack = { ...config, peerings: held };
  for (const cfg of config.vpcs) {
    const peers = peersOf(inStack, cfg.name).flatMap((p) => ipv4Blocks(p));
    const peers6 = cfg.ipv6
      ? peersOf(inStack, cfg.name)
          .filter((p) => p.ipv6)
          .map((p) => FAKE.ipv6Block(config, p.name))
      : [];
    for (let az = 0; az < cfg.maxAzs; az++) {
      const table = FAKE.routeTable(cfg.name, "private", az);
      a.add(
        sameStrings(
          `[for r in ${routes} : r.destination_cidr_block if r.route_table_id == ${hcl(table)} && r.destination_cidr_block != null]`,
          peers,
        ),
        `${table} should route exactly its peers' blocks: ${peers.join(", ") || "none"}`,
      );
      a.add(
        sameStrings(
          `[for r in ${routes} : r.destination_ipv6_cidr_block if r.route_table_id == ${hcl(table)} && r.destination_ipv6_cidr_block != null]`,
          peers6,
        ),
        `${table} should route exactly the IPv6 blocks of its peers that have IPv6 too: ${peers6.join(", ") || "none"}`,
      );
    }
  }
}

/**
 * The transit stack's wiring: each gateway's default route table off, each attachment in its VPC and
 * associated with its segment's table, each propagation into a table of a segment that reaches the
 * attachment's, and each VPC route in a private route table of its VPC through the gateway.
 */
export function transitAssertions(config: PeeringConfig, stack: TransitStack, a: Assertions): void {
  for (const gateway of config.transitGateways ?? []) {
    const made = stack.gateways.get(gateway.name)!;
    const tgw = address(made.gateway);
    a.add(
      `${tgw}.default_route_table_association == "disable" && ${tgw}.default_route_table_propagation == "disable"`,
      `${gateway.name} should have its default route table off`,
    );
    // The core stack of a network split into cells holds no attachment: its cells do.
    for (const { vpc, segment } of gateway.attachments.filter((a) => made.attachments.has(a.vpc))) {
      const attachment = address(made.attachments.get(vpc)!);
      const table = address(made.routeTables.get(segment)!);
      a.add(
        `${attachment}.vpc_id == ${hcl(FAKE.vpc(vpc))} && ${attachment}.transit_gateway_id == ${tgw}.id`,
        `the attachment of ${vpc} should join VPC ${vpc} to ${gateway.name}`,
      );
      const associations = tuple(all(made, Ec2TransitGatewayRouteTableAssociation));
      a.add(
        `[for r in ${associations} : r.transit_gateway_route_table_id if r.transit_gateway_attachment_id == ${attachment}.id] == [${table}.id]`,
        `${vpc} should be associated with the route table of segment ${segment} only`,
      );
      const reaching = gateway.segments
        .filter((s) => segmentReaches(gateway.segments, s.name, segment))
        .map((s) => `${address(made.routeTables.get(s.name)!)}.id`);
      const propagations = tuple(all(made, Ec2TransitGatewayRouteTablePropagation));
      a.add(
        `toset([for r in ${propagations} : r.transit_gateway_route_table_id if r.transit_gateway_attachment_id == ${attachment}.id]) == toset([${reaching.join(", ")}])`,
        `${vpc} should be propagated into the tables of the segments that reach ${segment}`,
      );
    }
    const routes = all(made, Route);
    if (routes.length > 0) {
      const tables = config.vpcs.flatMap((v) =>
        Array.from({ length: v.maxAzs }, (_, az) => hcl(FAKE.routeTable(v.name, "private", az))),
      );
      a.add(
        `alltrue([for r in ${tuple(routes)} : r.transit_gateway_id == ${tgw}.id && contains([${tables.join(", ")}], r.route_table_id)])`,
        `every VPC route of ${gateway.name} should go through it from a private route table`,
      );
    }
  }
  for (const [key, peering] of stack.peerings) {
    const accepted = `${address(peering.accepter)}.transit_gateway_attachment_id`;
    const associations = tuple(all(peering, Ec2TransitGatewayRouteTableAssociation));
    a.add(
      `length(${associations}) == 2 && alltrue([for r in ${associations} : r.transit_gateway_attachment_id == ${accepted}])`,
      `the peering ${key} should be associated with a route table on each side once accepted`,
    );
    const statics = all(peering, Ec2TransitGatewayRoute);
    if (statics.length > 0)
      a.add(
        `alltrue([for r in ${tuple(statics)} : r.transit_gateway_attachment_id == ${accepted}])`,
        `every static route of the peering ${key} should go through it`,
      );
  }
}

/** What a transit cell of a network split into cells must hold: its VPCs' attachments, each associated once and propagated where its segment reaches. */
export function transitCellAssertions(config: PeeringConfig, stack: TransitCellStack, a: Assertions): void {
  for (const gateway of config.transitGateways ?? []) {
    const made = stack.gateways.get(gateway.name);
    if (!made) continue;
    const associations = tuple(all(made, Ec2TransitGatewayRouteTableAssociation));
    const propagations = tuple(all(made, Ec2TransitGatewayRouteTablePropagation));
    for (const { vpc, segment } of gateway.attachments.filter((a) => made.attachments.has(a.vpc))) {
      const attachment = address(made.attachments.get(vpc)!);
      a.add(`${attachment}.vpc_id == ${hcl(FAKE.vpc(vpc))}`, `the attachment of ${vpc} should join VPC ${vpc}`);
      a.add(
        `length([for r in ${associations} : r if r.transit_gateway_attachment_id == ${attachment}.id]) == 1`,
        `${vpc} should be associated with one route table, its segment ${segment}'s`,
      );
      const reaching = gateway.segments.filter((s) => segmentReaches(gateway.segments, s.name, segment)).length;
      a.add(
        `length([for r in ${propagations} : r if r.transit_gateway_attachment_id == ${attachment}.id]) == ${reaching}`,
        `${vpc} should be propagated into the ${reaching} tables of the segments that reach ${segment}`,
      );
    }
  }
}
