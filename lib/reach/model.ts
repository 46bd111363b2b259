import type { StackDocument } from "../core/terraform-json";
import type { Cidr, Family, GeneratedBlock } from "./cidr";
import type { TransitNetwork } from "./transit-model";

/** Input reach cannot use (unreadable file, unknown expression form, missing resource): the CLI exits 2. */
export class ReachInputError extends Error {
  override readonly name = "ReachInputError";
}

export type { StackDocument } from "../core/terraform-json";

/** Terraform JSON documents to work on, and where they came from (for headings and messages). */
export interface SourcedDocuments {
  /** One document per stack, as reach reads them. */
  readonly documents: readonly StackDocument[];
  /** The paths given, or the config that was synthesized. */
  readonly source: string;
}

/**
 * The app's own stacks, for a reach given no PATH or a git revision as BASE. The app hands them in
 * (scripts/reach.ts), so the checker never imports the app; each throws ReachInputError for input
 * it cannot use, the config's errors included.
 */
export interface AppStacksSource {
  /** PEERING_CONFIG (or the built-in default) synthesized. */
  readonly synthesized: () => Promise<SourcedDocuments>;
  /** The config at a git revision (`REV` or `REV:path`) synthesized by the current code. */
  readonly revision: (revision: string) => Promise<SourcedDocuments>;
}

/** A CIDR block of a VPC and the resource that declares it (the VPC or a block association). */
export interface VpcBlock {
  readonly cidr: Cidr;
  readonly source: string;
}

/**
 * The account of a provider that assumes no role and pins no account: that of the credentials
 * Terraform runs with. reach takes it to be one account, and another than any a role leads to.
 */
export const OWN_ACCOUNT = "the credentials' own account";

/** An aws_vpc with all its blocks; region is undefined when the provider leaves it to the environment. */
export interface Vpc {
  readonly address: string;
  readonly stack: string;
  readonly region: string | undefined;
  /**
   * The account the VPC is in, as its provider says: a 12-digit id (assume_role, allowed_account_ids) or OWN_ACCOUNT.
   * @default - unknown: account checks skip it
   */
  readonly account?: string;
  readonly ipv4: readonly VpcBlock[];
  readonly ipv6: readonly VpcBlock[];
}

/** An aws_subnet. */
export interface Subnet {
  readonly address: string;
  readonly vpc: string;
  readonly ipv4: Cidr | undefined;
  readonly ipv6: Cidr | undefined;
  readonly assignIpv6OnCreation: boolean;
}

/** The kinds of gateway a route can name; anything but a peering leaves the modeled VPCs. */
export type GatewayKind =
  | "internet gateway"
  | "NAT gateway"
  | "VPN gateway"
  | "egress-only internet gateway"
  | "transit gateway"
  | "network interface"
  | "VPC endpoint"
  | "gateway";

/** Where a route sends traffic. */
export type RouteTarget =
  | { readonly kind: "local" }
  | { readonly kind: "peering"; readonly peering: string }
  | { readonly kind: "gateway"; readonly gateway: string; readonly gatewayKind: GatewayKind };

/** One route: an inline route block, an aws_route, or a VPC's local route. */
export interface Route {
  readonly source: string;
  readonly destination: Cidr;
  readonly target: RouteTarget;
  /**
   * Whether AWS reports the route as a blackhole (its target is gone), as a loader that reads live
   * state sets it: the route still wins its prefix, and drops what it matches.
   * @default false
   */
  readonly blackhole?: boolean;
}

/** A route table; a VPC's implicit default table is keyed "<vpc>.default_route_table". */
export interface RouteTable {
  readonly address: string;
  readonly label: string;
  readonly vpc: string;
  readonly routes: readonly Route[];
}

/** An aws_vpc_peering_connection_accepter. */
export interface PeeringAccepter {
  readonly address: string;
  readonly region: string | undefined;
  readonly autoAccept: boolean;
  /**
   * The account that accepts, as its provider says.
   * @default - unknown
   */
  readonly account?: string;
}

/** An aws_vpc_peering_connection; VPCs that are not declared are kept as their literal ids. */
export interface Peering {
  readonly address: string;
  readonly region: string | undefined;
  readonly requesterVpc: string;
  readonly accepterVpc: string;
  readonly peerRegion: string | undefined;
  readonly peerRegionSet: boolean;
  readonly peerOwnerId: string | undefined;
  /**
   * The account the peering is requested from, as its provider says.
   * @default - unknown
   */
  readonly account?: string;
  /**
   * The account AWS looks for the accepter VPC in: peer_owner_id's (a literal id, or the account of
   * the provider of the data.aws_caller_identity it reads), else the requester's.
   * @default - unknown
   */
  readonly peerAccount?: string;
  readonly autoAccept: boolean;
  readonly accepters: readonly PeeringAccepter[];
  /**
   * The status AWS reports for an existing connection ("active", "pending-acceptance", ...), set by a
   * loader that reads live state; when set, it alone decides whether the peering carries traffic.
   * @default - derived from autoAccept and the accepters
   */
  readonly status?: string;
}

