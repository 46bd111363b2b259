import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_ROOT } from "../lib/core/paths";
import { analyze, buildModel, formatText } from "../lib/reach";
import { diffReach } from "../lib/reach/diff";
import { writeFileAtomic } from "../lib/core/files";

/**
 * npm run bench:reach: how long reach takes on large inputs: many VPCs, many instances whose
 * addresses AWS assigns (every pair is analyzed over whole subnets), and one very long value. Prints
 * the median of in-process runs and one run of the CLI as a user starts it (ts-node included), as
 * wall time and as CPU time (user + system), which a busy machine inflates less.
 */
const RUNS = 5;
const root = PROJECT_ROOT;

type Json = Record<string, unknown>;

/** The resource types the generated networks use, each with no resource yet. */
function emptyResources(): Record<string, Record<string, Json>> {
  const types = [
    "aws_vpc",
    "aws_subnet",
    "aws_route_table",
    "aws_route_table_association",
    "aws_security_group",
    "aws_vpc_peering_connection",
    "aws_instance",
  ];
  return Object.fromEntries(types.map((type) => [type, {}]));
}

/** The /24 of the i-th generated VPC. */
function block(i: number): string {
  return `10.${Math.floor(i / 256) % 256}.${i % 256}.0/24`;
}

/** `vpcs` VPCs in a chain of peerings, `instances` instances spread over the first three, no fixed addresses. */
function network(vpcs: number, instances: number, longValue = 0): Json {
  const resource = emptyResources();
  for (let i = 0; i < vpcs; i++) {
    resource.aws_vpc[`v${i}`] = { cidr_block: block(i) };
    resource.aws_subnet[`s${i}`] = { vpc_id: `\${aws_vpc.v${i}.id}`, cidr_block: block(i) };
    const routes = [i - 1, i + 1]
      .filter((j) => j >= 0 && j < vpcs)
      .map((j) => ({
        cidr_block: block(j),
        vpc_peering_connection_id: `\${aws_vpc_peering_connection.p${Math.min(i, j)}.id}`,
      }));
    resource.aws_route_table[`r${i}`] = { vpc_id: `\${aws_vpc.v${i}.id}`, route: routes };
    resource.aws_route_table_association[`a${i}`] = {
      subnet_id: `\${aws_subnet.s${i}.id}`,
      route_table_id: `\${aws_route_table.r${i}.id}`,
    };
    if (i + 1 < vpcs) {
      resource.aws_vpc_peering_connection[`p${i}`] = {
        vpc_id: `\${aws_vpc.v${i}.id}`,
        peer_vpc_id: `\${aws_vpc.v${i + 1}.id}`,
        auto_accept: true,
      };
    }
  }
  for (let i = 0; i < Math.min(vpcs, 3); i++) {
    resource.aws_security_group[`g${i}`] = {
      vpc_id: `\${aws_vpc.v${i}.id}`,
      ingress: [{ protocol: "icmp", from_port: -1, to_port: -1, cidr_blocks: ["10.0.0.0/8"] }],
      egress: [{ protocol: "-1", from_port: 0, to_port: 0, cidr_blocks: ["0.0.0.0/0"] }],
    };
  }
  for (let i = 0; i < instances; i++) {
    const v = i % Math.min(vpcs, 3);
    resource.aws_instance[`i${i}`] = {
      subnet_id: `\${aws_subnet.s${v}.id}`,
      vpc_security_group_ids: [`\${aws_security_group.g${v}.id}`],
      user_data: i === 0 && longValue > 0 ? "0123456789abcdef".repeat(longValue / 16) : undefined,
    };
  }
  return { provider: { aws: [{ region: "eu-west-1" }] }, resource };
}

/**
 * `vpcs` VPCs in a full mesh of peerings, one instance each; `cut` removes the peering of the first two
 * and their routes to each other, so that reach --diff has one lost pair each way to find and explain.
 */
