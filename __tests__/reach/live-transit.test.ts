import type { EC2Client } from "@aws-sdk/client-ec2";
import type { AwsClientStub } from "aws-sdk-client-mock";
import { compareWithIntent, formatReport, instanceAddresses, liveInstances } from "../../lib/check";
import {
  LiveReadError,
  type Model,
  type Result,
  analyze,
  buildModel,
  livePlan,
  loadLive,
  loadTerraform,
  readDocuments,
} from "../../lib/reach";
import { example } from "../../test-support/configs";
import { type SynthesizedApp, synthToTemp } from "../../test-support/synth";
import { type Account, REGION, fakeClient, fakeEc2, twoVpcsOnATransitGateway } from "./live-account";
import { type DeployedAccount, deployedAccount } from "./live-transit-account";

let app: SynthesizedApp;
let synthesized: Model;
let deployed: DeployedAccount;
let mocks: AwsClientStub<EC2Client>[] = [];

beforeAll(() => {
  app = synthToTemp(example("transit-gateway.json"));
  synthesized = loadTerraform([app.outdir]);
  const { tags } = livePlan(readDocuments([app.outdir]));
  // The instances carry the providers' default_tags on AWS, by which the live loader finds them.
  const withTags: Model = {
    ...synthesized,
    instances: new Map(
      [...synthesized.instances].map(([key, i]) => [key, { ...i, tags: { ...tags, ...i.tags } }] as const),
    ),
  };
  deployed = deployedAccount(withTags);
});
afterAll(() => app.remove());
afterEach(() => {
  for (const m of mocks) m.restore();
  mocks = [];
});

/** A fresh copy of the deployed example's account. */
const account = (): Account => structuredClone(deployed.account);

/** The live model of `served`, read through the fake EC2 as reach --live reads it. */
async function readLive(served: Account, options: { pageSize?: number; routeLimit?: number } = {}) {
  const client = fakeClient();
  const { mock, calls } = fakeEc2(served, { ...options, client });
  mocks.push(mock);
  const model = await loadLive(livePlan(readDocuments([app.outdir])), { clientFor: () => client });
  return { model, calls };
}

/** Every pair's verdict and protocol, the instances named by their Terraform address. */
function verdicts(result: Result, name: (address: string) => string = (a) => a): Record<string, unknown> {
  return Object.fromEntries(result.pairs.map((p) => [`${name(p.from)} → ${name(p.to)} ${p.protocol}`, p.reachable]));
}

/** The Terraform address of a live instance ("<Name tag>/<id>"). */
function terraformAddress(live: string): string {
  const id = live.slice(live.lastIndexOf("/") + 1);
  return [...deployed.idOf].find(([, made]) => made === id)?.[0] ?? live;
}

/** The VPC name of an instance address, from the `Name = <vpc>-ping` tag of its synthesized instance. */
function vpcOf(address: string): string {
  return synthesized.instances.get(terraformAddress(address))?.tags.Name?.replace(/-ping$/, "") ?? address;
}

