import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { analyze, loadTerraform } from "../../lib/reach";
import { type Tf, inputError, pair, patch, put, reach, ref, twoPeeredVpcs } from "./terraform";

const everything = { protocol: "-1", from_port: 0, to_port: 0, cidr_block: "0.0.0.0/0" };

function verdict(tf: Tf): boolean | string {
  return pair(reach(tf), "aws_instance.a", "aws_instance.b").reachable;
}

/** twoPeeredVpcs with b's default network ACL adopted: egress allows all, ingress comes from `ingress`. */
function defaultAcl(body: Record<string, unknown>): Tf {
  return put(twoPeeredVpcs(), "aws_default_network_acl", "b", {
    default_network_acl_id: ref("aws_vpc.b.default_network_acl_id"),
    egress: [{ ...everything, rule_no: 100, action: "allow" }],
    ...body,
  });
}

/** A dynamic ingress block of b's default network ACL over `forEach`, its entries' rule number and action from it. */
function aclEntries(forEach: unknown, iterator?: string): Tf {
  const it = iterator ?? "ingress";
  return defaultAcl({
    dynamic: {
      ingress: {
        for_each: forEach,
        ...(iterator ? { iterator } : {}),
        content: { ...everything, rule_no: ref(`${it}.value.rule`), action: ref(`${it}.value.action`) },
      },
    },
  });
}

describe("reach expands dynamic blocks over a for_each known before apply", () => {
  it("sees a deny entry that a dynamic ingress block puts on a default network ACL", () => {
    expect(
      verdict(
        aclEntries([
          { rule: 100, action: "deny" },
          { rule: 200, action: "allow" },
        ]),
      ),
    ).toBe(false);
    expect(verdict(aclEntries([{ rule: 100, action: "allow" }]))).toBe(true);
  });

  it("reads the iterator under the name `iterator` gives it", () => {
    expect(verdict(aclEntries([{ rule: 100, action: "deny" }], "entry"))).toBe(false);
  });

  it("takes an empty labels list, which blocks without labels allow", () => {
    const tf = aclEntries([{ rule: 100, action: "deny" }]);
    const acl = tf.resource.aws_default_network_acl.b as { dynamic: { ingress: Record<string, unknown> } };
    acl.dynamic.ingress.labels = [];
    expect(verdict(tf)).toBe(false);
  });

  it("expands over a local and over a variable's default", () => {
    const local = aclEntries(ref("local.entries"));
    local.locals = { entries: [{ rule: 100, action: "deny" }] };
    expect(verdict(local)).toBe(false);
    const variable = aclEntries(ref("var.entries"));
    variable.variable = { entries: { default: [{ rule: 100, action: "deny" }] } };
    expect(verdict(variable)).toBe(false);
  });

  it("reads a map's keys as the iterator's key", () => {
    const tf = defaultAcl({
      dynamic: {
        ingress: {
          for_each: { "100": "deny", "200": "allow" },
          content: { ...everything, rule_no: ref("ingress.key"), action: ref("ingress.value") },
        },
      },
    });
    expect(verdict(tf)).toBe(false);
  });

  it("adds the routes of a dynamic route block of a route table to those written out", () => {
    const tf = patch(twoPeeredVpcs(), "aws_route_table", "a", {
      route: [],
      dynamic: {
        route: {
          for_each: { b: "10.1.0.0/16" },
          iterator: "peer",
          content: {
            cidr_block: ref("peer.value"),
            vpc_peering_connection_id: ref("aws_vpc_peering_connection.ab.id"),
          },
        },
      },
    });
    expect(verdict(tf)).toBe(true);
    patch(tf, "aws_route_table", "a", { dynamic: { route: { for_each: {}, content: {} } } });
    expect(verdict(tf)).toBe(false);
  });

  it("reads a set's elements as their own keys (toset), in a security group's dynamic ingress", () => {
    const icmpFrom = (forEach: unknown) =>
      patch(twoPeeredVpcs(), "aws_security_group", "b", {
        ingress: [],
        dynamic: {
          ingress: {
            for_each: forEach,
            content: { protocol: "icmp", from_port: -1, to_port: -1, cidr_blocks: [ref("ingress.key")] },
          },
        },
      });
    expect(verdict(icmpFrom(ref('toset(["10.0.0.0/16", "10.0.0.0/16"])')))).toBe(true);
    expect(verdict(icmpFrom(ref('toset(["192.168.0.0/16"])')))).toBe(false);
    expect(verdict(icmpFrom([]))).toBe(false);
  });

  it('reads every copy of a repeated "dynamic" key in the file, as Terraform does', () => {
    const tf = aclEntries([{ rule: 200, action: "allow" }]);
    const deny = JSON.stringify({
      ingress: { for_each: [100], content: { ...everything, rule_no: ref("ingress.value"), action: "deny" } },
    });
    const text = JSON.stringify(tf).replace('"dynamic":{', `"dynamic":${deny},"dynamic":{`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "reach-dynamic-"));
    try {
      fs.writeFileSync(path.join(dir, "main.tf.json"), text);
      const model = loadTerraform([dir]);
      const acl = model.networkAcls.get("aws_vpc.b.default_network_acl");
      expect(acl?.rules.filter((r) => !r.egress).map((r) => [r.ruleNo, r.allow])).toEqual([
        [100, false],
        [200, true],
      ]);
      expect(pair(analyze(model), "aws_instance.a", "aws_instance.b").reachable).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names the element of a dynamic block whose content has a bad value", () => {
    expect(
      inputError(() =>
        reach(
          aclEntries([
            { rule: 100, action: "deny" },
            { rule: 0, action: "deny" },
          ]),
        ),
      ),
    ).toMatch(
      /^aws_default_network_acl\.b: dynamic "ingress"\[1\]\.rule_no = "\$\{ingress\.value\.rule\}" is not a whole number/,
    );
  });
});

