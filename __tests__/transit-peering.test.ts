/**
 * Transit gateways peered across regions, shared with other accounts through RAM, and a VPC both
 * attached and peered: examples/transit-inter-region.json, examples/transit-cross-account.json and
 * examples/transit-attached-and-peered.json synthesized byte for byte, the peering attachments and
 * their static routes, the RAM share and the accepters, reach's verdicts exactly what the config
 * means, and Terraform validating every stack.
 */
import * as fs from "fs";
import * as path from "path";
import { compareWithIntent, instanceAddresses } from "../lib/check";
import { parseConfig } from "../lib/config";
import { transitReachable } from "../lib/config/transit";
import { analyze, buildModel, readDocuments } from "../lib/reach";
import { example } from "../test-support/configs";
import { SynthesizedApp, synthToTemp } from "../test-support/synth";
import { proveWithTerraform } from "../test-support/terraform";

type Resources = Record<string, Record<string, Record<string, unknown>>>;

function stackJson(
  outdir: string,
  stack: string,
): { text: string; json: Record<string, unknown>; resource: Resources } {
  const text = fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8");
  const json = JSON.parse(text) as { resource: Resources };
  return { text, json, resource: json.resource };
}

/** The address of a resource as references name it, from its construct path's id. */
const bodies = (resources: Resources, type: string) => Object.entries(resources[type] ?? {});

function judged(app: SynthesizedApp) {
  return compareWithIntent(app.config, instanceAddresses(app.outdir), analyze(buildModel(readDocuments([app.outdir]))));
}

describe.each([
  ["transit-inter-region.json", ["network", "instances", "transit"]],
  ["transit-cross-account.json", ["network", "instances", "transit"]],
  ["transit-attached-and-peered.json", ["network", "instances", "peering", "transit"]],
])("synth of examples/%s", (file, stacks) => {
  let app: SynthesizedApp;
  beforeAll(() => (app = synthToTemp(example(file))));
  afterAll(() => app.remove());

  it.each(stacks)("writes stacks/%s/cdk.tf.json byte for byte as committed", (stack) => {
    expect(stackJson(app.outdir, stack).text).toMatchSnapshot(`examples/${file} stacks/${stack}/cdk.tf.json`);
  });
});

