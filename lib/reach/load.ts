import type { Model, StackDocument } from "./model";
import { terraformModel } from "./terraform/load";
import { readDocuments } from "./terraform/read";

export { readDocuments };

/** Reads and resolves Terraform JSON: cdk.tf.json files, stack directories or cdktf.out directories. */
export function loadTerraform(paths: readonly string[]): Model {
  return buildModel(readDocuments(paths));
}

/** Builds the typed model from Terraform JSON documents (pure: no file access). */
export function buildModel(documents: readonly StackDocument[]): Model {
  return terraformModel(documents);
}
