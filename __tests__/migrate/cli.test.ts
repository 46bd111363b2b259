import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runScript } from "../../test-support/scripts";

const ROOT = path.resolve(__dirname, "..", "..");
let work: string;

beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "peering-migrate-"));
});

afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

function migrate(args: readonly string[], config = "examples/three-vpcs.json") {
  return runScript("migrate", args, {
    ...process.env,
    PEERING_CONFIG: path.join(ROOT, config),
    CHECKPOINT_DISABLE: "1",
  });
}

describe("npm run migrate", () => {
  it("writes each stage's config and summary, the plan, and the path MTU discovery rules; the first and last stages pass check", () => {
    const out = path.join(work, "stages");
    const run = migrate(["--to", "transit-gateway", "--out", out]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^migrate: 5 stages in /);
    expect(run.stdout).toContain("proved: no stage loses a pair it was not meant to cut");
    expect(run.stdout).toContain("warning: MTU: ");
    expect(fs.readdirSync(out).sort()).toEqual([
      "01-attach.json",
      "01-attach.md",
      "02-remove-peerings-1.json",
      "02-remove-peerings-1.md",
      "03-remove-peerings-2.json",
      "03-remove-peerings-2.md",
      "04-routes-per-block.json",
      "04-routes-per-block.md",
      "05-cleanup.json",
      "05-cleanup.md",
      "README.md",
      "migration.json",
      "pmtud-rules.tf.json",
    ]);
    const plan = JSON.parse(fs.readFileSync(path.join(out, "migration.json"), "utf8"));
    expect(plan.sameReach).toBe(true);
    expect(plan.stages.map((s: { lost: unknown[] }) => s.lost)).toEqual([[], [], [], [], []]);
    for (const stage of ["01-attach", "04-routes-per-block", "05-cleanup"]) {
      const check = runScript("check", [], { ...process.env, PEERING_CONFIG: path.join(out, `${stage}.json`) });
      expect({ stage, status: check.status }).toEqual({ stage, status: 0 });
      expect(check.stdout).toContain(
        "check passed: reach agrees with the config on all 6 ordered pairs (4 reachable, 2 not)",
      );
    }
    const rules = JSON.parse(fs.readFileSync(path.join(out, "pmtud-rules.tf.json"), "utf8"));
    expect(Object.values(rules.resource.aws_vpc_security_group_ingress_rule)).toContainEqual(
      expect.objectContaining({ ip_protocol: "icmp", from_port: 3, to_port: 4, cidr_ipv4: "10.20.0.0/24" }),
    );
  });

  it.each([
    [["--out", "OUT"], "required option '--to <TARGET>' not specified"],
    [["--to", "cloud-wan", "--out", "OUT"], '--to "cloud-wan" is not a target: use --to transit-gateway'],
    [["--to", "transit-gateway", "--out", "OUT", "--batches", "0"], '"0" is not a number of stages'],
    [["--to", "transit-gateway", "--out", "FULL"], "is not empty: name a new or empty directory"],
    [["--to", "transit-gateway", "--out", "OUT", "--segments", "MISSING"], "cannot be read (ENOENT)"],
    [["--to", "transit-gateway", "--out", "OUT", "--segments", "BAD"], "is not JSON"],
  ])("refuses %j with one line, exit 2, and writes nothing", (args, message) => {
    const full = path.join(work, "full");
    fs.mkdirSync(full);
    fs.writeFileSync(path.join(full, "old.json"), "{}");
    fs.writeFileSync(path.join(work, "bad.json"), "{");
    const named: Record<string, string> = {
      OUT: path.join(work, "out"),
      FULL: full,
      MISSING: path.join(work, "missing.json"),
      BAD: path.join(work, "bad.json"),
    };
    const run = migrate(args.map((a) => named[a] ?? a));
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(message);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(fs.existsSync(path.join(work, "out"))).toBe(false);
    expect(fs.readdirSync(full)).toEqual(["old.json"]);
  });

  it("refuses a config with a transit gateway already, exit 2", () => {
    const run = migrate(["--to", "transit-gateway", "--out", path.join(work, "out")], "examples/transit-gateway.json");
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^migrate: the config already has transitGateways/);
    expect(fs.existsSync(path.join(work, "out"))).toBe(false);
  });
});