describe("reach refuses a dynamic block it cannot expand, naming the resource and the block", () => {
  const content = { ...everything, rule_no: 100, action: "deny" };
  const acl = (spec: unknown) => defaultAcl({ dynamic: { ingress: spec } });
  it.each([
    [
      "a for_each known only after apply",
      acl({ for_each: ref("data.aws_ec2_managed_prefix_list.x.entries"), content }),
      /^aws_default_network_acl\.b: dynamic "ingress": for_each = .* cannot be expanded: data\.aws_ec2_managed_prefix_list\.x is read by Terraform from AWS at plan time; reach expands dynamic blocks only over a list, set or map known before apply/,
    ],
    [
      "a for_each that is a resource's id",
      acl({ for_each: ref("aws_vpc.a.id"), content }),
      /^aws_default_network_acl\.b: dynamic "ingress": for_each = "\$\{aws_vpc\.a\.id\}" is not a list, set or map/,
    ],
    [
      "a for_each that is a string",
      acl({ for_each: "x", content }),
      /dynamic "ingress": for_each = "x" is not a list, set or map/,
    ],
    [
      "a null for_each",
      acl({ for_each: null, content }),
      /dynamic "ingress": for_each = null is null, which Terraform refuses/,
    ],
    ["no for_each", acl({ content }), /^aws_default_network_acl\.b: dynamic "ingress" has no for_each/],
    ["no content", acl({ for_each: [1] }), /^aws_default_network_acl\.b: dynamic "ingress" needs content/],
    [
      "an unknown argument",
      acl({ for_each: [1], content, bogus: 1 }),
      /dynamic "ingress" has "bogus"; a dynamic block takes/,
    ],
    [
      "labels",
      acl({ for_each: [1], content, labels: ["x"] }),
      /dynamic "ingress" has labels, but ingress blocks take no labels/,
    ],
    [
      "an iterator that is no name",
      acl({ for_each: [1], content, iterator: "a.b" }),
      /iterator = "a\.b" must name a variable/,
    ],
    [
      "each.value in its content (each is a resource's for_each, which Terraform refuses here)",
      acl({ for_each: [1], content: { ...content, rule_no: ref("each.value") } }),
      /^aws_default_network_acl\.b: dynamic "ingress"\[0\]\.rule_no = "\$\{each\.value\}" cannot be resolved: "each\." references are not supported/,
    ],
    [
      "an iterator attribute other than key and value",
      acl({ for_each: [1], content: { ...content, rule_no: ref("ingress.index") } }),
      /dynamic "ingress"\[0\]\.rule_no = .* cannot be resolved: ingress\.index: a dynamic block's iterator has only key and value/,
    ],
    [
      "a label that is no block type of the resource",
      defaultAcl({ dynamic: { entry: { for_each: [1], content } } }),
      /^aws_default_network_acl\.b: dynamic "entry": aws_default_network_acl has no nested block type "entry" here; Terraform refuses this/,
    ],
    [
      "a dynamic block nested in one (network ACL entries hold no blocks)",
      acl({ for_each: [1], content: { ...content, dynamic: { ingress: { for_each: [1], content } } } }),
      /^aws_default_network_acl\.b: dynamic "ingress": aws_default_network_acl has no nested block type "ingress" here/,
    ],
  ])("refuses %s", (_, tf, message) => {
    expect(inputError(() => reach(tf))).toMatch(message);
  });
});
