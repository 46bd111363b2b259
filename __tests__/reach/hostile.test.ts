import { analyze, buildModel } from "../../lib/reach";
import { type Tf, drop, inputError, pair, patch, put, reach, ref, twoPeeredVpcs } from "./terraform";

const A = "aws_instance.a";
const B = "aws_instance.b";

/** twoPeeredVpcs with one change made to a deep copy, so that nested edits never leak into other tests. */
function edited(change: (tf: Tf & Record<string, unknown>) => void): Tf {
  const tf = structuredClone(twoPeeredVpcs()) as Tf & Record<string, unknown>;
  change(tf);
  return tf;
}

/** VPC b's subnet uses the VPC's main table (its own table and association are gone). */
function bOnMainTable(): Tf {
  return drop(drop(twoPeeredVpcs(), "aws_route_table_association", "b"), "aws_route_table", "b");
}

/** Nested `depth` levels deep in arrays around `inner`. */
function nestedArrays(depth: number, inner: unknown): unknown {
  let value = inner;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

describe("reach follows the resources whose id stands for another one", () => {
  it("routes through aws_default_route_table.<name>.id into the VPC's main table (the idiom that crashed it)", () => {
    const tf = put(bOnMainTable(), "aws_default_route_table", "main", {
      default_route_table_id: ref("aws_vpc.b.default_route_table_id"),
    });
    expect(pair(reach(tf), A, B)).toMatchObject({
      reachable: false,
      reason: expect.stringMatching(/^reply: aws_default_route_table\.main: no route matches 10\.0\.1\.10/),
    });
    put(tf, "aws_route", "to_a", {
      route_table_id: ref("aws_default_route_table.main.id"),
      destination_cidr_block: "10.0.0.0/16",
      vpc_peering_connection_id: ref("aws_vpc_peering_connection.ab.id"),
    });
    expect(pair(reach(tf), A, B).reachable).toBe(true);
  });

  it("adds an aws_network_acl_rule on aws_default_network_acl.<name>.id to the VPC's default ACL", () => {
    const tf = put(twoPeeredVpcs(), "aws_default_network_acl", "b", {
      default_network_acl_id: ref("aws_vpc.b.default_network_acl_id"),
      ingress: [{ rule_no: 100, action: "allow", protocol: "-1", cidr_block: "0.0.0.0/0", from_port: 0, to_port: 0 }],
      egress: [{ rule_no: 100, action: "allow", protocol: "-1", cidr_block: "0.0.0.0/0", from_port: 0, to_port: 0 }],
    });
    expect(pair(reach(tf), A, B).reachable).toBe(true);
    put(tf, "aws_network_acl_rule", "deny_a", {
      network_acl_id: ref("aws_default_network_acl.b.id"),
      rule_number: 50,
      egress: false,
      protocol: "-1",
      rule_action: "deny",
      cidr_block: "10.0.0.0/16",
    });
    expect(pair(reach(tf), A, B).reason).toMatch(
      /^aws_default_network_acl\.b \(inbound\): .*rule 50 \(aws_network_acl_rule\.deny_a\)/,
    );
  });

  it("adds an aws_security_group_rule on aws_default_security_group.<name>.id to the VPC's default group", () => {
    const tf = put(
      patch(twoPeeredVpcs(), "aws_instance", "b", { vpc_security_group_ids: null }),
      "aws_default_security_group",
      "b",
      {
        vpc_id: ref("aws_vpc.b.id"),
      },
    );
    expect(pair(reach(tf), A, B).reason).toMatch(/^aws_default_security_group\.b \(ingress\): no ingress rule/);
    put(tf, "aws_security_group_rule", "icmp", {
      security_group_id: ref("aws_default_security_group.b.id"),
      type: "ingress",
      protocol: "icmp",
      from_port: -1,
      to_port: -1,
      cidr_blocks: ["10.0.0.0/16"],
    });
    expect(pair(reach(tf), A, B).reachable).toBe(true);
  });

  it("routes through aws_vpc_peering_connection_accepter.<name>.id to the peering it accepts", () => {
    const tf = patch(twoPeeredVpcs(), "aws_vpc_peering_connection", "ab", { auto_accept: false });
    put(tf, "aws_vpc_peering_connection_accepter", "ab", {
      vpc_peering_connection_id: ref("aws_vpc_peering_connection.ab.id"),
      auto_accept: true,
    });
    tf.resource.aws_route_table.b.route = [
      { cidr_block: "10.0.0.0/16", vpc_peering_connection_id: ref("aws_vpc_peering_connection_accepter.ab.id") },
    ];
    expect(pair(reach(tf), A, B).reachable).toBe(true);
    patch(tf, "aws_vpc_peering_connection_accepter", "ab", { auto_accept: false });
    expect(pair(reach(tf), A, B).reason).toMatch(/the peering is not active: it stays pending acceptance/);
  });
});

/** A network stack and an instances stack whose outputs refer to each other's. */
function outputsInACircle(): { stack: string; json: unknown }[] {
  const remote = (stack: string, output: string) =>
    ref(`data.terraform_remote_state.cross-stack-reference-input-${stack}.outputs.${output}`);
  const state = (stack: string) => ({
    [`cross-stack-reference-input-${stack}`]: { backend: "local", config: { path: `${stack}.tfstate` } },
  });
  const network = twoPeeredVpcs() as Tf & Record<string, unknown>;
  const instances = { provider: network.provider, resource: { aws_instance: network.resource.aws_instance } } as Tf &
    Record<string, unknown>;
  delete network.resource.aws_instance;
  Object.assign(network, {
    terraform: { backend: { local: { path: "network.tfstate" } } },
    data: { terraform_remote_state: state("instances") },
    output: { subnet: { value: remote("instances", "echo") } },
  });
  Object.assign(instances, {
    terraform: { backend: { local: { path: "instances.tfstate" } } },
    data: { terraform_remote_state: state("network") },
    output: { echo: { value: remote("network", "subnet") } },
  });
  patch(instances, "aws_instance", "a", { subnet_id: remote("network", "subnet"), vpc_security_group_ids: null });
  return [
    { stack: "network", json: network },
    { stack: "instances", json: instances },
  ];
}

describe("reach names a cycle instead of following it forever", () => {
  it.each([
    [
      "locals",
      () =>
        edited((tf) => {
          tf.locals = { a: ref("local.b"), b: ref("local.a") };
          patch(tf, "aws_vpc", "b", { cidr_block: ref("local.a") });
        }),
      /^aws_vpc\.b: cidr_block = "\$\{local\.a\}" refers to itself through local\.a → local\.b → local\.a; break the cycle$/,
    ],
    [
      "attributes of two resources",
      () =>
        patch(
          patch(twoPeeredVpcs(), "aws_vpc", "b", { cidr_block: ref("aws_subnet.b.cidr_block") }),
          "aws_subnet",
          "b",
          {
            cidr_block: ref("aws_vpc.b.cidr_block"),
          },
        ),
      /refers to itself through aws_vpc\.b\.cidr_block → aws_subnet\.b\.cidr_block → aws_vpc\.b\.cidr_block/,
    ],
    [
      "an accepter that accepts itself",
      () =>
        put(twoPeeredVpcs(), "aws_vpc_peering_connection_accepter", "x", {
          vpc_peering_connection_id: ref("aws_vpc_peering_connection_accepter.x.id"),
          auto_accept: true,
        }),
      /refers to itself through aws_vpc_peering_connection_accepter\.x\.id → aws_vpc_peering_connection_accepter\.x\.vpc_peering_connection_id → aws_vpc_peering_connection_accepter\.x\.id/,
    ],
    [
      "an aws_default_route_table that adopts itself",
      () =>
        put(twoPeeredVpcs(), "aws_default_route_table", "main", {
          default_route_table_id: ref("aws_default_route_table.main.id"),
        }),
      /^aws_default_route_table\.main: default_route_table_id = .* refers to itself through aws_default_route_table\.main\.id/,
    ],
  ])("through %s", (_, tf, message) => {
    expect(inputError(() => reach(tf()))).toMatch(message);
  });

  it("through cross-stack outputs", () => {
    expect(inputError(() => reach(outputsInACircle()))).toMatch(
      /^instances\/aws_instance\.a: subnet_id = .* refers to itself through network\/output\.subnet → instances\/output\.echo → network\/output\.subnet; break the cycle$/,
    );
  });

  it("takes a variable's default literally, as Terraform does, so a variable cannot refer to anything", () => {
    const tf = edited((tf) => {
      tf.variable = { x: { default: ref("var.x") } };
      patch(tf, "aws_vpc", "b", { cidr_block: ref("var.x") });
    });
    expect(inputError(() => reach(tf))).toMatch(/^aws_vpc\.b: cidr_block: "\$\{var\.x\}" is not a CIDR block/);
  });
});

describe("reach stops, naming resource, attribute and expression, when a value it needs cannot be evaluated", () => {
  it.each([
    ["a variable without default", ref("var.region"), /variable "region" has no default value/],
    ["a data source", ref("data.aws_region.current.name"), /data\.aws_region\.current is read by Terraform from AWS/],
    ["an unsupported function", ref('lower("EU-WEST-1")'), /function lower\(\) is not supported/],
    [
      "a template directive",
      "%{ if true }eu-west-1%{ endif }",
      /template directives \(%\{\.\.\.\}\) are not supported/,
    ],
  ])("the provider's region from %s", (_, region, reason) => {
    const tf = edited((tf) => {
      tf.variable = { region: { type: "string" } };
      tf.provider.aws = [{ region }];
    });
    const message = inputError(() => reach(tf));
    expect(message).toMatch(/^aws_vpc\.a: region of provider "aws" = ".*" cannot be resolved: /);
    expect(message).toMatch(reason);
  });
});

describe("reach refuses numbers AWS would not take where it needs whole ones", () => {
  it.each([
    [
      "a fractional port",
      () =>
        edited((tf) =>
          (tf.resource.aws_security_group.b.ingress as { from_port: number }[]).forEach((r) => (r.from_port = 8.5)),
        ),
      /^aws_security_group\.b: ingress\[0\]\.from_port = 8\.5 is not a whole number from -1 to 65535/,
    ],
    [
      "a rule number of 1e400 (Infinity once parsed)",
      () =>
        put(twoPeeredVpcs(), "aws_network_acl", "b", {
          vpc_id: ref("aws_vpc.b.id"),
          ingress: [{ rule_no: JSON.parse("1e400"), action: "allow", protocol: "-1", cidr_block: "0.0.0.0/0" }],
        }),
      /^aws_network_acl\.b: ingress\[0\]\.rule_no = Infinity is not a whole number from 1 to 32766/,
    ],
    [
      "a protocol number with 23 digits",
      () =>
        edited((tf) =>
          (tf.resource.aws_security_group.b.ingress as { protocol: string }[]).forEach(
            (r) => (r.protocol = "9".repeat(23)),
          ),
        ),
      /protocol = "9{23}" is not an IP protocol number from -1 \(all\) to 255/,
    ],
    [
      "cidrsubnet with netnum 1e400",
      () =>
        patch(twoPeeredVpcs(), "aws_subnet", "b", { cidr_block: ref("cidrsubnet(aws_vpc.b.cidr_block, 8, 1e400)") }),
      /cidrsubnet\("10\.1\.0\.0\/16", 8, Infinity\): reach cannot use these arguments/,
    ],
    [
      "cidrhost with a fraction",
      () => patch(twoPeeredVpcs(), "aws_instance", "b", { private_ip: ref("cidrhost(aws_subnet.b.cidr_block, 0.5)") }),
      /cidrhost hostnum 0\.5 is outside 10\.1\.1\.0\/24/,
    ],
    [
      "element with a fractional index",
      () => patch(twoPeeredVpcs(), "aws_subnet", "b", { cidr_block: ref('element(["10.1.1.0/24"], 0.5)') }),
      /element\(\["10\.1\.1\.0\/24"\], 0\.5\): reach cannot use these arguments/,
    ],
  ])("%s", (_, tf, message) => {
    expect(inputError(() => reach(tf()))).toMatch(message);
  });
});

describe("reach refuses malformed CIDRs and addresses, saying what is wrong", () => {
  it.each([
    ["an IPv6 zone id in a block", { aws_vpc: { ipv6_cidr_block: "fe80::%eth0/64" } }, /has an IPv6 zone id/],
    [
      "an IPv6 zone id in an address",
      { aws_instance: { ipv6_addresses: ["2001:db8::5%eth0"] } },
      /"2001:db8::5%eth0" has an IPv6 zone id/,
    ],
    [
      "a leading zero in an IPv4 octet",
      { aws_instance: { private_ip: "10.1.1.010" } },
      /"10\.1\.1\.010" has an IPv4 octet with a leading zero/,
    ],
    [
      "a leading zero in the prefix",
      { aws_vpc: { cidr_block: "10.1.0.0/016" } },
      /prefix length must be a whole number from 0 to 32 without leading zeros/,
    ],
    [
      "host bits",
      { aws_vpc: { cidr_block: "10.1.0.1/16" } },
      /"10\.1\.0\.1\/16" is not a network address \(host bits are set\): use 10\.1\.0\.0\/16/,
    ],
    ["two slashes", { aws_vpc: { cidr_block: "10.1.0.0/16/8" } }, /is not a CIDR block \(expected address\/prefix/],
    ["100 KB of hex digits", { aws_vpc: { cidr_block: "a".repeat(100_000) } }, /"a{60}…" is not a CIDR block/],
  ])("%s", (_, changes, message) => {
    const tf = twoPeeredVpcs();
    for (const [type, change] of Object.entries(changes)) patch(tf, type, "b", change);
    const text = inputError(() => reach(tf));
    expect(text).toMatch(message);
    expect(text.length).toBeLessThan(600);
  });

  it("refuses --to with a zone id, and answers an IPv6 --to from an instance without IPv6 with a verdict", () => {
    expect(inputError(() => reach(twoPeeredVpcs(), { from: A, to: "fe80::1%eth0" }))).toMatch(
      /^--to "fe80::1%eth0" has an IPv6 zone id/,
    );
    expect(reach(twoPeeredVpcs(), { from: A, to: "2001:db8::1" }).pairs).toEqual([
      expect.objectContaining({ reachable: false, reason: "aws_instance.a has no IPv6 address" }),
    ]);
  });

  it.each([
    [
      "of a family the subnet lacks",
      { ipv6: "2001:db8::1" },
      /ipv6 = 2001:db8::1 is not in aws_subnet\.b \(it has no IPv6 block\)/,
    ],
    ["outside the subnet", { ipv4: "10.9.9.9" }, /ipv4 = 10\.9\.9\.9 is not in aws_subnet\.b \(10\.1\.1\.0\/24\)/],
  ])("refuses a deployed address %s", (_, address, message) => {
    expect(inputError(() => reach(twoPeeredVpcs(), { addresses: { [B]: address } }))).toMatch(message);
  });
});

describe("reach bounds how deep it follows nesting", () => {
  it.each([
    ["in an attribute it ignores", (tf: Tf) => patch(tf, "aws_instance", "a", { user_data: nestedArrays(5_000, "x") })],
    ["in tags", (tf: Tf) => patch(tf, "aws_instance", "a", { tags: { deep: nestedArrays(5_000, {}) } })],
    ["in a block it reads", (tf: Tf) => patch(tf, "aws_security_group", "b", { ingress: nestedArrays(5_000, {}) })],
    ["in a section it never looks at", (tf: Tf) => Object.assign(tf, { moved: nestedArrays(200, null) })],
  ])("refuses JSON nested thousands of levels deep %s", (_, change) => {
    expect(inputError(() => reach(change(twoPeeredVpcs())))).toMatch(
      /^test\.tf\.json: nested too deeply at .* \(more than 100 levels of objects and arrays\)/,
    );
  });

  it("refuses an expression nested thousands of levels deep where it needs the value", () => {
    const tf = patch(twoPeeredVpcs(), "aws_vpc", "b", { cidr_block: `\${${"[".repeat(5_000)}${"]".repeat(5_000)}}` });
    expect(inputError(() => reach(tf))).toMatch(/^aws_vpc\.b: cidr_block = .* the expression is nested too deeply/);
  });

  it("shows such an expression as text where it does not need the value (a tag)", () => {
    const deep = `\${${"(".repeat(5_000)}1${")".repeat(5_000)}}`;
    const tags = reach(patch(twoPeeredVpcs(), "aws_instance", "a", { tags: { Name: deep } })).instances[0].tags;
    expect(tags.Name).toHaveLength(256);
    expect(tags.Name.startsWith("${((((")).toBe(true);
  });

  it("refuses a chain of 5,000 locals, naming where it starts", () => {
    const tf = edited((tf) => {
      tf.locals = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`l${i}`, ref(`local.l${i + 1}`)]));
      (tf.locals as Record<string, string>).l5000 = "10.1.0.0/16";
      patch(tf, "aws_vpc", "b", { cidr_block: ref("local.l0") });
    });
    expect(inputError(() => reach(tf))).toMatch(
      /the value is nested too deeply: more than 1000 levels .*\(through aws_vpc\.b\.cidr_block → local\.l0 → local\.l1 → …\)/,
    );
  });
});

