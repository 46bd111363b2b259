import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { analyze, loadTerraform, readDocuments } from "../../lib/reach";
import { type Tf, inputError, pair, put, ref, twoPeeredVpcs } from "./terraform";

let tmp: string;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "reach-json-"));
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Writes `text` as <name> in the temp directory and returns its path. */
function write(name: string, text: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
}

/** twoPeeredVpcs as JSON text, with `text` inserted as the first member of the object under `"resource": {`. */
function withFirstResourceKey(tf: Tf, text: string): string {
  const json = JSON.stringify(tf);
  expect(json).toContain('"resource":{');
  return json.replace('"resource":{', `"resource":{${text},`);
}

const everything = { protocol: "-1", from_port: 0, to_port: 0, cidr_block: "0.0.0.0/0" };
const denyAll = { ...everything, rule_no: 100, action: "deny" };

/** A network ACL on subnet b that denies everything (inline rules, as aws_network_acl takes them). */
const denyingAcl = {
  vpc_id: ref("aws_vpc.b.id"),
  subnet_ids: [ref("aws_subnet.b.id")],
  ingress: [{ ...denyAll, icmp_code: null, icmp_type: null, ipv6_cidr_block: null }],
  egress: [],
};

function verdict(file: string): unknown {
  return pair(analyze(loadTerraform([file])), "aws_instance.a", "aws_instance.b").reachable;
}

describe("reach reads every copy of a repeated JSON key that Terraform reads as several blocks", () => {
  it('sees a deny-all network ACL in the first of two "aws_network_acl" keys inside "resource"', () => {
    const tf = put(twoPeeredVpcs(), "aws_network_acl", "unused", { vpc_id: ref("aws_vpc.a.id") });
    const file = write(
      "main.tf.json",
      withFirstResourceKey(tf, `"aws_network_acl":{"deny":${JSON.stringify(denyingAcl)}}`),
    );
    expect(verdict(file)).toBe(false);
    expect(Object.keys(analyze(loadTerraform([file])).instances)).toHaveLength(2);
  });

  it('sees resources in both of two "resource" sections', () => {
    const tf = twoPeeredVpcs();
    const extra = JSON.stringify({ aws_network_acl: { deny: denyingAcl } });
    const file = write("main.tf.json", JSON.stringify(tf).replace(/}$/, `,"resource":${extra}}`));
    expect(verdict(file)).toBe(false);
  });

  it("reads both of two ingress blocks of an aws_default_network_acl (a nested block type)", () => {
    const allow = (ruleNo: number) => JSON.stringify({ ...everything, rule_no: ruleNo, action: "allow" });
    const acl =
      `{"default_network_acl_id":"\${aws_vpc.b.default_network_acl_id}",` +
      `"ingress":${JSON.stringify(denyAll)},"ingress":${allow(200)},"egress":${allow(100)}}`;
    const json = withFirstResourceKey(twoPeeredVpcs(), `"aws_default_network_acl":{"b":${acl}}`);
    const model = loadTerraform([write("main.tf.json", json)]);
    expect(model.networkAcls.get("aws_vpc.b.default_network_acl")?.rules.map((r) => [r.ruleNo, r.allow])).toEqual([
      [100, false],
      [200, true],
      [100, true],
    ]);
    expect(pair(analyze(model), "aws_instance.a", "aws_instance.b").reachable).toBe(false);
  });

  it('reads locals from both of two "locals" sections and both of two "aws" providers', () => {
    const tf = put(twoPeeredVpcs(), "aws_vpc", "b", { cidr_block: ref("local.b"), provider: "aws.other" });
    const json = JSON.stringify({ ...tf, provider: undefined }).replace(
      /}$/,
      ',"locals":{"b":"${local.c}"},"locals":{"c":"10.1.0.0/16"},' +
        '"provider":{"aws":{"region":"eu-west-1"},"aws":{"alias":"other","region":"eu-west-1"}}}',
    );
    const model = loadTerraform([write("main.tf.json", json)]);
    expect(model.vpcs.get("aws_vpc.b")?.ipv4[0].cidr.text).toBe("10.1.0.0/16");
  });
});

describe("reach refuses a repeated key where Terraform refuses it", () => {
  const vpc = JSON.stringify({ cidr_block: "10.0.0.0/16" });
  it.each([
    [
      "a resource declared twice in one file",
      `{"resource":{"aws_vpc":{"a":${vpc}},"aws_vpc":{"a":${vpc}}}}`,
      /main\.tf\.json: resource "aws_vpc" "a" is declared twice \(again at line 1, column 59\); Terraform refuses a duplicate resource/,
    ],
    [
      "a resource name repeated in one object",
      `{"resource":{"aws_vpc":{"a":${vpc},"a":${vpc}}}}`,
      /resource "aws_vpc" "a" is declared twice \(again at line 1, column \d+\)/,
    ],
    [
      "a local defined twice",
      `{"locals":{"a":1},"locals":{"a":2}}`,
      /main\.tf\.json: local value "a" is defined twice \(again at line 1, column 19\); Terraform refuses this/,
    ],
    [
      "an argument set twice",
      `{"resource":{"aws_vpc":{"a":{"cidr_block":"10.0.0.0/16","cidr_block":"10.1.0.0/16"}}}}`,
      /resource\.aws_vpc\.a\.cidr_block \(at line 1, column 57\) is set twice; Terraform refuses a duplicate argument/,
    ],
    [
      "an inline rule attribute set twice (aws_network_acl takes ingress as an argument)",
      `{"resource":{"aws_network_acl":{"a":{"ingress":[],"ingress":[]}}}}`,
      /resource\.aws_network_acl\.a\.ingress .* is set twice; Terraform refuses a duplicate argument/,
    ],
    [
      "a tag key given twice",
      `{"resource":{"aws_vpc":{"a":{"cidr_block":"10.0.0.0/16","tags":{"Name":"x","Name":"y"}}}}}`,
      /resource\.aws_vpc\.a\.tags \(key "Name"\) \(at line 1, column \d+\) has the same key twice; Terraform refuses it/,
    ],
  ])("refuses %s", (_, text, message) => {
    expect(inputError(() => readDocuments([write("main.tf.json", text)]))).toMatch(message);
  });

  it.each([
    [
      "a resource",
      { resource: { aws_vpc: { a: { cidr_block: "10.0.0.0/16" } } } },
      /resource "aws_vpc" "a" is declared twice \(again at b\.tf\.json\)/,
    ],
    ["a local", { locals: { a: 1 } }, /local value "a" is defined twice \(again at b\.tf\.json\)/],
    ["an output", { output: { o: { value: 1 } } }, /output "o" is declared twice \(again at b\.tf\.json\)/],
  ])("refuses %s declared in two files of one directory", (_, json, message) => {
    write("a.tf.json", JSON.stringify(json));
    write("b.tf.json", JSON.stringify(json));
    expect(inputError(() => readDocuments([tmp]))).toMatch(message);
  });
});

describe("the tools that read Terraform JSON besides reach read it through the same reader", () => {
  it("hands diagram and cost the merged resources (readDocuments is their only reader)", () => {
    const tf = put(twoPeeredVpcs(), "aws_network_acl", "unused", { vpc_id: ref("aws_vpc.a.id") });
    const file = write(
      "main.tf.json",
      withFirstResourceKey(tf, `"aws_network_acl":{"deny":${JSON.stringify(denyingAcl)}}`),
    );
    const [doc] = readDocuments([file]);
    expect(Object.keys((doc.json as Tf).resource.aws_network_acl)).toEqual(["deny", "unused"]);
  });
});
