import { type Tf, pair, patch, put, reach, ref, twoPeeredVpcs } from "./terraform";

/** ICMP from a's instance, as a separate rule resource of `type` on group `group`. */
function separateEcho(tf: Tf, type: string, group: string): Tf {
  const body =
    type === "aws_security_group_rule"
      ? { type: "ingress", protocol: "icmp", from_port: -1, to_port: -1, cidr_blocks: ["10.0.1.10/32"] }
      : { ip_protocol: "icmp", from_port: -1, to_port: -1, cidr_ipv4: "10.0.1.10/32" };
  return put(tf, type, "echo", { security_group_id: group, ...body });
}

/** twoPeeredVpcs where b's group allows only SSH inline. */
function sshOnly(): Tf {
  const ssh = { protocol: "tcp", from_port: 22, to_port: 22, cidr_blocks: ["10.0.0.0/8"] };
  return patch(twoPeeredVpcs(), "aws_security_group", "b", { ingress: [ssh] });
}

describe("reach models a security group whose inline rules fight separate rule resources as AWS ends up", () => {
  it.each(["aws_security_group_rule", "aws_vpc_security_group_ingress_rule"])(
    "counts only the group's inline ingress rules beside a separate %s for ingress, and warns once naming the group",
    (type) => {
      const result = reach(separateEcho(sshOnly(), type, ref("aws_security_group.b.id")));
      expect(pair(result, "aws_instance.a", "aws_instance.b").reachable).toBe(false);
      const warnings = result.warnings.filter((w) => w.resource === "aws_security_group.b");
      expect(warnings).toHaveLength(1);
      expect(warnings[0].message).toMatch(
        new RegExp(
          `^has inline rules and separate rule resources for the same direction \\(${type}\\.echo\\); the aws provider documents that they conflict`,
        ),
      );
      expect(warnings[0].message).not.toContain("\n");
    },
  );

  it("counts a separate ingress rule of a group that declares only egress inline, without a warning", () => {
    const tf = patch(sshOnly(), "aws_security_group", "b", { ingress: undefined });
    const result = reach(separateEcho(tf, "aws_security_group_rule", ref("aws_security_group.b.id")));
    expect(pair(result, "aws_instance.a", "aws_instance.b").reachable).toBe(true);
    expect(result.warnings).toEqual([]);
  });

  it("treats inline rules made by a dynamic block, and an explicitly empty ingress, as inline rules", () => {
    const dynamic = patch(sshOnly(), "aws_security_group", "b", {
      ingress: undefined,
      dynamic: {
        ingress: {
          for_each: [22],
          content: { protocol: "tcp", from_port: 22, to_port: 22, cidr_blocks: ["10.0.0.0/8"] },
        },
      },
    });
    const fromDynamic = reach(separateEcho(dynamic, "aws_security_group_rule", ref("aws_security_group.b.id")));
    expect(pair(fromDynamic, "aws_instance.a", "aws_instance.b").reachable).toBe(false);
    const empty = patch(sshOnly(), "aws_security_group", "b", { ingress: [] });
    const fromEmpty = reach(separateEcho(empty, "aws_security_group_rule", ref("aws_security_group.b.id")));
    expect(pair(fromEmpty, "aws_instance.a", "aws_instance.b").reachable).toBe(false);
    expect(fromEmpty.warnings.map((w) => w.resource)).toEqual(["aws_security_group.b"]);
  });

  it("warns the same for a VPC's default security group managed with inline rules", () => {
    const withDefault = (inline: Record<string, unknown>) => {
      const tf = put(twoPeeredVpcs(), "aws_default_security_group", "b", { vpc_id: ref("aws_vpc.b.id"), ...inline });
      patch(tf, "aws_instance", "b", { vpc_security_group_ids: [ref("aws_vpc.b.default_security_group_id")] });
      return reach(separateEcho(tf, "aws_vpc_security_group_ingress_rule", ref("aws_vpc.b.default_security_group_id")));
    };
    const fighting = withDefault({ ingress: [] });
    expect(pair(fighting, "aws_instance.a", "aws_instance.b").reachable).toBe(false);
    expect(fighting.warnings.map((w) => w.resource)).toEqual(["aws_default_security_group.b"]);
    const separateOnly = withDefault({});
    expect(pair(separateOnly, "aws_instance.a", "aws_instance.b").reachable).toBe(true);
    expect(separateOnly.warnings).toEqual([]);
  });
});
