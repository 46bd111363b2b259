/**
 * Transit gateways in the diagram: each a hub holding its segments (route tables), each attached VPC
 * joined to its segment in the segment's colour, peering attachments as edges between hubs, and
 * every name from the Terraform drawn as text.
 */
import { DOMParser } from "@xmldom/xmldom";
import { diagramOf, SEGMENT_COLOURS, toDot, type Diagram } from "../../lib/diagram";
import { segmentReaches } from "../../lib/config/transit";
import { readDocuments, type StackDocument } from "../../lib/reach";
import { EXAMPLES_BY_NAME } from "../../test-support/configs";
import { synthToTemp } from "../../test-support/synth";
import type { PeeringConfig } from "../../lib/config";

/** The DOT statement that carries `id`. */
function statement(dot: string, id: string): string {
  const line = dot.split("\n").find((l) => l.includes(`id="${id}"`));
  if (!line) throw new Error(`no statement with id ${id}`);
  return line;
}

/** The texts of the SVG element with `id`, up to the next element. */
function svgText(svg: string, id: string): string {
  const plain = svg.replace(/&#45;/g, "-");
  const group = new RegExp(`<g id="${id}" [^>]*>([\\s\\S]*?)(?=<g id="(?!a_)|<!--|</svg>)`).exec(plain);
  if (!group) throw new Error(`no element with id ${id} in the SVG`);
  return [...group[1].matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]).join("\n");
}

const EXAMPLE = EXAMPLES_BY_NAME.find((e) => e.name === "examples/transit-gateway.json")!;

