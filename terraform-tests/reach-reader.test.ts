/**
 * reach reads dynamic blocks, override files and repeated JSON keys as Terraform does: one
 * directory holds a case of each, reach reads it, and `terraform test` plans it against a mocked
 * aws provider with assertions that Terraform's network ACL entries and security group rules are
 * the ones reach read. Offline: terraform and the provider mirror only.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadTerraform } from "../lib/reach";
import type { Model } from "../lib/reach/model";
import { initFrom, runTerraformSync, terraformTools } from "../test-support/terraform";

jest.setTimeout(300_000);

const ref = (expression: string): string => `\${${expression}}`;
const all = { protocol: "-1", from_port: 0, to_port: 0, cidr_block: "0.0.0.0/0" };
const entry = (rule_no: number, action: string) => ({ ...all, rule_no, action });

/** A VPC and its adopted default network ACL, whose ingress entries are `ingress`. */
function aclCase(
  name: string,
  octet: number,
  ingress: Record<string, unknown>,
): Record<string, Record<string, unknown>> {
  return {
    aws_vpc: { [name]: { cidr_block: `10.${octet}.0.0/16` } },
    aws_default_network_acl: {
      [name]: {
        default_network_acl_id: ref(`aws_vpc.${name}.default_network_acl_id`),
        egress: [entry(100, "allow")],
        ...ingress,
      },
    },
  };
}

const dynamicEntries = (forEach: unknown, content: Record<string, unknown>, iterator?: string) => ({
  dynamic: { ingress: { for_each: forEach, ...(iterator ? { iterator } : {}), content: { ...all, ...content } } },
});

/** The cases: resource bodies by type and name, merged into one configuration. */
const CASES = [
  aclCase(
    "list",
    1,
    dynamicEntries(
      [
        { n: 100, a: "deny" },
        { n: 200, a: "allow" },
      ],
      { rule_no: ref("e.value.n"), action: ref("e.value.a") },
      "e",
    ),
  ),
  aclCase(
    "map",
    2,
    dynamicEntries({ "110": "deny", "120": "allow" }, { rule_no: ref("ingress.key"), action: ref("ingress.value") }),
  ),
  aclCase("local", 3, dynamicEntries(ref("local.entries"), { rule_no: ref("ingress.value"), action: "deny" })),
  aclCase("overridden", 4, dynamicEntries([100], { rule_no: ref("ingress.value"), action: "deny" })),
  aclCase("overriding", 5, { ingress: [entry(100, "allow")] }),
  aclCase("kept", 6, { ingress: [entry(130, "deny")] }),
  {
    aws_security_group: {
      set: {
        vpc_id: ref("aws_vpc.list.id"),
        dynamic: {
          ingress: {
            for_each: ref('toset(["10.8.0.0/16", "10.9.0.0/16", "10.8.0.0/16"])'),
            content: { protocol: "icmp", from_port: -1, to_port: -1, cidr_blocks: [ref("ingress.key")] },
          },
        },
      },
    },
  },
];

const OVERRIDE = {
  resource: {
    aws_default_network_acl: {
      overridden: { ingress: [entry(140, "allow")] },
      overriding: dynamicEntries({ "150": "deny" }, { rule_no: ref("ingress.key"), action: ref("ingress.value") }),
      kept: { tags: { Name: "kept" } },
    },
  },
  locals: { entries: [160, 170] },
};

function configuration(): Record<string, unknown> {
  const resource: Record<string, Record<string, unknown>> = {};
  for (const types of CASES)
    for (const [type, byName] of Object.entries(types)) resource[type] = { ...resource[type], ...byName };
  return {
    terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "5.100.0" } } },
    provider: { aws: { region: "eu-west-1" } },
    locals: { entries: [1] },
    resource,
  };
}

/** The assertions of a terraform test run that the planned entries and rules are reach's. */
function assertions(model: Model): string {
  const checks: [string, string[]][] = [];
  for (const name of ["list", "map", "local", "overridden", "overriding", "kept"]) {
    const acl = model.networkAcls.get(`aws_vpc.${name}.default_network_acl`);
    const read = (acl?.rules ?? []).filter((r) => !r.egress).map((r) => `${r.ruleNo}:${r.allow ? "allow" : "deny"}`);
    checks.push([`[for r in aws_default_network_acl.${name}.ingress : "\${r.rule_no}:\${r.action}"]`, read]);
  }
  const group = model.securityGroups.get("aws_security_group.set");
  const rules = (group?.rules ?? []).filter((r) => !r.egress).map((r) => r.cidrs.map((c) => c.text).join(","));
  checks.push(['[for r in aws_security_group.set.ingress : join(",", r.cidr_blocks)]', rules]);
  return checks
    .map(([expression, expected]) =>
      [
        "  assert {",
        `    condition     = jsonencode(sort(${expression})) == jsonencode(sort(${JSON.stringify(expected)}))`,
        `    error_message = "Terraform plans \${jsonencode(sort(${expression}))}, reach read ${JSON.stringify(expected).replace(/"/g, '\\"')}"`,
        "  }",
      ].join("\n"),
    )
    .join("\n");
}

it("reads the dynamic blocks, override files and repeated keys of a directory as terraform plans them", async () => {
  const { mirror } = terraformTools();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "reach-reader-"));
  try {
    const main = JSON.stringify(configuration(), null, 2);
    // A repeated key: the second "aws_vpc" object inside "resource" is read as well, by Terraform and reach.
    const repeated = main.replace(
      '"resource": {',
      '"resource": {\n"aws_vpc": {"extra": {"cidr_block": "10.7.0.0/16"}},',
    );
    fs.writeFileSync(path.join(dir, "main.tf.json"), repeated);
    fs.writeFileSync(path.join(dir, "acl_override.tf.json"), JSON.stringify(OVERRIDE));
    const model = loadTerraform([dir]);
    expect(model.vpcs.has("aws_vpc.extra")).toBe(true);
    fs.mkdirSync(path.join(dir, "tests"));
    const run = ['mock_provider "aws" {}', 'run "plan" {', "  command = plan", assertions(model), "}", ""].join("\n");
    fs.writeFileSync(path.join(dir, "tests", "reader.tftest.hcl"), run);
    const init = await initFrom(dir, mirror);
    expect(init.output).toContain("Terraform has been successfully initialized");
    expect(runTerraformSync(["test"], dir).output).toContain("1 passed, 0 failed");
    expect(run.match(/assert \{/g)).toHaveLength(7);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
