/** The defaults of the config: what a config that leaves a field out gets. */

/** The seed's region, used when the config names none. */
export const DEFAULT_REGION = "eu-west-1";
/** How many availability zones each VPC spans unless the config says otherwise. */
export const DEFAULT_MAX_AZS = 1;
/** Where NAT gateways go unless the config says otherwise. */
export const DEFAULT_NAT_GATEWAYS = "per-az";
/** The instance type of the seed's bastion hosts. */
export const DEFAULT_INSTANCE_TYPE = "t3.nano";
/** Most AZs a VPC may span: the largest AWS regions have six. */
export const MAX_AZS_LIMIT = 6;

/** The built-in default: the seed's two peered VPCs in eu-west-1, one AZ each. */
export const DEFAULT_CONFIG = {
  region: DEFAULT_REGION,
  maxAzs: DEFAULT_MAX_AZS,
  natGateways: DEFAULT_NAT_GATEWAYS,
  vpcs: [
    { name: "a", cidr: "10.0.0.0/24" },
    { name: "b", cidr: "10.0.1.0/24" },
  ],
  peerings: [["a", "b"]],
};
