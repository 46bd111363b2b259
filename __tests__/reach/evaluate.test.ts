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
      0n
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
