/**
 * The emulator deploy of a migration (docs/migration.md): `npm run migrate -- --to transit-gateway`
 * writes the stages that move examples/three-vpcs.json from peering to a transit gateway, and each
 * stage in turn is synthesized and applied with `npm run deploy` to the same deployment (the same
 * state) after the peering config itself, so each deploy is the change from the step before, as a
 * user applies them. After each, the state files hold exactly the resources the stage's summary adds
 * and no longer those it removes, none replaced,
 * `check --live` passes with the stage's config, and reach --live finds the same four pairs
 * reachable, each over the peering the stage still has or else over the transit gateway. EC2 goes
 * through the front of transit-gateway.test.ts, which mends moto's transit gateway faults and here
 * also adds the propagated routes AWS installs and moto 5.2.1 does not (emulator-tgw-routes.ts).
 *
 * three-vpcs rather than full-mesh: three VPCs and two peerings (a hub and two spokes that must not
 * reach each other, so the stages are checked for a pair kept apart as well as for pairs kept
 * together) make fewer resources for each of the five applies than full-mesh's four VPCs and six peerings.
 */
import { MESH_STAGES } from "../test-support/migration";
import * as fs from "fs";
import * as path from "path";
import {
  DescribeInstancesCommand,
  DescribeTransitGatewayRouteTablesCommand,
  DescribeTransitGatewaysCommand,
  DescribeVpcPeeringConnectionsCommand,
  DisableTransitGatewayRouteTablePropagationCommand,
  EC2Client,
  EnableTransitGatewayRouteTablePropagationCommand,
  GetTransitGatewayRouteTablePropagationsCommand,
} from "@aws-sdk/client-ec2";
import { parseConfig, type PeeringConfig } from "../lib/config";
import { EXIT } from "../lib/core/exit-codes";
import { loadTerraform, type Result } from "../lib/reach";
import { example } from "../test-support/configs";
import { checkEmulatorEnv } from "../test-support/emulator";
import {
  type EmulatorDeploy,
  type RunResult,
  checkLive,
  closeEmulatorDeploy,
  deployedInstances,
  liveVpcNamer,
  destroyAll,
  errorLines,
  openEmulatorDeploy,
  reachLive,
  run,
  tail,
  writeEmulatorOverrides,
} from "../test-support/emulator-deploy";
import { type Ec2Front, startEc2Front } from "../test-support/emulator-ec2-front";
import { describeFault, emulatorFault } from "../test-support/emulator-faults";
import { type Inventory, added, inventory } from "../test-support/live";

const MINUTE = 60_000;
const ROOT = path.resolve(__dirname, "..");
const PEERING = example("three-vpcs.json");
/** The stages migrate writes for three-vpcs with its default two batches. */
/** three-vpcs' two peerings move in the stages of any mesh of two batches. */
const STAGES = MESH_STAGES;
/** The name of the first step: the peering config deployed as it is, before any stage. */
const PEERING_STEP = "the peering config";
/** The ordered pairs three-vpcs reaches, before, during and after the migration. */
const REACHABLE = ["app → shared", "data → shared", "shared → app", "shared → data"];

/** A stage of migration.json: its resource addresses ("<stack>/<type>.<name>"). */
interface StageSummary {
  readonly id: string;
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

let opened: EmulatorDeploy | undefined;
let front: Ec2Front | undefined;
let before: Inventory = {};
let migration = "";
let summaries: readonly StageSummary[] = [];
/** The steps applied so far, the peering config first; a stage is applied only after the step before it. */
const applied: string[] = [];

/** The deployment with `config` as its config, the EC2 front's endpoint in its environment. */
function deployment(config: PeeringConfig = opened!.config): EmulatorDeploy {
  return { ...opened!, config, env: checkEmulatorEnv({ ...opened!.env, AWS_ENDPOINT_URL_EC2: front!.endpoint }) };
}

/** Fails with the run's errors, moto's failure lines and the end of its output. */
function succeeded(what: string, result: RunResult): void {
  if (result.code === 0) return;
  const faults = opened?.emulator.failures() ?? [];
  throw new Error(
    `${what} exited ${result.code} after ${result.seconds} s: ${errorLines(result).join("\n")}` +
      (faults.length > 0 ? `\n\nmoto_server told of failures:\n${faults.join("\n")}` : "") +
      `\n\nthe end of its output:\n${tail(result)}`,
  );
}

/**
 * `npm run synth` of the stage's config into the deployment's cdktf.out, the emulator's override
 * file (see writeEmulatorOverrides: else every later stage would replace the instances), then
 * `npm run deploy -- --skip-synth` of those stacks. A second deploy only after one of the
 * emulator's documented faults, as suite.ts does.
 */
async function applyStage(r: EmulatorDeploy, log: string): Promise<RunResult> {
  const synth = await run("npm", ["run", "--silent", "synth", "--", "--output", r.outdir], ROOT, r.env);
  succeeded("npm run synth", synth);
  writeEmulatorOverrides(r);
  const deploy = () =>
    run(
      "npm",
      ["run", "--silent", "deploy", "--", "--auto-approve", "--skip-synth", "--output", r.outdir],
      ROOT,
      r.env,
      path.join(r.dir, log),
    );
  const earlier = r.emulator.failures().length;
  const first = await deploy();
  if (first.code === 0) return first;
  // Only moto's failures during this deploy count, not those of a step before.
  const seen = emulatorFault([...r.emulator.failures().slice(earlier), ...errorLines(first)]);
  if (!seen) return first;
  console.warn(
    `npm run deploy exited ${first.code} on the emulator fault ${describeFault(seen)}; running it once more`,
  );
  return deploy();
}

/** The managed resources of every stack's local state file (`<dir>/terraform.<stack>.tfstate`): their ids by "<stack>/<type>.<name>". */
function stateResources(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of fs.readdirSync(dir).filter((f) => /^terraform\..+\.tfstate$/.test(f))) {
    const stack = file.slice("terraform.".length, -".tfstate".length);
    const state = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as {
      resources?: { mode: string; type: string; name: string; instances: { attributes?: { id?: string } }[] }[];
    };
    for (const r of state.resources ?? [])
      if (r.mode === "managed")
        out.set(`${stack}/${r.type}.${r.name}`, r.instances.map((i) => i.attributes?.id ?? "").join(" "));
  }
  return out;
}

