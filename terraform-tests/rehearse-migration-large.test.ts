/**
 * `npm run test:terraform`, the slow tier: a 50-VPC full mesh (1,225 peerings, 2,450 ordered pairs) moved to a
 * transit gateway by npm run migrate's stages and rehearsed with packets. About 2.5 minutes on the project's
 * busy 2-core machine, too long for npm test, which rehearses examples/full-mesh.json's stages instead
 * (__tests__/rehearse/migration.test.ts). Needs root, ip, nsenter, ping and nft, as npm run rehearse does.
 */
import * as fs from "fs";
import * as path from "path";
import { compareWithIntent, instanceAddresses } from "../lib/check";
import { EXIT } from "../lib/core/exit-codes";
import { namespacesOwnedBy } from "../lib/rehearse/host";
import type { MigrationRehearsal } from "../lib/rehearse/migration";
import { analyze, buildModel, readDocuments } from "../lib/reach";
import { manyVpcs } from "../test-support/configs";
import { synthToTemp } from "../test-support/synth";
import { MESH_STAGES, migrateToTemp, rehearseCommand, windowLabels } from "../test-support/migration";

describe("rehearse --migration of a 50-VPC full mesh", () => {
  it(
    "applies every stage to the running network without losing an echo on any of the 2,450 pairs, and the last passes check",
    async () => {
      const dir = migrateToTemp({
        vpcs: manyVpcs(50),
        peerings: "full-mesh",
        peeringQuota: 125,
        rulesPerSecurityGroup: 1000,
        routesPerRouteTable: 1000,
      });
      try {
        // One echo a second per pair: 2,450 pings at 0.2 s would crowd a small machine's softirq budget.
        const { code, out, err } = await rehearseCommand([
          "--migration",
          dir,
          "--json",
          "--interval",
          "1",
          "--settle",
          "2",
        ]);
        expect({ code, err }).toEqual({ code: EXIT.ok, err: "" });
        const r = JSON.parse(out) as MigrationRehearsal;
        expect(r.windows.map((w) => w.label)).toEqual(windowLabels(MESH_STAGES));
        expect(r.lost).toBe(0);
        expect(r.firstPairs).toHaveLength(2450);
        expect(r.lastPairs).toEqual(r.firstPairs);
        expect(namespacesOwnedBy(process.pid)).toEqual([]);
        // The last stage passes check offline as a transit gateway network: every pair over the gateway.
        const index = JSON.parse(fs.readFileSync(path.join(dir, "migration.json"), "utf8")) as {
          stages: { config: string }[];
        };
        const last = synthToTemp(JSON.parse(fs.readFileSync(path.join(dir, index.stages.at(-1)!.config), "utf8")));
        try {
          const model = buildModel(readDocuments([last.outdir]));
          const result = analyze(model);
          const report = compareWithIntent(last.config, instanceAddresses(last.outdir), result);
          expect({ mismatches: report.mismatches, errors: report.errors }).toEqual({ mismatches: [], errors: [] });
          expect(model.peerings.size).toBe(0);
          const ipv4 = result.pairs.filter((p) => p.protocol === "ipv4");
          expect(ipv4).toHaveLength(2450);
          expect(ipv4.filter((p) => !p.path.some((hop) => hop.includes("aws_ec2_transit_gateway")))).toEqual([]);
        } finally {
          last.remove();
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    15 * 60 * 1000,
  );
});
