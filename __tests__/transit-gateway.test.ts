/**
 * examples/transit-gateway.json synthesized: its stacks byte for byte, every edge of the transit
 * gateway's routing an explicit resource, the attachment subnets added without moving any subnet
 * of the same VPCs without a gateway, reach's verdicts exactly what the segments mean, and Terraform
 * validating every stack (the mocked apply with wiring asserts is in npm run test:terraform).
 */
import * as fs from "fs";
import * as path from "path";
import { compareWithIntent, instanceAddresses } from "../lib/check";
import { parseConfig } from "../lib/config";
import { propagatedInto } from "../lib/config/transit";
import { analyze, buildModel, readDocuments } from "../lib/reach";
import { example } from "../test-support/configs";
import { SynthesizedApp, synthToTemp } from "../test-support/synth";
import { proveWithTerraform } from "../test-support/terraform";

const RAW = example("transit-gateway.json");

type Resources = Record<string, Record<string, Record<string, unknown>>>;

function stackJson(outdir: string, stack: string): { text: string; resource: Resources } {
  const text = fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8");
  return { text, resource: (JSON.parse(text) as { resource: Resources }).resource };
}

describe("synth of examples/transit-gateway.json", () => {
  let app: SynthesizedApp;
  let transit: Resources;
  beforeAll(() => {
    app = synthToTemp(RAW);
    transit = stackJson(app.outdir, "transit").resource;
  });
  afterAll(() => app.remove());
  const names = (type: string) => Object.keys(transit[type] ?? {}).sort();

  it("writes a transit stack beside network, instances and peering", () => {
    expect(fs.readdirSync(path.join(app.outdir, "stacks")).sort()).toEqual([
      "instances",
      "network",
      "peering",
      "transit",
    ]);
  });

  it.each(["network", "instances", "transit"])("writes stacks/%s/cdk.tf.json byte for byte as committed", (stack) => {
    expect(stackJson(app.outdir, stack).text).toMatchSnapshot(
      `examples/transit-gateway.json stacks/${stack}/cdk.tf.json`,
    );
  });

  it("turns the gateway's default route table association and propagation off", () => {
    expect(Object.values(transit.aws_ec2_transit_gateway)).toEqual([
      expect.objectContaining({
        default_route_table_association: "disable",
        default_route_table_propagation: "disable",
        amazon_side_asn: 64512,
      }),
    ]);
  });

  it("makes one route table per segment, and associates each attachment with its segment's table only", () => {
    expect(names("aws_ec2_transit_gateway_route_table").map((n) => n.replace(/_[0-9A-F]{8}$/, ""))).toEqual([
      "tgw-hub_rt-dev",
      "tgw-hub_rt-prod",
      "tgw-hub_rt-shared",
    ]);
    const associations = Object.values(transit.aws_ec2_transit_gateway_route_table_association);
    expect(associations).toHaveLength(6);
    for (const vpc of app.config.transitGateways![0].attachments) {
      const mine = associations.filter((a) =>
        String(a.transit_gateway_attachment_id).includes(`tgw-hub_att-${vpc.vpc}_`),
      );
      expect(mine.map((a) => String(a.transit_gateway_route_table_id).match(/rt-([a-z]+)_/)?.[1])).toEqual([
        vpc.segment,
      ]);
    }
  });

  it("propagates each VPC into exactly the tables of the segments that reach its own", () => {
    const edges = Object.values(transit.aws_ec2_transit_gateway_route_table_propagation)
      .map(
        (p) =>
          `${String(p.transit_gateway_attachment_id).match(/att-([a-z-]+)_/)?.[1]} → ${String(p.transit_gateway_route_table_id).match(/rt-([a-z]+)_/)?.[1]}`,
      )
      .sort();
    const expected = [...propagatedInto(app.config.transitGateways![0])]
      .flatMap(([segment, vpcs]) => vpcs.map((v) => `${v} → ${segment}`))
      .sort();
    expect(edges).toEqual(expected);
  });

  it("gives each attachment the VPC's own /28 per AZ, and the blackholes of prod and dev", () => {
    const network = stackJson(app.outdir, "network").resource;
    const tgwSubnets = Object.entries(network.aws_subnet)
      .filter(([name]) => name.startsWith("vpc-prod-web_tgw_"))
      .map(([, s]) => s.cidr_block);
    expect(tgwSubnets).toEqual(["10.10.0.240/28", "10.10.0.224/28"]);
    expect(
      Object.values(transit.aws_ec2_transit_gateway_route).map((r) => [r.destination_cidr_block, r.blackhole]),
    ).toEqual([
      ["10.0.0.0/8", true],
      ["10.0.0.0/8", true],
    ]);
  });

  it("routes each private route table to the blocks its VPC reaches, and only those", () => {
    const routes = Object.entries(transit.aws_route).map(
      ([name, r]) => `${name.split("-to-")[0].replace(/^tgw-hub_/, "")} ${r.destination_cidr_block}`,
    );
    expect(routes.filter((r) => r.startsWith("dev-web-0 "))).toEqual([
      "dev-web-0 10.0.0.0/24",
      "dev-web-0 10.0.1.0/24",
    ]);
    expect(routes.filter((r) => r.startsWith("prod-web-1 "))).toEqual([
      "prod-web-1 10.0.0.0/24",
      "prod-web-1 10.0.1.0/24",
      "prod-web-1 10.10.1.0/24",
    ]);
    expect(routes.filter((r) => r.startsWith("shared-dns-0 "))).toHaveLength(5);
  });

  it("is judged by reach exactly as the segments mean: shared reaches prod and dev, prod and dev apart, dev's members apart", () => {
    const model = buildModel(readDocuments([app.outdir]));
    const report = compareWithIntent(app.config, instanceAddresses(app.outdir), analyze(model));
    expect(report.errors).toEqual([]);
    expect(report.mismatches).toEqual([]);
    expect([report.pairs, report.reachable]).toEqual([30, 20]);
  });
});

