/** reach: ICMP reachability between instances, from Terraform JSON (offline) or from the deployed account (live). */
export { analyze, findInstance } from "./analyze";
export { findConfigurationProblems } from "./validity";
export {
  ModelBuilder,
  defaultNetworkAclKey,
  defaultRouteTableKey,
  defaultSecurityGroupKey,
  newVpcDefaults,
  validateModel,
} from "./build";
export { formatFindings, formatText, toJson } from "./format";
export {
  type LiveOptions,
  type LivePlan,
  LiveReadError,
  type LiveTarget,
  buildModel,
  liveModel,
  livePlan,
  loadLive,
  loadTerraform,
  readDocuments,
} from "./load";
export * from "./model";
