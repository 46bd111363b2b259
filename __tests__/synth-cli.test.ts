import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEFAULT_CONFIG } from "../lib/config";
import { defaultWith, manyVpcs } from "../test-support/configs";
import { scriptCommand } from "../test-support/scripts";

const root = path.resolve(__dirname, "..");
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "peering-synth-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Refusal cases run side by side on a shared machine: each may wait for the others. */
const SPAWN_TIMEOUT_MS = 120_000;

/** The command cdktf runs for the app (cdktf.json's "app"), with this node. */
const APP = (() => {
  const [node, ...args] = (
    JSON.parse(fs.readFileSync(path.join(root, "cdktf.json"), "utf8")) as { app: string }
  ).app.split(" ");
  if (node !== "node") throw new Error(`cdktf.json's app does not start with node: ${node}`);
  return [process.execPath, ...args];
})();

/**
 * Runs the app as cdktf does (its command, CDKTF_OUTDIR set), with PEERING_CONFIG naming a file holding `text`
 * (or set as `env` says); with `pipe`, the file is fed through a shell pipe to the app's stdin.
 */
function synth(
  text: string | Buffer | undefined,
  env: NodeJS.ProcessEnv = {},
  pipe = false,
): { status: number | null; stderr: string; outdir: string } {
  const outdir = path.join(dir, "cdktf.out");
  const runEnv: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" };
  delete runEnv.PEERING_CONFIG;
  const file = path.join(dir, "config.json");
  if (text !== undefined) {
    runEnv.PEERING_CONFIG = file;
    fs.writeFileSync(file, text);
  }
  const [command, ...args] = pipe ? ["sh", "-c", 'cat "$0" | exec "$@"', file, ...APP] : APP;
  const run = spawnSync(command, args, { cwd: root, env: { ...runEnv, ...env }, encoding: "utf8" });
  return { status: run.status, stderr: run.stderr, outdir };
}

/** A refusal of the app: how it exited, what it said, and whether it wrote any output. */
interface Refusal {
  readonly status: number | null;
  readonly stderr: string;
  readonly wroteOutput: boolean;
}

/**
 * Like synth, but asynchronous and in a directory of its own, so that the many refusal cases run
 * side by side (each is one node process that mostly waits on module loading).
 */
async function refusal(text: string | Buffer | undefined, env: NodeJS.ProcessEnv = {}): Promise<Refusal> {
  const own = fs.mkdtempSync(path.join(os.tmpdir(), "peering-refusal-"));
  try {
    const outdir = path.join(own, "cdktf.out");
    const runEnv: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" };
    delete runEnv.PEERING_CONFIG;
    if (text !== undefined) {
      runEnv.PEERING_CONFIG = path.join(own, "config.json");
      fs.writeFileSync(runEnv.PEERING_CONFIG, text);
    }
    const [command, ...args] = APP;
    const child = spawn(command, args, { cwd: root, env: { ...runEnv, ...env }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const status = await new Promise<number | null>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", resolve);
    });
    return { status, stderr, wroteOutput: fs.existsSync(outdir) };
  } finally {
    fs.rmSync(own, { recursive: true, force: true });
  }
}

/** A hub whose two spokes share a CIDR: its route tables would get two routes to one destination. */
const SAME_CIDR_SPOKES = {
  vpcs: [
    { name: "hub", cidr: "10.0.0.0/24" },
    { name: "left", cidr: "10.1.0.0/24" },
    { name: "right", cidr: "10.1.0.0/24" },
  ],
  peerings: { hub: "hub" },
};
const SAME_CIDR_PROBLEM =
  'vpcs[0] ("hub") is peered with "left" (peerings.hub) and "right" (peerings.hub), whose blocks vpcs[1].cidr ' +
  '"10.1.0.0/24" and vpcs[2].cidr "10.1.0.0/24" overlap: its route tables would get two routes to 10.1.0.0/24, and ' +
  "AWS refuses the second (RouteAlreadyExists): give the peers different CIDRs";

