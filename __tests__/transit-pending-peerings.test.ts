/**
 * AWS allows 10 peering attachments of one transit gateway in pendingAcceptance at once (Transit
 * Gateway quotas). A peering attachment is pending from its creation until its accepter accepts it,
 * and Terraform creates independent resources at the same time, so the transit stack makes a
 * gateway's eleventh peering attachment wait for the accepter of its first, the twelfth for its
 * second's, and so on: at most 10 pending per gateway however the apply is scheduled. Terraform
 * validates the stacks (so it needs Terraform and the provider mirror).
 */
import * as fs from "fs";
import * as path from "path";
import { parseConfig } from "../lib/config";
import { analyze, buildModel, readDocuments } from "../lib/reach";
import { SynthesizedApp, synthToTemp } from "../test-support/synth";
import { proveWithTerraform } from "../test-support/terraform";

const SPOKES = 12;
const REGIONS = ["us-east-1", "us-west-2", "eu-central-1"];

/** A hub gateway in eu-west-1 peered with 12 spoke gateways of three other regions, one VPC on the hub. */
function hubOfTwelvePeerings(): Record<string, unknown> {
  const spokes = Array.from({ length: SPOKES }, (_, i) => `s${String(i + 1).padStart(2, "0")}`);
  return {
    region: "eu-west-1",
    maxAzs: 1,
    natGateways: "single",
    transitGateways: [
      { name: "hub", segments: [{ name: "all", reaches: [] }] },
      ...spokes.map((name, i) => ({
        name,
        region: REGIONS[i % REGIONS.length],
        amazonSideAsn: 64513 + i,
        segments: [{ name: "all", reaches: [] }],
      })),
    ],
    transitPeerings: spokes.map((name) => ({
      requester: { gateway: "hub", segment: "all" },
      accepter: { gateway: name, segment: "all" },
    })),
    vpcs: [{ name: "hub-vpc", cidr: "10.0.0.0/24", transitAttachments: { hub: "all" } }],
    peerings: [],
  };
}

type Resources = Record<string, Record<string, { depends_on?: string[]; peer_transit_gateway_id?: string }>>;

describe("a gateway of 12 peerings", () => {
  let app: SynthesizedApp;
  let resource: Resources;
  beforeAll(() => {
    app = synthToTemp(hubOfTwelvePeerings());
    const file = path.join(app.outdir, "stacks", "transit", "cdk.tf.json");
    resource = (JSON.parse(fs.readFileSync(file, "utf8")) as { resource: Resources }).resource;
  });
  afterAll(() => app.remove());

  it("creates its first 10 peering attachments at once and each later one after the accepter of the one 10 before", () => {
    const accepterOf = (i: number) => {
      const name = Object.keys(resource.aws_ec2_transit_gateway_peering_attachment_accepter).find((n) =>
        n.startsWith(`tgw-peering-hub_s${String(i).padStart(2, "0")}_`),
      );
      return `aws_ec2_transit_gateway_peering_attachment_accepter.${name}`;
    };
    const waits = Object.entries(resource.aws_ec2_transit_gateway_peering_attachment).map(([name, body]) => [
      name.replace(/^tgw-peering-(hub_s\d+)_.*$/, "$1"),
      body.depends_on ?? [],
    ]);
    expect(waits).toEqual([
      ...Array.from({ length: 10 }, (_, i) => [`hub_s${String(i + 1).padStart(2, "0")}`, []]),
      ["hub_s11", [accepterOf(1)]],
      ["hub_s12", [accepterOf(2)]],
    ]);
  });

  it("passes reach with no error and no pending-attachment warning: every attachment is accepted", () => {
    const result = analyze(buildModel(readDocuments([app.outdir])));
    expect(result.errors).toEqual([]);
    expect(result.warnings.filter((w) => w.message.includes("pendingAcceptance"))).toEqual([]);
  });

  it("is valid Terraform, the waits included", async () => {
    const proofs = await proveWithTerraform(parseConfig(hubOfTwelvePeerings()), "json", { test: false });
    expect(proofs.map((p) => p.stack).sort()).toEqual(["instances", "network", "peering", "transit"]);
  }, 600_000);
});
