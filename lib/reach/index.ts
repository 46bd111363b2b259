/** reach: offline ICMP reachability between aws_instance resources of Terraform JSON configurations. */
export { analyze, findInstance } from "./analyze";
export {
  ModelBuilder,
  defaultNetworkAclKey,
  defaultRouteTableKey,
  defaultSecurityGroupKey,
  newVpcDefaults,
  validateModel,
} from "./build";
export { formatText, toJson } from "./format";
export { buildModel, loadTerraform, readDocuments } from "./load";
export * from "./model";
