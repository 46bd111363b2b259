import type { LiveOptions } from "./live/load";
import type { LivePlan } from "./live/targets";
import type { Model, StackDocument } from "./model";
import { terraformModel } from "./terraform/load";
import { readDocuments } from "./terraform/read";

/**
 * reach's two loaders, each a room of its own that hands AWS entities to the ModelBuilder: the
 * Terraform loader (terraform/) reads Terraform JSON, the live loader (live/) reads the deployed
 * account through the EC2 API. Both build the same Model for the same analysis.
 */
export { readDocuments };
export type { LiveOptions };
export { liveModel } from "./live/map";
export { type LivePlan, type LiveTarget, livePlan } from "./live/targets";
export { LiveReadError } from "./live/errors";

/** Reads and resolves Terraform JSON: cdk.tf.json files, stack directories or cdktf.out directories. */
export function loadTerraform(paths: readonly string[]): Model {
  return buildModel(readDocuments(paths));
}

/** Builds the typed model from Terraform JSON documents (pure: no file access). */
export function buildModel(documents: readonly StackDocument[]): Model {
  return terraformModel(documents);
}

/**
 * Reads the deployed network of the plan's targets through the EC2 API (the live loader). The
 * loader is imported on first use: the AWS SDK it brings takes a second to load, which the
 * Terraform loader's users should not wait for.
 */
export async function loadLive(plan: LivePlan, options: LiveOptions = {}): Promise<Model> {
  const live = await import("./live/load");
  return live.loadLive(plan, options);
}
