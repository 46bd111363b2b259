import { Resolver } from "../../lib/reach/terraform/resolve";
import { pair, put, reach, ref, twoPeeredVpcs } from "./terraform";

/** A resolver over one document with these locals. */
function resolverWith(locals: Record<string, unknown>): Resolver {
  return new Resolver([{ stack: "test", file: "test.tf.json", json: { locals } }], 0n);
}

/** local.l0 … local.l<levels-1>, each picking one of two references to the next; the last is a CIDR block. */
function chain(levels: number): Record<string, unknown> {
  const locals: Record<string, unknown> = { [`l${levels - 1}`]: "10.0.0.0/16" };
  for (let i = levels - 2; i >= 0; i--) locals[`l${i}`] = ref(`element([local.l${i + 1}, local.l${i + 1}], 0)`);
  return locals;
}

describe("reach evaluates each local, variable and output once", () => {
  it("evaluates a 40-level chain of locals that each use the next one twice in 40 evaluations", () => {
    const locals = chain(40);
    const resolver = resolverWith(locals);
    expect(resolver.evaluate("test", ref("local.l0"))).toBe("10.0.0.0/16");
    expect(resolver.evaluations).toBe(40);
    expect(resolver.evaluate("test", ref("concat([local.l0], [local.l5])"))).toEqual(["10.0.0.0/16", "10.0.0.0/16"]);
    expect(resolver.evaluations).toBe(40);
  });

  it("evaluates a variable used twice once", () => {
    const resolver = new Resolver(
      [{ stack: "test", file: "test.tf.json", json: { variable: { v: { default: ["a"] } } } }],
      0n,
    );
    expect(resolver.evaluate("test", ref("concat(var.v, var.v)"))).toEqual(["a", "a"]);
    expect(resolver.evaluations).toBe(1);
  });

  it("still reads a VPC block through the chain", () => {
    const tf = twoPeeredVpcs();
    tf.locals = chain(40);
    put(tf, "aws_vpc", "a", { cidr_block: ref("local.l0") });
    expect(pair(reach(tf), "aws_instance.a", "aws_instance.b").reachable).toBe(true);
  });

  it("remembers a local that cannot be evaluated, and still names the cycle of one that refers to itself", () => {
    const resolver = resolverWith({
      a: ref("local.b"),
      b: ref("local.a"),
      c: ref("data.x.y.z"),
      d: ref("concat([local.c], [local.c])"),
    });
    expect(() => resolver.evaluate("test", ref("local.d"))).toThrow(/data\.x\.y is read by Terraform/);
    expect(resolver.evaluations).toBe(2);
    expect(() => resolver.evaluate("test", ref("local.a"))).toThrow(/itself through local\.a → local\.b → local\.a/);
    expect(() => resolver.evaluate("test", ref("local.b"))).toThrow(/itself through local\.b → local\.a → local\.b/);
  });
});

/** Network ACL b of twoPeeredVpcs on b's subnet, allowing everything except what `deny` denies first. */
function aclDenying(deny: Record<string, unknown>): ReturnType<typeof twoPeeredVpcs> {
  const everything = { protocol: "-1", from_port: 0, to_port: 0, cidr_block: "0.0.0.0/0" };
  return put(twoPeeredVpcs(), "aws_network_acl", "b", {
    vpc_id: ref("aws_vpc.b.id"),
    subnet_ids: [ref("aws_subnet.b.id")],
    ingress: [
      { ...everything, action: "deny", ...deny },
      { ...everything, rule_no: 200, action: "allow" },
    ],
    egress: [{ ...everything, rule_no: 200, action: "allow" }],
  });
}

describe("reach converts values as Terraform does where the provider's schema expects a number or a bool", () => {
  it.each([
    ["a number in exponent notation", { rule_no: "1e2" }],
    ["a number with a sign and a point", { rule_no: "+100.", from_port: "-0e0" }],
  ])("reads %s as a number (a deny rule before the allow rule)", (_, deny) => {
    const verdict = pair(reach(aclDenying(deny)), "aws_instance.a", "aws_instance.b");
    expect(verdict.reachable).toBe(false);
    expect(verdict.reason).toMatch(/rule 100 \(aws_network_acl\.b ingress\[0\]\) denies/);
  });

  it.each([
    ["1", true],
    ["true", true],
    ["0", false],
    ["false", false],
  ])("reads auto_accept = %p as %p", (value, accepted) => {
    const tf = put(twoPeeredVpcs(), "aws_vpc_peering_connection", "ab", {
      vpc_id: ref("aws_vpc.a.id"),
      peer_vpc_id: ref("aws_vpc.b.id"),
      auto_accept: value,
    });
    expect(pair(reach(tf), "aws_instance.a", "aws_instance.b").reachable).toBe(accepted);
  });

  it.each([["True"], ["yes"], [" 1"], ["0x10"]])("refuses %p, which Terraform does not convert", (value) => {
    const tf = aclDenying({ rule_no: value });
    expect(() => reach(tf)).toThrow(/ingress\[0\]\.rule_no = ".*" is not a whole number from 1 to 32766/);
  });
});

describe("reach decodes the escapes of quoted strings in ${...} as HCL does", () => {
  it.each([
    ['"a\\u002fb"', "a/b"],
    ['"a\\nb\\tc\\rd"', "a\nb\tc\rd"],
    ['"say \\"hi\\""', 'say "hi"'],
    ['"back\\\\slash"', "back\\slash"],
    ['"\\U0001F600"', "\u{1F600}"],
    ['"$${not} %%{this}"', "${not} %{this}"],
  ])("reads %s as %p", (literal, text) => {
    expect(resolverWith({}).evaluate("test", `\${${literal}}`)).toBe(text);
  });

  it("reads a CIDR block written with an escaped slash", () => {
    const tf = put(twoPeeredVpcs(), "aws_vpc", "a", { cidr_block: ref('"10.0.0.0\\u002f16"') });
    expect(pair(reach(tf), "aws_instance.a", "aws_instance.b").reachable).toBe(true);
  });

  it.each([['"\\q"'], ['"\\u12"'], ['"\\uD800"']])("refuses the escape in %s, which HCL refuses", (literal) => {
    expect(() => resolverWith({}).evaluate("test", `\${${literal}}`)).toThrow(/invalid escape sequence/);
  });
});
