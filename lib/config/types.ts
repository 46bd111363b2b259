/**
 * The validated config as the app uses it: every default filled in, peerings spelled out as pairs.
 * Data only, so that every module of the config layer and above can share it without a circle.
 */
import type { AccountConfig } from "./placement";
import type { HubConfig } from "./topology";

export type { AccountConfig, HubConfig };

/** Where NAT gateways go: one per AZ, one per VPC, or none. */
export const NAT_MODES = ["per-az", "single", "none"] as const;

/** How NAT gateways are laid out: one per AZ, one per VPC, or none. */
export type NatMode = (typeof NAT_MODES)[number];

/** One VPC of a validated config, with its AZ count resolved. */
export interface VpcConfig {
  /** Name from the config: lowercase, used in construct ids and tags. */
  readonly name: string;
  /** IPv4 block of the VPC, e.g. "10.0.0.0/24". */
  readonly cidr: string;
  /** How many AZs get a public and a private subnet. */
  readonly maxAzs: number;
  /** AWS region of the VPC. */
  readonly region: string;
  /**
   * Name of the account (in the config's `accounts`) that owns the VPC.
   * @default - the credentials' own account
   */
  readonly account?: string;
  /**
   * Whether the VPC gets an Amazon-provided IPv6 /56, a /64 per subnet and an egress-only internet gateway.
   * @default false
   */
  readonly ipv6?: boolean;
  /**
   * Secondary IPv4 blocks, each with a private subnet per AZ.
   * @default - none
   */
  readonly secondaryCidrs?: readonly string[];
  /**
   * Site-to-Site VPN connections by name.
   * @default - none
   */
  readonly vpnConnections?: Readonly<Record<string, VpnConnectionConfig>>;
}

/** A Site-to-Site VPN connection of a VPC to a customer gateway. */
export interface VpnConnectionConfig {
  /** Public IPv4 address of the customer gateway device. */
  readonly ip: string;
  /** BGP ASN of the customer gateway. */
  readonly asn: number;
  /**
   * Blocks of the customer network routed over the connection (static routing).
   * @default - none: the connection uses BGP
   */
  readonly staticRoutes?: readonly string[];
}

/** A validated config with every default filled in and peerings spelled out as pairs. */
export interface PeeringConfig {
  /** AWS region of the VPCs that name none, and of each stack's default provider. */
  readonly region: string;
  /** Where NAT gateways go. */
  readonly natGateways: NatMode;
  /** EC2 instance type of the test instances. */
  readonly instanceType: string;
  /** The VPCs, in config order. */
  readonly vpcs: readonly VpcConfig[];
  /** Peered pairs as [requester, accepter] names, full mesh and hub and spoke expanded. */
  readonly peerings: readonly (readonly [string, string])[];
  /**
   * The peered pairs whose peering resolves DNS host names across, as [requester, accepter].
   * @default - none
   */
  readonly dnsResolution?: readonly (readonly [string, string])[];
  /**
   * Hub and spoke: the hub and its spokes, whose peerings `peerings` lists.
   * @default - none
   */
  readonly hub?: HubConfig;
  /**
   * Other AWS accounts by name, with the role to assume in each.
   * @default - none: every VPC in the credentials' own account
   */
  readonly accounts?: Readonly<Record<string, AccountConfig>>;
  /** Terraform Cloud organization and workspace naming; local state files when absent. */
  readonly terraformCloud?: TerraformCloudConfig;
  /**
   * Whether a `reachability` stack has AWS Reachability Analyzer check every same-region pair of instances.
   * @default false
   */
  readonly reachabilityAnalyzer?: boolean;
  /** An S3 bucket for the state; local state files when absent (never set together with terraformCloud). */
  readonly backend?: BackendConfig;
  /**
   * With natGateways "none", whether every VPC gets interface endpoints for SSM.
   * @default true
   */
  readonly ssmEndpoints?: boolean;
  /** Most resources one peering stack holds (see lib/plan/peering-shards.ts). */
  readonly maxPeeringStackResources: number;
  /** How many stacks hold the peerings once they do not fit one. */
  readonly peeringShards: number;
  /**
   * How many cells (stacks network-NN, instances-NN, transit-NN) hold the VPCs (see lib/plan/cells.ts).
   * @default - one stack each while the network has at most 100 VPCs, else 16 cells
   */
  readonly networkCells?: number;
  /**
   * Transit gateways with their segments and attached VPCs (lib/config/transit.ts).
   * @default - none
   */
  readonly transitGateways?: readonly TransitGatewayConfig[];
  /**
   * Peerings of transit gateways, each side with the segment its attachment joins (lib/config/transit-peering.ts).
   * @default - none
   */
  readonly transitPeerings?: readonly TransitPeeringConfig[];
}

