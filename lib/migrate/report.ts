/**
 * A migration's files: each stage's config and summary, the whole plan in Markdown and JSON, the
 * warnings where AWS behaves differently across a transit gateway than across a peering (MTU,
 * security-group references), and the security-group rules path MTU discovery needs. Pure: stages
 * and proofs in, file names and contents out.
 */
import * as path from "path";
import { ipv4Blocks } from "../config/shape-checks";
import { transitReachable } from "../config/transit";
import { type PeeringConfig } from "../config";
import { cidrId } from "../plan/vpc-cidr";
import type { Model } from "../reach";
import type { PairChange } from "../reach/diff";
import type { MigrationProof, Price, StageProof } from "./prove";
import { instanceVpcs } from "./prove";
import type { Stage } from "./stages";

/** The file that holds the path MTU discovery rules, for the instances stack's directory. */
export const PMTUD_FILE = "pmtud-rules.tf.json";

/** Most resource addresses a stage summary lists of each kind (all are in migration.json). */
const LISTED = 40;

/** The files of a migration, by name relative to --out. */
export function migrationFiles(
  stages: readonly Stage[],
  proof: MigrationProof,
  where: { readonly source: string; readonly out: string; readonly narrowed: boolean },
): Map<string, string> {
  const { source, out, narrowed } = where;
  const files = new Map<string, string>();
  const last = stages.at(-1)!;
  const warnings = [
    ...migrationWarnings(proof.first, stages[0].config),
    ...proof.stages.flatMap((p, i) =>
      stageCautions(p, i === 0 ? "the peering config" : path.join(out, `${stages[i - 1].id}.json`)),
    ),
  ];
  const rules = pmtudRules(last.config, proof.last);
  stages.forEach((stage, i) => {
    files.set(`${stage.id}.json`, `${JSON.stringify(stage.raw, null, 2)}\n`);
    const previous = i === 0 ? source : stages[i - 1].id;
    const cautions = stageCautions(proof.stages[i], i === 0 ? source : path.join(out, `${previous}.json`));
    files.set(
      `${stage.id}.md`,
      stageMarkdown(stage, proof.stages[i], previous, out) + cautions.map((c) => `\nCaution: ${c}\n`).join(""),
    );
  });
  if (rules) files.set(PMTUD_FILE, `${JSON.stringify(rules, null, 2)}\n`);
  files.set("README.md", overview(stages, proof, { source, out, narrowed }, warnings));
  files.set(
    "migration.json",
    `${JSON.stringify(
      {
        source,
        stages: stages.map((s, i) => ({
          id: s.id,
          title: s.title,
          config: `${s.id}.json`,
          removes: s.removes,
          narrows: s.narrows,
          added: proof.stages[i].added,
          removed: proof.stages[i].removed,
          cost: proof.stages[i].cost,
          lost: proof.stages[i].diff.lost.map(pairText),
          gained: proof.stages[i].diff.gained.map(pairText),
          unexpected: proof.stages[i].unexpected.map(pairText),
        })),
        reachableBefore: proof.before,
        sameReach: proof.sameReach,
        differences: proof.differences,
        warnings,
      },
      null,
      2,
    )}\n`,
  );
  return files;
}

/** Whether every stage loses only what it was meant to cut, and the end reaches what was intended. */
export function provesSafe(proof: MigrationProof): boolean {
  return proof.sameReach && proof.stages.every((s) => s.unexpected.length === 0 && s.diff.gained.length === 0);
}

/**
 * What a stage's apply needs beyond `npm run deploy`: stacks that leave the synth (deploy would leave
 * them standing) and instance rules replaced by others of the same meaning (Terraform may remove the
 * old before it makes the new).
 */
export function stageCautions(stage: StageProof, previous: string): string[] {
  const out: string[] = [];
  if (stage.stacksLeft.length > 0) {
    const names = stage.stacksLeft.map((s) => s.stack);
    const total = stage.stacksLeft.reduce((n, s) => n + s.resources, 0);
    out.push(
      `${stage.id}: the stacks ${names.join(", ")} (${total} resources) are not in this stage's synth, and npm run deploy does not destroy a stack it no longer synthesizes: first run PEERING_CONFIG=${previous} npm run cdktf -- destroy ${names.join(" ")} (their pairs already have the summary routes), then deploy this stage`,
    );
  }
  const rules = stage.removed.filter((a) => a.startsWith("instances/"));
  if (rules.length > 0 && stage.diff.lost.length === 0)
    out.push(
      `${stage.id}: replaces ${rules.length} resources of the instances stack with others of the same meaning (the ping rules change form once the peerings leave their shard stacks); Terraform may destroy the old before it creates the new, so pings may pause during that apply`,
    );
  return out;
}

