/**
 * The network shapes of issue #7 (IPv6, secondary IPv4 blocks, no NAT with SSM endpoints, VPN)
 * as the app synthesizes them: `check` agrees with each example, fails naming the culprit when one
 * of their routes or rules is removed, and adding a shape to a VPC only adds resources.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { blockProbes, compareWithIntent, formatReport, instanceAddresses, runProbes } from "../lib/check/intent";
import { analyze, loadTerraform } from "../lib/reach";
import { planPeeringStacks } from "../lib/plan/peering-shards";
import { findPeering } from "../stacks";
import {
  IPV6_CONFIG,
  NO_NAT_ENDPOINTS_CONFIG,
  SECONDARY_CIDRS_CONFIG,
  VPN_CONFIG,
  withoutConfig,
} from "../test-support/configs";
import { editStack, SynthesizedApp, synthToTemp } from "../test-support/synth";

function check(app: SynthesizedApp) {
  const model = loadTerraform([app.outdir]);
  const addresses = instanceAddresses(app.outdir);
  return compareWithIntent(
    app.config,
    addresses,
    analyze(model),
    new Map(),
    runProbes(blockProbes(app.config), addresses, model),
  );
}

/** Runs `fn` on the app synthesized from `raw`, and removes it afterwards. */
function withApp<T>(raw: unknown, fn: (app: SynthesizedApp) => T): T {
  const app = synthToTemp(raw);
  try {
    return fn(app);
  } finally {
    app.remove();
  }
}

describe("check on the shape examples", () => {
  it.each([
    [
      "examples/ipv6.json, over IPv4 and, between web and api, over IPv6",
      IPV6_CONFIG,
      { pairs: 6, ipv6Pairs: 2, probes: 0, reachable: 6 },
    ],
    [
      "examples/secondary-cidrs.json, probing every secondary block from every other VPC",
      SECONDARY_CIDRS_CONFIG,
      { pairs: 6, ipv6Pairs: 0, probes: 6, reachable: 4 },
    ],
    [
      "examples/no-nat-endpoints.json, whose SSM endpoints change no verdict",
      NO_NAT_ENDPOINTS_CONFIG,
      { pairs: 2, ipv6Pairs: 0, probes: 0, reachable: 2 },
    ],
    [
      "examples/vpn.json, whose VPN gateway changes no verdict",
      VPN_CONFIG,
      { pairs: 2, ipv6Pairs: 0, probes: 0, reachable: 2 },
    ],
  ])("passes for %s", (_, raw, counts) => {
    withApp(raw, (app) => {
      const report = check(app);
      expect(report).toEqual({ ...counts, mismatches: [], errors: [] });
      expect(formatReport(report)).toMatch(/^check passed/m);
    });
  });

  it("fails over IPv6 only, naming the route, when a peering's IPv6 route is removed", () => {
    withApp(IPV6_CONFIG, (app) => {
      const { stack, peering } = findPeering(app.stacks, "web", "api")!;
      const route = peering.routes.find((r) => r.family === "ipv6" && r.side === "requester" && r.az === 0)!.route
        .friendlyUniqueId;
      editStack(app.outdir, stack.node.id, (json) => {
        delete json.resource.aws_route[route];
      });
      const report = check(app);
      expect(report.mismatches.map((m) => [m.from, m.to, m.protocol, m.intended, m.found])).toEqual([
        ["web", "api", "ipv6", true, false],
        ["api", "web", "ipv6", true, false],
      ]);
      expect(formatReport(report)).toContain("✗ web → api (ipv6): the config means reachable, reach finds unreachable");
    });
  });

  it("fails over IPv6 only, naming the security group, when an instance stops admitting a peer's ICMPv6", () => {
    withApp(IPV6_CONFIG, (app) => {
      const sg = app.stacks.pingInstances.get("api")!.securityGroup.friendlyUniqueId;
      editStack(app.outdir, "instances", (json) => {
        const rules = json.resource.aws_vpc_security_group_ingress_rule;
        for (const [name, rule] of Object.entries(rules)) {
          if (rule.security_group_id === `\${aws_security_group.${sg}.id}` && rule.ip_protocol === "icmpv6")
            delete rules[name];
        }
      });
      const report = check(app);
      expect(report.mismatches).toEqual([
        expect.objectContaining({
          from: "web",
          to: "api",
          protocol: "ipv6",
          intended: true,
          found: false,
          reason: expect.stringContaining(`instances/aws_security_group.${sg}`),
        }),
      ]);
    });
  });

  it("fails, naming the block and the address probed, when a peer's route to a secondary block is removed", () => {
    withApp(SECONDARY_CIDRS_CONFIG, (app) => {
      const { stack, peering } = findPeering(app.stacks, "app", "data")!;
      const route = peering.routes.find(
        (r) => r.side === "accepter" && r.destination === "10.150.0.0/24" && r.az === 0,
      )!.route.friendlyUniqueId;
      editStack(app.outdir, stack.node.id, (json) => {
        delete json.resource.aws_route[route];
      });
      const report = check(app);
      expect(report.mismatches.map((m) => [m.from, m.to, m.probe?.block, m.found])).toEqual([
        ["data", "app", "10.150.0.0/24", false],
      ]);
      expect(formatReport(report)).toContain(
        "✗ data → app's block 10.150.0.0/24 (10.150.0.4): the config means reachable, reach finds unreachable",
      );
    });
  });

  it("fails when a VPC that is not peered can reach a secondary block", () => {
    withApp(SECONDARY_CIDRS_CONFIG, (app) => {
      const model = loadTerraform([app.outdir]);
      const addresses = instanceAddresses(app.outdir);
      const unpeered = {
        ...app.config,
        peerings: app.config.peerings.filter(([a, b]) => !(a === "app" && b === "data")),
      };
      const report = compareWithIntent(
        unpeered,
        addresses,
        analyze(model),
        new Map(),
        runProbes(blockProbes(unpeered), addresses, model),
      );
      expect(
        report.mismatches
          .filter((m) => m.probe)
          .map((m) => `${m.from}→${m.to}:${m.probe!.block}`)
          .sort(),
      ).toEqual(["app→data:10.160.0.0/25", "data→app:10.150.0.0/24", "data→app:100.64.0.0/26"]);
    });
  });
});