describe("adding the transit gateway to the same VPCs", () => {
  const {
    transitGateways: _,
    vpcs,
    ...rest
  } = RAW as unknown as { transitGateways: unknown; vpcs: Record<string, unknown>[] };
  let plain: SynthesizedApp;
  let withTgw: SynthesizedApp;
  beforeAll(() => {
    plain = synthToTemp({ ...rest, vpcs: vpcs.map(({ transitAttachments: __, ...v }) => v) });
    withTgw = synthToTemp(RAW);
  });
  afterAll(() => {
    plain.remove();
    withTgw.remove();
  });

  it("adds resources to the network stack and changes none of the existing ones", () => {
    const before = stackJson(plain.outdir, "network").resource;
    const after = stackJson(withTgw.outdir, "network").resource;
    for (const [type, byName] of Object.entries(before)) {
      for (const [name, body] of Object.entries(byName))
        expect([type, name, after[type]?.[name]]).toEqual([type, name, body]);
    }
    expect(Object.keys(after.aws_subnet).length - Object.keys(before.aws_subnet).length).toBe(12);
  });

  it("leaves a config without transitGateways without a transit stack", () => {
    expect(fs.readdirSync(path.join(plain.outdir, "stacks")).sort()).toEqual(["instances", "network", "peering"]);
  });
});

describe("a transit gateway in a region other than the config's", () => {
  let app: SynthesizedApp;
  beforeAll(
    () =>
      (app = synthToTemp({
        region: "eu-west-1",
        transitGateways: [{ name: "east", region: "us-east-1", segments: [{ name: "all" }] }],
        vpcs: [
          { name: "a", cidr: "10.0.0.0/24", region: "us-east-1", transitAttachments: { east: "all" } },
          { name: "b", cidr: "10.0.1.0/24", region: "us-east-1", transitAttachments: { east: "all" } },
        ],
      })),
  );
  afterAll(() => app.remove());

  it("is made, with its attachments, routes and route tables, by the provider of its region", () => {
    const json = JSON.parse(fs.readFileSync(path.join(app.outdir, "stacks", "transit", "cdk.tf.json"), "utf8"));
    const aliases = (json.provider.aws as { alias?: string; region: string }[]).map((p) => [p.alias, p.region]);
    expect(aliases).toEqual([
      [undefined, "eu-west-1"],
      ["us-east-1", "us-east-1"],
    ]);
    const providers = Object.values(json.resource as Resources).flatMap((byName) =>
      Object.values(byName).map((r) => r.provider),
    );
    expect(providers.length).toBeGreaterThan(0);
    expect(new Set(providers)).toEqual(new Set(["aws.us-east-1"]));
  });

  it("is judged by reach: a and b, one segment, reach each other", () => {
    const report = compareWithIntent(
      app.config,
      instanceAddresses(app.outdir),
      analyze(buildModel(readDocuments([app.outdir]))),
    );
    expect([report.mismatches, report.errors, report.reachable]).toEqual([[], [], 2]);
  });
});