/** What a deploy did to the state: the addresses it added and removed, and those it kept under a new id (replaced). */
function stateChanges(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>) {
  return {
    added: [...after.keys()].filter((a) => !before.has(a)).sort(),
    removed: [...before.keys()].filter((a) => !after.has(a)).sort(),
    replaced: [...after].filter(([a, id]) => before.has(a) && before.get(a) !== id).map(([a]) => a),
  };
}

/** "<vpc> → <vpc>" of each reachable IPv4 pair of reach's result, and whether its path crosses a peering or the gateway. */
function routesOf(result: Result, vpcOf: (address: string) => string): Record<string, string> {
  return Object.fromEntries(
    result.pairs
      .filter((p) => p.protocol === "ipv4" && p.reachable === true)
      .map((p) => {
        const peering = p.path.some((hop) => /\bpcx-\w+/.test(hop));
        const gateway = p.path.some((hop) => /\btgw-(attach|rtb)-\w+/.test(hop));
        return [
          `${vpcOf(p.from)} → ${vpcOf(p.to)}`,
          peering === gateway ? p.path.join(" | ") : peering ? "peering" : "transit gateway",
        ];
      }),
  );
}

/** The way each pair of REACHABLE should go in a stage: over its peering while the stage keeps it. */
function routesMeant(config: PeeringConfig): Record<string, string> {
  const peered = (a: string, b: string) =>
    config.peerings.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
  return Object.fromEntries(
    REACHABLE.map((pair) => {
      const [from, to] = pair.split(" → ");
      return [pair, peered(from, to) ? "peering" : "transit gateway"];
    }),
  );
}

