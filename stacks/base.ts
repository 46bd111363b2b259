import { Construct } from "constructs";
import { CloudBackend, LocalBackend, NamedCloudWorkspace, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { PeeringConfig } from "../lib/config";

/** Properties every stack of the app takes. */
export interface AppStackProps {
  /** The validated config. */
  readonly config: PeeringConfig;
}

/**
 * A stack with the AWS provider for the config's region and its backend: a Terraform Cloud
 * workspace named `<workspacePrefix><stack>` when the config names an organization, else a local
 * state file in the project root. The local path is relative to the stack's directory in
 * cdktf.out, so no absolute path of this machine lands in the synthesized Terraform.
 */
export class PeeringStackBase extends TerraformStack {
  constructor(scope: Construct, id: string, props: AppStackProps) {
    super(scope, id);
    const { config } = props;
    new AwsProvider(this, "aws", {
      region: config.region,
      defaultTags: [{ tags: { Project: "peering", Stack: id } }],
    });
    const cloud = config.terraformCloud;
    if (cloud) {
      new CloudBackend(this, {
        organization: cloud.organization,
        hostname: cloud.hostname,
        workspaces: new NamedCloudWorkspace(`${cloud.workspacePrefix}${id}`),
      });
    } else {
      new LocalBackend(this, { path: `../../../terraform.${id}.tfstate` });
    }
  }
}
