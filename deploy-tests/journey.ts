/**
 * The whole user journey, offline: the steps that follow a deploy to the emulator with real packets.
 * The deployed network (read back by reach's live loader) is built in Linux namespaces, an SSM front
 * runs each `ping` that Run Command asks for in the namespace of its instance, and the product's
 * `npm run ping`, unchanged, measures every pair against reach; then a peering route deleted through
 * the EC2 API shows up as lost packets. Needs root, ip, nsenter, ping and nft, as rehearse does.
 */
import { spawnSync } from "child_process";
import { EXIT } from "../lib/core/exit-codes";
import { DeployedInstance } from "../lib/ping/outputs";
import { PairStatus, PingReport } from "../lib/ping/results";
import { analyze, loadTerraform, Model, Reachable } from "../lib/reach";
import { deletePeeringRoute, openPacketJourney, PacketJourney } from "../test-support/journey";
import { deployedInstances, pingThrough, EmulatorDeploy, STACKS, tail } from "../test-support/emulator-deploy";
import { namespacesOf, requireNamespaces } from "../test-support/rehearse";
import { liveInstanceId } from "../test-support/ssm-namespaces";

const MINUTE = 60_000;

/** "<from VPC> -> <to VPC>", as ping names pairs. */
type Pairs = Record<string, PairStatus | "depends">;

function statusOf(reachable: Reachable): PairStatus | "depends" {
  return reachable === "depends" ? "depends" : reachable ? "reachable" : "unreachable";
}

/** reach's IPv4 verdicts for the synthesized stacks, by VPC names. */
function reachSynthesized(r: EmulatorDeploy, instances: readonly DeployedInstance[]): Pairs {
  const names = new Map(instances.map((i) => [`${STACKS[1]}/${i.address}`, i.name]));
  const pairs = analyze(loadTerraform([r.outdir])).pairs.filter((p) => p.protocol === "ipv4");
  return Object.fromEntries(
    pairs.map((p) => [`${names.get(p.from) ?? p.from} -> ${names.get(p.to) ?? p.to}`, statusOf(p.reachable)]),
  );
}

/** reach's IPv4 verdicts for a live model, by VPC names. */
function reachLive(model: Model, instances: readonly DeployedInstance[]): Pairs {
  const names = new Map(
    [...model.instances.values()].map((i) => [
      i.address,
      instances.find((x) => x.id === liveInstanceId(i))?.name ?? i.address,
    ]),
  );
  const pairs = analyze(model).pairs.filter((p) => p.protocol === "ipv4");
  return Object.fromEntries(pairs.map((p) => [`${names.get(p.from)} -> ${names.get(p.to)}`, statusOf(p.reachable)]));
}

/** What ping measured, by VPC names. */
function measured(report: PingReport): Pairs {
  return Object.fromEntries(report.pairs.map((p) => [`${p.from} -> ${p.to}`, p.status]));
}

/** The global IPv4 addresses a namespace holds (not loopback), from `ip -n <namespace> -4 -br addr show scope global`. */
function addressesIn(namespace: string): string[] {
  const out =
    spawnSync("ip", ["-n", namespace, "-4", "-br", "addr", "show", "scope", "global"], { encoding: "utf8" }).stdout ??
    "";
  return [...out.matchAll(/(\d+\.\d+\.\d+\.\d+)\/\d+/g)].map((m) => m[1]);
}

/** The commands of this process's children that the front starts (nsenter, then ping in its place), from ps. */
function pingsRunning(): string[] {
  const out = spawnSync("ps", ["--ppid", String(process.pid), "-o", "comm="], { encoding: "utf8" }).stdout ?? "";
  return out.split("\n").filter((c) => c === "nsenter" || c === "ping");
}

/**
 * Declares the journey's steps in the emulator deploy test of one config (call it inside the describe block,
 * after the deploy); `afterDeploy` gives the deployed network once the deploy succeeded. The namespaces are
 * deleted in every outcome: by the last step, else by afterAll (and a killed run's by the next run).
 */
