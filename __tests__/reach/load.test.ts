import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { analyze, buildModel, loadTerraform, readDocuments } from "../../lib/reach";
import { type Tf, inputError, pair, patch, put, reach, ref, twoPeeredVpcs } from "./terraform";

const FIXTURES = path.join(__dirname, "..", "fixtures", "reach");

/** The instances stack of a two-stack cdktf app: its instance sits in a subnet of the network stack. */
function splitStacks(backend: boolean): { stack: string; json: unknown }[] {
  const network = twoPeeredVpcs();
  const instances = {
    provider: network.provider,
    resource: { aws_instance: network.resource.aws_instance, aws_security_group: network.resource.aws_security_group },
  } as Tf;
  delete network.resource.aws_instance;
  delete network.resource.aws_security_group;
  const output = (name: string, expression: string) => ({ [`cross-stack-output-${name}`]: { value: ref(expression) } });
  Object.assign(network, {
    terraform: backend ? { backend: { local: { path: "/state/terraform.network.tfstate" } } } : {},
    output: {
      ...output("subnet-a", "aws_subnet.a.id"),
      ...output("subnet-b", "aws_subnet.b.id"),
      ...output("vpc-a", "aws_vpc.a.id"),
      ...output("vpc-b", "aws_vpc.b.id"),
    },
  });
  const remote = (name: string) =>
    ref(`data.terraform_remote_state.cross-stack-reference-input-network.outputs.cross-stack-output-${name}`);
  Object.assign(instances, {
    data: {
      terraform_remote_state: {
        "cross-stack-reference-input-network": {
          backend: "local",
          config: { path: backend ? "/state/terraform.network.tfstate" : "elsewhere" },
        },
      },
    },
  });
  for (const name of ["a", "b"]) {
    patch(instances, "aws_instance", name, { subnet_id: remote(`subnet-${name}`) });
    patch(instances, "aws_security_group", name, { vpc_id: remote(`vpc-${name}`) });
  }
  return [
    { stack: "network", json: network },
    { stack: "instances", json: instances },
  ];
}