/** Regions, accounts and hubs the app refuses: the config and the whole message (field, value, fix). */
const ROLE = "arn:aws:iam::222222222222:role/peering";
const placed = (a: Record<string, unknown>, more: Record<string, unknown> = {}) =>
  defaultWith({
    vpcs: [
      { name: "a", cidr: "10.0.0.0/24", ...a },
      { name: "b", cidr: "10.0.1.0/24" },
    ],
    ...more,
  });
const placementRefusals: readonly (readonly [string, Record<string, unknown>, string])[] = [
  [
    "a VPC naming an account that accounts lacks",
    placed({ account: "netwrk" }, { accounts: { network: { roleArn: ROLE } } }),
    'vpcs[0].account "netwrk" is not in accounts: use one of "network", or add it to accounts with its roleArn',
  ],
  [
    "a VPC naming an account with no accounts at all",
    placed({ account: "network" }),
    'vpcs[0].account "network" is not in accounts, which is empty: add {"accounts": {"network": {"roleArn": "arn:aws:iam::222222222222:role/peering"}}} with the role to assume there, or leave account out',
  ],
  [
    "a role ARN with a short account id",
    placed({ account: "network" }, { accounts: { network: { roleArn: "arn:aws:iam::2222:role/peering" } } }),
    'accounts.network.roleArn is "arn:aws:iam::2222:role/peering": use an IAM role ARN: arn:<partition>:iam::<12-digit account id>:role/<name>, such as "arn:aws:iam::222222222222:role/peering"',
  ],
  [
    "a user ARN where a role ARN belongs",
    placed({}, { accounts: { network: { roleArn: "arn:aws:iam::222222222222:user/peering" } } }),
    'accounts.network.roleArn is "arn:aws:iam::222222222222:user/peering": use an IAM role ARN',
  ],
  [
    "a VPC region shaped like a region but not one of AWS's",
    placed({ region: "eu-west-9" }),
    'vpcs[0].region "eu-west-9" is not an AWS region: use an AWS region code such as "eu-west-1" (the list is AWS_REGIONS in lib/core/aws-limits.ts)',
  ],
  [
    "a VPC region that is no region code",
    placed({ region: "Europe" }),
    'vpcs[0].region is "Europe": use an AWS region code such as "eu-west-1"',
  ],
  [
    "spokes naming an unknown VPC",
    placed(
      {},
      {
        vpcs: [
          { name: "a", cidr: "10.0.0.0/24" },
          { name: "b", cidr: "10.0.1.0/24" },
        ],
        peerings: { hub: "a", spokes: ["b", "x"] },
      },
    ),
    'peerings.spokes[1] names VPC "x", which is not in vpcs: use one of "a", "b"',
  ],
  [
    "a hub that is not a VPC",
    placed({}, { peerings: { hub: "z" } }),
    'peerings.hub names VPC "z", which is not in vpcs: use one of "a", "b"',
  ],
];