/** The id of the VPC the instance of `vpc` runs in. */
async function vpcOfInstance(r: EmulatorDeploy, vpc: string): Promise<string> {
  const id = deployedInstances(r).find((i) => i.name === vpc)?.id;
  const reservations = id
    ? ((await r.clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations ?? [])
    : [];
  const vpcId = reservations.flatMap((x) => x.Instances ?? [])[0]?.VpcId;
  if (!vpcId) throw new Error(`no deployed instance of ${vpc} names its VPC`);
  return vpcId;
}

/** The one enabled propagation of `vpcId`'s attachment, as the ids Disable/EnableTransitGatewayRouteTablePropagation take. */
async function propagationOf(
  ec2: EC2Client,
  vpcId: string,
): Promise<{ TransitGatewayRouteTableId: string; TransitGatewayAttachmentId: string }> {
  const tables = (await ec2.send(new DescribeTransitGatewayRouteTablesCommand({}))).TransitGatewayRouteTables ?? [];
  const found: { TransitGatewayRouteTableId: string; TransitGatewayAttachmentId: string }[] = [];
  for (const table of tables.filter((t) => t.State === "available")) {
    const propagations =
      (
        await ec2.send(
          new GetTransitGatewayRouteTablePropagationsCommand({
            TransitGatewayRouteTableId: table.TransitGatewayRouteTableId,
          }),
        )
      ).TransitGatewayRouteTablePropagations ?? [];
    for (const p of propagations)
      if (p.ResourceId === vpcId && p.State === "enabled")
        found.push({
          TransitGatewayRouteTableId: table.TransitGatewayRouteTableId!,
          TransitGatewayAttachmentId: p.TransitGatewayAttachmentId!,
        });
  }
  if (found.length !== 1) throw new Error(`${vpcId} propagates to ${found.length} route tables, not one`);
  return found[0];
}

/**
 * Declares the checks of the deployment after `step`: `check --live` with the step's config, and the
 * way reach --live finds each reachable pair going. `configOf` gives the step's config once it is deployed.
 */
function liveChecks(step: string, configOf: () => PeeringConfig | undefined): void {
  const afterDeploy = (): EmulatorDeploy => {
    const config = configOf();
    if (!config || applied.at(-1) !== step) throw new Error(`${step} was not deployed (see above): nothing to check`);
    return deployment(config);
  };

  it(
    "check --live passes with its config",
    async () => {
      const result = await checkLive(afterDeploy());
      expect({ code: result.code, stdout: result.stdout }).toEqual({
        code: EXIT.ok,
        stdout: expect.stringContaining(
          "check passed: reach agrees with the config on all 6 ordered pairs (4 reachable, 2 not)",
        ),
      });
    },
    2 * MINUTE,
  );

  it(
    "reach --live finds the same four pairs reachable, each over its peering while the config keeps it, else over the transit gateway",
    async () => {
      const r = afterDeploy();
      const live = await reachLive(r);
      expect({ code: live.code, parsed: live.json !== undefined }).toEqual({ code: 0, parsed: true });
      const vpcOf = liveVpcNamer(r);
      expect(routesOf(live.json as Result, vpcOf)).toEqual(routesMeant(r.config));
    },
    2 * MINUTE,
  );
}

describe("a migration of examples/three-vpcs.json to a transit gateway, applied stage by stage to the emulator", () => {
  beforeAll(async () => {
    opened = await openEmulatorDeploy("migration", PEERING);
    front = await startEc2Front(opened.emulator.endpoint, opened.clients.ec2, { propagatedRoutes: true });
    before = await inventory(opened.clients);
    migration = path.join(opened.dir, "migration");
  }, 2 * MINUTE);

  afterAll(async () => {
    await front?.close();
    await closeEmulatorDeploy(opened);
  }, MINUTE);

  it(
    "npm run migrate -- --to transit-gateway writes the four stages, proved",
    async () => {
      const r = deployment();
      const result = await run(
        "npm",
        ["run", "--silent", "migrate", "--", "--to", "transit-gateway", "--out", migration],
        ROOT,
        r.env,
      );
      succeeded("npm run migrate", result);
      expect(result.stdout).toContain("proved: no stage loses a pair it was not meant to cut");
      const plan = JSON.parse(fs.readFileSync(path.join(migration, "migration.json"), "utf8")) as {
        stages: StageSummary[];
      };
      summaries = plan.stages;
      expect(summaries.map((s) => s.id)).toEqual([...STAGES]);
    },
    3 * MINUTE,
  );

  describe("the peering network the migration starts from", () => {
    it(
      "npm run deploy applies examples/three-vpcs.json",
      async () => {
        const result = await applyStage(deployment(), "deploy-peering.log");
        succeeded("npm run deploy of the peering config", result);
        applied.push(PEERING_STEP);
      },
      12 * MINUTE,
    );
    liveChecks(PEERING_STEP, () => opened!.config);
  });

  describe.each(STAGES.map((stage, i) => [stage, i] as const))("stage %s", (stage, i) => {
    let config: PeeringConfig | undefined;

    it(
      `npm run deploy applies it to the ${i === 0 ? "peering network" : "stage before it"}: its stacks' state gains exactly the resources its summary adds, loses those it removes, and no resource is replaced`,
      async () => {
        if (applied.length !== i + 1)
          throw new Error(`the steps before ${stage} were not all deployed: it cannot follow`);
        const raw = fs.readFileSync(path.join(migration, `${stage}.json`), "utf8");
        fs.writeFileSync(path.join(opened!.dir, "config.json"), raw);
        const next = parseConfig(JSON.parse(raw), stage);
        const state = stateResources(opened!.dir);
        const result = await applyStage(deployment(next), `deploy-${stage}.log`);
        succeeded(`npm run deploy of ${stage}`, result);
        config = next;
        applied.push(stage);
        expect(stateChanges(state, stateResources(opened!.dir))).toEqual({
          added: [...summaries[i].added].sort(),
          removed: [...summaries[i].removed].sort(),
          replaced: [],
        });
      },
      12 * MINUTE,
    );
    liveChecks(stage, () => config);
  });

  it(
    "check --live fails with exit 3 after the last stage when a propagation is disabled behind Terraform's back, naming the gateway's route table for both directions of the pair (put back after)",
    async () => {
      if (applied.at(-1) !== STAGES.at(-1)) throw new Error("the last stage was not deployed (see above)");
      const r = deployment(parseConfig(JSON.parse(fs.readFileSync(path.join(opened!.dir, "config.json"), "utf8"))));
      const appVpc = await vpcOfInstance(r, "app");
      // Through the front, which mends moto's fault in disabling propagations.
      const ec2 = new EC2Client({ ...opened!.emulator.clientConfig, endpoint: front!.endpoint, maxAttempts: 2 });
      try {
        const propagation = await propagationOf(ec2, appVpc);
        await ec2.send(new DisableTransitGatewayRouteTablePropagationCommand(propagation));
        try {
          const result = await checkLive(r);
          // shared's table lost its route to app: the request one way and the reply the other way.
          const noRoute = `no route of the transit gateway route table ${propagation.TransitGatewayRouteTableId} (transit-shared) matches`;
          const lines = result.stdout.split("\n").filter((l) => l.startsWith("✗ "));
          expect({ code: result.code, lines }).toEqual({
            code: EXIT.differs,
            lines: [
              expect.stringMatching(/^✗ shared → app: the config means reachable, reach finds unreachable: rtb-/),
              expect.stringMatching(
                /^✗ app → shared: the config means reachable, reach finds unreachable: reply: rtb-/,
              ),
            ],
          });
          expect(lines.every((l) => l.includes(noRoute))).toBe(true);
          expect(result.stdout).toMatch(/^check failed: 2 of 6 ordered pairs differ from the config/m);
        } finally {
          await ec2.send(new EnableTransitGatewayRouteTablePropagationCommand(propagation));
        }
        expect((await checkLive(r)).code).toBe(EXIT.ok);
      } finally {
        ec2.destroy();
      }
    },
    3 * MINUTE,
  );

  it(
    "the last stage's synthesized stacks pass npm run check offline as a transit gateway network: no peering left, one gateway",
    async () => {
      const r = deployment(
        parseConfig(JSON.parse(fs.readFileSync(path.join(migration, `${STAGES.at(-1)}.json`), "utf8"))),
      );
      if (applied.at(-1) !== STAGES.at(-1)) throw new Error("the last stage was not deployed (see above)");
      const synthesized = loadTerraform([r.outdir]);
      expect({ peerings: synthesized.peerings.size, gateways: synthesized.transit?.gateways.size }).toEqual({
        peerings: 0,
        gateways: 1,
      });
      const check = await run("npm", ["run", "--silent", "check", "--", "--out", r.outdir], ROOT, r.env);
      expect({ code: check.code, stdout: check.stdout }).toEqual({
        code: EXIT.ok,
        stdout: expect.stringContaining(
          "check passed: reach agrees with the config on all 6 ordered pairs (4 reachable, 2 not)",
        ),
      });
    },
    2 * MINUTE,
  );

  it(
    "the emulator holds one transit gateway and no active peering after the last stage",
    async () => {
      if (applied.at(-1) !== STAGES.at(-1)) throw new Error("the last stage was not deployed (see above)");
      const ec2 = opened!.clients.ec2;
      const gateways = ((await ec2.send(new DescribeTransitGatewaysCommand({}))).TransitGateways ?? []).filter(
        (g) => g.State !== "deleted",
      );
      const peerings = (
        (await ec2.send(new DescribeVpcPeeringConnectionsCommand({}))).VpcPeeringConnections ?? []
      ).filter((p) => p.Status?.Code === "active");
      expect({ gateways: gateways.length, peerings: peerings.map((p) => p.VpcPeeringConnectionId) }).toEqual({
        gateways: 1,
        peerings: [],
      });
      // The propagated routes reach followed are the front's, as AWS would install them.
      expect(front!.mended.some((m) => m.startsWith("SearchTransitGatewayRoutes "))).toBe(true);
    },
    MINUTE,
  );

  it(
    "npm run destroy -- --auto-approve with the last stage's config leaves none of the stacks' resources behind",
    async () => {
      const r = deployment(parseConfig(JSON.parse(fs.readFileSync(path.join(opened!.dir, "config.json"), "utf8"))));
      succeeded("npm run destroy", await destroyAll(r));
      expect(added(before, await inventory(r.clients), ["networkInterfaces"])).toEqual({});
      const gateways = (await r.clients.ec2.send(new DescribeTransitGatewaysCommand({}))).TransitGateways ?? [];
      expect(gateways.map((g) => g.State).filter((s) => s !== "deleted")).toEqual([]);
    },
    8 * MINUTE,
  );

  it("sent nothing through the proxy sinkhole: neither Terraform nor npm tried to reach past the machine", () => {
    expect(opened?.emulator.escapes()).toEqual([]);
  });
});
