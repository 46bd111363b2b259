import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { DEFAULT_CONFIG, parseConfig } from "../../lib/config";
import { intended } from "../../lib/check/intent";
import { loadTerraform } from "../../lib/reach";
import { EXIT, main } from "../../lib/rehearse/cli";
import { cleanLeftovers } from "../../lib/rehearse/host";
import { type Rehearsal, rehearse } from "../../lib/rehearse/rehearse";
import { EXAMPLES_BY_NAME, THREE_VPCS_CONFIG, defaultWith, manyVpcs } from "../../test-support/configs";
import { namespacesOf, requireNamespaces } from "../../test-support/rehearse";
import { type SynthesizedApp, editStack, synthToTemp } from "../../test-support/synth";

jest.setTimeout(120_000);

// Namespaces that dead runs left on this machine (a killed CI job, say) are not this file's business: clear
// them first, so that each test sees only what its own runs leave.
beforeAll(async () => {
  requireNamespaces();
  await cleanLeftovers();
});

async function rehearseApp(app: SynthesizedApp): Promise<Rehearsal> {
  return rehearse(loadTerraform([app.outdir]));
}

/** The measured verdict of one pair, by the config's VPC names. */
function measured(r: Rehearsal, from: string, to: string): boolean | undefined {
  return r.pairs.find((p) => p.from.includes(`instance-${from}_`) && p.to.includes(`instance-${to}_`))?.reachable;
}

async function cli(argv: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t), missing: () => [] });
  return { code, out, err };
}

describe("rehearse on the app's synthesized stacks", () => {
  it("pings both ways across the default config's peering and agrees with reach (exit 0)", async () => {
    const app = synthToTemp(DEFAULT_CONFIG);
    try {
      const result = await cli([app.outdir]);
      expect(result.err).toBe("");
      expect(result.code).toBe(EXIT.ok);
      expect(result.out).toMatch(/1 {2}instances\/aws_instance\.instance-a_instance_\w+ - ✓\n/);
      expect(result.out).toMatch(/2 pairs: 2 replied, 0 without reply; every pair agrees with reach\.\n$/);
      expect(namespacesOf(process.pid)).toEqual([]);
    } finally {
      app.remove();
    }
  });

  it("builds the transit gateway example's gateway in a namespace and agrees with reach on every pair (exit 0)", async () => {
    const app = synthToTemp(EXAMPLES_BY_NAME.find((e) => e.name === "examples/transit-gateway.json")?.raw);
    try {
      const result = await cli([app.outdir]);
      expect(result.err).toBe("");
      expect(result.code).toBe(EXIT.ok);
      expect(result.out).toMatch(
        /, 1 transit gateway \(1 router namespace, one per gateway and Availability Zone of senders\);/,
      );
      expect(result.out).toMatch(/30 pairs: 20 replied, 10 without reply; every pair agrees with reach\.\n$/);
    } finally {
      app.remove();
    }
  });

  /** Every example, transit gateways included, with the ordered pairs it has and those the config means to reply. */
  const examples = EXAMPLES_BY_NAME.map(({ name, raw }) => {
    const config = parseConfig(raw);
    const names = config.vpcs.map((v) => v.name);
    const ipv6 = new Set(config.vpcs.filter((v) => v.ipv6).map((v) => v.name));
    const ordered = names.flatMap((from) => names.filter((to) => to !== from).map((to) => [from, to] as const));
    // Both ends with IPv6: a pair over each IP version.
    const pairs = ordered.flatMap(([from, to]) =>
      ipv6.has(from) && ipv6.has(to)
        ? [
            [from, to],
            [from, to],
          ]
        : [[from, to]],
    );
    return {
      name,
      config: raw,
      replied: pairs.filter(([from, to]) => intended(config, from, to)).length,
      pairs: pairs.length,
    };
  });

  it.each([
    ...examples,
    {
      name: "a 20-VPC full mesh",
      config: defaultWith({ vpcs: manyVpcs(20), peerings: "full-mesh" }),
      replied: 380,
      pairs: 380,
    },
  ])(
    "agrees with reach on every pair of $name, and replies exactly where the config peers",
    async ({ config, replied, pairs }) => {
      const app = synthToTemp(config);
      try {
        const result = await rehearseApp(app);
        expect(result.pairs.filter((p) => p.differs)).toEqual([]);
        expect(result.pairs).toHaveLength(pairs);
        expect(result.pairs.filter((p) => p.reachable === true)).toHaveLength(replied);
      } finally {
        app.remove();
      }
    },
  );

  it("prints reach's document shape with --json, the prediction beside each measurement", async () => {
    const app = synthToTemp(THREE_VPCS_CONFIG);
    try {
      const result = await cli([
        "--json",
        "--from",
        "instances/aws_instance.instance-app_instance_18EFA871",
        app.outdir,
      ]);
      expect(result.code).toBe(EXIT.ok);
      const doc = JSON.parse(result.out);
      expect(doc.pairs).toHaveLength(2);
      expect(doc.pairs[0]).toEqual(
        expect.objectContaining({
          from: "instances/aws_instance.instance-app_instance_18EFA871",
          protocol: "ipv4",
          reachable: false,
          reach: false,
          differs: false,
        }),
      );
      expect(doc.instances[0]).toEqual(expect.objectContaining({ ipv4: "10.20.0.36", picked: ["ipv4"] }));
    } finally {
      app.remove();
    }
  });
});

