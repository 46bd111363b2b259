/**
 * Reads the transit gateway resources of Terraform JSON (aws provider 5.x attribute names) into a
 * TransitNetwork: gateways, VPC and peering attachments, route tables, associations, propagations
 * and static routes, the AWS RAM shares of the gateways (ram.ts), and the Availability Zone of
 * every subnet.
 */
import { preview } from "../../core/json-limits";
import { ReachInputError } from "../model";
import {
  type TransitGateway,
  type TransitLink,
  type TransitNetwork,
  type TransitPeeringAttachment,
  type TransitRouteTable,
  type TransitStaticRoute,
  type TransitVpcAttachment,
  defaultTransitRouteTableKey,
} from "../transit";
import { type Attributes, present } from "./attributes";
import { isRecord } from "../../core/records";
import { own } from "./stack";
import { RAM_TYPES, readShares } from "./ram";
import { CidrValue, type RawResource, type Resolver, ResourceRef } from "./resolve";

/** The transit gateway resource types reach reads. */
export const TRANSIT_TYPES: readonly string[] = [
  "aws_ec2_transit_gateway",
  "aws_ec2_transit_gateway_vpc_attachment",
  "aws_ec2_transit_gateway_vpc_attachment_accepter",
  "aws_ec2_transit_gateway_route_table",
  "aws_ec2_transit_gateway_route_table_association",
  "aws_ec2_transit_gateway_route_table_propagation",
  "aws_ec2_transit_gateway_route",
  "aws_ec2_transit_gateway_peering_attachment",
  "aws_ec2_transit_gateway_peering_attachment_accepter",
  ...RAM_TYPES,
];

/** What the reader takes from the Terraform loader. */
export interface TransitSource {
  readonly resolver: Resolver;
  readonly read: Attributes;
  /** The resources of one type, in document order. */
  readonly resources: (type: string) => readonly RawResource[];
  /** Whether a subnet is in the model. */
  readonly hasSubnet: (key: string) => boolean;
  /** Whether a VPC is in the model. */
  readonly hasVpc: (key: string) => boolean;
}

/** Reads every transit gateway resource; an input error for one reach cannot place. */
export function readTransit(source: TransitSource): TransitNetwork {
  return new TransitReader(source).read();
}

class TransitReader {
  private readonly gateways = new Map<string, TransitGateway>();
  private readonly vpcAttachments = new Map<string, TransitVpcAttachment>();
  private readonly peeringAttachments = new Map<string, TransitPeeringAttachment>();
  private readonly routeTables = new Map<string, TransitRouteTable>();
  private readonly accepterOf = new Map<string, string>();
  /** The VPC attachment each aws_ec2_transit_gateway_vpc_attachment_accepter (a shared gateway's account) accepts. */
  private readonly vpcAccepterOf = new Map<string, string>();
  /** The accepters of each VPC attachment, with their accounts. */
  private readonly vpcAccepters = new Map<string, { address: string; account: string | undefined }[]>();

  constructor(private readonly source: TransitSource) {}

  read(): TransitNetwork {
    const { resources } = this.source;
    for (const res of resources("aws_ec2_transit_gateway")) this.gateway(res);
    for (const res of resources("aws_ec2_transit_gateway_route_table")) this.routeTable(res);
    for (const res of resources("aws_ec2_transit_gateway_vpc_attachment")) this.vpcAttachment(res);
    for (const res of resources("aws_ec2_transit_gateway_vpc_attachment_accepter")) this.vpcAccepter(res);
    for (const res of resources("aws_ec2_transit_gateway_peering_attachment")) this.peeringAttachment(res);
    for (const res of resources("aws_ec2_transit_gateway_peering_attachment_accepter")) this.accepter(res);
    const associations = resources("aws_ec2_transit_gateway_route_table_association").map((res) =>
      this.link(res, true),
    );
    const propagations = resources("aws_ec2_transit_gateway_route_table_propagation").map((res) =>
      this.link(res, false),
    );
    const routes = resources("aws_ec2_transit_gateway_route").map((res) => this.route(res));
    for (const [address, accepters] of this.vpcAccepters)
      this.vpcAttachments.set(address, { ...this.vpcAttachments.get(address)!, accepters });
    return {
      gateways: this.gateways,
      shares: readShares(this.source, new Set(this.gateways.keys())),
      vpcAttachments: this.vpcAttachments,
      peeringAttachments: this.peeringAttachments,
      routeTables: this.routeTables,
      associations,
      propagations,
      routes,
      subnetZones: this.subnetZones(),
    };
  }

