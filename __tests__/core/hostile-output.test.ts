/**
 * Every tool, fed names and tags written to attack the terminal, prints nothing raw that a terminal
 * would act on: what it shows of the input is `printable`.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { formatReport } from "../../lib/check/intent";
import { estimate, formatEstimate } from "../../lib/cost";
import { preview } from "../../lib/core/json-input";
import { main as pingMain } from "../../lib/ping/cli";
import type { DeployedInstance } from "../../lib/ping/outputs";
import { streamProgress } from "../../lib/ping/progress";
import { renderMatrix, renderPlaces, renderSummary } from "../../lib/ping/render";
import type { PairResult } from "../../lib/ping/results";
import { analyze, buildModel, formatText } from "../../lib/reach";
import { reachCommand } from "../../lib/reach/cli";
import { refusal } from "../../lib/rehearse/rehearse";
import { formatRehearsal } from "../../lib/rehearse/render";
import { HOSTILE, RAW_UNSAFE, hostileDocuments, hostileStack } from "./hostile";

const NAMES = Object.entries(HOSTILE);

/** What a command printed, both streams. */
function captured(): {
  out: string[];
  err: string[];
  io: { stdout: (t: string) => void; stderr: (t: string) => void };
} {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) } };
}

describe("hostile names and tags in the tools' output", () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "peering-hostile-"));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it.each(NAMES)("reach prints the table, --json and its errors with a %s stack name escaped", async (key, name) => {
    const files = [`${key}-1`, `${key}-2`].map((_, i) => {
      const file = path.join(tmp, `${key}-${i}.tf.json`);
      fs.writeFileSync(file, JSON.stringify(hostileStack(`${name}${i}`, name)));
      return file;
    });
    for (const args of [files, [...files, "--json"], [path.join(tmp, `missing-${name}`)]]) {
      const { out, err, io } = captured();
      const code = await reachCommand(args, io);
      expect([0, 2]).toContain(code);
      expect(out.join("") + err.join("")).not.toMatch(RAW_UNSAFE);
      if (RAW_UNSAFE.test(name)) expect(out.join("") + err.join("")).not.toContain(name);
    }
  });

  it.each(NAMES)(
    "reach's table escapes a %s address (as reach --live names an instance by its Name tag)",
    (_, name) => {
      const documents = hostileDocuments(`${name}1`, `${name}2`, name);
      const result = analyze(buildModel(documents));
      const live = {
        ...result,
        pairs: result.pairs.map((p) => ({ ...p, from: `${name}/i-0123`, reason: `via ${name}` })),
      };
      expect(formatText(live)).not.toMatch(RAW_UNSAFE);
    },
  );

  it.each(NAMES)("cost's estimate escapes a %s stack name", (_, name) => {
    const documents = hostileDocuments(`${name}1`, `${name}2`, name);
    const text = formatEstimate(
      estimate(documents, buildModel(documents), {
        gb: 1,
        prices: () => require("../../lib/cost").priceTable("eu-west-1"),
      }),
      name,
    );
    expect(text).not.toMatch(RAW_UNSAFE);
    expect(text).toContain("Monthly total");
  });

  it.each(NAMES)("check's report escapes a %s name in a mismatch and a finding", (_, name) => {
    const text = formatReport({
      pairs: 2,
      ipv6Pairs: 0,
      probes: 0,
      reachable: 0,
      mismatches: [{ from: name, to: "b", intended: true, found: false, reason: name }],
      errors: [{ resource: name, message: name }],
    });
    expect(text).not.toMatch(RAW_UNSAFE);
    expect(text.split("\n")).toHaveLength(4);
  });

  it.each(NAMES)(
    "ping's matrix, summary, places and progress escape a %s VPC name from the outputs file",
    (_, name) => {
      const instances: DeployedInstance[] = [
        { name, id: "i-1", privateIp: "10.0.0.1", address: "aws_instance.a", region: name },
        { name: "b", id: "i-2", privateIp: "10.0.0.2", address: "aws_instance.b" },
      ];
      const pair: PairResult = {
        from: name,
        to: "b",
        fromInstanceId: "i-1",
        toIp: "10.0.0.2",
        status: "no-answer",
        detail: name,
        transmitted: null,
        received: null,
        lossPercent: null,
        rttAvgMs: null,
        expected: true,
        matches: false,
      };
      const written: string[] = [];
      const progress = streamProgress({ isTTY: true, write: (t) => written.push(t) }, () => 0);
      progress.update(name);
      progress.log(name);
      const text = [
        renderMatrix(instances, [pair]),
        renderSummary({ pairs: [pair], mismatches: [pair], unanswered: [pair] }, true),
        renderPlaces(instances, "eu-west-1"),
        written.join("").replace(/\r\u001b\[K/g, ""),
      ].join("\n");
      expect(text).not.toMatch(RAW_UNSAFE);
    },
  );

  it("ping's error about a lone instance escapes its VPC name", async () => {
    const err: string[] = [];
    const code = await pingMain(["--no-expect"], {
      stdout: () => undefined,
      stderr: { write: (t: string) => err.push(t) },
      readInstances: () => [{ name: HOSTILE.escape, id: "i-1", privateIp: "10.0.0.1", address: "aws_instance.a" }],
    } as unknown as Parameters<typeof pingMain>[1]);
    expect(code).toBe(0);
    expect(err.join("")).toContain("only one instance");
    expect(err.join("")).not.toMatch(RAW_UNSAFE);
  });

  it.each(NAMES)("rehearse's refusal escapes a %s stack name in reach's findings", (_, name) => {
    const tf = hostileStack(name, name);
    tf.resource.aws_vpc.b.cidr_block = "10.1.0.0/16";
    const refused = refusal(
      buildModel([
        { stack: name, file: "x.tf.json", json: tf },
        { stack: "other", file: "y.tf.json", json: hostileStack("other", "o") },
      ]),
    );
    expect(refused?.errors.length).toBeGreaterThan(0);
    expect(formatRehearsal(refused!)).not.toMatch(RAW_UNSAFE);
  });

  it.each(NAMES)("the config's messages preview a %s value escaped", (_, name) => {
    expect(preview(name)).not.toMatch(RAW_UNSAFE);
    expect(preview({ [name]: [name] })).not.toMatch(RAW_UNSAFE);
  });
});