describe("reach never takes JavaScript's inherited names for declarations", () => {
  it.each([
    ["a local named toString", { cidr_block: ref("local.toString") }, /local "toString" is not declared/],
    [
      "a variable named constructor",
      { cidr_block: ref("var.constructor") },
      /variable "constructor" has no default value/,
    ],
    [
      "a resource named __proto__",
      { cidr_block: ref("aws_vpc.__proto__.cidr_block") },
      /aws_vpc\.__proto__ is not declared/,
    ],
  ])("%s", (_, change, message) => {
    expect(inputError(() => reach(patch(twoPeeredVpcs(), "aws_vpc", "b", change)))).toMatch(message);
  });

  it("an IP protocol named constructor", () => {
    const tf = edited((tf) =>
      (tf.resource.aws_security_group.b.ingress as { protocol: string }[]).forEach((r) => (r.protocol = "constructor")),
    );
    expect(inputError(() => reach(tf))).toMatch(/protocol = "constructor" is not an IP protocol name/);
  });
});

describe("reach answers for large values", () => {
  it("finds the verdict when one value holds 100 KB of hex digits (it once took seconds)", () => {
    const tf = patch(twoPeeredVpcs(), "aws_instance", "a", { user_data: "0123456789abcdef".repeat(6_400) });
    expect(pair(reach(tf), A, B).reachable).toBe(true);
  });

  it.each([null, [], "resource", 1, { resource: [] }, { resource: { aws_vpc: [] } }, { provider: { aws: 1 } }])(
    "answers a document of the wrong shape (%j) with an input error",
    (json) => {
      expect(inputError(() => analyze(buildModel([{ stack: "s", file: "s.tf.json", json }])))).toMatch(
        /^s\.tf\.json: /,
      );
    },
  );
});

describe("reach reads values as Terraform does", () => {
  it('takes assign_generated_ipv6_cidr_block = "true" (a string) as true, as it does every other bool', () => {
    const tf = patch(twoPeeredVpcs(), "aws_vpc", "a", { assign_generated_ipv6_cidr_block: "true" });
    const model = buildModel([{ stack: "s", file: "s.tf.json", json: tf }]);
    expect(model.vpcs.get("aws_vpc.a")?.ipv6.map((b) => b.cidr.prefix)).toEqual([56]);
  });

  it("refuses a null among the CIDR blocks of a rule instead of skipping it", () => {
    const tf = edited((tf) =>
      (tf.resource.aws_security_group.b.ingress as { cidr_blocks: unknown[] }[]).forEach((r) =>
        r.cidr_blocks.push(null),
      ),
    );
    expect(inputError(() => reach(tf))).toMatch(
      /^aws_security_group\.b: ingress\[0\]\.cidr_blocks\[1\] = null is not a CIDR block/,
    );
  });
});
