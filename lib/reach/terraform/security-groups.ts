/**
 * The security groups of the Terraform loader: aws_security_group and aws_default_security_group with
 * their inline rules, and the separate rule resources (aws_security_group_rule,
 * aws_vpc_security_group_ingress_rule and _egress_rule) added to the group they name.
 */
import { defaultSecurityGroupKey, type ModelBuilder } from "../build";
import type { Cidr } from "../cidr";
import type { SgRule } from "../model";
import { ReachInputError } from "../model";
import { type Attributes, type Slot, present } from "./attributes";
import { dynamicBlocks } from "./dynamic";
import { isRecord } from "../../core/records";
import { own } from "./stack";
import { type RawResource, type Resolver } from "./resolve";

export class SecurityGroups {
  /** The directions ("ingress", "egress") each security group (by key) declares inline rules for. */
  private readonly inlineDirections = new Map<string, ReadonlySet<string>>();
  /** The separate rule resources of each security group (by key) that fight its inline rules. */
  private readonly fighting = new Map<string, string[]>();

  constructor(
    private readonly resolver: Resolver,
    private readonly read: Attributes,
    private readonly builder: ModelBuilder,
  ) {}

  group(res: RawResource): void {
    const vpc = present(own(res.body, "vpc_id")) ? this.read.requiredEntity(res, "vpc_id", "vpc") : undefined;
    this.builder.addSecurityGroup({
      address: res.address,
      label: res.address,
      vpc,
      region: this.resolver.region(res),
      rules: this.inlineSgRules(res),
    });
    this.inlineDirections.set(res.address, declaredDirections(res));
  }

  defaultGroup(res: RawResource): void {
    const vpc = this.read.requiredEntity(res, "vpc_id", "vpc");
    const group = this.builder.securityGroup(defaultSecurityGroupKey(vpc));
    if (!group) throw new ReachInputError(`${res.address}: vpc_id must refer to an aws_vpc`);
    // Terraform removes every rule of the adopted group that the resource does not declare.
    this.builder.replaceSecurityGroup({ ...group, label: res.address, rules: this.inlineSgRules(res) });
    this.inlineDirections.set(group.address, declaredDirections(res));
  }

  private inlineSgRules(res: RawResource): SgRule[] {
    return (["ingress", "egress"] as const).flatMap((direction) =>
      this.read.blocks(res, direction).map((block) => this.sgRule(block, direction === "egress", res.address)),
    );
  }

  standaloneRule(res: RawResource): void {
    const key = this.read.entity(this.read.slot(res, "security_group_id"), "security group", true);
    const group = key ? this.builder.securityGroup(key) : undefined;
    if (!group) return;
    const egress =
      res.type === "aws_vpc_security_group_egress_rule" ||
      (res.type === "aws_security_group_rule" && this.read.string(this.read.slot(res, "type")) === "egress");
    if (this.inlineDirections.get(group.address)?.has(egress ? "egress" : "ingress")) {
      // The group's own resource removes this rule on its next apply (see warnFightingRules).
      this.fighting.set(group.address, [...(this.fighting.get(group.address) ?? []), res.address]);
      return;
    }
    this.builder.addSgRules(group.address, [this.sgRule({ res, label: "", raw: res.body }, egress, group.address)]);
  }

  /**
   * A security group with inline rules for a direction and separate rule resources for the same
   * direction: the aws provider documents that the two conflict and overwrite each other (each
   * apply of the group removes the rules it does not declare, the next apply of the rule resources
   * adds them back). reach models what the group's own apply leaves, its inline rules, and warns.
   */
  warnFightingRules(): void {
    for (const [key, rules] of this.fighting) {
      const group = this.builder.securityGroup(key);
      this.builder.warn({
        resource: group?.label ?? key,
        message:
          `has inline rules and separate rule resources for the same direction (${rules.join(", ")}); the aws ` +
          "provider documents that they conflict and overwrite each other on apply: reach counts the inline rules " +
          "only, which each apply of the group restores; put all of the group's rules in one place",
      });
    }
  }

  private sgRule(block: Slot, egress: boolean, group: string): SgRule {
    const body = isRecord(block.raw) ? block.raw : {};
    const source = block.label ? `${block.res.address} ${block.label}` : block.res.address;
    const protocolField = present(own(body, "ip_protocol")) ? "ip_protocol" : "protocol";
    const cidrs = [
      ...this.read.cidrs(this.read.field(block, "cidr_blocks"), "ipv4"),
      ...this.read.cidrs(this.read.field(block, "ipv6_cidr_blocks"), "ipv6"),
      ...[
        this.read.cidr(this.read.field(block, "cidr_ipv4"), "ipv4"),
        this.read.cidr(this.read.field(block, "cidr_ipv6"), "ipv6"),
      ].filter((c): c is Cidr => c !== undefined),
    ];
    const groups = ["security_groups", "source_security_group_id", "referenced_security_group_id"].flatMap((field) =>
      this.read.entities(this.read.field(block, field), "security group", true),
    );
    if (present(own(body, "prefix_list_ids")) || present(own(body, "prefix_list_id"))) {
      this.builder.warn({
        resource: source,
        message: "prefix lists are not modeled; their part of this rule matches no instance",
      });
    }
    const self = this.read.bool(this.read.field(block, "self"));
    return {
      source,
      egress,
      protocol: this.read.protocol(this.read.field(block, protocolField)),
      fromPort: this.read.integer(this.read.field(block, "from_port"), -1, 65535) ?? -1,
      toPort: this.read.integer(this.read.field(block, "to_port"), -1, 65535) ?? -1,
      cidrs,
      groups: self ? [...groups, group] : groups,
      self,
    };
  }
}

/** The directions a security group resource declares inline rules for (written out, or dynamic blocks). */
function declaredDirections(res: RawResource): ReadonlySet<string> {
  const dynamic = dynamicBlocks(res.address, res.body).map((block) => block.label);
  return new Set(["ingress", "egress"].filter((d) => present(own(res.body, d)) || dynamic.includes(d)));
}