/** A Terraform backend other than Terraform Cloud. */
export interface BackendConfig {
  /** State objects in an S3 bucket. */
  readonly s3: S3BackendConfig;
}

/** Where the stacks keep their state in S3: one object per stack, `<keyPrefix><stack>.tfstate`. */
export interface S3BackendConfig {
  /** The bucket, which must exist before the first deploy. */
  readonly bucket: string;
  /** Prefix of the state object keys, e.g. "peering/" for "peering/network.tfstate". */
  readonly keyPrefix: string;
  /** Region of the bucket (the config's region unless it names another). */
  readonly region: string;
  /** Whether Terraform locks the state with a lock object beside it in the bucket. */
  readonly lockfile: boolean;
  /**
   * DynamoDB table for state locking.
   * @default - none
   */
  readonly dynamodbTable?: string;
}

/** Where the stacks keep their state in Terraform Cloud: one workspace per stack. */
export interface TerraformCloudConfig {
  /** The organization that owns the workspaces. */
  readonly organization: string;
  /** Prefix of the workspace names: `<prefix><stack>`, e.g. "peering-network". */
  readonly workspacePrefix: string;
  /**
   * Terraform Enterprise host name.
   * @default "app.terraform.io"
   */
  readonly hostname?: string;
}

/** A static route of a segment's route table. */
export interface TransitRouteConfig {
  /** The IPv4 block it matches. */
  readonly destination: string;
  /**
   * The VPC whose attachment it sends to.
   * @default - none: a blackhole
   */
  readonly vpc?: string;
  /** Whether it drops what it matches. */
  readonly blackhole: boolean;
}

/** A segment: one route table of a transit gateway. */
export interface TransitSegmentConfig {
  readonly name: string;
  /** The other segments its members reach (mutual: each lists this one). */
  readonly reaches: readonly string[];
  /** Whether its members do not reach each other. */
  readonly isolated: boolean;
  /** Static and blackhole routes. */
  readonly routes: readonly TransitRouteConfig[];
}

/** A transit gateway of a validated config. */
export interface TransitGatewayConfig {
  readonly name: string;
  readonly region: string;
  readonly amazonSideAsn: number;
  /**
   * Name of the account (in the config's `accounts`) that owns the gateway.
   * @default - the credentials' own account
   */
  readonly account?: string;
  /**
   * Whether its RAM share admits accounts outside the AWS Organization, each accepting the invitation.
   * @default false
   */
  readonly shareOutsideOrganization?: boolean;
  readonly segments: readonly TransitSegmentConfig[];
  /**
   * IPv4 blocks the attached VPCs' private route tables send to the gateway instead of a route per reached block (lib/config/transit-summary.ts).
   * @default - a route per reached block while those fit `routesPerRouteTable`, else blocks covering the attached VPCs
   */
  readonly summaryRoutes?: readonly string[];
  /**
   * A route per reached block too, beside the summary routes.
   * @default false
   */
  readonly routesPerBlock?: boolean;
  /** The attached VPCs in config order, each with its segment. */
  readonly attachments: readonly { readonly vpc: string; readonly segment: string }[];
}

/** One side of a transit gateway peering: the gateway and the segment its peering attachment joins. */
export interface TransitPeeringSide {
  readonly gateway: string;
  /**
   * The segment whose route table the peering attachment is associated with.
   * @default - none: the peering has segmentPairs and a route table of its own on each side
   */
  readonly segment?: string;
}

/** A pair of segments joined across a peering: one of the requester's, one of the accepter's. */
export interface TransitSegmentPair {
  readonly requester: string;
  readonly accepter: string;
}

/** A peering of two transit gateways of a validated config. */
export interface TransitPeeringConfig {
  readonly requester: TransitPeeringSide;
  readonly accepter: TransitPeeringSide;
  /**
   * The pairs of segments whose members reach each other across the peering (then no side names a segment).
   * @default - none: each side's segment
   */
  readonly segmentPairs?: readonly TransitSegmentPair[];
}
