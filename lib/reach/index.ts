/** reach: offline ICMP reachability between aws_instance resources of Terraform JSON configurations. */
export { analyze, findInstance } from "./analyze";
export { formatText, toJson } from "./format";
export { buildModel, loadTerraform, readDocuments } from "./load";
export * from "./model";
