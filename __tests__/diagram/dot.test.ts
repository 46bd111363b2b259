import fc from "fast-check";
import { instance, type Viz } from "@viz-js/viz";
import { arrange, COLOURS, DIAGRAM_LIMITS, toDot } from "../../lib/diagram/dot";
import { buildTopology, type DiagramVpc, type Topology } from "../../lib/diagram/graph";
import { analyze, buildModel, readDocuments } from "../../lib/reach";
import { manyVpcs, THREE_VPCS_CONFIG } from "../../test-support/configs";
import { editStack, synthToTemp } from "../../test-support/synth";

function topologyOf(raw: unknown, edit?: (outdir: string) => void): Topology {
  const app = synthToTemp(raw);
  try {
    edit?.(app.outdir);
    const documents = readDocuments([app.outdir]);
    const model = buildModel(documents);
    return buildTopology(documents, model, analyze(model));
  } finally {
    app.remove();
  }
}

/** The attribute list of the DOT statement that carries `id`. */
function statement(dot: string, id: string): string {
  const line = dot.split("\n").find((l) => l.includes(`id="${id}"`));
  if (!line) throw new Error(`no statement with id ${id} in\n${dot}`);
  return line;
}

describe("the topology of the three-VPC example", () => {
  const topology = topologyOf(THREE_VPCS_CONFIG);

  it("names each VPC by its Name tag, with its block, region and (unpinned) account", () => {
    expect(topology.vpcs.map((v) => [v.name, v.blocks, v.region, v.account])).toEqual(
      expect.arrayContaining([
        ["shared", ["10.10.0.0/24"], "eu-west-1", undefined],
        ["app", ["10.20.0.0/24"], "eu-west-1", undefined],
        ["data", ["10.30.0.0/24"], "eu-west-1", undefined],
      ]),
    );
  });

  it("tells public subnets (default route to the internet gateway) from private ones behind a NAT gateway", () => {
    const data = topology.vpcs.find((v) => v.name === "data")!;
    expect(data.subnets.map((s) => [s.label, s.blocks, s.tier])).toEqual(
      expect.arrayContaining([
        ["data-public-0", ["10.30.0.0/27"], "public"],
        ["data-private-0", ["10.30.0.32/27"], "private, NAT"],
      ]),
    );
    expect(data.gateways.map((g) => g.kind).sort()).toEqual(["NAT gateway", "internet gateway"]);
  });

  it("puts each instance in its subnet and keeps reach's verdicts", () => {
    const shared = topology.vpcs.find((v) => v.name === "shared")!;
    expect(shared.subnets.find((s) => s.label === "shared-private-0")!.instances.map((i) => i.label)).toEqual([
      "shared-ping",
    ]);
    const names = new Map(
      topology.vpcs.flatMap((v) => v.subnets.flatMap((s) => s.instances.map((i) => [i.key, v.name] as const))),
    );
    const verdict = (from: string, to: string) =>
      topology.verdicts.find((v) => names.get(v.from) === from && names.get(v.to) === to)?.reachable;
    expect([
      verdict("app", "shared"),
      verdict("shared", "data"),
      verdict("app", "data"),
      verdict("data", "app"),
    ]).toEqual([true, true, false, false]);
  });

  it("draws every VPC as a cluster, every peering as an edge between clusters, and the verdicts in their colours", () => {
    const { dot, summary } = toDot(topology);
    expect(summary).toEqual({ compact: false, collapsedVpcs: 0, omittedVerdicts: 0, omittedPeerings: 0 });
    for (const name of ["shared", "app", "data"]) expect(statement(dot, `vpc-${name}`)).toContain('class="vpc"');
    for (const id of ["peering-shared-app", "peering-shared-data"])
      expect(statement(dot, id)).toMatch(/ltail="cluster_vpc_\d" lhead="cluster_vpc_\d"/);
    const verdicts = dot.split("\n").filter((l) => l.includes('class="verdict'));
    expect(verdicts).toHaveLength(3);
    expect(verdicts.filter((l) => l.includes(`color="${COLOURS.reachable}"`))).toHaveLength(2);
    const unreachable = verdicts.filter((l) => l.includes(`color="${COLOURS.unreachable}"`));
    expect(unreachable).toHaveLength(1);
    expect(unreachable[0]).toMatch(/instance-(app|data)-ping.*instance-(app|data)-ping/);
    expect(unreachable[0]).toContain('dir="none"');
  });
});

