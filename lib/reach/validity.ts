import { PEERING_QUOTA_DEFAULT, PEERING_QUOTA_MAX } from "../core/aws-limits";
import { cidrInside, formatAddress } from "./cidr";
import { differ, overlappingBlocks, peerOf, peeringState, referenceAllowed, vpcBlocks } from "./lookup";
import type { Finding, Model, Peering } from "./model";
import { checkTransit } from "./transit-validity";
import { referencingGateway } from "./transit";

/** Configuration errors AWS (or the aws provider) would reject, and warnings about limits. */
export function findConfigurationProblems(model: Model): { readonly errors: Finding[]; readonly warnings: Finding[] } {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  checkPeerings(model, errors, warnings);
  checkRoutes(model, errors);
  checkSecurityGroups(model, errors);
  checkPlacement(model, errors);
  checkNetworkAcls(model, errors);
  checkTransit(model, errors, warnings);
  return { errors, warnings };
}

function checkPeerings(model: Model, errors: Finding[], warnings: Finding[]): void {
  const seen = new Map<string, Peering>();
  const activeCount = new Map<string, number>();
  for (const peering of model.peerings.values()) {
    const resource = peering.address;
    const requester = model.vpcs.get(peering.requesterVpc);
    const accepter = model.vpcs.get(peering.accepterVpc);
    for (const [a, b] of requester && accepter ? overlappingBlocks(requester, accepter) : []) {
      errors.push({
        resource,
        message: `${peering.requesterVpc} (${a.text}) and ${peering.accepterVpc} (${b.text}) have overlapping CIDR blocks; AWS rejects peering them: give one VPC a non-overlapping block`,
      });
    }
    const pairKey = [peering.requesterVpc, peering.accepterVpc].sort().join(" and ");
    const earlier = seen.get(pairKey);
    if (earlier) {
      errors.push({
        resource,
        message: `${pairKey} are already peered by ${earlier.address}; AWS allows one peering connection between two VPCs: remove one`,
      });
    } else {
      seen.set(pairKey, peering);
    }
    if (peering.autoAccept && peering.peerRegionSet) {
      errors.push({
        resource,
        message:
          "auto_accept = true cannot be combined with peer_region; accept it with an aws_vpc_peering_connection_accepter in the peer region",
      });
    } else if (peering.autoAccept && differ(peering.account, accepter?.account)) {
      errors.push({
        resource,
        message: `auto_accept = true works within one account only, and peer_vpc_id ${accepter?.address} is in ${accepter?.account}, not in ${peering.account}: accept it with an aws_vpc_peering_connection_accepter in the peer account`,
      });
    } else if (
      peering.autoAccept &&
      peering.peerOwnerId !== undefined &&
      !(peering.account !== undefined && peering.account === accepter?.account)
    ) {
      warnings.push({
        resource,
        message: `auto_accept only works within one account: with peer_owner_id = ${peering.peerOwnerId} it fails unless that is the requester's own account`,
      });
    }
    if (requester && requester.region !== peering.region) {
      errors.push({
        resource,
        message: `vpc_id ${requester.address} is in ${region(
          requester.region,
        )} but the peering is requested in ${region(peering.region)}: use the requester VPC's provider`,
      });
    }
    if (requester && differ(requester.account, peering.account)) {
      errors.push({
        resource,
        message: `vpc_id ${requester.address} is in ${requester.account} but the peering is requested from ${peering.account}: use the requester VPC's provider`,
      });
    }
    if (accepter && differ(accepter.account, peering.peerAccount)) {
      errors.push({
        resource,
        message: `peer_vpc_id ${accepter.address} is in ${accepter.account} but AWS looks for it in ${peering.peerAccount}${
          peering.peerOwnerId === undefined && peering.peerAccount === peering.account
            ? " (the requester's, without peer_owner_id)"
            : ""
        }: set peer_owner_id to the id of ${accepter.account}`,
      });
    }
    if (accepter && accepter.region !== peering.peerRegion) {
      errors.push({
        resource,
        message: `peer_vpc_id ${accepter.address} is in ${region(accepter.region)} but the peer region is ${region(
          peering.peerRegion,
        )}: set peer_region = "${accepter.region ?? ""}"`,
      });
    }
    for (const x of peering.accepters) {
      if (accepter && differ(x.account, accepter.account)) {
        errors.push({
          resource: x.address,
          message: `accepts ${resource} from ${x.account}, but the peer VPC ${accepter.address} is in ${accepter.account}: use the peer account's provider`,
        });
      }
      if (x.region !== peering.peerRegion) {
        errors.push({
          resource: x.address,
          message: `accepts ${resource} in ${region(x.region)}, but the peer VPC is in ${region(
            peering.peerRegion,
          )}: use the peer region's provider`,
        });
      }
    }
    if (peeringState(model, peering).active) {
      for (const vpc of [peering.requesterVpc, peering.accepterVpc])
        activeCount.set(vpc, (activeCount.get(vpc) ?? 0) + 1);
    }
  }
  for (const [vpc, count] of activeCount) {
    if (count > PEERING_QUOTA_MAX) {
      errors.push({
        resource: vpc,
        message: `has ${count} active peering connections; AWS allows at most ${PEERING_QUOTA_MAX} per VPC: split the mesh or use a transit gateway`,
      });
    } else if (count > PEERING_QUOTA_DEFAULT) {
      warnings.push({
        resource: vpc,
        message: `has ${count} active peering connections, above the default quota of ${PEERING_QUOTA_DEFAULT}: request a quota increase (at most ${PEERING_QUOTA_MAX})`,
      });
    }
  }
}

