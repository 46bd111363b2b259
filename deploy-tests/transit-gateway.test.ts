/**
 * The emulator deploy of examples/transit-gateway.json: `npm run deploy` applies every stack, the
 * transit stack included, to moto's emulator (through the EC2 front that mends four of moto's
 * transit gateway faults, test-support/emulator-ec2-front.ts); reach's live loader reads the
 * gateway, its attachments, route tables, associations, propagations and routes back; Terraform
 * plans no change; `npm run destroy` leaves nothing. moto 5.2.1 installs no propagated route, so
 * what AWS would report there is proven with the mocked EC2 of __tests__/reach/live-transit.test.ts
 * instead, and here the verdicts are compared with the propagations the emulator lists.
 */
import * as fs from "fs";
import * as path from "path";
import { DescribeTransitGatewayVpcAttachmentsCommand, DescribeTransitGatewaysCommand } from "@aws-sdk/client-ec2";
import { type Model, type Result, analyze, livePlan, loadLive, loadTerraform, readDocuments } from "../lib/reach";
import type { TransitNetwork } from "../lib/reach/transit";
import { example } from "../test-support/configs";
import { type Ec2Front, startEc2Front } from "../test-support/emulator-ec2-front";
import {
  type EmulatorDeploy,
  type RunResult,
  closeEmulatorDeploy,
  deployAll,
  liveVpcNamer,
  destroyAll,
  errorLines,
  openEmulatorDeploy,
  planChanges,
  reachLive,
  run,
  tail,
  writeEmulatorOverrides,
} from "../test-support/emulator-deploy";
import { checkEmulatorEnv } from "../test-support/emulator";
import { type Inventory, added, inventory } from "../test-support/live";

const MINUTE = 60_000;
const CONFIG = example("transit-gateway.json");

let rehearsal: EmulatorDeploy | undefined;
let front: Ec2Front | undefined;
let before: Inventory = {};
let deployed = false;

/** The rehearsal, once `npm run deploy` succeeded. */
function afterDeploy(): EmulatorDeploy {
  if (!rehearsal || !deployed) throw new Error("npm run deploy did not succeed (see above): nothing to check");
  return rehearsal;
}

function succeeded(what: string, result: RunResult): void {
  if (result.code === 0) return;
  const faults = rehearsal?.emulator.failures() ?? [];
  throw new Error(
    `${what} exited ${result.code} after ${result.seconds} s: ${errorLines(result).join("\n")}` +
      (faults.length > 0 ? `\n\nmoto_server told of failures:\n${faults.join("\n")}` : "") +
      `\n\nthe end of its output:\n${tail(result)}`,
  );
}

/** A transit network by names and blocks, so that one read from Terraform and one from EC2 compare. */
function shape(model: Model): Record<string, unknown> {
  const net = model.transit as TransitNetwork;
  // Terraform labels are "<Name> (<address>)", live ones "<id> (<Name>)".
  const name = (label: string, key: string): string =>
    label.startsWith(`${key} (`) ? label.slice(key.length + 2, -1) : label.split(" (")[0];
  const vpcBlock = (vpc: string): string => model.vpcs.get(vpc)?.ipv4[0]?.cidr.text ?? vpc;
  const attached = (attachment: string): string => vpcBlock(net.vpcAttachments.get(attachment)?.vpc ?? attachment);
  const table = (key: string): string => name(net.routeTables.get(key)?.label ?? key, key);
  const links = (list: TransitNetwork["associations"]) =>
    list.map((l) => `${attached(l.attachment)} ${table(l.routeTable)}`).sort();
  return {
    gateways: [...net.gateways.values()].map((g) => name(g.label, g.address)).sort(),
    attachments: [...net.vpcAttachments.values()]
      .map(
        (a) =>
          `${vpcBlock(a.vpc)}: ${a.subnets
            .map((s) => model.subnets.get(s)?.ipv4?.text)
            .sort()
            .join(" ")}`,
      )
      .sort(),
    associations: links(net.associations),
    propagations: links(net.propagations),
    routes: net.routes
      .map(
        (r) =>
          `${table(r.routeTable)} ${r.destination.text} ${r.blackhole ? "blackhole" : attached(r.attachment ?? "")}`,
      )
      .sort(),
  };
}

/** reach's IPv4 verdicts by "<vpc> → <vpc>", `vpcOf` naming each instance's VPC. */
function verdicts(result: Pick<Result, "pairs">, vpcOf: (address: string) => string): Record<string, unknown> {
  return Object.fromEntries(
    result.pairs.filter((p) => p.protocol === "ipv4").map((p) => [`${vpcOf(p.from)} → ${vpcOf(p.to)}`, p.reachable]),
  );
}

/** The live model of the deployment, read in this process through the emulator's EC2 API. */
async function readLive(r: EmulatorDeploy): Promise<Model> {
  return loadLive(livePlan(readDocuments([r.outdir])), { clientFor: () => r.clients.ec2 });
}