describe("keeping large networks readable", () => {
  it(`lists the subnets of a VPC with more than ${DIAGRAM_LIMITS.subnetsPerVpc} as a count`, () => {
    const topology = topologyOf({
      maxAzs: 4,
      vpcs: [
        { name: "big", cidr: "10.0.0.0/22" },
        { name: "small", cidr: "10.1.0.0/24", maxAzs: 1 },
      ],
      peerings: [["big", "small"]],
    });
    const { dot, summary } = toDot(topology);
    expect(summary.collapsedVpcs).toBe(1);
    expect(statement(dot, "vpc-big")).toContain("8 subnets (4 public, 4 private)");
    expect(dot).not.toContain('id="subnet-big-public-0"');
    expect(dot).toContain('id="subnet-small-public-0"');
  });

  it(`leaves out unreachable pairs that are not peered once there are more than ${DIAGRAM_LIMITS.allVerdictInstances} instances`, () => {
    const vpcs = manyVpcs(DIAGRAM_LIMITS.allVerdictInstances + 1);
    const { dot, summary } = toDot(topologyOf({ vpcs, peerings: [["v0", "v1"]] }));
    const n = vpcs.length;
    expect(summary.omittedVerdicts).toBe((n * (n - 1)) / 2 - 1);
    expect(dot.split("\n").filter((l) => l.includes('class="verdict'))).toHaveLength(1);
    expect(dot).toContain(`Not drawn: ${summary.omittedVerdicts} unreachable pair(s)`);
  });

  it(`draws one box per VPC above ${DIAGRAM_LIMITS.detailedVpcs} VPCs, and of a full mesh only the peerings that fail`, () => {
    const vpcs = manyVpcs(DIAGRAM_LIMITS.detailedVpcs + 1);
    const n = vpcs.length;
    const topology = topologyOf({ vpcs, peerings: "full-mesh" }, (outdir) =>
      editStack(outdir, "peering", (json) => {
        for (const name of Object.keys(json.resource.aws_route))
          if (name.startsWith("peering-v0_v1_")) delete json.resource.aws_route[name];
      }),
    );
    const { dot, summary } = toDot(topology);
    expect(summary).toEqual({
      compact: true,
      collapsedVpcs: n,
      omittedVerdicts: 0,
      omittedPeerings: (n * (n - 1)) / 2 - 1,
    });
    expect(dot.split("\n").filter((l) => l.includes('class="vpc"'))).toHaveLength(n);
    expect(statement(dot, "peering-v0-v1")).toContain(`color="${COLOURS.unreachable}"`);
    expect(dot).toContain(
      `Not drawn: ${summary.omittedPeerings} peering(s) whose instances reach each other both ways`,
    );
  });
});

describe("VPN connections", () => {
  it(`are counted in a VPC's box once there are more than ${DIAGRAM_LIMITS.detailedVpcs} VPCs`, () => {
    const vpcs = manyVpcs(DIAGRAM_LIMITS.detailedVpcs + 1).map((v, i) =>
      i === 0 ? { ...v, vpnConnections: { office: { ip: "203.0.113.9", staticRoutes: ["192.168.0.0/16"] } } } : v,
    );
    const { dot, summary } = toDot(topologyOf({ vpcs, peerings: [["v0", "v1"]] }));
    expect(summary.compact).toBe(true);
    expect(statement(dot, "vpc-v0")).toContain("1 VPN gateway · 1 VPN connection");
    expect(statement(dot, "vpc-v1")).not.toContain("VPN");
  });
});

