import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { diffReach, type ReachDiff } from "../../lib/reach/diff";
import { formatDiffText } from "../../lib/reach/diff-format";
import { analyze, buildModel, loadTerraform, ReachInputError } from "../../lib/reach";
import { reachCommand } from "../../lib/reach/cli";
import { readRevision } from "../../app/synth-input";
import { editStack, synthToTemp, type SynthesizedApp } from "../../test-support/synth";

type Json = Parameters<Parameters<typeof editStack>[2]>[0];

const TWO_VPCS = {
  vpcs: [
    { name: "a", cidr: "10.0.0.0/24" },
    { name: "b", cidr: "10.0.1.0/24" },
  ],
  peerings: "full-mesh",
};

/** The one resource of `type` whose name starts with `prefix`, in a stack's JSON. */
function named(json: Json, type: string, prefix: string): string {
  const names = Object.keys(json.resource[type] ?? {}).filter((n) => n.startsWith(prefix));
  if (names.length !== 1) throw new Error(`expected one ${type} named ${prefix}*, found ${names.join(", ") || "none"}`);
  return names[0];
}

/** An ACL that replaces vpc-b's default ACL: allows everything, each direction as entry 100. */
function manageDefaultAcl(json: Json): void {
  const vpc = named(json, "aws_vpc", "vpc-b_vpc");
  const entry = { action: "allow", cidr_block: "0.0.0.0/0", from_port: 0, to_port: 0, protocol: "-1", rule_no: 100 };
  json.resource.aws_default_network_acl = {
    "vpc-b_acl": {
      default_network_acl_id: `\${aws_vpc.${vpc}.default_network_acl_id}`,
      ingress: [entry],
      egress: [entry],
    },
  };
}

let base: SynthesizedApp;
let head: SynthesizedApp;

beforeEach(() => {
  base = synthToTemp(TWO_VPCS);
  head = synthToTemp(TWO_VPCS);
});

afterEach(() => {
  base.remove();
  head.remove();
});

function diff(): ReachDiff {
  const side = (app: SynthesizedApp) => {
    const model = loadTerraform([app.outdir]);
    return { model, result: analyze(model) };
  };
  return diffReach(side(base), side(head));
}

/** The lost pairs as "from → to (protocol)", with the short names of the instances. */
function lostPairs(d: ReachDiff): string[] {
  const short = (address: string) => address.replace(/^instances\/aws_instance\.instance-(\w+)_instance_\w+$/, "$1");
  return d.lost.map((p) => `${short(p.from)} → ${short(p.to)} (${p.protocol})`).sort();
}

describe("reach --diff names the lost pair and the hop that changed", () => {
  it("for a removed route: both directions are lost, and the requester's route is named", () => {
    editStack(head.outdir, "peering", (json) => {
      delete json.resource.aws_route[named(json, "aws_route", "peering-a_b_requester-route-0")];
    });
    const d = diff();
    expect(lostPairs(d)).toEqual(["a → b (ipv4)", "b → a (ipv4)"]);
    for (const pair of d.lost) {
      expect(pair.hops).toContainEqual(
        expect.objectContaining({
          change: "removed",
          kind: "route",
          element: expect.stringContaining("10.0.1.0/24 → peering/"),
        }),
      );
      expect(pair.hops.every((h) => h.kind === "route")).toBe(true);
    }
    expect(d.gained).toEqual([]);
  });

  it("for a removed security-group rule: only the pair it admitted is lost", () => {
    editStack(head.outdir, "instances", (json) => {
      delete json.resource.aws_vpc_security_group_ingress_rule[
        named(json, "aws_vpc_security_group_ingress_rule", "instance-b_ping-from-a")
      ];
    });
    const d = diff();
    expect(lostPairs(d)).toEqual(["a → b (ipv4)"]);
    expect(d.lost[0].hops).toEqual([
      expect.objectContaining({
        change: "removed",
        kind: "security-group rule",
        element: expect.stringMatching(/ingress icmp 10\.0\.0\.0\/24/),
      }),
    ]);
  });

  it("for a removed network ACL entry: the entry is named, with its number", () => {
    editStack(base.outdir, "network", manageDefaultAcl);
    editStack(head.outdir, "network", (json) => {
      manageDefaultAcl(json);
      json.resource.aws_default_network_acl["vpc-b_acl"].ingress = [];
    });
    const d = diff();
    expect(lostPairs(d)).toEqual(["a → b (ipv4)", "b → a (ipv4)"]);
    expect(d.lost[0].hops).toContainEqual(
      expect.objectContaining({
        change: "removed",
        kind: "network ACL entry",
        element: expect.stringContaining("ingress #100 allow all 0.0.0.0/0"),
      }),
    );
  });

  it("for a removed peering: the peering and its routes are named", () => {
    editStack(head.outdir, "peering", (json) => {
      delete json.resource.aws_vpc_peering_connection;
      delete json.resource.aws_route;
      delete (json as { output?: unknown }).output;
    });
    const d = diff();
    expect(lostPairs(d)).toEqual(["a → b (ipv4)", "b → a (ipv4)"]);
    const kinds = d.lost[0].hops.map((h) => `${h.change} ${h.kind}`);
    expect(kinds).toContain("removed peering");
    expect(kinds.filter((k) => k === "removed route")).toHaveLength(2);
  });

  it("reports a gained pair the other way round", () => {
    editStack(base.outdir, "instances", (json) => {
      delete json.resource.aws_vpc_security_group_ingress_rule[
        named(json, "aws_vpc_security_group_ingress_rule", "instance-b_ping-from-a")
      ];
    });
    const d = diff();
    expect(d.lost).toEqual([]);
    expect(d.gained).toHaveLength(1);
    expect(d.gained[0].hops).toEqual([expect.objectContaining({ change: "added", kind: "security-group rule" })]);
  });
});