describe("breaking the default config's stacks one piece at a time", () => {
  let app: SynthesizedApp;
  beforeEach(() => {
    app = synthToTemp(DEFAULT_CONFIG);
  });
  afterEach(() => app.remove());

  const dropResource = (stack: string, type: string, prefix: string) => (outdir: string) =>
    editStack(outdir, stack, (json) => {
      const key = Object.keys(json.resource[type]).find((k) => k.startsWith(prefix));
      if (!key) throw new Error(`no ${type} ${prefix}* in ${stack}`);
      delete json.resource[type][key];
    });

  /** Puts b's private subnet under a managed network ACL with one allow-all entry each way. */
  const manageAcl = (outdir: string): void =>
    editStack(outdir, "network", (json) => {
      const subnet = Object.keys(json.resource.aws_subnet).find((k) => k.startsWith("vpc-b_private-0"));
      const vpc = Object.keys(json.resource.aws_vpc).find((k) => k.startsWith("vpc-b_vpc"));
      json.resource.aws_network_acl = {
        "b-private": { vpc_id: `\${aws_vpc.${vpc}.id}`, subnet_ids: [`\${aws_subnet.${subnet}.id}`] },
      };
      const entry = (egress: boolean) => ({
        network_acl_id: "${aws_network_acl.b-private.id}",
        rule_number: 100,
        egress,
        protocol: "-1",
        rule_action: "allow",
        cidr_block: "0.0.0.0/0",
      });
      json.resource.aws_network_acl_rule = { "b-private-in": entry(false), "b-private-out": entry(true) };
    });

  it.each([
    {
      what: "a's route to b through the peering",
      edit: dropResource("peering", "aws_route", "peering-a_b_requester-route-0"),
      back: false,
    },
    {
      what: "b's security group rule admitting ICMP from a",
      edit: dropResource("instances", "aws_vpc_security_group_ingress_rule", "instance-b_ping-from-a"),
      back: true,
    },
    {
      what: "the inbound entry of b's network ACL",
      edit: (outdir: string) =>
        editStack(outdir, "network", (json) => delete json.resource.aws_network_acl_rule["b-private-in"]),
      managed: true,
      back: false,
    },
  ])("without $what, a cannot ping b, and reach agrees", async ({ edit, managed, back }) => {
    if (managed) {
      manageAcl(app.outdir);
      const before = await rehearseApp(app);
      expect([measured(before, "a", "b"), measured(before, "b", "a")]).toEqual([true, true]);
    }
    edit(app.outdir);
    const after = await rehearseApp(app);
    expect(after.pairs.filter((p) => p.differs)).toEqual([]);
    expect([measured(after, "a", "b"), measured(after, "b", "a")]).toEqual([false, back]);
  });
});

describe("cleaning up", () => {
  const script = join(__dirname, "..", "..", "scripts", "rehearse.ts");
  const start = (outdir: string): ChildProcess =>
    spawn(process.execPath, ["-r", "ts-node/register/transpile-only", script, outdir], {
      stdio: ["ignore", "pipe", "pipe"],
    });

  async function untilNamespaces(pid: number): Promise<void> {
    for (let i = 0; i < 600 && namespacesOf(pid).length === 0; i += 1) await new Promise((r) => setTimeout(r, 50));
    if (namespacesOf(pid).length === 0) throw new Error(`rehearse (pid ${pid}) made no namespace within 30 s`);
  }

  function exited(child: ChildProcess): Promise<number | null> {
    return new Promise((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal ? -1 : null))));
  }

  /** Names of links, rules and nft tables of rehearse in the namespace the tests run in (there must be none). */
  function traces(): string[] {
    const run = (cmd: string, args: string[]): string => spawnSync(cmd, args, { encoding: "utf8" }).stdout ?? "";
    return [
      ...run("ip", ["-o", "link"])
        .split("\n")
        .filter((l) => /: rh[a-z][0-9]/.test(l)),
      ...[run("ip", ["rule"]), run("ip", ["-6", "rule"])]
        .join("\n")
        .split("\n")
        .filter((l) => / rh[a-z][0-9]/.test(l)),
      ...run("nft", ["list", "tables"])
        .split("\n")
        .filter((l) => l.includes("rehearse")),
    ];
  }

  it("removes its namespaces on Ctrl-C", async () => {
    const app = synthToTemp(THREE_VPCS_CONFIG);
    try {
      const child = start(app.outdir);
      const done = exited(child);
      await untilNamespaces(child.pid as number);
      child.kill("SIGINT");
      expect(await done).toBe(130);
      expect(namespacesOf(child.pid as number)).toEqual([]);
    } finally {
      app.remove();
    }
  });

  it("after a killed run, the next run removes the leftovers and leaves no namespace, link, rule or table behind", async () => {
    const app = synthToTemp(THREE_VPCS_CONFIG);
    try {
      const child = start(app.outdir);
      const done = exited(child);
      await untilNamespaces(child.pid as number);
      child.kill("SIGKILL");
      await done;
      const left = namespacesOf(child.pid as number);
      expect(left.length).toBeGreaterThan(0);
      const next = await cli([app.outdir]);
      expect(next.code).toBe(EXIT.ok);
      expect(next.err).toContain(`removed ${left.length} namespace(s) left by runs that died`);
      expect(namespacesOf(child.pid as number)).toEqual([]);
      expect(namespacesOf(process.pid)).toEqual([]);
      expect(traces()).toEqual([]);
    } finally {
      app.remove();
    }
  });
});
