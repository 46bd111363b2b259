import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { analyze, loadTerraform, readDocuments } from "../../lib/reach";
import { type Tf, inputError, pair, put, ref, twoPeeredVpcs } from "./terraform";

const TWO_STACKS = path.join(__dirname, "..", "fixtures", "reach", "two-stacks");

let tmp: string;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "reach-override-"));
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Writes each file as JSON into the temp directory. */
function write(files: Readonly<Record<string, unknown>>): void {
  for (const [name, json] of Object.entries(files))
    fs.writeFileSync(path.join(tmp, name), typeof json === "string" ? json : JSON.stringify(json));
}

function verdict(from: string = tmp): boolean | string {
  return pair(analyze(loadTerraform([from])), "aws_instance.a", "aws_instance.b").reachable;
}

const everything = { protocol: "-1", from_port: 0, to_port: 0, cidr_block: "0.0.0.0/0" };

/** twoPeeredVpcs with b's default network ACL adopted, its ingress entries `ingress` (one allows everything). */
function withDefaultAcl(ingress: Record<string, unknown>): Tf {
  return put(twoPeeredVpcs(), "aws_default_network_acl", "b", {
    default_network_acl_id: ref("aws_vpc.b.default_network_acl_id"),
    egress: [{ ...everything, rule_no: 100, action: "allow" }],
    ...ingress,
  });
}

const allowAll = { ingress: [{ ...everything, rule_no: 100, action: "allow" }] };
const denyAll = { ingress: [{ ...everything, rule_no: 100, action: "deny" }] };

describe("reach applies override files beside the stack as Terraform does", () => {
  it("replaces a nested block type wholesale: an override's deny-all ingress replaces the allowing one", () => {
    write({ "main.tf.json": withDefaultAcl(allowAll) });
    expect(verdict()).toBe(true);
    write({ "acl_override.tf.json": { resource: { aws_default_network_acl: { b: denyAll } } } });
    expect(verdict()).toBe(false);
  });

  it("replaces only the arguments an override sets, keeping the rest of the block", () => {
    write({
      "main.tf.json": twoPeeredVpcs(),
      "override.tf.json": { resource: { aws_security_group: { b: { tags: { Name: "b" } } } } },
    });
    expect(verdict()).toBe(true);
    write({ "override.tf.json": { resource: { aws_security_group: { b: { ingress: [] } } } } });
    expect(verdict()).toBe(false);
  });

  it("replaces dynamic blocks of a type by the override's blocks of that type, and the other way round", () => {
    const dynamicDeny = {
      dynamic: {
        ingress: { for_each: [100], content: { ...everything, rule_no: ref("ingress.value"), action: "deny" } },
      },
    };
    write({
      "main.tf.json": withDefaultAcl(dynamicDeny),
      "override.tf.json": { resource: { aws_default_network_acl: { b: allowAll } } },
    });
    expect(verdict()).toBe(true);
    write({
      "main.tf.json": withDefaultAcl(allowAll),
      "override.tf.json": { resource: { aws_default_network_acl: { b: dynamicDeny } } },
    });
    expect(verdict()).toBe(false);
  });

  it("overrides locals value by value, and applies several override files in the order of their names", () => {
    const tf = put(twoPeeredVpcs(), "aws_vpc", "b", { cidr_block: ref("local.b") });
    tf.locals = { b: "10.1.0.0/16", unused: 1 };
    write({
      "main.tf.json": tf,
      "a_override.tf.json": { locals: { b: "10.9.0.0/16" } },
      "b_override.tf.json": { locals: { b: "10.2.0.0/16" } },
    });
    const [doc] = readDocuments([tmp]);
    expect((doc.json as Tf).locals).toEqual({ b: "10.2.0.0/16", unused: 1 });
  });

  it("overrides a provider configuration by alias, argument by argument", () => {
    const tf = twoPeeredVpcs();
    tf.provider.aws.push({ alias: "west", region: "us-west-2", profile: "p" });
    write({ "main.tf.json": tf, "override.tf.json": { provider: { aws: { alias: "west", region: "eu-west-2" } } } });
    const [doc] = readDocuments([tmp]);
    expect((doc.json as Tf).provider.aws).toEqual([
      { region: "eu-west-1" },
      { alias: "west", region: "eu-west-2", profile: "p" },
    ]);
  });

  it("applies the override files beside a stack file given by path and beside each stack of a cdktf.out", () => {
    write({
      "main.tf.json": withDefaultAcl(allowAll),
      "override.tf.json": { resource: { aws_default_network_acl: { b: denyAll } } },
    });
    expect(verdict(path.join(tmp, "main.tf.json"))).toBe(false);
    const out = path.join(tmp, "cdktf.out");
    fs.cpSync(TWO_STACKS, out, { recursive: true });
    const override = { resource: { aws_vpc: { b: { tags: { Name: "overridden" } } } } };
    fs.writeFileSync(path.join(out, "stacks", "network", "tags_override.tf.json"), JSON.stringify(override));
    const network = readDocuments([out]).find((doc) => doc.stack === "network");
    expect((network?.json as Tf).resource.aws_vpc.b.tags).toEqual({ Name: "overridden" });
  });
});