/** The lines the command prints: a line per stage, the verdict and the warnings. */
export function migrationText(stages: readonly Stage[], proof: MigrationProof, out: string): string {
  const lines = stages.map(
    (s, i) =>
      `${s.id}: ${s.title}\n    ${proofLine(proof.stages[i], i === 0 ? "the peering config" : stages[i - 1].id)}`,
  );
  const verdict = provesSafe(proof)
    ? `proved: no stage loses a pair it was not meant to cut, and the last reaches exactly ${proof.stages.at(-1)!.reachable} ordered pairs as intended`
    : `NOT SAFE: ${unsafeText(proof)}; nothing was written`;
  const warnings = [
    ...migrationWarnings(proof.first, stages[0].config),
    ...proof.stages.flatMap((p, i) =>
      stageCautions(p, i === 0 ? "the peering config" : path.join(out, `${stages[i - 1].id}.json`)),
    ),
  ];
  return `${[
    `migrate: ${stages.length} stages${provesSafe(proof) ? ` in ${out}` : ""}`,
    ...lines,
    verdict,
    ...warnings.map((w) => `warning: ${w}`),
  ].join("\n")}\n`;
}

function unsafeText(proof: MigrationProof): string {
  const bad = proof.stages.find((s) => s.unexpected.length > 0 || s.diff.gained.length > 0);
  if (bad)
    return `stage ${bad.id} ${bad.unexpected.length > 0 ? `loses ${bad.unexpected.length} pairs (${bad.unexpected.slice(0, 3).map(pairText).join("; ")})` : `gains ${bad.diff.gained.length} pairs`}`;
  return `the last stage differs from what was intended: ${proof.differences.slice(0, 3).join("; ")}`;
}

function proofLine(proof: StageProof, against: string): string {
  const lost = proof.diff.lost.length;
  const cost = proof.cost ? `; ${costText(proof.cost.before, proof.cost.after)}` : "";
  return `${proof.added.length} resources added, ${proof.removed.length} removed${cost}; reach --diff against ${against}: ${
    lost === 0
      ? "no pair lost"
      : `${lost} pairs lost${proof.unexpected.length === 0 ? " (the narrowing asked for)" : ""}`
  }, ${proof.diff.gained.length} gained, ${proof.reachable} ordered pairs reachable`;
}

function costText(before: Price, after: Price): string {
  const delta = after.monthly - before.monthly;
  const changed = after.unpriced.join() !== before.unpriced.join();
  const unpriced = changed && after.unpriced.length > 0 ? ` (not priced: ${after.unpriced.join(", ")})` : "";
  return `monthly cost ${usd(before.monthly)} → ${usd(after.monthly)} (${delta >= 0 ? "+" : "−"}${usd(Math.abs(delta))})${unpriced}`;
}

function usd(amount: number): string {
  return `$${amount.toFixed(2)}`;
}

function pairText(pair: PairChange): string {
  return `${pair.from} → ${pair.to} (${pair.protocol})`;
}

