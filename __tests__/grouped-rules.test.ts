import fc from "fast-check";
import { parseConfig, peersOf } from "../lib/config";
import { withTransitPeers } from "../lib/config/transit";
import { groupedPingBlocks, groupedRulesProblems, groupsPingRules } from "../lib/config/transit-classes";
import { RULES_PER_SECURITY_GROUP_QUOTA } from "../lib/core/aws-limits";
import { buildModel, readDocuments } from "../lib/reach";
import { errorOf, manyVpcs } from "../test-support/configs";
import { synthToTemp } from "../test-support/synth";

/** `n` VPCs in one segment whose members reach one another. */
function oneSegment(n: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    region: "eu-west-1",
    maxAzs: 1,
    natGateways: "single",
    transitGateways: [{ name: "hub", segments: [{ name: "core", reaches: [] }] }],
    vpcs: manyVpcs(n).map((v) => ({ ...v, transitAttachments: { hub: "core" } })),
    peerings: [],
    ...extra,
  };
}

describe("grouped ping rules and the rules quota", () => {
  it("refuses 61 VPCs of one segment at AWS's default of 60 rules: each reaches 60 others, and its own class's list holds its own block", () => {
    const raw = oneSegment(61);
    expect(groupsPingRules(parseConfig(oneSegment(60)))).toBe(true);
    expect(errorOf(raw).message).toContain(
      `VPC "v0": its ping security group needs 61 inbound IPv4 rules, over "rulesPerSecurityGroup" (${RULES_PER_SECURITY_GROUP_QUOTA.default}): a network this large admits each attachment class with one list of blocks, and the list of its own class holds its own block too; raise "rulesPerSecurityGroup"`,
    );
  });

  it("accepts 60 VPCs of one segment at the default, and 61 with a quota of 61", () => {
    expect(() => parseConfig(oneSegment(60))).not.toThrow();
    expect(() => parseConfig(oneSegment(61, { rulesPerSecurityGroup: 61 }))).not.toThrow();
  });

  it("counts exactly the inbound IPv4 rules the synthesized security group holds", () => {
    // a reaches b and c through the gateway and d over a peering: its own class's list (a, b, c) and d's block.
    const raw = {
      ...oneSegment(3),
      vpcs: [...(oneSegment(3).vpcs as object[]), { name: "d", cidr: "10.0.9.0/24" }],
      peerings: [["v0", "d"]],
    };
    const config = parseConfig(raw);
    expect(groupedRulesProblems(config, 4, 1, 0)).toEqual([]);
    expect(groupedRulesProblems(config, 3, 1, 0)).toEqual([
      expect.stringMatching(/^VPC "v0": .* needs 4 inbound IPv4 rules/),
    ]);
    const app = synthToTemp(raw, false, { maxPerPeerRules: 0 });
    try {
      const model = buildModel(readDocuments([app.outdir]));
      const instance = [...model.instances.values()].find((i) => i.address.includes("instance-v0_"))!;
      const group = model.securityGroups.get(instance.securityGroups[0])!;
      const rules = group.rules.filter((r) => !r.egress).flatMap((r) => r.cidrs.filter((c) => c.family === "ipv4"));
      expect(rules.map((c) => c.text).sort()).toEqual(["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "10.0.9.0/24"]);
    } finally {
      app.remove();
    }
  });
});

describe("the count of grouped ping rules", () => {
  /** Two to five VPCs, some attached to one of two segments that may reach each other and may isolate their members, some peered. */
  const networks = fc
    .record({
      attached: fc.array(fc.constantFrom<"s0" | "s1" | undefined>("s0", "s1", undefined), {
        minLength: 2,
        maxLength: 5,
      }),
      together: fc.boolean(),
      isolated: fc.tuple(fc.boolean(), fc.boolean()),
      peered: fc.array(fc.tuple(fc.nat(4), fc.nat(4)), { maxLength: 3 }),
    })
    .map(({ attached, together, isolated, peered }) => {
      const n = attached.length;
      const pairs = [
        ...new Map(
          peered
            .map(([a, b]) => [a % n, b % n] as const)
            .filter(([a, b]) => a !== b)
            .map(([a, b]) => [`${Math.min(a, b)}_${Math.max(a, b)}`, [`v${Math.min(a, b)}`, `v${Math.max(a, b)}`]]),
        ).values(),
      ];
      return {
        ...oneSegment(n),
        transitGateways: [
          {
            name: "hub",
            segments: ["s0", "s1"].map((name, i) => ({
              name,
              reaches: together ? [i === 0 ? "s1" : "s0"] : [],
              ...(isolated[i] ? { isolated: true } : {}),
            })),
          },
        ],
        vpcs: manyVpcs(n).map((v, i) => ({
          ...v,
          ...(attached[i] ? { transitAttachments: { hub: attached[i] } } : {}),
        })),
        peerings: pairs,
      };
    });

  it("is what each synthesized security group holds, for random networks", () => {
    fc.assert(
      fc.property(networks, (raw) => {
        let config;
        try {
          config = parseConfig(raw);
        } catch {
          fc.pre(false);
          return;
        }
        if (!config.transitGateways) return;
        const app = synthToTemp(raw, false, { maxPerPeerRules: 0 });
        try {
          const model = buildModel(readDocuments([app.outdir]));
          for (const vpc of config.vpcs) {
            const instance = [...model.instances.values()].find((i) => i.address.includes(`instance-${vpc.name}_`))!;
            const group = model.securityGroups.get(instance.securityGroups[0])!;
            const listed = group.rules
              .filter((r) => !r.egress)
              .flatMap((r) => r.cidrs.filter((c) => c.family === "ipv4"));
            const admitted = withTransitPeers(config, vpc.name, peersOf(config, vpc.name));
            expect(groupedPingBlocks(config, vpc.name, admitted).blocks).toBe(listed.length);
          }
        } finally {
          app.remove();
        }
      }),
      { numRuns: 25 },
    );
  });
});
