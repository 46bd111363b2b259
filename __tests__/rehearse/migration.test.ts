import * as fs from "fs";
import * as path from "path";
import { EXIT } from "../../lib/core/exit-codes";
import { namespacesOwnedBy } from "../../lib/rehearse/host";
import type { MigrationRehearsal } from "../../lib/rehearse/migration";
import { example } from "../../test-support/configs";
import { MESH_STAGES, migrateToTemp, rehearseCommand, windowLabels } from "../../test-support/migration";

jest.setTimeout(240_000);

const FAST = ["--settle", "0.6"];
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** The migrate output of examples/full-mesh.json, once. */
let fullMesh: string;
beforeAll(() => {
  fullMesh = migrateToTemp(example("full-mesh.json"));
  dirs.push(fullMesh);
});

const json = (out: string): MigrationRehearsal => JSON.parse(out) as MigrationRehearsal;
const pairName = (p: { from: string; to: string }): string => `${p.from} → ${p.to}`;

describe("rehearse --migration on the stages npm run migrate writes for examples/full-mesh.json", () => {
  it("loses no echo on any pair in any transition, and ends answering exactly the first stage's pairs", async () => {
    const { code, out, err } = await rehearseCommand(["--migration", fullMesh, "--json", ...FAST]);
    expect(err).toBe("");
    expect(code).toBe(EXIT.ok);
    const r = json(out);
    expect(r.windows.map((w) => w.label)).toEqual(windowLabels(MESH_STAGES));
    expect(r.lost).toBe(0);
    for (const w of r.windows) {
      expect(w.pairs).toHaveLength(12);
      for (const p of w.pairs) expect({ pair: pairName(p), window: w.label, lost: p.lost }).toMatchObject({ lost: 0 });
      expect(w.pairs.every((p) => p.sent > 0 && p.verdict === "kept")).toBe(true);
    }
    expect(r.firstPairs).toHaveLength(12);
    expect(r.lastPairs).toEqual(r.firstPairs);
    expect(r.samePairs).toBe(true);
    expect(namespacesOwnedBy(process.pid)).toEqual([]);
  });
});

describe("rehearse --migration with every stage's destroys applied before its creates", () => {
  it("loses no echo: no stage relies on Terraform creating before it destroys", async () => {
    const { code, out, err } = await rehearseCommand(["--migration", fullMesh, "--json", "--destroy-first", ...FAST]);
    expect(err).toBe("");
    expect(code).toBe(EXIT.ok);
    expect(json(out).lost).toBe(0);
    expect(namespacesOwnedBy(process.pid)).toEqual([]);
  });
});

describe("rehearse --migration on a deliberately unsafe order", () => {
  it("sees loss on exactly the pairs of a peering removed before any route to the transit gateway, and on no other", async () => {
    const dir = fs.mkdtempSync(path.join(path.dirname(fullMesh), "unsafe-"));
    dirs.push(dir);
    const index = JSON.parse(fs.readFileSync(path.join(fullMesh, "migration.json"), "utf8"));
    const source = example("full-mesh.json");
    const { $schema: _schema, ...peering } = source;
    const early = {
      ...peering,
      peerings: [
        ["a", "c"],
        ["a", "d"],
        ["b", "c"],
        ["b", "d"],
        ["c", "d"],
      ],
    };
    fs.writeFileSync(path.join(dir, "00-peering.json"), JSON.stringify(peering));
    fs.writeFileSync(path.join(dir, "00-too-early.json"), JSON.stringify(early));
    for (const s of index.stages) fs.copyFileSync(path.join(fullMesh, s.config), path.join(dir, s.config));
    const stages = [
      { id: "00-peering", config: "00-peering.json", narrows: [] },
      { id: "00-too-early", config: "00-too-early.json", narrows: [] },
      ...index.stages,
    ];
    fs.writeFileSync(path.join(dir, "migration.json"), JSON.stringify({ ...index, stages }));

    const { code, out, err } = await rehearseCommand(["--migration", dir, "--json", ...FAST]);
    expect({ code, err }).toEqual({ code: EXIT.dropped, err: "" });
    const r = json(out);
    const losing = new Set(r.windows.flatMap((w) => w.pairs.filter((p) => p.lost > 0).map(pairName)));
    const a = /instance-a_/;
    const b = /instance-b_/;
    const cut = r.windows[0].pairs
      .filter((p) => (a.test(p.from) && b.test(p.to)) || (b.test(p.from) && a.test(p.to)))
      .map(pairName);
    expect(cut).toHaveLength(2);
    expect([...losing].sort()).toEqual(cut.sort());
    const removal = r.windows.find((w) => w.label === "00-peering → 00-too-early");
    expect(
      removal?.pairs
        .filter((p) => p.verdict === "lost")
        .map(pairName)
        .sort(),
    ).toEqual(cut.sort());
    expect(r.windows.at(-1)?.lost).toBe(0);
    expect(r.samePairs).toBe(true);
    expect(namespacesOwnedBy(process.pid)).toEqual([]);
  });
});

describe("rehearse --migration refuses what it cannot use, in one line, and builds nothing", () => {
  const broken = (edit: (dir: string) => void): (() => string) => {
    return () => {
      const dir = fs.mkdtempSync(path.join(path.dirname(fullMesh), "broken-"));
      dirs.push(dir);
      for (const name of fs.readdirSync(fullMesh)) fs.copyFileSync(path.join(fullMesh, name), path.join(dir, name));
      edit(dir);
      return dir;
    };
  };
  it.each([
    {
      input: "a directory that does not exist",
      dir: () => path.join(path.dirname(fullMesh), "no-such-migration"),
      says: /--migration .*no-such-migration"?: no such directory; give the directory npm run migrate -- --to transit-gateway --out DIR wrote/,
    },
    {
      input: "a directory npm run migrate did not write",
      dir: broken((dir) => fs.rmSync(path.join(dir, "migration.json"))),
      says: /has no migration\.json, so npm run migrate did not write it; give the directory/,
    },
    {
      input: "a stage whose config fails validation",
      dir: broken((dir) => {
        const file = path.join(dir, "02-remove-peerings-1.json");
        const config = JSON.parse(fs.readFileSync(file, "utf8"));
        config.vpcs[1].cidr = "10.0.1.0/33";
        fs.writeFileSync(file, JSON.stringify(config));
      }),
      says: /stage 02-remove-peerings-1 \(.*02-remove-peerings-1\.json\) is not a valid config: .*vpcs\[1\]\.cidr.*10\.0\.1\.0\/33/,
    },
    {
      input: "a stage list that names no config",
      dir: broken((dir) => {
        const file = path.join(dir, "migration.json");
        const index = JSON.parse(fs.readFileSync(file, "utf8"));
        delete index.stages[1].config;
        fs.writeFileSync(file, JSON.stringify(index));
      }),
      says: /migration\.json: stages\[1\] has no "config", as npm run migrate writes it/,
    },
  ])("$input: exit 2", async ({ dir, says }) => {
    const { code, out, err } = await rehearseCommand(["--migration", dir()]);
    expect({ code, out }).toEqual({ code: EXIT.unusable, out: "" });
    expect(err).toMatch(says);
    expect(err.trim().split("\n")).toHaveLength(1);
    expect(namespacesOwnedBy(process.pid)).toEqual([]);
  });
});