  private gateway(res: RawResource): void {
    const { read, resolver } = this.source;
    const enabled = (field: string): boolean => {
      const value = read.string(read.slot(res, field));
      if (value === undefined || value === "enable") return true;
      if (value === "disable") return false;
      throw new ReachInputError(`${res.address}: ${field} = ${preview(value)} must be "enable" or "disable"`);
    };
    const gateway: TransitGateway = {
      address: res.address,
      label: this.label(res),
      region: resolver.region(res),
      defaultAssociation: enabled("default_route_table_association"),
      defaultPropagation: enabled("default_route_table_propagation"),
      securityGroupReferencing: this.option(res, "security_group_referencing_support"),
      account: resolver.account(res),
      // AWS's default is "disable": an attachment from an account it is shared with waits for acceptance.
      autoAcceptShared: present(own(res.body, "auto_accept_shared_attachments"))
        ? enabled("auto_accept_shared_attachments")
        : false,
    };
    this.gateways.set(res.address, gateway);
    if (gateway.defaultAssociation || gateway.defaultPropagation) {
      const key = defaultTransitRouteTableKey(res.address);
      this.routeTables.set(key, { address: key, label: `${gateway.label} default route table`, gateway: res.address });
    }
  }

  private routeTable(res: RawResource): void {
    this.routeTables.set(res.address, {
      address: res.address,
      label: this.label(res),
      gateway: this.gatewayRef(res, "transit_gateway_id"),
    });
  }

  private vpcAttachment(res: RawResource): void {
    const { read, resolver } = this.source;
    const vpc = read.requiredEntity(res, "vpc_id", "vpc");
    if (!this.source.hasVpc(vpc))
      throw new ReachInputError(`${res.address}: vpc_id must refer to an aws_vpc of the loaded configuration`);
    const subnets = read.entities(read.slot(res, "subnet_ids"), "subnet", false);
    if (subnets.length === 0)
      throw new ReachInputError(`${res.address}: needs subnet_ids (one subnet of the VPC per Availability Zone)`);
    const defaulted = (field: string): boolean => !present(own(res.body, field)) || read.bool(read.slot(res, field));
    this.vpcAttachments.set(res.address, {
      address: res.address,
      label: this.label(res),
      gateway: this.gatewayRef(res, "transit_gateway_id"),
      vpc,
      region: resolver.region(res),
      subnets,
      ipv6: this.option(res, "ipv6_support"),
      applianceMode: this.option(res, "appliance_mode_support"),
      defaultAssociation: defaulted("transit_gateway_default_route_table_association"),
      defaultPropagation: defaulted("transit_gateway_default_route_table_propagation"),
      // Left out, AWS enables it on a VPC attachment (CreateTransitGatewayVpcAttachment's default).
      securityGroupReferencing:
        read.string(read.slot(res, "security_group_referencing_support")) === undefined ||
        this.option(res, "security_group_referencing_support"),
      account: resolver.account(res),
      accepters: [],
    });
  }

  private peeringAttachment(res: RawResource): void {
    const { read, resolver } = this.source;
    this.peeringAttachments.set(res.address, {
      address: res.address,
      label: this.label(res),
      gateway: this.gatewayRef(res, "transit_gateway_id"),
      peerGateway: this.gatewayRef(res, "peer_transit_gateway_id"),
      peerRegion: read.string(read.slot(res, "peer_region")) ?? resolver.region(res),
      accepters: [],
    });
  }

  private accepter(res: RawResource): void {
    const attachment = this.attachmentRef(res);
    const peering = this.peeringAttachments.get(attachment);
    if (!peering)
      throw new ReachInputError(
        `${res.address}: transit_gateway_attachment_id must refer to an aws_ec2_transit_gateway_peering_attachment of the loaded configuration`,
      );
    this.accepterOf.set(res.address, attachment);
    this.peeringAttachments.set(attachment, { ...peering, accepters: [...peering.accepters, res.address] });
  }

  /** The accepter of a VPC attachment made in another account: the same attachment, named from the gateway's account. */
  private vpcAccepter(res: RawResource): void {
    const value = this.reference(res, "transit_gateway_attachment_id");
    const address =
      typeof value === "string" ? value : this.source.resolver.address(value.stack, value.type, value.name);
    if (
      typeof value === "string" ||
      value.type !== "aws_ec2_transit_gateway_vpc_attachment" ||
      !this.vpcAttachments.has(address)
    )
      throw new ReachInputError(
        `${res.address}: transit_gateway_attachment_id must refer to an aws_ec2_transit_gateway_vpc_attachment of the loaded configuration`,
      );
    this.vpcAccepterOf.set(res.address, address);
    const accepters = this.vpcAccepters.get(address) ?? [];
    this.vpcAccepters.set(address, [
      ...accepters,
      { address: res.address, account: this.source.resolver.account(res) },
    ]);
  }

  private link(res: RawResource, association: boolean): TransitLink {
    const { read } = this.source;
    return {
      source: res.address,
      attachment: this.attachmentRef(res),
      routeTable: this.routeTableRef(res),
      replaceExisting: association && read.bool(read.slot(res, "replace_existing_association")),
    };
  }

  private route(res: RawResource): TransitStaticRoute {
    const { read } = this.source;
    // IPv4 or IPv6: the family of the block itself (a literal, or one computed from a VPC's).
    const slot = read.slot(res, "destination_cidr_block");
    const value = read.value(slot);
    const ipv6 =
      value instanceof CidrValue ? value.cidr.family === "ipv6" : typeof value === "string" && value.includes(":");
    const destination = read.cidr(slot, ipv6 ? "ipv6" : "ipv4");
    if (!destination)
      throw new ReachInputError(`${res.address}: needs destination_cidr_block (a literal or computable CIDR)`);
    const blackhole = read.bool(read.slot(res, "blackhole"));
    const attachment = present(own(res.body, "transit_gateway_attachment_id")) ? this.attachmentRef(res) : undefined;
    if (!blackhole && attachment === undefined)
      throw new ReachInputError(`${res.address}: needs transit_gateway_attachment_id, or blackhole = true`);
    return { source: res.address, routeTable: this.routeTableRef(res), destination, attachment, blackhole };
  }

