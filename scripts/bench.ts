import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Command } from "commander";

/**
 * npm run bench: times the app's synth (the app process alone, as cdktf runs it) for growing
 * configs and prints the median wall time and peak RSS, to compare with the seed's figures
 * (AWS CDK 1.74 app-only: 1.47 s / 273 MiB at 2 VPCs, 2.62 s / 330 MiB at 50 VPCs).
 */
const program = new Command("bench")
  .option("--runs <n>", "runs per size", "5")
  .option("--sizes <list>", "VPC counts, comma-separated", "2,10,50")
  .parse(process.argv.slice(2), { from: "user" });
const { runs, sizes } = program.opts<{ runs: string; sizes: string }>();

const root = path.resolve(__dirname, "..");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "peering-bench-"));
const gnuTime = ["/usr/bin/time", "/bin/time"].find((t) => fs.existsSync(t));

interface Sample {
  readonly seconds: number;
  readonly rssMiB: number | undefined;
}

function synthOnce(config: string): Sample {
  const outdir = path.join(work, "out");
  fs.rmSync(outdir, { recursive: true, force: true });
  const node = [process.execPath, "--require", "ts-node/register/transpile-only", "main.ts"];
  const [command, ...args] = gnuTime ? [gnuTime, "-f", "%M", ...node] : node;
  const started = process.hrtime.bigint();
  const run = spawnSync(command, args, { cwd: root, encoding: "utf8", env: { ...process.env, PEERING_CONFIG: config, CDKTF_OUTDIR: outdir } });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(`synth failed for ${config}:\n${run.stderr}`);
  const kb = gnuTime ? Number(run.stderr.trim().split("\n").pop()) : NaN;
  return { seconds, rssMiB: Number.isFinite(kb) ? kb / 1024 : undefined };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  console.log(`synth of the app process, median of ${runs} runs after one warm-up (node ${process.version}, ${os.cpus().length} cores)`);
  console.log("vpcs  peerings  stacks  wall s  peak RSS MiB");
  for (const n of sizes.split(",").map(Number)) {
    for (const peerings of n <= 50 ? ["none", "full-mesh"] : ["none"]) {
      const config = path.join(work, `${n}-${peerings}.json`);
      const vpcs = Array.from({ length: n }, (_, i) => ({ name: `v${i}`, cidr: `10.${Math.floor(i / 256)}.${i % 256}.0/24` }));
      fs.writeFileSync(config, JSON.stringify({ vpcs, peerings: peerings === "none" ? [] : "full-mesh" }));
      synthOnce(config);
      const samples = Array.from({ length: Number(runs) }, () => synthOnce(config));
      const rss = samples.map((s) => s.rssMiB).filter((r): r is number => r !== undefined);
      const pairs = peerings === "none" ? 0 : (n * (n - 1)) / 2;
      console.log(
        `${String(n).padStart(4)}  ${String(pairs).padStart(8)}  ${"3".padStart(6)}  ${median(samples.map((s) => s.seconds)).toFixed(2).padStart(6)}  ${
          rss.length ? median(rss).toFixed(0).padStart(12) : "n/a (no GNU time)"
        }`,
      );
    }
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
