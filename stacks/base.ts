import { Construct } from "constructs";
import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { PeeringConfig } from "../lib/config";
import { StackProviders } from "../lib/constructs/stack-providers";

/** Properties every stack of the app takes. */
export interface AppStackProps {
  /** The validated config. */
  readonly config: PeeringConfig;
}

/**
 * A stack with the AWS provider for the config's region (and, on demand, one per other region
 * and account its resources live in) and its backend: a Terraform Cloud
 * workspace named `<workspacePrefix><stack>` when the config names an organization, the object
 * `<keyPrefix><stack>.tfstate` of an S3 bucket when it names one, else a local state file in the
 * project root. The local path is relative to the stack's directory in cdktf.out, so no absolute
 * path of this machine lands in the synthesized Terraform.
 */
export class PeeringStackBase extends TerraformStack {
  /** The aliased providers for VPCs in other regions and accounts (lib/constructs/stack-providers.ts), made on first use. */
  readonly providers: StackProviders;

  constructor(scope: Construct, id: string, props: AppStackProps) {
    super(scope, id);
    const { config } = props;
    const tags = { Project: "peering", Stack: id };
    new AwsProvider(this, "aws", {
      region: config.region,
      defaultTags: [{ tags }],
    });
    this.providers = new StackProviders(this, config, tags);
    const cloud = config.terraformCloud;
    const s3 = config.backend?.s3;
    if (s3) {
      const backend = new S3Backend(this, {
        bucket: s3.bucket,
        key: `${s3.keyPrefix}${id}.tfstate`,
        region: s3.region,
        encrypt: true,
        ...(s3.dynamodbTable ? { dynamodbTable: s3.dynamodbTable } : {}),
      });
      // cdktf 0.21's S3Backend predates Terraform 1.10's S3-native locking.
      if (s3.lockfile) backend.addOverride("use_lockfile", true);
    } else if (cloud) {
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