describe("the app as cdktf runs it", () => {
  it("synthesizes the three stacks of the built-in default", () => {
    const run = synth(undefined);
    expect(run.status).toBe(0);
    expect(fs.readdirSync(path.join(run.outdir, "stacks")).sort()).toEqual(["instances", "network", "peering"]);
  });

  const vpcB = { name: "b", cidr: "10.0.1.0/24" };
  it.concurrent.each([
    ["malformed JSON", '{"vpcs": [', "the file is not valid JSON"],
    ["an unknown key", JSON.stringify({ ...DEFAULT_CONFIG, vpcCount: 2 }), 'unknown key "vpcCount"'],
    ["a missing CIDR", JSON.stringify(defaultWith({ vpcs: [{ name: "a" }, vpcB] })), "vpcs[0].cidr is missing"],
    [
      "a malformed CIDR",
      JSON.stringify(defaultWith({ vpcs: [{ name: "a", cidr: "ten" }, vpcB] })),
      'vpcs[0].cidr "ten" is not an IPv4 CIDR block',
    ],
    [
      "a non-network CIDR",
      JSON.stringify(defaultWith({ vpcs: [{ name: "a", cidr: "10.0.0.1/24" }, vpcB] })),
      'use "10.0.0.0/24"',
    ],
    [
      "a prefix outside /16-/28",
      JSON.stringify(defaultWith({ vpcs: [{ name: "a", cidr: "10.0.0.0/8" }, vpcB] })),
      "has prefix /8",
    ],
    [
      "duplicate VPC names",
      JSON.stringify(defaultWith({ vpcs: [vpcB, vpcB], peerings: [] })),
      'vpcs[1].name "b" is already used',
    ],
    ["a peering with an unknown VPC", JSON.stringify(defaultWith({ peerings: [["a", "x"]] })), 'names VPC "x"'],
    ["a VPC peered with itself", JSON.stringify(defaultWith({ peerings: [["b", "b"]] })), 'peers "b" with itself'],
    [
      "the same pair twice",
      JSON.stringify(
        defaultWith({
          peerings: [
            ["a", "b"],
            ["a", "b"],
          ],
        }),
      ),
      "repeats peerings[0]",
    ],
    [
      "overlapping peered CIDRs",
      JSON.stringify(defaultWith({ vpcs: [{ name: "a", cidr: "10.0.1.0/25" }, vpcB] })),
      "peered VPCs need disjoint ranges",
    ],
    [
      "subnets that do not fit",
      JSON.stringify(defaultWith({ maxAzs: 3, vpcs: [{ name: "a", cidr: "10.0.0.0/26" }, vpcB] })),
      "is too small for a public and a private subnet",
    ],
    ["an AZ count outside 1-6", JSON.stringify(defaultWith({ maxAzs: 9 })), "maxAzs is 9"],
    ["a bad natGateways value", JSON.stringify(defaultWith({ natGateways: "some" })), 'natGateways is "some"'],
    [
      "more peerings than the quota",
      JSON.stringify({ vpcs: manyVpcs(52), peerings: "full-mesh" }),
      'request an increase of "Active VPC peering connections per VPC" (L-7E9ECCDB) in Service Quotas, up to 125',
    ],
    ["an empty file", "", "the file is empty: write a JSON config such as"],
    [
      "a byte order mark",
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(DEFAULT_CONFIG))]),
      "the file starts with a UTF-8 byte order mark (BOM): save it as UTF-8 without a BOM",
    ],
    [
      "Latin-1 text",
      Buffer.from('{"vpcs": [{"name": "caf\xe9"}]}', "latin1"),
      "the file is not UTF-8 text (byte 0xe9 at offset 23 is not valid UTF-8): save it as UTF-8",
    ],
    [
      "a duplicate key",
      '{"vpcs": [{"name": "a", "cidr": "10.0.0.0/24", "cidr": "10.0.1.0/24"}]}',
      'vpcs[0] has the key "cidr" more than once (again at line 1, column 48): JSON keys must be unique',
    ],
    [
      "nesting a million levels deep",
      `{"vpcs": ${"[".repeat(1_000_000)}${"]".repeat(1_000_000)}}`,
      "the file nests arrays and objects more than 32 levels deep",
    ],
    ["a config that is an array", "[]", "the config is [] (an array): write a JSON object"],
    [
      "a prefix with a leading zero",
      JSON.stringify(defaultWith({ vpcs: [{ name: "a", cidr: "10.0.0.0/024" }, vpcB] })),
      'has a leading zero in the prefix length ("/024")',
    ],
    [
      "a /28",
      JSON.stringify(defaultWith({ vpcs: [{ name: "a", cidr: "10.0.0.0/28" }, vpcB] })),
      "so its smallest VPC is a /27",
    ],
    [
      "a block AWS reserves",
      JSON.stringify(defaultWith({ vpcs: [{ name: "a", cidr: "169.254.0.0/16" }, vpcB] })),
      "which AWS does not allow for VPCs",
    ],
    [
      "a Terraform Cloud organization with a template",
      JSON.stringify(defaultWith({ terraformCloud: { organization: '${file("x")}' } })),
      "terraformCloud.organization is",
    ],
    [
      "a workspace prefix with a newline",
      JSON.stringify(defaultWith({ terraformCloud: { organization: "acme", workspacePrefix: "a\nb" } })),
      "terraformCloud.workspacePrefix is",
    ],
    [
      "a bad Terraform Cloud hostname",
      JSON.stringify(defaultWith({ terraformCloud: { organization: "acme", hostname: "a b" } })),
      "terraformCloud.hostname is",
    ],
    [
      "more inbound rules than the default quota",
      JSON.stringify({ vpcs: manyVpcs(62), peerings: "full-mesh", peeringQuota: 125, routesPerRouteTable: 125 }),
      'VPC "v0": its ping security group needs 61 inbound IPv4 rules',
    ],
    [
      "a bad rulesPerSecurityGroup",
      JSON.stringify(defaultWith({ rulesPerSecurityGroup: 1001 })),
      "rulesPerSecurityGroup is 1001",
    ],
    [
      "IPv6 on an instance type without it",
      JSON.stringify(defaultWith({ ipv6: true, instanceType: "m3.medium" })),
      'instanceType "m3.medium" is a previous generation type without IPv6',
    ],
    [
      "overlapping secondary blocks",
      JSON.stringify(
        defaultWith({
          vpcs: [{ name: "a", cidr: "10.0.0.0/24", secondaryCidrs: ["10.9.0.0/16", "10.9.4.0/24"] }, vpcB],
        }),
      ),
      'vpcs[0].secondaryCidrs[1] "10.9.4.0/24" overlaps vpcs[0].secondaryCidrs[0] "10.9.0.0/16"',
    ],
    [
      "more routes per route table than the quota",
      JSON.stringify({ vpcs: manyVpcs(51), peerings: "full-mesh", peeringQuota: 125 }),
      'VPC "v0": each private route table (v0-private-0) needs 51 IPv4 routes',
    ],
    [
      "a peering object with an unknown key",
      JSON.stringify(defaultWith({ peerings: [{ vpcs: ["a", "b"], bogus: 1 }] })),
      'peerings[0] has unknown key "bogus": remove it (allowed: vpcs, dnsResolution)',
    ],
    ["two spokes of one hub sharing a CIDR", JSON.stringify(SAME_CIDR_SPOKES), SAME_CIDR_PROBLEM],
    [
      "a VPN device at a private address",
      JSON.stringify(
        defaultWith({
          vpcs: [{ name: "a", cidr: "10.0.0.0/24", vpnConnections: { office: { ip: "192.168.1.1" } } }, vpcB],
        }),
      ),
      'vpcs[0].vpnConnections.office.ip "192.168.1.1" is not a public address',
    ],
  ])(
    "rejects %s with one message, exit 1 and no output",
    async (_, text, message) => {
      const run = await refusal(text);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain("Invalid peering config");
      expect(run.stderr).toContain(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(run.wroteOutput).toBe(false);
    },
    SPAWN_TIMEOUT_MS,
  );

  it.concurrent.each(placementRefusals)(
    "rejects %s with a message naming field, value and fix, exit 1 and no output",
    async (_, raw, message) => {
      const run = await refusal(JSON.stringify(raw));
      expect([run.status, run.wroteOutput]).toEqual([1, false]);
      expect(run.stderr).toContain(`Invalid peering config`);
      expect(run.stderr).toContain(`  - ${message}`);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    },
    SPAWN_TIMEOUT_MS,
  );

  it.concurrent.each([
    [
      "an empty PEERING_CONFIG",
      { PEERING_CONFIG: "" },
      "PEERING_CONFIG is set but empty: name a JSON config file, or unset it for the built-in default",
    ],
    [
      "a PEERING_CONFIG that does not exist",
      { PEERING_CONFIG: "/nonexistent/config.json" },
      'PEERING_CONFIG "/nonexistent/config.json" cannot be read (no such file): point it at a JSON config file',
    ],
    [
      "a PEERING_CONFIG that is a directory",
      { PEERING_CONFIG: "." },
      'PEERING_CONFIG "." cannot be read (it is a directory)',
    ],
    ["a PEERING_CONFIG that never ends", { PEERING_CONFIG: "/dev/zero" }, "the file is larger than 16 MiB"],
    ...["0", "65", "two", "1.5", " 2", ""].map((threads) => [
      `PEERING_SYNTH_THREADS=${JSON.stringify(threads)}`,
      { PEERING_SYNTH_THREADS: threads },
      `PEERING_SYNTH_THREADS is ${JSON.stringify(threads)}: use a whole number of threads from 1 (everything in one) to 64, or unset it to let the mesh's size and the CPUs decide`,
    ]),
  ] as [string, NodeJS.ProcessEnv, string][])(
    "rejects %s with exit 1 and no output",
    async (_, env, message) => {
      const run = await refusal(undefined, env);
      expect([run.status, run.stderr]).toEqual([1, expect.stringContaining(message)]);
      expect(run.wroteOutput).toBe(false);
    },
    SPAWN_TIMEOUT_MS,
  );

  it("warns on stderr, once, about instances nobody can manage, and synthesizes all the same", () => {
    const run = synth(JSON.stringify(defaultWith({ natGateways: "none", ssmEndpoints: false })));
    expect(run.status).toBe(0);
    expect(run.stderr.match(/^warning: .*/gm)).toEqual([
      expect.stringContaining("the instances of a, b cannot reach Systems Manager"),
    ]);
    expect(fs.existsSync(path.join(run.outdir, "stacks", "instances", "cdk.tf.json"))).toBe(true);
  });

  it("reads the config from a pipe", () => {
    const run = synth(
      JSON.stringify(defaultWith({ vpcs: [{ name: "piped", cidr: "10.0.0.0/24" }], peerings: [] })),
      { PEERING_CONFIG: "/dev/stdin" },
      true,
    );
    expect(run.status).toBe(0);
    expect(fs.readFileSync(path.join(run.outdir, "stacks", "network", "cdk.tf.json"), "utf8")).toContain('"piped"');
  });

  it("writes a long list of problems out in full before it exits", () => {
    const run = synth(
      JSON.stringify({ vpcs: Array.from({ length: 5000 }, (_, i) => ({ name: `V${i}`, cidr: "10.0.0.0/24" })) }),
    );
    expect(run.status).toBe(1);
    expect(run.stderr.trimEnd()).toMatch(/\n {2}\.\.\. and 4,950 more$/);
  });
});