describe("reach --live reads transit gateways through the EC2 API", () => {
  it("gives every pair of examples/transit-gateway.json the verdict reach gives its synthesized Terraform", async () => {
    const { model } = await readLive(account());
    const live = verdicts(analyze(model), terraformAddress);
    expect(live).toEqual(verdicts(analyze(synthesized)));
    const byVpc = verdicts(analyze(model), vpcOf);
    expect(byVpc).toEqual(
      expect.objectContaining({
        "prod-web → shared-dns ipv4": true,
        "shared-tools → dev-api ipv4": true,
        "prod-web → prod-api ipv4": true,
        "prod-web → dev-web ipv4": false,
        "dev-web → dev-api ipv4": false,
      }),
    );
  });

  it("explains a path through the gateway hop by hop, naming the attachment and the route table by id", async () => {
    const client = fakeClient();
    mocks.push(fakeEc2(twoVpcsOnATransitGateway(), { client }).mock);
    const model = await loadLive(
      { targets: [{ region: REGION }], tags: { Project: "peering" } },
      { clientFor: () => client },
    );
    const pair = analyze(model).pairs.find((p) => p.from === "a-ping/i-a" && p.to === "b-ping/i-b")!;
    expect(pair.reachable).toBe(true);
    expect(pair.path.join("\n")).toMatch(
      /tgw-attach-a[\s\S]*tgw-rtb-ab: 10\.0\.1\.0\/24 → tgw-attach-b \(propagated, tgw-rtb-ab: route to 10\.0\.1\.0\/24\)/,
    );
  });

  it("reads the transit network the Terraform loader builds: gateways, attachments, tables, links and routes", async () => {
    const { model } = await readLive(account());
    const net = model.transit!;
    const tf = synthesized.transit!;
    const id = (address: string) => deployed.idOf.get(address);
    expect([...net.gateways.keys()]).toEqual([...tf.gateways.keys()].map(id));
    expect([...net.vpcAttachments.values()].map((a) => [a.address, a.vpc, a.subnets])).toEqual(
      [...tf.vpcAttachments.values()].map((a) => [id(a.address), id(a.vpc), a.subnets.map(id)]),
    );
    expect([...net.routeTables.values()].map((t) => [t.address, t.gateway])).toEqual(
      [...tf.routeTables.values()].map((t) => [id(t.address), id(t.gateway)]),
    );
    const links = (list: typeof net.associations, map: (s: string) => string | undefined = (s) => s) =>
      list.map((l) => `${map(l.attachment)} ${map(l.routeTable)}`).sort();
    expect(links(net.associations)).toEqual(links(tf.associations, id));
    expect(links(net.propagations)).toEqual(links(tf.propagations, id));
    expect(net.routes.map((r) => [r.routeTable, r.destination.text, r.blackhole]).sort()).toEqual(
      tf.routes.map((r) => [id(r.routeTable), r.destination.text, r.blackhole]).sort(),
    );
    expect(net.reportedRoutes?.every((r) => r.propagated)).toBe(true);
    expect(model.warnings).toEqual([]);
  });

  it("follows every page of every transit gateway call, and splits a search that has more routes than it returns", async () => {
    const whole = await readLive(account());
    const paged = await readLive(account(), { pageSize: 1, routeLimit: 2 });
    expect(verdicts(analyze(paged.model))).toEqual(verdicts(analyze(whole.model)));
    expect(paged.model.transit!.reportedRoutes!.length).toBe(whole.model.transit!.reportedRoutes!.length);
    expect(paged.calls.count("SearchTransitGatewayRoutes")).toBeGreaterThan(
      whole.calls.count("SearchTransitGatewayRoutes"),
    );
    expect(paged.calls.count("DescribeTransitGatewayVpcAttachments")).toBeGreaterThan(
      whole.calls.count("DescribeTransitGatewayVpcAttachments"),
    );
  });

  it("takes propagated routes as AWS reports them: a table AWS installed none in routes nothing there", async () => {
    const served = account();
    served.transitRoutes = served.transitRoutes.filter((r) => r.Type !== "propagated");
    const { model } = await readLive(served);
    expect(model.transit!.propagations.length).toBeGreaterThan(0);
    const result = analyze(model);
    const pair = result.pairs.find((p) => vpcOf(p.from) === "prod-web" && vpcOf(p.to) === "shared-dns")!;
    expect(pair.reachable).toBe(false);
    expect(pair.reason).toMatch(/is a blackhole route: the transit gateway drops what it matches/);
  });

  it("leaves out an attachment AWS has not made available, with a warning", async () => {
    const served = account();
    served.transitVpcAttachments[0].State = "pendingAcceptance";
    const { model } = await readLive(served);
    const left = served.transitVpcAttachments[0].TransitGatewayAttachmentId!;
    expect(model.transit!.vpcAttachments.has(left)).toBe(false);
    expect(model.warnings).toContainEqual({
      resource: expect.stringContaining(left),
      message: "is pendingAcceptance, not available: it carries no traffic and is left out",
    });
  });

  it("stops with a LiveReadError naming the call and the permission to grant when access is denied", async () => {
    const client = fakeClient();
    const { mock } = fakeEc2(account(), { client });
    mocks.push(mock);
    const { SearchTransitGatewayRoutesCommand } = await import("@aws-sdk/client-ec2");
    mock
      .on(SearchTransitGatewayRoutesCommand)
      .rejects(Object.assign(new Error("not authorized"), { name: "UnauthorizedOperation" }));
    const failed = loadLive({ targets: [{ region: REGION }], tags: {} }, { clientFor: () => client });
    await expect(failed).rejects.toThrow(LiveReadError);
    await expect(failed).rejects.toThrow(
      /^EC2 SearchTransitGatewayRoutes \(tgw-rtb-\w+\) in eu-west-1: access denied \(UnauthorizedOperation: not authorized\); fix: allow .*ec2:SearchTransitGatewayRoutes/,
    );
  });
});

describe("check --live on a transit gateway network", () => {
  async function checkLive(served: Account) {
    const { model } = await readLive(served);
    const documents = readDocuments([app.outdir]);
    const found = liveInstances(instanceAddresses(app.outdir), buildModel(documents), model);
    return compareWithIntent(app.config, found.addresses, analyze(model), found.absent);
  }

  it("passes when the deployed segments are what the config means", async () => {
    const report = await checkLive(account());
    expect({ pairs: report.pairs, mismatches: report.mismatches, errors: report.errors }).toEqual({
      pairs: 30,
      mismatches: [],
      errors: [],
    });
  });

  it("fails naming the prod route table when AWS no longer routes shared-dns there, both ways", async () => {
    const served = account();
    const idOf = (part: string, among: Iterable<{ readonly address: string }>) =>
      deployed.idOf.get([...among].find((x) => x.address.includes(part))!.address);
    const sharedDns = idOf("shared-dns", synthesized.transit!.vpcAttachments.values());
    const prodTable = idOf("prod", synthesized.transit!.routeTables.values());
    served.transitRoutes = served.transitRoutes.filter(
      (r) =>
        r.TransitGatewayRouteTableId !== prodTable ||
        r.TransitGatewayAttachments?.[0].TransitGatewayAttachmentId !== sharedDns,
    );
    const report = await checkLive(served);
    expect(report.mismatches.map((m) => `${m.from} → ${m.to}`).sort()).toEqual([
      "prod-api → shared-dns",
      "prod-web → shared-dns",
      "shared-dns → prod-api",
      "shared-dns → prod-web",
    ]);
    const text = formatReport(report);
    expect(text).toContain(`✗ prod-web → shared-dns: the config means reachable, reach finds unreachable: `);
    expect(text).toMatch(new RegExp(`prod-web → shared-dns: [^\\n]*${prodTable}[^\\n]*blackhole`));
  });
});