function mesh(vpcs: number, cut: boolean): Json {
  const peered = (i: number, j: number) => i !== j && !(cut && Math.min(i, j) === 0 && Math.max(i, j) === 1);
  const resource = emptyResources();
  for (let i = 0; i < vpcs; i++) {
    resource.aws_vpc[`v${i}`] = { cidr_block: block(i) };
    resource.aws_subnet[`s${i}`] = { vpc_id: `\${aws_vpc.v${i}.id}`, cidr_block: block(i) };
    const routes = [];
    for (let j = 0; j < vpcs; j++) {
      if (!peered(i, j)) continue;
      const [a, b] = [Math.min(i, j), Math.max(i, j)];
      routes.push({ cidr_block: block(j), vpc_peering_connection_id: `\${aws_vpc_peering_connection.p${a}_${b}.id}` });
      if (i < j)
        resource.aws_vpc_peering_connection[`p${a}_${b}`] = {
          vpc_id: `\${aws_vpc.v${a}.id}`,
          peer_vpc_id: `\${aws_vpc.v${b}.id}`,
          auto_accept: true,
        };
    }
    resource.aws_route_table[`r${i}`] = { vpc_id: `\${aws_vpc.v${i}.id}`, route: routes };
    resource.aws_route_table_association[`a${i}`] = {
      subnet_id: `\${aws_subnet.s${i}.id}`,
      route_table_id: `\${aws_route_table.r${i}.id}`,
    };
    resource.aws_security_group[`g${i}`] = {
      vpc_id: `\${aws_vpc.v${i}.id}`,
      ingress: [{ protocol: "icmp", from_port: -1, to_port: -1, cidr_blocks: ["10.0.0.0/8"] }],
      egress: [{ protocol: "-1", from_port: 0, to_port: 0, cidr_blocks: ["0.0.0.0/0"] }],
    };
    resource.aws_instance[`i${i}`] = {
      subnet_id: `\${aws_subnet.s${i}.id}`,
      vpc_security_group_ids: [`\${aws_security_group.g${i}.id}`],
    };
  }
  return { provider: { aws: [{ region: "eu-west-1" }] }, resource };
}

function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

interface Time {
  readonly wallMs: number;
  readonly cpuMs: number;
}

function timed(run: () => void): Time {
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  run();
  const used = process.cpuUsage(cpu);
  return { wallMs: Number(process.hrtime.bigint() - started) / 1e6, cpuMs: (used.user + used.system) / 1000 };
}

function show(times: readonly Time[]): string {
  const wall = median(times.map((t) => t.wallMs)).toFixed(0);
  const cpu = median(times.map((t) => t.cpuMs)).toFixed(0);
  return `${wall} / ${cpu}`.padStart(13);
}

const cases: [string, Json][] = [
  ["20,000 VPCs, 2 instances", network(20_000, 2)],
  ["3 VPCs, 150 instances, addresses assigned by AWS", network(3, 150)],
  ["2 VPCs, 2 instances, 100 KB of hex digits in one value", network(2, 2, 100_000)],
];

console.log(`reach, median of ${RUNS} in-process runs (node ${process.version}, ${os.cpus().length} cores)`);
console.log(
  `${"input (wall ms / CPU ms)".padEnd(56)} ${"load".padStart(13)}  ${"analyze".padStart(13)}  ${"text".padStart(
    13,
  )}  pairs`,
);
for (const [name, json] of cases) {
  const load: Time[] = [];
  const analysis: Time[] = [];
  const text: Time[] = [];
  let pairs = 0;
  for (let run = 0; run < RUNS; run++) {
    let model = buildModel([]);
    load.push(timed(() => (model = buildModel([{ stack: "bench", file: "bench.tf.json", json }]))));
    let result = analyze(model);
    analysis.push(timed(() => (result = analyze(model))));
    text.push(timed(() => formatText(result)));
    pairs = result.pairs.length;
  }
  console.log(`${name.padEnd(56)} ${show(load)}  ${show(analysis)}  ${show(text)} ${String(pairs).padStart(6)}`);
}

{
  const document = (json: Json) => [{ stack: "bench", file: "bench.tf.json", json }];
  const [baseJson, headJson] = [mesh(125, false), mesh(125, true)];
  const times: Time[] = [];
  let lost = 0;
  for (let run = 0; run < RUNS; run++) {
    times.push(
      timed(() => {
        const [base, head] = [buildModel(document(baseJson)), buildModel(document(headJson))];
        const d = diffReach({ model: base, result: analyze(base) }, { model: head, result: analyze(head) });
        lost = d.lost.length;
      }),
    );
  }
  console.log(
    `\nreach --diff of a 125-VPC full mesh against itself less one peering (load, analyze both, diff; wall ms / CPU ms):${show(times)}, ${lost} pairs lost`,
  );
}

const gnuTime = ["/usr/bin/time", "/bin/time"].find((t) => fs.existsSync(t));
const work = fs.mkdtempSync(path.join(os.tmpdir(), "peering-bench-reach-"));
try {
  console.log("\nthe CLI, one run each (npm run reach without npm: node and ts-node startup included)");
  for (const [name, json] of cases) {
    const file = path.join(work, "bench.tf.json");
    writeFileAtomic(file, JSON.stringify(json));
    const node = [process.execPath, "--require", "ts-node/register/transpile-only", "scripts/reach.ts", file];
    const [command, ...args] = gnuTime ? [gnuTime, "-f", "%U %S", ...node] : node;
    const started = process.hrtime.bigint();
    const run = spawnSync(command, args, { cwd: root, encoding: "utf8", maxBuffer: 1 << 28 });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const [user, system] = gnuTime ? (run.stderr.trim().split("\n").pop()?.split(" ").map(Number) ?? []) : [];
    const cpu = user !== undefined && system !== undefined ? `, CPU ${(user + system).toFixed(2)} s` : "";
    console.log(`${name.padEnd(56)} wall ${seconds.toFixed(2)} s${cpu}, exit ${run.status}`);
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