function checkRoutes(model: Model, errors: Finding[]): void {
  for (const table of model.routeTables.values()) {
    const vpc = model.vpcs.get(table.vpc);
    const destinations = new Map<string, string>();
    for (const route of table.routes) {
      const earlier = destinations.get(route.destination.text);
      if (earlier) {
        errors.push({
          resource: route.source,
          message: `${table.label} already has a route to ${route.destination.text} (${earlier}); AWS rejects a second one: remove one`,
        });
      }
      destinations.set(route.destination.text, route.source);
      const target = route.target;
      if (target.kind === "peering") {
        const local = vpc
          ? vpcBlocks(vpc, route.destination.family).find((block) => cidrInside(route.destination, block))
          : undefined;
        if (local) {
          errors.push({
            resource: route.source,
            message: `the route to ${route.destination.text} via ${target.peering} is as specific as or more specific than ${table.vpc}'s local route ${local.text}; AWS rejects it: route only the peer's CIDRs`,
          });
        }
        const peering = model.peerings.get(target.peering);
        if (peering && peerOf(peering, table.vpc) === undefined) {
          errors.push({
            resource: route.source,
            message: `${target.peering} does not connect ${table.vpc}; AWS rejects the route: use a peering of ${table.vpc}`,
          });
        }
      }
      if (target.kind === "gateway") {
        const gateway = model.gateways.get(target.gateway);
        if (gateway?.vpc !== undefined && gateway.vpc !== table.vpc) {
          errors.push({
            resource: route.source,
            message: `routes to ${gateway.address} (the ${gateway.kind} of ${gateway.vpc}) from ${table.vpc}; AWS rejects it (a peer's gateways never carry our traffic): use a gateway of ${table.vpc}`,
          });
        }
      }
    }
  }
  const associated = new Map<string, string>();
  for (const association of model.routeTableAssociations) {
    const earlier = associated.get(association.from);
    if (earlier) {
      errors.push({
        resource: association.source,
        message: `${association.from} is already associated with a route table by ${earlier}; a subnet has one route table: remove one association`,
      });
    }
    associated.set(association.from, association.source);
  }
}

function checkSecurityGroups(model: Model, errors: Finding[]): void {
  for (const group of model.securityGroups.values()) {
    for (const rule of group.rules) {
      for (const key of new Set(rule.groups)) {
        const referenced = model.securityGroups.get(key);
        if (!referenced || referenceAllowed(model, group, referenced)) continue;
        // AWS accepts a reference to a group of a VPC attached to the same gateway that enables it.
        if (group.vpc && referenced.vpc && referencingGateway(model.transit, group.vpc, referenced.vpc, false))
          continue;
        const message =
          referenced.region !== group.region
            ? `references ${referenced.label} in ${region(referenced.region)} from ${group.label} in ${region(
                group.region,
              )}; AWS allows security group references across a peering only within one region: allow the peer's CIDR instead`
            : `references ${referenced.label} of ${referenced.vpc}, which has no active peering with ${group.vpc} nor a transit gateway with both attached that enables security_group_referencing_support; AWS rejects it: peer the VPCs, enable the support on their transit gateway, or allow the CIDR instead`;
        errors.push({ resource: rule.source, message });
      }
    }
  }
}

function checkPlacement(model: Model, errors: Finding[]): void {
  for (const subnet of model.subnets.values()) {
    const vpc = model.vpcs.get(subnet.vpc);
    for (const block of [subnet.ipv4, subnet.ipv6]) {
      if (block && vpc && !vpcBlocks(vpc, block.family).some((b) => cidrInside(block, b))) {
        errors.push({
          resource: subnet.address,
          message: `${block.text} is not inside any CIDR block of ${vpc.address}; AWS rejects the subnet: pick a block inside the VPC`,
        });
      }
    }
  }
  for (const instance of model.instances.values()) {
    const subnet = model.subnets.get(instance.subnet);
    if (!subnet) continue;
    for (const [family, address, block] of [
      ["ipv4", instance.ipv4, subnet.ipv4],
      ["ipv6", instance.ipv6, subnet.ipv6],
    ] as const) {
      if (address === undefined) continue;
      const text = formatAddress(family, address);
      if (!block || address < block.first + 4n || address > block.last - 1n) {
        errors.push({
          resource: instance.address,
          message: `${text} is not a usable address of ${subnet.address}${
            block ? ` (${block.text}, first four and last reserved)` : ""
          }: pick one inside the subnet`,
        });
      }
    }
    if (instance.wantsIpv6 && !subnet.ipv6) {
      errors.push({
        resource: instance.address,
        message: `asks for an IPv6 address but ${subnet.address} has no ipv6_cidr_block: give the subnet an IPv6 block`,
      });
    }
    for (const key of instance.securityGroups) {
      const group = model.securityGroups.get(key);
      if (group?.vpc !== undefined && group.vpc !== subnet.vpc) {
        errors.push({
          resource: instance.address,
          message: `uses ${group.label} of ${group.vpc}, but its subnet is in ${subnet.vpc}; AWS rejects it: use a group of ${subnet.vpc}`,
        });
      }
    }
  }
}

function checkNetworkAcls(model: Model, errors: Finding[]): void {
  for (const acl of model.networkAcls.values()) {
    const numbers = new Map<string, string>();
    for (const rule of acl.rules) {
      const key = `${rule.egress ? "egress" : "ingress"} ${rule.ruleNo}`;
      const earlier = numbers.get(key);
      if (earlier)
        errors.push({
          resource: rule.source,
          message: `${acl.label} already has ${key} (${earlier}); AWS rejects a duplicate rule number: renumber one`,
        });
      numbers.set(key, rule.source);
    }
  }
}

function region(name: string | undefined): string {
  return name ?? "the provider's default region";
}