describe("reach --diff reports nothing for a change that moves no packet", () => {
  it.each([
    [
      "an added tag",
      (json: Json) => {
        const vpc = json.resource.aws_vpc[named(json, "aws_vpc", "vpc-a_vpc")];
        vpc.tags = { ...(vpc.tags as Record<string, string>), team: "billing" };
      },
    ],
    [
      "reordered resources",
      (json: Json) => {
        for (const type of Object.keys(json.resource)) {
          json.resource[type] = Object.fromEntries(Object.entries(json.resource[type]).reverse());
        }
      },
    ],
  ])("%s", (_name, edit) => {
    editStack(head.outdir, "network", edit);
    const d = diff();
    expect(d).toEqual({ lost: [], gained: [], changed: [], elementsChanged: 0 });
    expect(formatDiffText(d, { base: "base", head: "head" })).toBe(
      "Reach diff of head against base: no pair changes (0 elements changed).\n",
    );
  });

  it("a renamed security-group rule resource with the same meaning is no change", () => {
    editStack(head.outdir, "instances", (json) => {
      const rules = json.resource.aws_vpc_security_group_ingress_rule;
      const name = named(json, "aws_vpc_security_group_ingress_rule", "instance-b_ping-from-a");
      rules["renamed"] = rules[name];
      delete rules[name];
    });
    expect(diff()).toEqual({ lost: [], gained: [], changed: [], elementsChanged: 0 });
  });
});

describe("the reach --diff command", () => {
  async function reach(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const status = await reachCommand(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
    return { status, stdout, stderr };
  }

  function removeRule(): void {
    editStack(head.outdir, "instances", (json) => {
      delete json.resource.aws_vpc_security_group_ingress_rule[
        named(json, "aws_vpc_security_group_ingress_rule", "instance-b_ping-from-a")
      ];
    });
  }

  it("exits 4 when a pair is lost, and says which and why", async () => {
    removeRule();
    const run = await reach("--diff", base.outdir, head.outdir);
    expect(run.status).toBe(4);
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(
      /: 1 pair lost, 0 gained\.\n\nLost:\n {2}instances\/aws_instance\.instance-a_\w+ → instances\/aws_instance\.instance-b_\w+ \(ipv4\): ✓ → ✗\n/,
    );
    expect(run.stdout).toContain("      removed security-group rule: ");
  });

  it("exits 0 when nothing is lost, and prints JSON with --json", async () => {
    const run = await reach("--diff", base.outdir, head.outdir, "--json");
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      base: base.outdir,
      head: head.outdir,
      lost: [],
      gained: [],
      changed: [],
      elementsChanged: 0,
    });
  });

  it("prints a Markdown table with --markdown", async () => {
    removeRule();
    const run = await reach("--diff", base.outdir, head.outdir, "--markdown");
    expect(run.status).toBe(4);
    expect(run.stdout).toMatch(/^### Reachability: 1 pair lost, 0 gained\n/);
    expect(run.stdout).toContain("| change | from | to | protocol | before | after | why |");
    expect(run.stdout).toMatch(
      /\n\| lost \| instances\/aws\\_instance\.instance-a\\_[\w\\]+ \| .* \| ipv4 \| ✓ \| ✗ \| /,
    );
  });

  it.each([
    [["--diff"], "--diff needs BASE"],
    [["--diff", ""], "--diff BASE is empty"],
    [["--markdown", "x"], "--markdown only applies with --diff"],
    [["--diff", "no-such-dir-or-revision", "--json", "--markdown"], "give --json or --markdown, not both"],
  ])("refuses %j in one line, exit 2", async (args, message) => {
    const run = await reach(...args);
    expect(run).toEqual({ status: 2, stdout: "", stderr: expect.stringContaining(message) });
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("a git revision as BASE", () => {
  let repo: string;
  const git = (...args: string[]) => execFileSync("git", ["-C", repo, ...args], { stdio: "pipe" });

  beforeEach(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), "peering-diff-git-"));
    git("init", "-q");
    git("config", "user.email", "test@example.com");
    git("config", "user.name", "test");
    fs.writeFileSync(path.join(repo, "net.json"), JSON.stringify(TWO_VPCS));
    git("add", "net.json");
    git("commit", "-qm", "two VPCs");
  });

  afterEach(() => fs.rmSync(repo, { recursive: true, force: true }));

  it("synthesizes the config the revision holds (REV:path, or PEERING_CONFIG's file at REV)", () => {
    const named = readRevision("HEAD:net.json", {}, repo);
    expect(named.source).toBe("HEAD:net.json");
    expect(analyze(buildModel(named.documents)).pairs.map((p) => p.reachable)).toEqual([true, true]);
    const viaEnv = readRevision("HEAD", { PEERING_CONFIG: path.join(repo, "net.json") }, repo);
    expect(viaEnv.source).toBe("HEAD:net.json");
    expect(viaEnv.documents.map((d) => d.stack).sort()).toEqual(["instances", "network", "peering"]);
  });

  it.each([
    ["no-such-rev", {}, "is neither a path nor a git revision here"],
    ["HEAD", {}, "PEERING_CONFIG is unset"],
    ["HEAD:missing.json", {}, '"missing.json" is not a file in HEAD'],
  ])("refuses %s with a reason", (spec, env, message) => {
    expect(() => readRevision(spec, env, repo)).toThrow(ReachInputError);
    expect(() => readRevision(spec, env, repo)).toThrow(message);
  });
});
