import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEFAULT_CONFIG } from "../lib/config";
import { defaultWith, manyVpcs } from "../test-support/configs";

const root = path.resolve(__dirname, "..");
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "peering-synth-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The command cdktf runs for the app (cdktf.json's "app"): node and its arguments. */
const APP_COMMAND = (JSON.parse(fs.readFileSync(path.join(root, "cdktf.json"), "utf8")) as { app: string }).app.split(" ");

/** Runs the app as cdktf does (its command, CDKTF_OUTDIR set), with PEERING_CONFIG naming a file holding `text`. */
function synth(text: string | undefined): { status: number | null; stderr: string; outdir: string } {
  const outdir = path.join(dir, "cdktf.out");
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" };
  delete env.PEERING_CONFIG;
  if (text !== undefined) {
    env.PEERING_CONFIG = path.join(dir, "config.json");
    fs.writeFileSync(env.PEERING_CONFIG, text);
  }
  const [node, ...args] = APP_COMMAND;
  expect(node).toBe("node");
  const run = spawnSync(process.execPath, args, { cwd: root, env, encoding: "utf8" });
  return { status: run.status, stderr: run.stderr, outdir };
}

describe("the app as cdktf runs it", () => {
  it("synthesizes the three stacks of the built-in default", () => {
    const run = synth(undefined);
    expect(run.status).toBe(0);
    expect(fs.readdirSync(path.join(run.outdir, "stacks")).sort()).toEqual(["instances", "network", "peering"]);
  });

  const vpcB = { name: "b", cidr: "10.0.1.0/24" };
  it.each([
    ["malformed JSON", '{"vpcs": [', "the file is not valid JSON"],
    ["an unknown key", JSON.stringify({ ...DEFAULT_CONFIG, vpcCount: 2 }), 'unknown key "vpcCount"'],
    ["a missing CIDR", JSON.stringify(defaultWith({ vpcs: [{ name: "a" }, vpcB] })), "vpcs[0].cidr is missing"],
    ["a malformed CIDR", JSON.stringify(defaultWith({ vpcs: [{ name: "a", cidr: "ten" }, vpcB] })), 'vpcs[0].cidr "ten" is not an IPv4 CIDR block'],
    ["a non-network CIDR", JSON.stringify(defaultWith({ vpcs: [{ name: "a", cidr: "10.0.0.1/24" }, vpcB] })), 'use "10.0.0.0/24"'],
    ["a prefix outside /16-/28", JSON.stringify(defaultWith({ vpcs: [{ name: "a", cidr: "10.0.0.0/8" }, vpcB] })), "has prefix /8"],
    ["duplicate VPC names", JSON.stringify(defaultWith({ vpcs: [vpcB, vpcB], peerings: [] })), 'vpcs[1].name "b" is already used'],
    ["a peering with an unknown VPC", JSON.stringify(defaultWith({ peerings: [["a", "x"]] })), 'names VPC "x"'],
    ["a VPC peered with itself", JSON.stringify(defaultWith({ peerings: [["b", "b"]] })), 'peers "b" with itself'],
    ["the same pair twice", JSON.stringify(defaultWith({ peerings: [["a", "b"], ["a", "b"]] })), "repeats peerings[0]"],
    ["overlapping peered CIDRs", JSON.stringify(defaultWith({ vpcs: [{ name: "a", cidr: "10.0.1.0/25" }, vpcB] })), "peered VPCs need disjoint ranges"],
    ["subnets that do not fit", JSON.stringify(defaultWith({ maxAzs: 2, vpcs: [{ name: "a", cidr: "10.0.0.0/28" }, vpcB] })), "is too small for a public and a private subnet"],
    ["an AZ count outside 1-6", JSON.stringify(defaultWith({ maxAzs: 9 })), "maxAzs is 9"],
    ["a bad natGateways value", JSON.stringify(defaultWith({ natGateways: "some" })), 'natGateways is "some"'],
    ["more peerings than the quota", JSON.stringify({ vpcs: manyVpcs(52), peerings: "full-mesh" }), "request a quota increase from AWS (up to 125)"],
  ])("rejects %s with one message, a non-zero exit and no output", (_, text, message) => {
    const run = synth(text);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("Invalid peering config");
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(run.outdir)).toBe(false);
  });
});
