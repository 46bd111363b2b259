/**
 * reach: ICMP reachability between instances, from Terraform JSON (offline) or from the deployed account
 * (live), as AWS documents routes, peerings, transit gateways, security groups and network ACLs. It reads
 * any Terraform, not only this app's, so it imports only the core: the app's stacks come in as a parameter
 * (`AppStacksSource`). The tools (rehearse, ping, cost, diagram) and check build on its model.
 */
export { analyze, analyzeEach, findInstance, SharedAnalysis } from "./analyze";
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