describe("arrange", () => {
  const vpc = (key: string): DiagramVpc => ({
    key,
    name: key,
    blocks: [],
    region: undefined,
    account: undefined,
    subnets: [],
    gateways: [],
    vpnConnections: [],
  });
  it("puts a hub between its spokes", () => {
    const peerings = ["a", "c"].map((spoke) => ({
      key: spoke,
      label: spoke,
      requester: "hub",
      accepter: spoke,
      crossRegion: false,
      crossAccount: false,
    }));
    expect(arrange([vpc("a"), vpc("c"), vpc("hub")], peerings).map((v) => v.key)).toEqual(["a", "hub", "c"]);
  });
});

describe("toDot on any topology", () => {
  let viz: Viz;
  beforeAll(async () => {
    viz = await instance();
  });

  const name = fc.string({
    minLength: 1,
    maxLength: 12,
    unit: fc.constantFrom("a", "b", "-", " ", '"', "<", "&", "\\", "é", "1"),
  });
  const topologies = fc
    .uniqueArray(name, { minLength: 1, maxLength: 16 })
    .chain((names) =>
      fc.record({
        names: fc.constant(names),
        peerings: fc.uniqueArray(fc.tuple(fc.nat(names.length - 1), fc.nat(names.length - 1)), { maxLength: 20 }),
        instances: fc.array(fc.boolean(), { minLength: names.length, maxLength: names.length }),
        verdicts: fc.array(
          fc.tuple(
            fc.nat(names.length - 1),
            fc.nat(names.length - 1),
            fc.constantFrom(true, false, "depends" as const),
          ),
          { maxLength: 30 },
        ),
      }),
    )
    .map(({ names, peerings, instances, verdicts }): Topology => {
      const key = (i: number) => `aws_vpc.v${i}`;
      const inst = (i: number) => `aws_instance.i${i}`;
      return {
        vpcs: names.map((n, i) => ({
          key: key(i),
          name: n,
          blocks: [`10.${i}.0.0/24`],
          region: "eu-west-1",
          account: undefined,
          subnets: [
            {
              key: `aws_subnet.s${i}`,
              label: `${n}-private`,
              blocks: [`10.${i}.0.0/25`],
              tier: "private" as const,
              instances: instances[i] ? [{ key: inst(i), label: `${n}-ping`, ipv4: undefined }] : [],
            },
          ],
          gateways: [],
          vpnConnections: [],
        })),
        peerings: peerings
          .filter(([a, b]) => a !== b)
          .map(([a, b], i) => ({
            key: `aws_vpc_peering_connection.p${i}`,
            label: `p${i}`,
            requester: key(a),
            accepter: key(b),
            crossRegion: false,
            crossAccount: false,
          })),
        externalVpcs: [],
        verdicts: verdicts
          .filter(([a, b]) => a !== b && instances[a] && instances[b])
          .map(([a, b, reachable]) => ({
            from: inst(a),
            to: inst(b),
            protocol: "ipv4" as const,
            reachable,
            reason: "r",
          })),
      };
    });

  it("writes DOT that Graphviz lays out, with a unique SVG id for every VPC and an edge for every peering (or peered pair, when compact)", () => {
    fc.assert(
      fc.property(topologies, (topology) => {
        const { dot, summary } = toDot(topology);
        const result = viz.render(dot, { format: "svg", engine: summary.compact ? "neato" : "dot" });
        expect(result.errors.filter((e) => e.level === "error")).toEqual([]);
        expect(result.status).toBe("success");
        const ids = [...dot.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.filter((id) => id.startsWith("vpc-"))).toHaveLength(topology.vpcs.length);
        const peeringEdges = dot.split("\n").filter((l) => l.includes('class="peering"')).length;
        // The detailed drawing has an edge per peering; the compact one an edge per peered pair of VPCs.
        const pairs = new Set(topology.peerings.map((p) => [p.requester, p.accepter].sort().join())).size;
        expect(peeringEdges + summary.omittedPeerings).toBe(summary.compact ? pairs : topology.peerings.length);
      }),
      { seed: 20261126, numRuns: 60 },
    );
  });
});