describe("examples/transit-inter-region.json: eu (eu-west-1) and us (us-east-1) peered through their prod segments", () => {
  let app: SynthesizedApp;
  let transit: Resources;
  beforeAll(() => {
    app = synthToTemp(example("transit-inter-region.json"));
    transit = stackJson(app.outdir, "transit").resource;
  });
  afterAll(() => app.remove());

  it("means that eu's shared and prod VPCs reach us's VPCs, and eu's isolated dev reaches only eu's shared", () => {
    const reach = (vpc: string) => transitReachable(app.config, vpc).map((r) => `${r.vpc.name} via ${r.gateway}`);
    expect(reach("eu-prod")).toEqual(["eu-shared via eu", "us-shared via eu", "us-prod via eu"]);
    expect(reach("eu-dev")).toEqual(["eu-shared via eu"]);
    expect(reach("us-shared")).toEqual(["eu-shared via us", "eu-prod via us", "us-prod via us"]);
  });

  it("requests the peering with eu's provider and accepts it with us's, naming the peer's region", () => {
    const [[, attachment]] = bodies(transit, "aws_ec2_transit_gateway_peering_attachment");
    expect(attachment).toMatchObject({ provider: "aws", peer_region: "us-east-1" });
    expect(attachment.peer_account_id).toBeUndefined();
    expect(String(attachment.transit_gateway_id)).toContain("tgw-eu_tgw");
    expect(String(attachment.peer_transit_gateway_id)).toContain("tgw-us_tgw");
    const [[, accepter]] = bodies(transit, "aws_ec2_transit_gateway_peering_attachment_accepter");
    expect(accepter.provider).toBe("aws.us-east-1");
  });

  it("associates the accepted peering with the prod route table of each side, in each side's provider", () => {
    const associations = bodies(transit, "aws_ec2_transit_gateway_route_table_association")
      .filter(([name]) => name.startsWith("tgw-peering-"))
      .map(([, a]) => [
        a.provider,
        String(a.transit_gateway_route_table_id)
          .match(/tgw-(\w+)_rt-(\w+)_/)
          ?.slice(1)
          .join(":"),
        String(a.transit_gateway_attachment_id).startsWith("${aws_ec2_transit_gateway_peering_attachment_accepter."),
      ]);
    expect(associations.sort()).toEqual([
      ["aws", "eu:prod", true],
      ["aws.us-east-1", "us:prod", true],
    ]);
  });

  it("writes a static route to each reached VPC of the far side into every table that reaches the peering's segment, and nowhere else", () => {
    const routes = bodies(transit, "aws_ec2_transit_gateway_route")
      .filter(([name]) => name.startsWith("tgw-peering-"))
      .map(
        ([, r]) =>
          `${String(r.transit_gateway_route_table_id)
            .match(/tgw-(\w+)_rt-(\w+)_/)
            ?.slice(1)
            .join(":")} ${r.destination_cidr_block}`,
      )
      .sort();
    expect(routes).toEqual([
      "eu:prod 10.100.0.0/24",
      "eu:prod 10.110.0.0/24",
      "eu:shared 10.100.0.0/24",
      "eu:shared 10.110.0.0/24",
      "us:prod 10.0.0.0/24",
      "us:prod 10.10.0.0/24",
      "us:shared 10.0.0.0/24",
      "us:shared 10.10.0.0/24",
    ]);
  });

  it("propagates nothing across the peering: every propagation is a VPC attachment's", () => {
    for (const [, p] of bodies(transit, "aws_ec2_transit_gateway_route_table_propagation"))
      expect(String(p.transit_gateway_attachment_id)).toMatch(/^\$\{aws_ec2_transit_gateway_vpc_attachment\./);
  });

  it("routes eu-prod's private route tables to us's VPCs through the eu gateway, with eu's provider", () => {
    const toUs = bodies(transit, "aws_route").filter(
      ([name, r]) => name.startsWith("tgw-eu_eu-prod-") && String(r.destination_cidr_block).startsWith("10.1"),
    );
    expect(
      toUs.map(([, r]) => [r.destination_cidr_block, String(r.transit_gateway_id).includes("tgw-eu_tgw")]),
    ).toEqual(
      expect.arrayContaining([
        ["10.100.0.0/24", true],
        ["10.110.0.0/24", true],
      ]),
    );
  });

  it("is judged by reach exactly as the config means, over the peering hop by hop", () => {
    const report = judged(app);
    expect([report.errors, report.mismatches, report.pairs, report.reachable]).toEqual([[], [], 20, 14]);
    const results = analyze(buildModel(readDocuments([app.outdir])));
    const path = results.pairs.find((p) => p.from.includes("eu-prod") && p.to.includes("us-prod"))!.path.join("\n");
    expect(path).toMatch(/eu-prod[\s\S]*aws_ec2_transit_gateway_peering_attachment\.tgw-peering-eu_us[\s\S]*us-prod/);
  });
});

describe("examples/transit-inter-region.json with IPv6 in every VPC", () => {
  let app: SynthesizedApp;
  beforeAll(() => (app = synthToTemp({ ...example("transit-inter-region.json"), ipv6: true })));
  afterAll(() => app.remove());

  it("routes each reached VPC's /56 across the peering too, and reach agrees over both IP versions", () => {
    const transit = stackJson(app.outdir, "transit").resource;
    const ipv6 = bodies(transit, "aws_ec2_transit_gateway_route")
      .filter(([name]) => name.startsWith("tgw-peering-eu_us_requester-prod-"))
      .map(([name, r]) => [name.replace(/^tgw-peering-eu_us_requester-prod-to-|_\w+$/g, ""), r.destination_cidr_block])
      .filter(([name]) => String(name).endsWith("-ipv6"));
    expect(ipv6).toEqual([
      [
        "us-prod-ipv6",
        expect.stringMatching(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-network\./),
      ],
      [
        "us-shared-ipv6",
        expect.stringMatching(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-network\./),
      ],
    ]);
    const report = judged(app);
    expect([report.errors, report.mismatches, report.pairs, report.ipv6Pairs, report.reachable]).toEqual([
      [],
      [],
      20,
      20,
      14,
    ]);
  });
});

describe("gateways of two accounts peered", () => {
  const raw = (() => {
    const base = example("transit-inter-region.json") as unknown as {
      transitGateways: Record<string, unknown>[];
      vpcs: Record<string, unknown>[];
    };
    return {
      ...base,
      accounts: { other: { roleArn: "arn:aws:iam::222222222222:role/peering" } },
      transitGateways: base.transitGateways.map((g) => (g.name === "us" ? { ...g, account: "other" } : g)),
      vpcs: base.vpcs.map((v) => (v.region === "us-east-1" ? { ...v, account: "other" } : v)),
    };
  })();
  let app: SynthesizedApp;
  beforeAll(() => (app = synthToTemp(raw)));
  afterAll(() => app.remove());

  it("names the accepter's account in the request and accepts it with that account's provider", () => {
    const transit = stackJson(app.outdir, "transit").resource;
    const [[, attachment]] = bodies(transit, "aws_ec2_transit_gateway_peering_attachment");
    expect([attachment.provider, attachment.peer_account_id, attachment.peer_region]).toEqual([
      "aws",
      "222222222222",
      "us-east-1",
    ]);
    const [[, accepter]] = bodies(transit, "aws_ec2_transit_gateway_peering_attachment_accepter");
    expect(accepter.provider).toBe("aws.other_us-east-1");
    // Each gateway attaches VPCs of its own account: nothing is shared.
    expect(bodies(transit, "aws_ram_resource_share")).toEqual([]);
  });

  it("is judged by reach as the config means", () => {
    const report = judged(app);
    expect([report.errors, report.mismatches, report.reachable]).toEqual([[], [], 14]);
  });
});

describe("examples/transit-cross-account.json: the hub in the network account, shared with workloads and the credentials' own account", () => {
  let app: SynthesizedApp;
  let transit: Resources;
  let json: Record<string, unknown>;
  beforeAll(() => {
    app = synthToTemp(example("transit-cross-account.json"));
    ({ resource: transit, json } = stackJson(app.outdir, "transit"));
  });
  afterAll(() => app.remove());

  it("shares the gateway through RAM in its own account, with each other account as a principal", () => {
    expect(bodies(transit, "aws_ram_resource_share").map(([, s]) => [s.provider, s.allow_external_principals])).toEqual(
      [["aws.network_eu-west-1", false]],
    );
    expect(bodies(transit, "aws_ram_resource_association").map(([, a]) => String(a.resource_arn))).toEqual([
      expect.stringMatching(/^\$\{aws_ec2_transit_gateway\.tgw-hub_tgw_\w+\.arn\}$/),
    ]);
    expect(
      bodies(transit, "aws_ram_principal_association")
        .map(([, p]) => p.principal)
        .sort(),
    ).toEqual(["${data.aws_caller_identity.caller.account_id}", "222222222222"]);
    expect(bodies(transit, "aws_ram_resource_share_accepter")).toEqual([]);
    expect(
      (json.data as Record<string, Record<string, { provider?: string }>>).aws_caller_identity.caller.provider,
    ).toBe("aws");
  });

  it("makes each attachment in its VPC's account once shared, and accepts it in the gateway's account", () => {
    const attachments = Object.fromEntries(
      bodies(transit, "aws_ec2_transit_gateway_vpc_attachment").map(([name, a]) => [
        name.replace(/^tgw-hub_att-|_\w+$/g, ""),
        [
          a.provider,
          (a.depends_on as string[] | undefined)?.length ?? 0,
          a.transit_gateway_default_route_table_association,
        ],
      ]),
    );
    expect(attachments).toEqual({
      "shared-dns": ["aws.network_eu-west-1", 0, false],
      "shared-tools": ["aws", 2, undefined],
      "prod-web": ["aws.workloads_eu-west-1", 2, undefined],
      "prod-api": ["aws.workloads_eu-west-1", 2, undefined],
    });
    const accepters = bodies(transit, "aws_ec2_transit_gateway_vpc_attachment_accepter");
    expect(accepters.map(([name]) => name.replace(/^tgw-hub_accept-|_\w+$/g, "")).sort()).toEqual([
      "prod-api",
      "prod-web",
      "shared-tools",
    ]);
    for (const [, a] of accepters)
      expect([a.provider, a.transit_gateway_default_route_table_association]).toEqual(["aws.network_eu-west-1", false]);
  });

  it("associates and propagates the accepted attachments in the gateway's account, and routes each VPC in its own", () => {
    for (const [name, a] of bodies(transit, "aws_ec2_transit_gateway_route_table_association")) {
      expect(a.provider).toBe("aws.network_eu-west-1");
      if (!name.includes("shared-dns"))
        expect(String(a.transit_gateway_attachment_id)).toMatch(
          /^\$\{aws_ec2_transit_gateway_vpc_attachment_accepter\./,
        );
    }
    const providers = new Set(
      bodies(transit, "aws_route")
        .filter(([name]) => name.startsWith("tgw-hub_prod-web-"))
        .map(([, r]) => r.provider),
    );
    expect(providers).toEqual(new Set(["aws.workloads_eu-west-1"]));
  });

  it("is judged by reach exactly as the segments mean: shared reaches prod, prod's members apart", () => {
    const report = judged(app);
    expect([report.errors, report.mismatches, report.pairs, report.reachable]).toEqual([[], [], 12, 10]);
  });

  it("asks each account to accept the share outside one organization, before its attachments", () => {
    const outside = example("transit-cross-account.json") as unknown as { transitGateways: Record<string, unknown>[] };
    const other = synthToTemp({
      ...outside,
      transitGateways: [{ ...outside.transitGateways[0], shareOutsideOrganization: true }],
    });
    try {
      const resources = stackJson(other.outdir, "transit").resource;
      expect(bodies(resources, "aws_ram_resource_share").map(([, s]) => s.allow_external_principals)).toEqual([true]);
      expect(
        bodies(resources, "aws_ram_resource_share_accepter")
          .map(([, a]) => a.provider)
          .sort(),
      ).toEqual(["aws", "aws.workloads_eu-west-1"]);
      const web = bodies(resources, "aws_ec2_transit_gateway_vpc_attachment").find(([n]) => n.includes("prod-web"))!;
      expect(web[1].depends_on).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^aws_ram_resource_share_accepter\.tgw-hub_share_accept-workloads/),
        ]),
      );
    } finally {
      other.remove();
    }
  });
});

