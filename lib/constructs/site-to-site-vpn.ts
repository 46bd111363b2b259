import { Construct } from "constructs";
import { CustomerGateway } from "@cdktf/provider-aws/lib/customer-gateway";
import { VpnConnection } from "@cdktf/provider-aws/lib/vpn-connection";
import { VpnConnectionRoute } from "@cdktf/provider-aws/lib/vpn-connection-route";
import { VpnGateway } from "@cdktf/provider-aws/lib/vpn-gateway";
import { VpnGatewayRoutePropagation } from "@cdktf/provider-aws/lib/vpn-gateway-route-propagation";
import { VpnConnectionConfig } from "../config";
import { cidrId } from "../plan/vpc-cidr";

/** The only Site-to-Site VPN type AWS offers. */
export const VPN_TYPE = "ipsec.1";

/** Properties of SiteToSiteVpn. */
export interface SiteToSiteVpnProps {
  /** Name of the VPC, used in tags. */
  readonly name: string;
  /** Id of the VPC the VPN gateway is attached to. */
  readonly vpcId: string;
  /** Route tables the VPN gateway propagates its routes into: the private ones, one per AZ. */
  readonly routeTableIds: readonly string[];
  /** The connections by name. */
  readonly connections: Readonly<Record<string, VpnConnectionConfig>>;
}

/** One connection's resources. */
export interface VpnConnectionHandles {
  /** The customer gateway: your device's public address and ASN. */
  readonly customerGateway: CustomerGateway;
  /** The connection (two IPsec tunnels). */
  readonly connection: VpnConnection;
  /** Its static routes, when it uses static routing. */
  readonly routes: VpnConnectionRoute[];
}

/**
 * The seed's `vpnConnections`: a virtual private gateway attached to the VPC, a customer gateway
 * and a connection per entry (static routes, or BGP when none are listed), and propagation of the
 * gateway's routes into the private route tables. Peered VPCs cannot use it: AWS does no
 * edge-to-edge routing through a peering.
 */
export class SiteToSiteVpn extends Construct {
  /** The virtual private gateway. */
  readonly vpnGateway: VpnGateway;
  /** Route propagations, one per route table. */
  readonly propagations: VpnGatewayRoutePropagation[];
  /** The connections by name. */
  readonly connections = new Map<string, VpnConnectionHandles>();

  constructor(scope: Construct, id: string, props: SiteToSiteVpnProps) {
    super(scope, id);
    this.vpnGateway = new VpnGateway(this, "vgw", { vpcId: props.vpcId, tags: { Name: props.name } });
    this.propagations = props.routeTableIds.map(
      (routeTableId, az) =>
        new VpnGatewayRoutePropagation(this, `propagation-${az}`, { vpnGatewayId: this.vpnGateway.id, routeTableId }),
    );
    for (const [name, config] of Object.entries(props.connections)) {
      const customerGateway = new CustomerGateway(this, `${name}-cgw`, {
        bgpAsn: String(config.asn),
        ipAddress: config.ip,
        type: VPN_TYPE,
        tags: { Name: `${props.name}-${name}` },
      });
      const connection = new VpnConnection(this, `${name}-connection`, {
        vpnGatewayId: this.vpnGateway.id,
        customerGatewayId: customerGateway.id,
        type: VPN_TYPE,
        staticRoutesOnly: config.staticRoutes !== undefined,
        tags: { Name: `${props.name}-${name}` },
      });
      const routes = (config.staticRoutes ?? []).map(
        (cidr) =>
          new VpnConnectionRoute(this, `${name}-route-${cidrId(cidr)}`, {
            vpnConnectionId: connection.id,
            destinationCidrBlock: cidr,
          }),
      );
      this.connections.set(name, { customerGateway, connection, routes });
    }
  }
}