describe("examples/transit-gateway.json, deployed to the emulator", () => {
  beforeAll(async () => {
    const opened = await openEmulatorDeploy("transit-gateway", CONFIG);
    front = await startEc2Front(opened.emulator.endpoint, opened.clients.ec2);
    rehearsal = { ...opened, env: checkEmulatorEnv({ ...opened.env, AWS_ENDPOINT_URL_EC2: front.endpoint }) };
    before = await inventory(rehearsal.clients);
  }, 2 * MINUTE);

  afterAll(async () => {
    await front?.close();
    await closeEmulatorDeploy(rehearsal);
  }, MINUTE);

  it(
    "npm run deploy -- --auto-approve applies every stack, the transit stack included",
    async () => {
      succeeded("npm run deploy", await deployAll(rehearsal!));
      expect(fs.readdirSync(path.join(rehearsal!.outdir, "stacks"))).toContain("transit");
      expect(front!.mended.filter((m) => /^CreateTransitGatewayVpcAttachment tgw-attach-/.test(m))).toHaveLength(
        CONFIG.vpcs.length,
      );
      deployed = true;
    },
    15 * MINUTE,
  );

  it(
    "reach's live loader reads back the gateway, its attachments, route tables, associations, propagations and static routes as synthesized",
    async () => {
      const r = afterDeploy();
      const live = await readLive(r);
      expect(shape(live)).toEqual(shape(loadTerraform([r.outdir])));
      // moto 5.2.1 lists the propagations but installs no propagated route (docs/testing.md).
      expect(live.transit!.propagations.length).toBeGreaterThan(0);
      expect(live.transit!.reportedRoutes).toEqual([]);
    },
    2 * MINUTE,
  );

  it(
    "with the routes the deployed propagations install, reach gives every pair the verdict it gives the synthesized stacks",
    async () => {
      const r = afterDeploy();
      const live = await readLive(r);
      const liveVpc = liveVpcNamer(r);
      const derived: Model = { ...live, transit: { ...live.transit!, reportedRoutes: undefined } };
      const synthesized = loadTerraform([r.outdir]);
      const synthVpc = (address: string): string =>
        synthesized.instances.get(address)?.tags.Name?.replace(/-ping$/, "") ?? address;
      const expected = verdicts(analyze(synthesized), synthVpc);
      expect(Object.keys(expected)).toHaveLength(CONFIG.vpcs.length * (CONFIG.vpcs.length - 1));
      expect(Object.values(expected)).toContain(true);
      expect(verdicts(analyze(derived), liveVpc)).toEqual(expected);
    },
    2 * MINUTE,
  );

  it(
    "npm run reach -- --live exits 0 and, as moto reports no propagated route, stops every pair the segments connect at a transit gateway route table",
    async () => {
      const r = afterDeploy();
      const live = await reachLive(r);
      expect({ code: live.code, parsed: live.json !== undefined }).toEqual({ code: 0, parsed: true });
      const vpcOf = liveVpcNamer(r);
      const synthesized = loadTerraform([r.outdir]);
      const meant = verdicts(
        analyze(synthesized),
        (a) => synthesized.instances.get(a)?.tags.Name?.replace(/-ping$/, "") ?? a,
      );
      const pairs = (live.json as Result).pairs.filter((p) => p.protocol === "ipv4");
      expect(pairs).toHaveLength(CONFIG.vpcs.length * (CONFIG.vpcs.length - 1));
      for (const pair of pairs) {
        const key = `${vpcOf(pair.from)} → ${vpcOf(pair.to)}`;
        expect({ key, reachable: pair.reachable, reason: pair.reason }).toEqual({
          key,
          reachable: false,
          reason: meant[key] === true ? expect.stringMatching(/tgw-rtb-\w+ \(hub-\w+\)/) : expect.any(String),
        });
      }
    },
    2 * MINUTE,
  );

  it(
    "leaves nothing for terraform plan to change in any stack",
    async () => {
      const r = afterDeploy();
      writeEmulatorOverrides(r);
      const stacks = fs.readdirSync(path.join(r.outdir, "stacks")).sort();
      const plans = await Promise.all(
        stacks.map(async (stack) => {
          const plan = await run(
            "terraform",
            ["plan", "-detailed-exitcode", "-input=false", "-no-color", "-lock-timeout=60s"],
            path.join(r.outdir, "stacks", stack),
            r.env,
          );
          return plan.code === 0
            ? []
            : [`${stack}: exit ${plan.code}\n${plan.code === 2 ? planChanges(plan) : tail(plan)}`];
        }),
      );
      expect(plans.flat()).toEqual([]);
    },
    4 * MINUTE,
  );

  it(
    "npm run destroy -- --auto-approve removes every stack and leaves no gateway, attachment, VPC or instance behind",
    async () => {
      const r = afterDeploy();
      succeeded("npm run destroy", await destroyAll(r));
      expect(added(before, await inventory(r.clients), ["networkInterfaces"])).toEqual({});
      const gateways = (await r.clients.ec2.send(new DescribeTransitGatewaysCommand({}))).TransitGateways ?? [];
      const attachments =
        (await r.clients.ec2.send(new DescribeTransitGatewayVpcAttachmentsCommand({}))).TransitGatewayVpcAttachments ??
        [];
      expect([...gateways, ...attachments].map((x) => x.State).filter((s) => s !== "deleted")).toEqual([]);
    },
    8 * MINUTE,
  );

  it("sent nothing through the proxy sinkhole: neither Terraform nor npm tried to reach past the machine", () => {
    expect(rehearsal?.emulator.escapes()).toEqual([]);
  });
});