describe("npm run synth (scripts/with-env.ts)", () => {
  it("refuses a hub whose spokes share a CIDR before cdktf runs: exit 1, both spokes, the block and the fix, nothing written", () => {
    const out = path.join(dir, "out");
    const file = path.join(dir, "config.json");
    fs.writeFileSync(file, JSON.stringify(SAME_CIDR_SPOKES));
    const env: NodeJS.ProcessEnv = { ...process.env, PEERING_CONFIG: file, CHECKPOINT_DISABLE: "1" };
    const [command, ...args] = [...scriptCommand("with-env"), "cdktf", "synth", "--output", out];
    const run = spawnSync(command, args, { cwd: root, env, encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("Invalid peering config");
    expect(run.stderr.split("\n")).toContain(`  - ${SAME_CIDR_PROBLEM}`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(out)).toBe(false);
  }, 120_000);

  it("checks the config and synthesizes from the same bytes, read once from a pipe", () => {
    const out = path.join(dir, "out");
    const env: NodeJS.ProcessEnv = { ...process.env, PEERING_CONFIG: "/dev/stdin", CHECKPOINT_DISABLE: "1" };
    const file = path.join(dir, "config.json");
    fs.writeFileSync(
      file,
      JSON.stringify(
        defaultWith({
          vpcs: [
            { name: "piped", cidr: "10.0.0.0/24" },
            { name: "b", cidr: "10.0.1.0/24" },
          ],
          peerings: [["piped", "b"]],
        }),
      ),
    );
    const withEnv = [...scriptCommand("with-env"), "cdktf", "synth", "--output", out];
    const run = spawnSync("sh", ["-c", 'cat "$0" | exec "$@"', file, ...withEnv], { cwd: root, env, encoding: "utf8" });
    expect([run.status, run.stderr]).toEqual([0, ""]);
    expect(run.stdout).toContain("Generated Terraform code for the stacks");
    expect(fs.readFileSync(path.join(out, "stacks", "network", "cdk.tf.json"), "utf8")).toContain('"piped"');
  }, 120_000);
});