describe("reach refuses an override file Terraform refuses, or one it cannot read, saying so", () => {
  it.each([
    [
      "a resource no other file declares",
      { resource: { aws_vpc: { c: { cidr_block: "10.2.0.0/16" } } } },
      /override\.tf\.json: overrides resource "aws_vpc" "c", which no other file of the directory declares; Terraform refuses this/,
    ],
    ["a local no other file declares", { locals: { c: 1 } }, /overrides local value "c", which no other file/],
    [
      "a variable no other file declares",
      { variable: { v: { default: 1 } } },
      /overrides variable "v", which no other file/,
    ],
    [
      "a provider alias no other file declares",
      { provider: { aws: { alias: "east" } } },
      /overrides provider "aws" with alias "east"/,
    ],
    [
      "a moved block",
      { moved: { from: "aws_vpc.a", to: "aws_vpc.z" } },
      /override\.tf\.json: has a "moved" section; Terraform does not override moved blocks/,
    ],
  ])("refuses an override of %s", (_, override, message) => {
    write({ "main.tf.json": twoPeeredVpcs(), "override.tf.json": override });
    expect(inputError(() => readDocuments([tmp]))).toMatch(message);
  });

  it("refuses an HCL override file beside the stack", () => {
    write({ "main.tf.json": twoPeeredVpcs(), "extra_override.tf": 'resource "aws_vpc" "a" {}' });
    expect(inputError(() => readDocuments([path.join(tmp, "main.tf.json")]))).toMatch(
      /extra_override\.tf: is an HCL override file, which Terraform applies to main\.tf\.json; reach reads Terraform JSON only/,
    );
  });

  it("refuses an override file given as the stack, and a directory of override files only", () => {
    write({ "override.tf.json": { resource: {} } });
    expect(inputError(() => readDocuments([path.join(tmp, "override.tf.json")]))).toMatch(
      /override\.tf\.json: is an override file, which Terraform applies to the other files of its directory/,
    );
    expect(inputError(() => readDocuments([tmp]))).toMatch(/: has only override files \(override\.tf\.json\)/);
  });
});

describe("reach reads every file of a stack directory that Terraform reads", () => {
  it("merges the other *.tf.json files beside a cdktf.out stack's cdk.tf.json", () => {
    const out = path.join(tmp, "cdktf.out");
    fs.cpSync(TWO_STACKS, out, { recursive: true });
    const extra = { resource: { aws_vpc: { extra: { cidr_block: "10.9.0.0/16" } } } };
    fs.writeFileSync(path.join(out, "stacks", "network", "extra.tf.json"), JSON.stringify(extra));
    const network = readDocuments([out]).find((doc) => doc.stack === "network");
    expect(Object.keys((network?.json as Tf).resource.aws_vpc)).toContain("extra");
  });

  it("refuses HCL beside the Terraform JSON of a directory, which Terraform would read too", () => {
    write({ "main.tf.json": twoPeeredVpcs(), "extra.tf": 'resource "aws_vpc" "c" {}' });
    expect(inputError(() => readDocuments([tmp]))).toMatch(
      /: holds HCL \(extra\.tf\) beside its Terraform JSON; Terraform reads both, reach reads Terraform JSON only/,
    );
  });
});
