import { DEFAULT_CONFIG, type PeeringConfig } from "../../lib/config";
import { diagramOf, toDot, type Diagram } from "../../lib/diagram";
import { readDocuments } from "../../lib/reach";
import { EXAMPLES_BY_NAME } from "../../test-support/configs";
import { synthToTemp } from "../../test-support/synth";

/** The built-in default and every example, as `describe.each` cases. */
const EVERY_CONFIG = [
  { name: "the built-in default", raw: DEFAULT_CONFIG as unknown as Record<string, unknown> },
  ...EXAMPLES_BY_NAME,
];

/** The text of the SVG element with `id` (a VPC cluster, a node or an edge, up to the next one): its <text> elements, one a line. */
function svgText(svg: string, id: string): string {
  const plain = svg.replace(/&#45;/g, "-");
  const group = new RegExp(`<g id="${id}" [^>]*>([\\s\\S]*?)(?=<g id="(?!a_)|<!--|</svg>)`).exec(plain);
  if (!group) throw new Error(`no element with id ${id} in the SVG`);
  return [...group[1].matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]).join("\n");
}

/** The account id in the role ARN of a raw config's named account; undefined for the credentials' own. */
function accountId(raw: Record<string, unknown>, account: string | undefined): string | undefined {
  if (account === undefined) return undefined;
  const accounts = raw.accounts as Record<string, { roleArn: string }>;
  return /:iam::(\d{12}):/.exec(accounts[account].roleArn)?.[1];
}

describe.each(EVERY_CONFIG)("the diagram of $name", ({ raw }) => {
  let config: PeeringConfig;
  let diagram: Diagram;
  beforeAll(async () => {
    const app = synthToTemp(raw);
    try {
      config = app.config;
      diagram = await diagramOf(readDocuments([app.outdir]));
    } finally {
      app.remove();
    }
  });
  const vpcNamed = (name: string) => diagram.topology.vpcs.find((v) => v.name === name)!;

  it("lays out as SVG, drawn in detail, with every VPC of the config in its region and account", () => {
    expect(diagram.svg).toMatch(/^<\?xml[\s\S]*<\/svg>\s*$/);
    expect(diagram.summary.compact).toBe(false);
    expect(diagram.topology.vpcs.map((v) => v.name).sort()).toEqual(config.vpcs.map((v) => v.name).sort());
    expect(diagram.topology.externalVpcs).toEqual([]);
    for (const vpc of config.vpcs) {
      const account = accountId(raw, vpc.account);
      expect([vpcNamed(vpc.name).region, vpcNamed(vpc.name).account]).toEqual([vpc.region, account]);
      const text = svgText(diagram.svg, `vpc-${vpc.name}`);
      expect(text).toContain(vpc.name);
      expect(text).toContain(vpc.cidr);
      for (const block of vpc.secondaryCidrs ?? []) expect(text).toContain(block);
      expect(text).toContain(`${vpc.region} · account ${account ?? "of the credentials"}`);
    }
  });

  it("draws every peering of the config between its two VPCs, marked inter-region and cross-account where it is", () => {
    const names = new Map(diagram.topology.vpcs.map((v) => [v.key, v.name]));
    expect(diagram.topology.peerings.map((p) => [names.get(p.requester), names.get(p.accepter)]).sort()).toEqual(
      config.peerings.map(([a, b]) => [a, b]).sort(),
    );
    const byName = new Map(config.vpcs.map((v) => [v.name, v]));
    for (const [a, b] of config.peerings) {
      const interRegion = byName.get(a)!.region !== byName.get(b)!.region;
      const crossAccount = byName.get(a)!.account !== byName.get(b)!.account;
      const text = svgText(diagram.svg, `peering-${a}-${b}`);
      expect([text.includes("inter-region"), text.includes("cross-account")]).toEqual([interRegion, crossAccount]);
    }
  });

  it("shows each VPC's IPv6 block and gateways: internet, NAT where there are NAT gateways, egress-only for IPv6, VPN, and the SSM interface endpoints without NAT", () => {
    const withEndpoints = config.natGateways === "none" && config.ssmEndpoints !== false;
    for (const vpc of config.vpcs) {
      const drawn = vpcNamed(vpc.name);
      const ipv6 = vpc.ipv6 === true;
      expect(drawn.blocks.includes("IPv6 /56 from AWS")).toBe(ipv6);
      expect(svgText(diagram.svg, `vpc-${vpc.name}`).includes("IPv6 /56 from AWS")).toBe(ipv6);
      const expected = [
        "internet gateway",
        ...(config.natGateways === "none" ? [] : ["NAT gateway"]),
        ...(ipv6 ? ["egress-only internet gateway"] : []),
        ...(vpc.vpnConnections ? ["VPN gateway"] : []),
        ...(withEndpoints ? ["interface endpoints: ec2messages, ssm, ssmmessages"] : []),
      ];
      const labels = [
        ...new Set(
          drawn.gateways.map((g) =>
            g.label.replace(/: .*/, (list) => `: ${list.slice(2).split(", ").sort().join(", ")}`),
          ),
        ),
      ];
      expect(labels.sort()).toEqual(expected.sort());
      for (const label of labels)
        expect(diagram.svg.replace(/&#45;/g, "-")).toContain(
          `id="gateway-${vpc.name}-${label
            .toLowerCase()
            .replace(/[^a-z0-9]+/g, "-")
            .replace(/-$/, "")}"`,
        );
    }
  });

  it("writes each subnet's blocks as addresses, its IPv6 /64 as part of the VPC's Amazon-provided block, never as an expression", () => {
    for (const vpc of config.vpcs) {
      const subnets = vpcNamed(vpc.name).subnets;
      for (const subnet of subnets) expect(subnet.blocks.join(" ")).not.toMatch(/cidrsubnet|\$\{|aws_/);
      const primary = subnets.filter((s) => /-(public|private)-\d+$/.test(s.label));
      expect(primary.length).toBeGreaterThan(0);
      for (const subnet of primary) expect(subnet.blocks.includes("IPv6 /64 from the VPC's")).toBe(vpc.ipv6 === true);
    }
  });

  it("draws each Site-to-Site VPN connection to its customer gateway's address, with its static routes or BGP", () => {
    for (const vpc of config.vpcs) {
      const connections = Object.entries(vpc.vpnConnections ?? {});
      const drawn = vpcNamed(vpc.name).vpnConnections;
      expect(drawn.map((c) => [c.label, c.ip, [...c.staticRoutes]]).sort()).toEqual(
        connections.map(([name, c]) => [`${vpc.name}-${name}`, c.ip, [...(c.staticRoutes ?? [])]]).sort(),
      );
      for (const [name, c] of connections) {
        const text = svgText(diagram.svg, `vpn-${vpc.name}-${vpc.name}-${name}`);
        expect(text).toContain(c.ip);
        expect(text).toContain(c.staticRoutes ? c.staticRoutes.join(", ") : "BGP");
      }
    }
    const edges = toDot(diagram.topology)
      .dot.split("\n")
      .filter((l) => l.includes('class="vpn"') && l.includes("->"));
    expect(edges).toHaveLength(config.vpcs.reduce((n, v) => n + Object.keys(v.vpnConnections ?? {}).length, 0));
  });
});