describe("the diagram of examples/transit-gateway.json", () => {
  let config: PeeringConfig;
  let diagram: Diagram;
  beforeAll(async () => {
    const app = synthToTemp(EXAMPLE.raw);
    try {
      config = app.config;
      diagram = await diagramOf(readDocuments([app.outdir]));
    } finally {
      app.remove();
    }
  });
  const gateway = () => config.transitGateways![0];

  it("draws the gateway as a hub in its region holding one node per segment, named by its route table", () => {
    const [hub] = diagram.topology.transit!.gateways;
    expect(diagram.topology.transit!.gateways).toHaveLength(1);
    expect([hub.label, hub.region]).toEqual([gateway().name, gateway().region]);
    expect(hub.segments.map((s) => s.label).sort()).toEqual(
      gateway()
        .segments.map((s) => `hub-${s.name}`)
        .sort(),
    );
    expect(svgText(diagram.svg, "tgw-hub")).toContain(`transit gateway · ${gateway().region}`);
    for (const segment of gateway().segments)
      expect(svgText(diagram.svg, `tgw-segment-hub-hub-${segment.name}`)).toContain(`hub-${segment.name}`);
  });

  it("puts each VPC in the segment its attachment is associated with, and says which segments each routes to and what it drops", () => {
    const names = new Map(diagram.topology.vpcs.map((v) => [v.key, v.name]));
    for (const segment of diagram.topology.transit!.gateways[0].segments) {
      const name = segment.label.replace(/^hub-/, "");
      const own = gateway().segments.find((s) => s.name === name)!;
      expect(segment.members.map((m) => names.get(m)).sort()).toEqual(
        gateway()
          .attachments.filter((a) => a.segment === name)
          .map((a) => a.vpc)
          .sort(),
      );
      const reached = gateway()
        .segments.filter((s) => segmentReaches(gateway().segments, name, s.name))
        .filter((s) => gateway().attachments.some((a) => a.segment === s.name))
        .map((s) => `hub-${s.name}`);
      expect([...segment.routesTo].sort()).toEqual(reached.sort());
      expect(segment.blackholes).toEqual(own.routes.filter((r) => r.blackhole).map((r) => r.destination));
    }
  });

  it("joins each attached VPC to its segment's node in that segment's colour, once", () => {
    const { dot } = toDot(diagram.topology);
    const segments = diagram.topology.transit!.gateways[0].segments;
    for (const { vpc, segment } of gateway().attachments) {
      const index = segments.findIndex((s) => s.label === `hub-${segment}`);
      const edge = statement(dot, `tgw-attachment-hub-${vpc}`);
      expect(edge).toContain(`-> "tgw-segment-hub-hub-${segment}"`);
      expect(edge).toContain(`color="${SEGMENT_COLOURS[index]}"`);
      expect(statement(dot, `tgw-segment-hub-hub-${segment}`)).toContain(`color="${SEGMENT_COLOURS[index]}"`);
    }
    expect(dot.split("\n").filter((l) => l.includes('class="tgw-attachment"'))).toHaveLength(
      gateway().attachments.length,
    );
  });

  it("keeps reach's verdicts: a coloured edge per pair, reachable exactly where the segments reach", () => {
    const reachable = diagram.topology.verdicts.filter((v) => v.reachable === true).length;
    const vpcOf = (segment: string) => gateway().attachments.filter((a) => a.segment === segment);
    const expected = gateway().attachments.reduce(
      (n, a) =>
        n +
        gateway()
          .segments.filter((s) => segmentReaches(gateway().segments, a.segment, s.name))
          .reduce((m, s) => m + vpcOf(s.name).filter((b) => b.vpc !== a.vpc).length, 0),
      0,
    );
    expect(reachable).toBe(expected);
    expect(diagram.svg.replace(/&#45;/g, "-")).toMatch(/class="[^"]*verdict not-reachable"/);
  });
});

describe("the diagram of examples/transit-inter-region.json", () => {
  it("joins the two peered gateways by one edge between the segments the peering attachment is associated with, marked inter-region", async () => {
    const example = EXAMPLES_BY_NAME.find((e) => e.name === "examples/transit-inter-region.json")!;
    const app = synthToTemp(example.raw);
    try {
      const diagram = await diagramOf(readDocuments([app.outdir]));
      const peerings = (example.raw as unknown as { transitPeerings: { requester: End; accepter: End }[] })
        .transitPeerings;
      const { dot } = toDot(diagram.topology);
      const edges = dot.split("\n").filter((l) => l.includes('class="tgw-peering"'));
      expect(edges).toHaveLength(peerings.length);
      for (const { requester, accepter } of peerings) {
        const node = (end: End) => `"tgw-segment-${end.gateway}-${end.gateway}-${end.segment}"`;
        expect(edges.filter((e) => e.startsWith(`  ${node(requester)} -> ${node(accepter)} `))).toHaveLength(1);
      }
      expect(diagram.topology.transit!.peerings.every((p) => p.crossRegion && p.accepted)).toBe(true);
      expect(edges.every((e) => e.includes("inter-region"))).toBe(true);
    } finally {
      app.remove();
    }
  });
});

describe("the diagram of examples/transit-peering-segments.json", () => {
  it("labels each side's peering route table with its peering, not as an empty segment", async () => {
    const example = EXAMPLES_BY_NAME.find((e) => e.name === "examples/transit-peering-segments.json")!;
    const app = synthToTemp(example.raw);
    try {
      const diagram = await diagramOf(readDocuments([app.outdir]));
      const tables = diagram.topology.transit!.gateways.flatMap((g) => g.segments);
      const peeringTables = tables.filter((t) => (t.peerings ?? 0) > 0);
      expect(peeringTables.map((t) => [t.members.length, t.peerings])).toEqual([
        [0, 1],
        [0, 1],
      ]);
      const { dot } = toDot(diagram.topology);
      expect(dot).not.toContain("0 VPCs");
      expect(dot.match(/1 peering\b/g)).toHaveLength(2);
    } finally {
      app.remove();
    }
  });
});

/** One side of a transitPeerings entry. */
interface End {
  readonly gateway: string;
  readonly segment: string;
}

describe("the diagram of hand-written transit gateways", () => {
  const MARKUP = '<table href="javascript:alert(1)"><tr><td>x</td></tr></table>';
  /** Two gateways, the first with a VPC in a segment, peered; names from `name`. */
  function documents(name: string): StackDocument[] {
    return [
      {
        stack: "t",
        file: "t.tf.json",
        json: {
          provider: { aws: [{ region: "eu-west-1" }] },
          resource: {
            aws_vpc: { v: { cidr_block: "10.0.0.0/24", tags: { Name: `${name}-vpc` } } },
            aws_subnet: { s: { vpc_id: "${aws_vpc.v.id}", cidr_block: "10.0.0.0/28" } },
            aws_ec2_transit_gateway: {
              a: { tags: { Name: `${name}-a` }, default_route_table_association: "disable" },
              b: { tags: { Name: "b" } },
            },
            aws_ec2_transit_gateway_route_table: {
              r: { transit_gateway_id: "${aws_ec2_transit_gateway.a.id}", tags: { Name: `${name}-segment` } },
            },
            aws_ec2_transit_gateway_vpc_attachment: {
              x: {
                transit_gateway_id: "${aws_ec2_transit_gateway.a.id}",
                vpc_id: "${aws_vpc.v.id}",
                subnet_ids: ["${aws_subnet.s.id}"],
                transit_gateway_default_route_table_association: false,
              },
            },
            aws_ec2_transit_gateway_route_table_association: {
              x: {
                transit_gateway_attachment_id: "${aws_ec2_transit_gateway_vpc_attachment.x.id}",
                transit_gateway_route_table_id: "${aws_ec2_transit_gateway_route_table.r.id}",
              },
            },
            aws_ec2_transit_gateway_peering_attachment: {
              p: {
                transit_gateway_id: "${aws_ec2_transit_gateway.a.id}",
                peer_transit_gateway_id: "${aws_ec2_transit_gateway.b.id}",
                tags: { Name: `${name}-peering` },
              },
            },
            aws_ec2_transit_gateway_peering_attachment_accepter: {
              p: { transit_gateway_attachment_id: "${aws_ec2_transit_gateway_peering_attachment.p.id}" },
            },
          },
        },
      },
    ];
  }

  it("draws a peering attachment as an edge between the two hubs, accepted", async () => {
    const diagram = await diagramOf(documents("hub"));
    expect(diagram.topology.transit!.peerings).toEqual([
      expect.objectContaining({ label: "hub-peering", crossRegion: false, accepted: true }),
    ]);
    const edge = statement(toDot(diagram.topology).dot, "tgw-peering-hub-peering");
    expect(edge).toMatch(/^ {2}"tgw-segment-hub-a-[a-z-]+" -> "tgw-segment-b-default-route-table" /);
    // a keeps its default route table (propagation is on), b has only its default one.
    expect(diagram.topology.transit!.gateways.map((g) => g.segments.map((s) => s.label).sort())).toEqual([
      ["default route table", "hub-segment"],
      ["default route table"],
    ]);
    expect(edge).toContain('style="solid"');
    expect(svgText(diagram.svg, "tgw-peering-hub-peering")).toContain("hub-peering");
  });

  it.each([
    ["markup", MARKUP],
    ["a control character", "a\u0007b"],
    ["a bidi override", "a\u202eb"],
  ])("draws a gateway, segment and peering named with %s as text, in well-formed SVG with no link", async (_, name) => {
    const { svg } = await diagramOf(documents(name));
    const doc = new DOMParser({
      onError: (level, message) => {
        throw new Error(`the SVG is not well-formed XML (${level}): ${message}`);
      },
    }).parseFromString(svg, "image/svg+xml");
    expect(doc.documentElement).toBeTruthy();
    expect(svg).not.toMatch(/href="|\u0007|\u202e/);
    if (name === MARKUP) expect(svg).toContain("&lt;table href=&quot;javascript:alert(1)&quot;&gt;");
    else expect(svg).toMatch(/\\u\{(7|202e)\}/);
  });
});