describe("reach on examples/vpn.json", () => {
  it("sends hub's traffic for the office to its VPN gateway by the propagated static route, and spoke's not at all", () => {
    withApp(VPN_CONFIG, (app) => {
      const model = loadTerraform([app.outdir]);
      const addresses = instanceAddresses(app.outdir);
      const toOffice = (from: string) => analyze(model, { from: addresses.get(from)!, to: "192.168.1.10" }).pairs[0];
      const vgw = app.stacks.vpcs.vpcs.get("hub")!.vpn!.vpnGateway.friendlyUniqueId;
      const hub = toOffice("hub");
      expect(hub.reachable).toBe(false);
      expect(hub.reason).toContain(`192.168.0.0/16 → network/aws_vpn_gateway.${vgw}`);
      expect(hub.reason).toContain("(propagated by network/aws_vpn_gateway_route_propagation.");
      const spoke = toOffice("spoke");
      expect(spoke.reachable).toBe(false);
      expect(spoke.reason).not.toContain("aws_vpn_gateway");
    });
  });
});

describe("npm run check on a shape", () => {
  it("exits 3, naming the IPv6 pair, when an IPv6 route of examples/ipv6.json is removed", () => {
    withApp(IPV6_CONFIG, (app) => {
      const { stack, peering } = findPeering(app.stacks, "web", "api")!;
      const route = peering.routes.find((r) => r.family === "ipv6" && r.side === "accepter" && r.az === 0)!.route
        .friendlyUniqueId;
      editStack(app.outdir, stack.node.id, (json) => {
        delete json.resource.aws_route[route];
      });
      const result = spawnSync(process.execPath, ["scripts/run.cjs", "scripts/check", "--out", app.outdir], {
        cwd: path.join(__dirname, ".."),
        env: {
          ...withoutConfig(process.env),
          CHECKPOINT_DISABLE: "1",
          PEERING_CONFIG: path.join(__dirname, "..", "examples", "ipv6.json"),
        },
        encoding: "utf8",
      });
      expect(result.status).toBe(3);
      expect(result.stdout).toContain("✗ api → web (ipv6): the config means reachable, reach finds unreachable");
    });
  });
});