/** An internet, NAT or VPN gateway and the VPC it belongs to. */
export interface Gateway {
  readonly address: string;
  readonly kind: GatewayKind;
  readonly vpc: string | undefined;
}

/** A security group rule; protocol is an IP protocol number, -1 for all. */
export interface SgRule {
  readonly source: string;
  readonly egress: boolean;
  readonly protocol: number;
  readonly fromPort: number;
  readonly toPort: number;
  readonly cidrs: readonly Cidr[];
  readonly groups: readonly string[];
  readonly self: boolean;
}

/** A security group; a VPC's default group is keyed "<vpc>.default_security_group". */
export interface SecurityGroup {
  readonly address: string;
  readonly label: string;
  readonly vpc: string | undefined;
  readonly region: string | undefined;
  readonly rules: readonly SgRule[];
}

/** A network ACL entry; protocol is an IP protocol number, -1 for all. */
export interface NaclRule {
  readonly source: string;
  readonly egress: boolean;
  readonly ruleNo: number;
  readonly allow: boolean;
  readonly protocol: number;
  readonly cidr: Cidr;
  readonly icmpType: number;
  readonly icmpCode: number;
}

/** A network ACL; a VPC's default ACL is keyed "<vpc>.default_network_acl" and allows all until managed. */
export interface NetworkAcl {
  readonly address: string;
  readonly label: string;
  readonly vpc: string;
  readonly rules: readonly NaclRule[];
}

/** An aws_instance; fixed addresses are set when the config pins them. */
export interface Instance {
  readonly address: string;
  readonly stack: string;
  readonly subnet: string;
  readonly securityGroups: readonly string[];
  readonly ipv4: bigint | undefined;
  readonly ipv6: bigint | undefined;
  readonly wantsIpv6: boolean;
  readonly tags: Readonly<Record<string, string>>;
}

/** An association of a subnet (or a VPC's main slot) with a route table or network ACL. */
export interface Association {
  readonly source: string;
  readonly from: string;
  readonly to: string;
}

/** Everything reach knows about the loaded configurations, with references resolved. */
export interface Model {
  readonly vpcs: ReadonlyMap<string, Vpc>;
  readonly subnets: ReadonlyMap<string, Subnet>;
  readonly routeTables: ReadonlyMap<string, RouteTable>;
  readonly peerings: ReadonlyMap<string, Peering>;
  readonly gateways: ReadonlyMap<string, Gateway>;
  readonly securityGroups: ReadonlyMap<string, SecurityGroup>;
  readonly networkAcls: ReadonlyMap<string, NetworkAcl>;
  readonly instances: ReadonlyMap<string, Instance>;
  readonly routeTableAssociations: readonly Association[];
  readonly mainRouteTableAssociations: readonly Association[];
  readonly networkAclAssociations: readonly Association[];
  readonly generated: readonly GeneratedBlock[];
  readonly warnings: readonly Finding[];
  /**
   * Transit gateways, their attachments, route tables and routes.
   * @default - none
   */
  readonly transit?: TransitNetwork;
}

/** Whether an echo gets its reply: "depends" when it hinges on an address AWS has not assigned yet. */
export type Reachable = true | false | "depends";

/** The verdict for one ordered pair and one IP version. */
export interface PairResult {
  readonly from: string;
  readonly to: string;
  readonly protocol: Family;
  readonly reachable: Reachable;
  readonly reason: string;
  readonly path: readonly string[];
}

/** A configuration problem, naming the resource it is about. */
export interface Finding {
  readonly resource: string;
  readonly message: string;
}

/** What the result says about each instance. */
export interface InstanceSummary {
  readonly address: string;
  readonly stack: string;
  readonly vpc: string;
  readonly subnet: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly ipv4: string | undefined;
  readonly ipv6: string | undefined;
}

/** The analysis: pairs, configuration errors AWS would reject, warnings, and the instances. */
export interface Result {
  readonly pairs: readonly PairResult[];
  readonly errors: readonly Finding[];
  readonly warnings: readonly Finding[];
  readonly instances: readonly InstanceSummary[];
}

/** Choices for analyze: one pair or one side, and addresses known after deploy. */
export interface AnalyzeOptions {
  readonly from?: string;
  readonly to?: string;
  readonly addresses?: Readonly<Record<string, { readonly ipv4?: string; readonly ipv6?: string }>>;
  /**
   * Decide the pairs only: each pair's path is empty and its reason "" (check keeps a byte per
   * pair, and analyzes a pair that differs from the config again for its reason).
   * @default false
   */
  readonly brief?: boolean;
}