  /** enable/disable options of a VPC attachment; AWS's default is disable. */
  private option(res: RawResource, field: string): boolean {
    const { read } = this.source;
    const value = read.string(read.slot(res, field));
    if (value === undefined || value === "disable") return false;
    if (value === "enable") return true;
    throw new ReachInputError(`${res.address}: ${field} = ${preview(value)} must be "enable" or "disable"`);
  }

  private reference(res: RawResource, field: string): ResourceRef | string {
    const { read } = this.source;
    const value = read.value(read.slot(res, field));
    if (value instanceof ResourceRef || (typeof value === "string" && value !== "")) return value;
    throw new ReachInputError(`${res.address}: needs ${field}`);
  }

  private gatewayRef(res: RawResource, field: string): string {
    const value = this.reference(res, field);
    if (typeof value === "string") return value;
    const address = this.source.resolver.address(value.stack, value.type, value.name);
    if (value.type !== "aws_ec2_transit_gateway")
      throw new ReachInputError(`${res.address}: ${field} refers to ${address}, expected an aws_ec2_transit_gateway`);
    return address;
  }

  private attachmentRef(res: RawResource): string {
    const value = this.reference(res, "transit_gateway_attachment_id");
    if (typeof value === "string") return value;
    const address = this.source.resolver.address(value.stack, value.type, value.name);
    if (value.type === "aws_ec2_transit_gateway_peering_attachment_accepter") {
      const accepted = this.accepterOf.get(address);
      if (accepted) return accepted;
    }
    if (value.type === "aws_ec2_transit_gateway_vpc_attachment_accepter") {
      const accepted = this.vpcAccepterOf.get(address);
      if (accepted) return accepted;
    }
    if (
      value.type === "aws_ec2_transit_gateway_vpc_attachment" ||
      value.type === "aws_ec2_transit_gateway_peering_attachment"
    )
      return address;
    throw new ReachInputError(
      `${res.address}: transit_gateway_attachment_id refers to ${address}, expected a transit gateway VPC or peering attachment`,
    );
  }

  private routeTableRef(res: RawResource): string {
    const value = this.reference(res, "transit_gateway_route_table_id");
    if (typeof value === "string") return value;
    const address = this.source.resolver.address(value.stack, value.type, value.name);
    if (value.type === "aws_ec2_transit_gateway_route_table") return address;
    if (
      value.type === "aws_ec2_transit_gateway" &&
      (value.attr === "association_default_route_table_id" || value.attr === "propagation_default_route_table_id")
    )
      return defaultTransitRouteTableKey(address);
    throw new ReachInputError(
      `${res.address}: transit_gateway_route_table_id refers to ${address}.${value.attr}, expected an aws_ec2_transit_gateway_route_table or a transit gateway's association_default_route_table_id`,
    );
  }

  private label(res: RawResource): string {
    const tags = own(res.body, "tags");
    if (!isRecord(tags) || !present(own(tags, "Name"))) return res.address;
    const name = this.source.read.bestEffort(res, own(tags, "Name"));
    return typeof name === "string" && name !== "" ? `${name} (${res.address})` : res.address;
  }

  /**
   * The Availability Zone of each subnet: its literal or computable availability_zone or
   * availability_zone_id; an expression reach cannot evaluate (a data source's zone names) stands
   * for the same zone wherever the same stack writes it the same way.
   */
  private subnetZones(): Map<string, string> {
    const { read } = this.source;
    const zones = new Map<string, string>();
    // A large network's subnets name their zone with a few expressions of the same stack, each
    // evaluated once; one that reads the resource's own count, each or self is evaluated per subnet.
    const evaluated = new Map<string, string>();
    for (const res of this.source.resources("aws_subnet")) {
      if (!this.source.hasSubnet(res.address)) continue;
      for (const [field, kind] of [
        ["availability_zone", "name"],
        ["availability_zone_id", "id"],
      ] as const) {
        const raw = own(res.body, field);
        if (!present(raw)) continue;
        const shared = typeof raw === "string" && !/\b(count|each|self)\./.test(raw);
        const key = `${kind}\u0000${res.stack}\u0000${typeof raw === "string" ? raw : ""}`;
        let zone = shared ? evaluated.get(key) : undefined;
        if (zone === undefined) {
          const value = read.bestEffort(res, raw);
          zone =
            typeof value === "string" && value !== ""
              ? `${kind}:${value}`
              : `expr:${res.stack}:${typeof raw === "string" ? raw : preview(raw)}`;
          if (shared) evaluated.set(key, zone);
        }
        zones.set(res.address, zone);
        break;
      }
    }
    return zones;
  }
}