export function packetJourney(afterDeploy: () => EmulatorDeploy): void {
  let journey: PacketJourney | undefined;
  let instances: readonly DeployedInstance[] = [];
  afterAll(() => journey?.close(), MINUTE);

  it(
    "npm run ping, through an SSM front that pings in namespaces built from the deployed network, finds every pair as reach predicts (exit 0)",
    async () => {
      requireNamespaces();
      const r = afterDeploy();
      instances = deployedInstances(r);
      journey = await openPacketJourney(r);
      const network = journey.runCommand.current;
      // Each instance's namespace holds the private address EC2 gave the instance, and no other.
      const held = Object.fromEntries(
        [...network.instances.values()].map((i) => [i.id, { picked: i.picked, addresses: addressesIn(i.namespace) }]),
      );
      expect(held).toEqual(
        Object.fromEntries(instances.map((i) => [i.id, { picked: false, addresses: [i.privateIp] }])),
      );

      const result = await pingThrough(r, journey.endpoint);
      const n = instances.length;
      expect({ code: result.code, output: result.code === EXIT.ok ? "" : tail(result) }).toEqual({
        code: EXIT.ok,
        output: "",
      });
      const report = result.report as PingReport;
      const expected = reachSynthesized(r, instances);
      expect(Object.keys(expected)).toHaveLength(n * (n - 1));
      expect(measured(report)).toEqual(expected);
      expect(report.pairs.filter((p) => p.status === "reachable" && !(p.received! > 0 && p.rttAvgMs! > 0))).toEqual([]);
      // Every pair's ping really ran, once, in the namespace of its source, at the target's address; nothing was refused.
      const idOf = new Map(instances.map((i) => [i.id, i.name]));
      const nameAt = new Map(instances.map((i) => [i.privateIp, i.name]));
      const ran = journey.runCommand.executed.map(
        (e) => `${idOf.get(e.instanceId)} -> ${nameAt.get(e.command.split(" ").pop()!)}: ${e.command}`,
      );
      expect(ran.sort()).toEqual(report.pairs.map((p) => `${p.from} -> ${p.to}: ping -c 3 ${p.toIp}`).sort());
      expect(journey.runCommand.refused).toEqual([]);
    },
    4 * MINUTE,
  );

  it(
    "after a peering route is deleted through the EC2 API, ping over namespaces rebuilt from the live network loses that pair both ways and names both (exit 3)",
    async () => {
      const r = afterDeploy();
      if (!journey) throw new Error("the namespaces were not built (see the step before)");
      const deleted = await deletePeeringRoute(r.clients.ec2, r.config, instances);
      try {
        await journey.rebuild();
        const lost = [`${deleted.from} -> ${deleted.to}`, `${deleted.to} -> ${deleted.from}`];
        // The request one way and the reply the other way both need the deleted route; reach on the live model agrees.
        const synthesized = reachSynthesized(r, instances);
        const live = reachLive(journey.model, instances);
        expect(
          Object.keys(live)
            .filter((k) => live[k] !== synthesized[k])
            .sort(),
        ).toEqual([...lost].sort());

        const result = await pingThrough(r, journey.endpoint);
        expect({ code: result.code, output: result.code === EXIT.differs ? "" : tail(result) }).toEqual({
          code: EXIT.differs,
          output: "",
        });
        const report = result.report as PingReport;
        expect(measured(report)).toEqual(live);
        const mismatches = report.mismatches.map((p) => `${p.from} -> ${p.to}`);
        expect([...mismatches].sort()).toEqual([...lost].sort());
        expect(report.unanswered).toEqual([]);
        const named = mismatches
          .map((pair) => `\n  ${pair}: expected reachable, got unreachable (100% packet loss)`)
          .join("");
        expect(result.output).toContain(`Differs from reach:${named}`);
        expect(journey.runCommand.refused).toEqual([]);
      } finally {
        try {
          await deleted.restore();
        } finally {
          await journey.close();
        }
      }
    },
    4 * MINUTE,
  );

  it(
    "leaves no namespace and no ping of the journey behind",
    async () => {
      await journey?.close();
      expect({ namespaces: namespacesOf(process.pid), pings: pingsRunning() }).toEqual({ namespaces: [], pings: [] });
    },
    MINUTE,
  );
}