function stageMarkdown(stage: Stage, proof: StageProof, against: string, out: string): string {
  const list = (sign: string, items: readonly string[]) => [
    ...items.slice(0, LISTED).map((a) => `    ${sign} ${a}`),
    ...(items.length > LISTED ? [`    … and ${items.length - LISTED} more (migration.json lists all)`] : []),
  ];
  const removes = stage.removes.map(([a, b]) => `${a} ↔ ${b}`);
  return `${[
    `# ${stage.id}: ${stage.title}`,
    "",
    `Config: \`${stage.id}.json\` (deploy with \`PEERING_CONFIG=${path.join(out, `${stage.id}.json`)} npm run deploy\`).`,
    "",
    ...(removes.length > 0 ? [`Peerings removed (both directions of each): ${removes.join(", ")}.`, ""] : []),
    `Resources: ${proof.added.length} added, ${proof.removed.length} removed (addresses of the synthesized stacks).`,
    "",
    ...(proof.added.length + proof.removed.length > 0
      ? ["```", ...list("+", proof.added), ...list("-", proof.removed), "```", ""]
      : []),
    ...(proof.cost ? [`Cost: ${costText(proof.cost.before, proof.cost.after)}.`, ""] : []),
    `Proof: \`reach --diff\` of this stage against ${against}: ${proof.diff.lost.length} pairs lost${
      proof.diff.lost.length > 0 && proof.unexpected.length === 0 ? " (exactly the narrowing asked for)" : ""
    }, ${proof.diff.gained.length} gained; ${proof.reachable} ordered pairs reachable.`,
    ...proof.unexpected.map((p) => `- UNEXPECTED: lost ${pairText(p)}: ${p.reason}`),
  ].join("\n")}\n`;
}

function overview(
  stages: readonly Stage[],
  proof: MigrationProof,
  where: { readonly source: string; readonly out: string; readonly narrowed: boolean },
  warnings: readonly string[],
): string {
  const { source, out, narrowed } = where;
  const rows = stages.map((s, i) => {
    const p = proof.stages[i];
    return `| ${s.id} | ${s.title} | ${p.added.length} | ${p.removed.length} | ${p.diff.lost.length} | ${p.reachable} |`;
  });
  return `${[
    `# Migration of ${source} to a transit gateway`,
    "",
    `Apply the stages in order, each with \`PEERING_CONFIG=${path.join(out, "<stage>.json")} npm run deploy\`, and \`npm run check\` with the same PEERING_CONFIG after each.`,
    "",
    "| stage | what it does | resources added | removed | pairs lost | pairs reachable |",
    "|---|---|---|---|---|---|",
    ...rows,
    "",
    `Before: ${proof.before} ordered pairs reachable. ${
      proof.sameReach
        ? `The last stage reaches exactly ${narrowed ? "what the peering config did, less the narrowing --segments asked for" : "what the peering config did"}.`
        : `The last stage differs from what was intended: ${proof.differences.join("; ")}.`
    }`,
    "",
    ...(warnings.length > 0 ? ["## Warnings", "", ...warnings.map((w) => `- ${w}`), ""] : []),
  ].join("\n")}`;
}

/** Where AWS behaves differently across a transit gateway than across the peerings of `first`. */
export function migrationWarnings(first: Model, attach: PeeringConfig): string[] {
  const out = [
    `MTU: AWS carries packets of up to 9001 bytes within a VPC and over a peering in one region, but 8500 bytes between VPCs through a transit gateway: larger packets are dropped. Path MTU discovery tells senders to shrink them only if their security groups and network ACLs admit ICMP "fragmentation needed" (type 3, code 4; ICMPv6 "packet too big", type 2): ${PMTUD_FILE} holds those rules for the instances stack (copy it into cdktf.out/stacks/instances/ after the synth of the last stage), or set the instances' MTU to 8500.`,
  ];
  const groupVpc = new Map([...first.securityGroups.values()].map((g) => [g.address, g.vpc]));
  const references = [...first.securityGroups.values()].flatMap((g) =>
    g.rules
      .filter((r) => r.groups.some((ref) => groupVpc.has(ref) && groupVpc.get(ref) !== g.vpc))
      .map((r) => `${r.source} (in ${g.label})`),
  );
  out.push(
    references.length > 0
      ? `security-group references: ${references.join(", ")} name a peer VPC's security group, which AWS does not support across a transit gateway: replace them with the peer's CIDR blocks before the peering goes.`
      : "security-group references: none of the rules names a peer VPC's security group (a transit gateway does not carry such references; the app's rules name CIDR blocks).",
  );
  const ipv6 = attach.peerings.filter(
    ([a, b]) =>
      attach.vpcs.find((v) => v.name === a)?.ipv6 === true && attach.vpcs.find((v) => v.name === b)?.ipv6 === true,
  );
  if (ipv6.length > 0)
    out.push(
      `IPv6: ${ipv6.length} peered pairs have IPv6 on both ends; Amazon assigns the /56s at apply time, so there is no IPv6 summary route: the stage that removes such a peering also replaces its IPv6 routes with routes to the transit gateway for the same destinations, and AWS refuses a route whose destination another route of the table holds, so apply the peering stacks of that stage (which remove the old routes) before its transit stack; IPv6 between the pair pauses in between`,
    );
  return out;
}

/**
 * Security-group rules for path MTU discovery: each attached VPC's instance admits ICMP
 * "fragmentation needed" from its own blocks (where the gateway's interfaces are) and from the
 * blocks it reaches through the gateway. Undefined when no instance is found.
 */
export function pmtudRules(config: PeeringConfig, model: Model): Record<string, unknown> | undefined {
  const vpcOf = instanceVpcs(model);
  const groupOf = new Map(
    [...model.instances.values()].map((i) => [vpcOf(i.address), i.securityGroups[0]?.replace(/^[^/]+\//, "")]),
  );
  const rules: Record<string, Record<string, unknown>> = {};
  for (const vpc of config.vpcs) {
    const group = groupOf.get(vpc.name);
    const reached = transitReachable(config, vpc.name);
    if (!group || reached.length === 0) continue;
    for (const cidr of [...ipv4Blocks(vpc), ...reached.flatMap((r) => ipv4Blocks(r.vpc))])
      rules[`pmtud-${vpc.name}-${cidrId(cidr)}`] = {
        security_group_id: `\${${group}.id}`,
        description: `ICMP fragmentation needed from ${cidr}, for path MTU discovery across the transit gateway`,
        ip_protocol: "icmp",
        from_port: 3,
        to_port: 4,
        cidr_ipv4: cidr,
      };
  }
  return Object.keys(rules).length > 0 ? { resource: { aws_vpc_security_group_ingress_rule: rules } } : undefined;
}
