import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PingInputError } from "../../lib/ping/errors";
import { parseOutputsFile, parseTerraformOutput, providerRegion, readOutputsFile } from "../../lib/ping/outputs";

const a = { id: "i-0aaaaaaaaaaaaaaa1", private_ip: "10.0.0.40", address: "aws_instance.a_instance_AAAA1111" };
const b = { id: "i-0bbbbbbbbbbbbbbb2", private_ip: "10.0.1.40", address: "aws_instance.b_instance_BBBB2222" };
const parsedA = { name: "a", id: a.id, privateIp: a.private_ip, address: a.address };
const parsedB = { name: "b", id: b.id, privateIp: b.private_ip, address: b.address };

describe("parseOutputsFile (cdktf deploy --outputs-file)", () => {
  it.each([
    ["the output named instances", { instances: { instances: { b, a } } }],
    ["an output whose name ends in instances", { instances: { peeringInstances: { a, b } } }],
    ["an output encoded as a JSON string", { instances: { instances: JSON.stringify({ a, b }) } }],
    [
      "camel-cased fields",
      { instances: { instances: { a: { ...a, private_ip: undefined, privateIp: a.private_ip }, b } } },
    ],
  ])("reads %s, sorted by VPC name", (_, json) => {
    expect(parseOutputsFile(json, "out.json")).toEqual([parsedA, parsedB]);
  });

  it("reads the region and role of instances outside the default region and account", () => {
    const role = "arn:aws:iam::222222222222:role/peering";
    const json = { instances: { instances: { a, b: { ...b, region: "us-east-1", role_arn: role } } } };
    expect(parseOutputsFile(json, "out.json")).toEqual([parsedA, { ...parsedB, region: "us-east-1", roleArn: role }]);
  });

  it.each([
    ["not an object", [], /expected a JSON object keyed by stack name/],
    ["no instances stack", { network: {} }, /no stack "instances" \(stacks: network\)/],
    ["no instances output", { instances: { other: 1 } }, /no output "instances" \(outputs: other\)/],
    [
      "two candidate outputs",
      { instances: { aInstances: {}, bInstances: {} } },
      /several outputs could be it: aInstances, bInstances/,
    ],
    ["an empty instance list", { instances: { instances: {} } }, /expected an object of instances keyed by VPC name/],
    [
      "a bad instance id",
      { instances: { instances: { a: { ...a, id: "vol-1" } } } },
      /VPC "a": id: an EC2 instance id/,
    ],
    [
      "an IP that is not IPv4",
      { instances: { instances: { a: { ...a, private_ip: "10.0.0.1; reboot" } } } },
      /VPC "a": private_ip/,
    ],
    ["a missing IP", { instances: { instances: { a: { id: a.id, address: a.address } } } }, /private_ip is missing/],
    [
      "two VPCs sharing an IP",
      { instances: { instances: { a, b: { ...b, private_ip: a.private_ip } } } },
      /"a" and "b" share privateIp 10.0.0.40/,
    ],
    [
      "a region that is no region",
      { instances: { instances: { a: { ...a, region: "Europe" } } } },
      /VPC "a": region: an AWS region such as eu-west-1/,
    ],
    [
      "a role_arn that is no role",
      { instances: { instances: { a: { ...a, role_arn: "arn:aws:iam::1:user/x" } } } },
      /VPC "a": role_arn: an IAM role ARN/,
    ],
    ["a null instance", { instances: { instances: { a: null, b } } }, /VPC "a": value: .* in null/],
    [
      "outputs nested 10,000 levels deep",
      { instances: { instances: JSON.parse(`${"[".repeat(10_000)}${"]".repeat(10_000)}`) } },
      /nested too deeply at instances\.instances\[0\]\[0\]/,
    ],
  ])("rejects %s, naming the file and the fix", (_, json, message) => {
    const attempt = (): unknown => parseOutputsFile(json, "out.json");
    expect(attempt).toThrow(PingInputError);
    expect(attempt).toThrow(message);
    expect(attempt).toThrow(/^outputs file out\.json.*; fix: \S+/s);
  });
});

describe("parseTerraformOutput (terraform output -json)", () => {
  it("reads the value of the instances output, as terraform 1.11 prints it", () => {
    const fields = ["object", { address: "string", id: "string", private_ip: "string" }];
    const json = { instances: { sensitive: false, type: ["object", { a: fields, b: fields }], value: { a, b } } };
    expect(parseTerraformOutput(json, "terraform output")).toEqual([parsedA, parsedB]);
  });

  it.each([
    ["no outputs at all (nothing deployed)", {}, /no output "instances" \(outputs: none\)/],
    ["an output without a value", { instances: { type: "string" } }, /expected \{ value, type, sensitive \}/],
  ])("rejects %s", (_, json, message) => {
    expect(() => parseTerraformOutput(json, "terraform output")).toThrow(message);
  });
});

describe("readOutputsFile", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ping-outputs-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reads a file cdktf wrote", () => {
    const file = path.join(dir, "ok.json");
    fs.writeFileSync(file, JSON.stringify({ instances: { instances: { a, b } } }));
    expect(readOutputsFile(file)).toEqual([parsedA, parsedB]);
  });

  it.each([
    ["a missing file", "missing.json", null, /missing\.json: cannot be read/],
    ["malformed JSON", "bad.json", "{ not json", /bad\.json: not valid JSON/],
  ])("rejects %s as unusable input", (_, name, content, message) => {
    const file = path.join(dir, name);
    if (content !== null) fs.writeFileSync(file, content);
    expect(() => readOutputsFile(file)).toThrow(PingInputError);
    expect(() => readOutputsFile(file)).toThrow(message);
  });
});

describe("providerRegion", () => {
  it.each([
    ["a provider list", { provider: { aws: [{ region: "eu-west-1" }] } }, "eu-west-1"],
    ["a single provider object", { provider: { aws: { region: "us-east-2" } } }, "us-east-2"],
    [
      "the default provider beside an alias",
      { provider: { aws: [{ alias: "west", region: "us-west-2" }, { region: "eu-north-1" }] } },
      "eu-north-1",
    ],
    ["a region from a variable", { provider: { aws: [{ region: "${var.region}" }] } }, undefined],
    ["no provider", {}, undefined],
  ])("reads the region of %s", (_, json, region) => {
    expect(providerRegion(json)).toBe(region);
  });
});