describe("examples/transit-attached-and-peered.json: prod-web attached to the hub and peered with dev-web and partner", () => {
  let app: SynthesizedApp;
  beforeAll(() => (app = synthToTemp(example("transit-attached-and-peered.json"))));
  afterAll(() => app.remove());

  it("routes shared-services' /16 to the gateway and partner's /24 inside it over the peering, in every private route table of prod-web", () => {
    const transit = stackJson(app.outdir, "transit").resource;
    const peering = stackJson(app.outdir, "peering").resource;
    const viaGateway = bodies(transit, "aws_route")
      .filter(([name]) => name.startsWith("tgw-hub_prod-web-"))
      .map(([, r]) => r.destination_cidr_block);
    const viaPeering = bodies(peering, "aws_route")
      .filter(([name]) => name.startsWith("peering-prod-web_partner_requester-"))
      .map(([, r]) => r.destination_cidr_block);
    expect([viaGateway, viaPeering]).toEqual([
      ["10.0.0.0/16", "10.0.0.0/16"],
      ["10.0.128.0/24", "10.0.128.0/24"],
    ]);
  });

  it("is judged by reach as on AWS: the more specific peering route wins for partner, the gateway carries the rest, and the peering joins prod and dev", () => {
    const report = judged(app);
    expect([report.errors, report.mismatches, report.pairs, report.reachable]).toEqual([[], [], 12, 8]);
    const results = analyze(buildModel(readDocuments([app.outdir])));
    const toPartner = results.pairs.find((p) => p.from.includes("prod-web") && p.to.includes("partner"));
    expect(toPartner?.reachable).toBe(true);
    expect(toPartner?.path.join("\n")).toMatch(/aws_vpc_peering_connection\.peering-prod-web_partner/);
    expect(toPartner?.path.join("\n")).not.toMatch(/transit_gateway/);
  });
});

describe("Terraform, offline with the provider mirror,", () => {
  it.each(["transit-inter-region.json", "transit-cross-account.json", "transit-attached-and-peered.json"])(
    "validates every stack of examples/%s",
    async (file) => {
      const proofs = await proveWithTerraform(parseConfig(example(file)), "json", { test: false });
      expect(proofs.map((p) => p.stack).sort()).toEqual(["instances", "network", "peering", "transit"]);
    },
    600_000,
  );
});
