import * as fs from "fs";
import * as path from "path";
import { Testing } from "cdktf";
import { parseConfig } from "../lib/config";
import { addAppStacks, allStacks } from "../stacks";
import { defaultWith, problemsOf } from "../test-support/configs";
import { synthToTemp } from "../test-support/synth";
import { testApp } from "../test-support/testing";

const s3 = (fields: Record<string, unknown>) => defaultWith({ backend: { s3: fields } });

describe("the backend key", () => {
  it("keeps local state when it is absent", () => {
    expect(parseConfig(defaultWith({})).backend).toBeUndefined();
  });

  it("fills in the key prefix, the config's region and S3 locking for a bucket alone", () => {
    expect(
      parseConfig(defaultWith({ region: "us-east-2", backend: { s3: { bucket: "acme-state" } } })).backend,
    ).toEqual({
      s3: { bucket: "acme-state", keyPrefix: "peering/", region: "us-east-2", lockfile: true },
    });
  });

  it("keeps every field the config sets", () => {
    const backend = {
      s3: {
        bucket: "acme.state-1",
        keyPrefix: "teams/net/",
        region: "eu-central-1",
        lockfile: false,
        dynamodbTable: "tf-locks",
      },
    };
    expect(parseConfig(defaultWith({ backend })).backend).toEqual(backend);
  });

  it("accepts an empty key prefix, which puts the state at <stack>.tfstate", () => {
    expect(parseConfig(s3({ bucket: "acme-state", keyPrefix: "" })).backend?.s3.keyPrefix).toBe("");
  });

  it.each([
    ["a backend without s3", defaultWith({ backend: {} }), 'backend.s3 is missing: use {"bucket": "my-state-bucket"}'],
    [
      "another backend type",
      defaultWith({ backend: { gcs: { bucket: "x" } } }),
      'backend has unknown key "gcs": remove it (allowed: s3)',
    ],
    [
      "a backend that is not an object",
      defaultWith({ backend: "s3" }),
      'backend is "s3" (a string): use {"s3": {"bucket": "my-state-bucket"}}',
    ],
    ["an s3 backend without a bucket", s3({ keyPrefix: "x/" }), "backend.s3.bucket is missing: use an S3 bucket name"],
    [
      "an unknown s3 key",
      s3({ bucket: "acme-state", key: "state" }),
      'backend.s3 has unknown key "key": remove it (allowed: bucket, keyPrefix, region, lockfile, dynamodbTable)',
    ],
    [
      "a bucket name with capitals",
      s3({ bucket: "Acme_State" }),
      'backend.s3.bucket is "Acme_State": use an S3 bucket name: 3 to 63 lowercase letters',
    ],
    ["a bucket name of two characters", s3({ bucket: "ab" }), 'backend.s3.bucket is "ab": use an S3 bucket name'],
    [
      "a key prefix starting with /",
      s3({ bucket: "acme-state", keyPrefix: "/peering/" }),
      'backend.s3.keyPrefix is "/peering/": use path segments',
    ],
    [
      "a key prefix with //",
      s3({ bucket: "acme-state", keyPrefix: "a//b/" }),
      'backend.s3.keyPrefix is "a//b/": use path segments',
    ],
    [
      "a key prefix with a space",
      s3({ bucket: "acme-state", keyPrefix: "my state/" }),
      'backend.s3.keyPrefix is "my state/"',
    ],
    [
      "a bad bucket region",
      s3({ bucket: "acme-state", region: "Ireland" }),
      'backend.s3.region is "Ireland": use an AWS region code such as "eu-west-1"',
    ],
    [
      "a lockfile that is not a boolean",
      s3({ bucket: "acme-state", lockfile: "yes" }),
      'backend.s3.lockfile is "yes" (a string): use true (lock with an S3 lock object) or false',
    ],
    [
      "a bad DynamoDB table name",
      s3({ bucket: "acme-state", dynamodbTable: "tf locks" }),
      'backend.s3.dynamodbTable is "tf locks": use a DynamoDB table name',
    ],
    [
      "both an S3 backend and Terraform Cloud",
      defaultWith({ backend: { s3: { bucket: "acme-state" } }, terraformCloud: { organization: "acme" } }),
      "backend and terraformCloud are both set: keep one, the state goes either to S3 or to Terraform Cloud",
    ],
  ])("rejects %s, naming the field, the value and the fix", (_, raw, message) => {
    expect(problemsOf(raw)).toEqual(expect.arrayContaining([expect.stringContaining(message)]));
  });
});

describe("with an S3 backend in the config", () => {
  const backend = {
    s3: { bucket: "acme-state", keyPrefix: "net/", region: "eu-central-1", dynamodbTable: "tf-locks" },
  };
  const terraformOf = (stack: Parameters<typeof Testing.synth>[0]) => JSON.parse(Testing.synth(stack)).terraform;

  it("keeps each stack's state in the object <keyPrefix><stack>.tfstate, encrypted and locked", () => {
    const stacks = addAppStacks(testApp(), parseConfig(defaultWith({ backend })));
    for (const stack of allStacks(stacks)) {
      expect(terraformOf(stack).backend).toEqual({
        s3: {
          bucket: "acme-state",
          key: `net/${stack.node.id}.tfstate`,
          region: "eu-central-1",
          encrypt: true,
          use_lockfile: true,
          dynamodb_table: "tf-locks",
        },
      });
    }
  });

  it("leaves S3 locking off when lockfile is false", () => {
    const stacks = addAppStacks(
      testApp(),
      parseConfig(defaultWith({ backend: { s3: { bucket: "acme-state", lockfile: false } } })),
    );
    expect(terraformOf(stacks.network[0]).backend.s3).not.toHaveProperty("use_lockfile");
  });

  it("reads the network stack's outputs from its state object in the same bucket", () => {
    const app = synthToTemp(defaultWith({ backend }));
    try {
      for (const stack of ["instances", "peering"]) {
        const json = JSON.parse(fs.readFileSync(path.join(app.outdir, "stacks", stack, "cdk.tf.json"), "utf8"));
        expect(json.data.terraform_remote_state["cross-stack-reference-input-network"]).toEqual({
          backend: "s3",
          config: {
            bucket: "acme-state",
            key: "net/network.tfstate",
            region: "eu-central-1",
            encrypt: true,
            dynamodb_table: "tf-locks",
          },
          workspace: "${terraform.workspace}",
        });
      }
    } finally {
      app.remove();
    }
  });
});