describe("reach reads Terraform JSON", () => {
  it("ignores attributes it does not need, whatever expressions they hold (AMI from SSM, AZ names)", () => {
    expect(pair(reach(twoPeeredVpcs()), "aws_instance.a", "aws_instance.b").reachable).toBe(true);
  });

  it("resolves cross-stack references by matching the remote state to the producer's backend", () => {
    const result = reach(splitStacks(true));
    expect(pair(result, "instances/aws_instance.a", "instances/aws_instance.b").reachable).toBe(true);
    expect(result.instances.map((i) => [i.address, i.vpc, i.subnet])).toEqual([
      ["instances/aws_instance.a", "network/aws_vpc.a", "network/aws_subnet.a"],
      ["instances/aws_instance.b", "network/aws_vpc.b", "network/aws_subnet.b"],
    ]);
  });

  it("falls back to the cross-stack-reference-input-<stack> naming when no backend matches", () => {
    expect(pair(reach(splitStacks(false)), "instances/aws_instance.a", "instances/aws_instance.b").reachable).toBe(
      true,
    );
  });

  it("says which remote state matches no loaded stack when the producer is missing", () => {
    expect(inputError(() => reach([splitStacks(true)[1]]))).toMatch(
      /^aws_security_group\.a: vpc_id = .* cannot be resolved: data\.terraform_remote_state\.cross-stack-reference-input-network .*matches no loaded stack/,
    );
  });

  it("accepts --from and --to without the stack prefix when unambiguous", () => {
    const model = buildModel(splitStacks(true).map((d) => ({ ...d, file: `${d.stack}.json` })));
    expect(analyze(model, { from: "aws_instance.a", to: "aws_instance.b" }).pairs.map((p) => [p.from, p.to])).toEqual([
      ["instances/aws_instance.a", "instances/aws_instance.b"],
    ]);
    expect(inputError(() => analyze(model, { from: "aws_instance.zz" }))).toMatch(
      /--from aws_instance\.zz is not an aws_instance .*instances\/aws_instance\.a/,
    );
  });

  it.each([
    [
      "an operator",
      { cidr_block: ref('var.x == "" ? "10.9.0.0/16" : var.x') },
      /^aws_vpc\.b: cidr_block = "\$\{var\.x == .*unsupported expression syntax/,
    ],
    [
      "a data source",
      { cidr_block: ref("data.aws_vpc.shared.cidr_block") },
      /^aws_vpc\.b: cidr_block = .*data\.aws_vpc\.shared is read by Terraform from AWS at plan time/,
    ],
    ["an unknown function", { cidr_block: ref('format("10.%d.0.0/16", 1)') }, /function format\(\) is not supported/],
    ["a variable without default", { cidr_block: ref("var.b_cidr") }, /variable "b_cidr" has no default value/],
  ])("stops with an input error naming resource, attribute and expression for %s", (_, change, message) => {
    expect(inputError(() => reach(patch(twoPeeredVpcs(), "aws_vpc", "b", change)))).toMatch(message);
  });

  it("evaluates variables with defaults, locals, cidrsubnet and provider regions from variables", () => {
    const tf = patch(twoPeeredVpcs(), "aws_vpc", "b", { cidr_block: ref("local.b") });
    Object.assign(tf, {
      locals: { b: ref("var.b") },
      variable: { b: { default: "10.1.0.0/16" }, region: { default: "eu-west-1" } },
    });
    tf.provider.aws = [{ region: ref("var.region") }];
    patch(tf, "aws_subnet", "b", { cidr_block: ref("cidrsubnet(aws_vpc.b.cidr_block, 8, 1)") });
    expect(pair(reach(tf), "aws_instance.a", "aws_instance.b").reachable).toBe(true);
  });

  it("refuses count and for_each, which it cannot expand", () => {
    expect(inputError(() => reach(patch(twoPeeredVpcs(), "aws_instance", "b", { count: 2 })))).toMatch(
      /^aws_instance\.b: uses "count"/,
    );
  });

  it("needs the VPC a subnet refers to", () => {
    expect(inputError(() => reach(patch(twoPeeredVpcs(), "aws_subnet", "b", { vpc_id: "vpc-0123" })))).toMatch(
      /^aws_subnet\.b: vpc_id = "vpc-0123" is not a reference to a vpc declared in the loaded configuration/,
    );
  });

  it("keeps a peer VPC of another account, given by its literal id, outside the analysis", () => {
    const tf = put(twoPeeredVpcs(), "aws_vpc_peering_connection", "ext", {
      vpc_id: ref("aws_vpc.a.id"),
      peer_vpc_id: "vpc-0abc",
      peer_owner_id: "123456789012",
    });
    expect(reach(tf).errors).toEqual([]);
  });
});

describe("reach finds the documents behind each path", () => {
  it("reads every stack of a cdktf.out directory through its manifest", () => {
    expect(readDocuments([path.join(FIXTURES, "two-stacks")]).map((d) => d.stack)).toEqual(["instances", "network"]);
  });

  it("reads a stack directory and a single cdk.tf.json as one stack each", () => {
    const docs = readDocuments([
      path.join(FIXTURES, "two-stacks", "stacks", "network"),
      path.join(FIXTURES, "two-stacks", "stacks", "instances", "cdk.tf.json"),
    ]);
    expect(docs.map((d) => d.stack)).toEqual(["network", "instances"]);
    expect(loadTerraform(docs.map((d) => d.file)).instances.size).toBe(2);
  });

  it("says that reach reads JSON when a directory holds only HCL", () => {
    expect(inputError(() => readDocuments([path.join(FIXTURES, "hcl")]))).toMatch(
      /has only HCL \(main\.tf\); reach reads Terraform JSON/,
    );
  });

  it("names the file that is missing or not JSON", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "reach-"));
    fs.writeFileSync(path.join(dir, "cdk.tf.json"), "{ not json");
    expect(inputError(() => readDocuments([path.join(dir, "missing.tf.json")]))).toMatch(
      /missing\.tf\.json: no such file or directory/,
    );
    expect(inputError(() => readDocuments([dir]))).toMatch(/cdk\.tf\.json: is not valid JSON/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