describe("adding a shape to a deployed VPC", () => {
  const base = {
    maxAzs: 2,
    vpcs: [
      { name: "a", cidr: "10.0.0.0/24" },
      { name: "b", cidr: "10.0.1.0/24" },
    ],
    peerings: [["a", "b"]],
  };

  /** Every resource address of every stack: `stack/type.name`. */
  function addresses(app: SynthesizedApp): Set<string> {
    const found = new Set<string>();
    for (const stack of ["network", "instances", ...app.stacks.peering.map((s) => s.node.id)]) {
      const json = JSON.parse(fs.readFileSync(path.join(app.outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as {
        resource: Record<string, object>;
      };
      for (const [type, resources] of Object.entries(json.resource))
        for (const name of Object.keys(resources)) found.add(`${stack}/${type}.${name}`);
    }
    return found;
  }

  it.each([
    ["IPv6", { ipv6: true }],
    [
      "secondary blocks",
      {
        vpcs: [
          { ...base.vpcs[0], secondaryCidrs: ["10.100.0.0/24"] },
          { ...base.vpcs[1], secondaryCidrs: ["10.101.0.0/24"] },
        ],
      },
    ],
    ["a VPN", { vpcs: [{ ...base.vpcs[0], vpnConnections: { office: { ip: "203.0.113.12" } } }, base.vpcs[1]] }],
  ])("with %s keeps every resource address and adds some", (_, change) => {
    const before = withApp(base, addresses);
    const after = withApp({ ...base, ...change }, addresses);
    expect([...before].filter((a) => !after.has(a))).toEqual([]);
    expect(after.size).toBeGreaterThan(before.size);
  });
});

describe("the peering stacks' resource count", () => {
  it("counts the routes to secondary blocks and, between two IPv6 VPCs, to their IPv6 blocks", () => {
    const vpcs = [
      { name: "a", maxAzs: 2, secondaryCidrs: ["10.100.0.0/24", "10.101.0.0/24"], ipv6: true },
      { name: "b", maxAzs: 1, ipv6: true },
      { name: "c", maxAzs: 1 },
    ];
    const [plan] = planPeeringStacks({
      vpcs,
      peerings: [
        ["a", "b"],
        ["a", "c"],
      ],
      maxPeeringStackResources: 3000,
      peeringShards: 16,
    });
    // a_b: the connection, a's 2 tables × (b's block + its IPv6 block), b's table × (a's 3 blocks + its IPv6 block).
    // a_c: the connection, a's 2 tables × c's block, c's table × a's 3 blocks.
    expect(plan.resources).toBe(1 + 2 * 2 + 1 * 4 + (1 + 2 * 1 + 1 * 3));
    const app = synthToTemp({
      ...IPV6_CONFIG,
      vpcs: [
        { name: "a", cidr: "10.0.0.0/24", maxAzs: 2, secondaryCidrs: ["10.100.0.0/24", "10.101.0.0/24"] },
        { name: "b", cidr: "10.0.1.0/24" },
        { name: "c", cidr: "10.0.2.0/24", ipv6: false },
      ],
      peerings: [
        ["a", "b"],
        ["a", "c"],
      ],
      maxAzs: 1,
    });
    try {
      const json = JSON.parse(fs.readFileSync(path.join(app.outdir, "stacks", "peering", "cdk.tf.json"), "utf8")) as {
        resource: Record<string, object>;
      };
      expect(Object.values(json.resource).reduce((sum, r) => sum + Object.keys(r).length, 0)).toBe(plan.resources);
    } finally {
      app.remove();
    }
  });
});