describe("the example with IPv6 in every VPC", () => {
  const raw = { ...RAW, ipv6: true };
  let app: SynthesizedApp;
  beforeAll(() => (app = synthToTemp(raw)));
  afterAll(() => app.remove());

  it("enables IPv6 on every attachment, gives each attachment subnet the last /64s, and routes the reached VPCs' /56s", () => {
    const transit = stackJson(app.outdir, "transit").resource;
    const attachments = Object.values(transit.aws_ec2_transit_gateway_vpc_attachment);
    expect(attachments.map((a) => a.ipv6_support)).toEqual(Array(6).fill("enable"));
    const network = stackJson(app.outdir, "network").resource;
    const subnet = Object.entries(network.aws_subnet).find(([name]) =>
      name.startsWith("vpc-dev-web_tgw_subnet-1_"),
    )![1];
    expect(subnet.ipv6_cidr_block).toMatch(
      /^\$\{cidrsubnet\(aws_vpc\.vpc-dev-web_vpc_\w+\.ipv6_cidr_block, 8, 254\)\}$/,
    );
    const ipv6Routes = Object.entries(transit.aws_route).filter(([, r]) => r.destination_ipv6_cidr_block !== undefined);
    expect(
      ipv6Routes
        .filter(([name]) => name.startsWith("tgw-hub_dev-web-0-"))
        .map(([name]) => name.replace(/_\w+$/, ""))
        .sort(),
    ).toEqual(["tgw-hub_dev-web-0-to-shared-dns-ipv6", "tgw-hub_dev-web-0-to-shared-tools-ipv6"]);
  });

  it("is judged by reach over both IP versions exactly as the segments mean", () => {
    const report = compareWithIntent(
      app.config,
      instanceAddresses(app.outdir),
      analyze(buildModel(readDocuments([app.outdir]))),
    );
    expect([report.mismatches, report.errors, report.pairs, report.ipv6Pairs, report.reachable]).toEqual([
      [],
      [],
      30,
      30,
      20,
    ]);
  });

  it("applies every stack against the mocked provider, the wiring asserts holding", async () => {
    const proofs = await proveWithTerraform(parseConfig(raw), "json");
    expect(
      proofs
        .filter((p) => p.assertions > 0)
        .map((p) => p.stack)
        .sort(),
    ).toEqual(["instances", "network", "transit"]);
  }, 600_000);
});

describe("two VPCs both peered and attached to the transit gateway", () => {
  // dev-web and dev-api are isolated on the gateway, and peered: they reach each other over the peering.
  const raw = {
    ...RAW,
    peerings: [
      ["dev-web", "dev-api"],
      ["shared-tools", "prod-web"],
    ],
  };
  let app: SynthesizedApp;
  beforeAll(() => (app = synthToTemp(raw)));
  afterAll(() => app.remove());

  it("route each other's block over the peering only", () => {
    const transit = stackJson(app.outdir, "transit").resource;
    const viaGateway = Object.keys(transit.aws_route).map((name) => name.replace(/^tgw-hub_/, "").replace(/_\w+$/, ""));
    // Not 10.10.0.0/24: prod-web is reached over the peering.
    expect(viaGateway.filter((n) => n.startsWith("shared-tools-0-")).sort()).toEqual([
      "shared-tools-0-to-10-0-1-0-24",
      "shared-tools-0-to-10-10-1-0-24",
      "shared-tools-0-to-10-20-0-0-24",
      "shared-tools-0-to-10-20-1-0-24",
    ]);
    const peering = stackJson(app.outdir, "peering").resource;
    expect(Object.keys(peering.aws_vpc_peering_connection)).toHaveLength(2);
  });

  it("are judged by reach as the config means: the peering joins what the segments keep apart", () => {
    const report = compareWithIntent(
      app.config,
      instanceAddresses(app.outdir),
      analyze(buildModel(readDocuments([app.outdir]))),
    );
    expect([report.mismatches, report.errors, report.reachable]).toEqual([[], [], 22]);
  });
});

describe("Terraform, offline with the provider mirror,", () => {
  it("validates every stack of examples/transit-gateway.json", async () => {
    const proofs = await proveWithTerraform(parseConfig(RAW), "json", { test: false });
    expect(proofs.map((p) => p.stack).sort()).toEqual(["instances", "network", "peering", "transit"]);
  }, 600_000);
});

describe("examples/transit-gateway.json with its ping rules grouped, as a network of thousands of rules has them", () => {
  let app: SynthesizedApp;
  let json: { text: string; resource: Resources };
  beforeAll(() => {
    app = synthToTemp(RAW, false, { maxPerPeerRules: 0 });
    json = stackJson(app.outdir, "instances");
  });
  afterAll(() => app.remove());

  it("writes each attachment class's blocks once, as a local value, and admits a class with one rule", () => {
    const locals = (JSON.parse(json.text) as { locals: Record<string, string[]> }).locals;
    const vpcs = (RAW as { vpcs: { name: string; cidr: string; transitAttachments: { hub: string } }[] }).vpcs;
    for (const segment of ["shared", "prod", "dev"])
      expect(locals[`ping-sources_hub_${segment}`]).toEqual(
        vpcs.filter((v) => v.transitAttachments.hub === segment).map((v) => v.cidr),
      );
    const rules = Object.entries(json.resource.aws_security_group_rule);
    const prodRule = rules.find(([name]) => name.startsWith("instance-prod-web_ping-from-hub_shared_"))!;
    expect(prodRule[1].cidr_blocks).toBe("${local.ping-sources_hub_shared}");
    expect(json.resource.aws_vpc_security_group_ingress_rule).toBeUndefined();
  });

  it("is judged by reach as the segments mean, exactly as with a rule per reached block", () => {
    const report = compareWithIntent(
      app.config,
      instanceAddresses(app.outdir),
      analyze(buildModel(readDocuments([app.outdir]))),
    );
    expect(report.errors).toEqual([]);
    expect(report.mismatches).toEqual([]);
    expect([report.pairs, report.reachable]).toEqual([30, 20]);
  });
});
