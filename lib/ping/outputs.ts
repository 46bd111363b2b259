import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { REGION_PATTERN, ROLE_ARN_PATTERN } from "../core/aws-limits";
import { preview, tooDeep, tooDeepMessage } from "../core/json-limits";
import { PingInputError } from "./errors";

/** Name of the app's stack that holds the test instances, and of its output listing them. */
export const INSTANCES_STACK = "instances";
/** Names of the instances stacks of a network split into cells (lib/plan/cells.ts): instances-00, instances-01, ... */
export const INSTANCES_CELL_STACK = /^instances-\d{2}$/;
/** Name of the instances stack's output: an object keyed by VPC name. */
export const INSTANCES_OUTPUT = "instances";

/** One deployed test instance, as the instances stack's output describes it. */
export interface DeployedInstance {
  /** Name of the VPC the instance lives in. */
  readonly name: string;
  /** EC2 instance id, e.g. "i-0abc1234". */
  readonly id: string;
  /** Private IPv4 address. */
  readonly privateIp: string;
  /** Terraform address of the instance inside the instances stack, e.g. "aws_instance.a_instance_ABCD1234". */
  readonly address: string;
  /**
   * AWS region of the instance, where it is not the default provider's.
   * @default - the region ping's default SSM client talks to
   */
  readonly region?: string;
  /**
   * IAM role to assume for the instance's account, where it is not the credentials' own.
   * @default - the credentials' own account
   */
  readonly roleArn?: string;
  /**
   * The instances stack holding it, in a network split into cells.
   * @default INSTANCES_STACK
   */
  readonly stack?: string;
}

/** The instances stacks among `stacks`: INSTANCES_STACK when it is there, else the cells', in order. */
export function instancesStacks(stacks: readonly string[]): string[] {
  if (stacks.includes(INSTANCES_STACK)) return [INSTANCES_STACK];
  return stacks.filter((s) => INSTANCES_CELL_STACK.test(s)).sort();
}

/** The directories of the synthesized instances stacks under `synthDir` (cdktf.out), by stack name. */
export function instancesStackDirs(synthDir: string): { stack: string; dir: string }[] {
  const dir = path.join(synthDir, "stacks");
  const cells = fs.existsSync(dir) ? instancesStacks(fs.readdirSync(dir)) : [];
  return (cells.length > 0 ? cells : [INSTANCES_STACK]).map((stack) => ({ stack, dir: path.join(dir, stack) }));
}

/** `instances`, each marked with the stack holding it when that is a cell's. */
export function inStack(instances: readonly DeployedInstance[], stack: string): readonly DeployedInstance[] {
  return stack === INSTANCES_STACK ? instances : instances.map((i) => ({ ...i, stack }));
}

const instanceSchema = z
  .object({
    id: z.string().regex(/^i-[0-9a-f]{8,17}$/, "an EC2 instance id like i-0abc12345678def90"),
    private_ip: z.ipv4().optional(),
    privateIp: z.ipv4().optional(),
    address: z.string().min(1),
    region: z.string().regex(REGION_PATTERN, "an AWS region such as eu-west-1").optional(),
    role_arn: z
      .string()
      .regex(ROLE_ARN_PATTERN, "an IAM role ARN such as arn:aws:iam::222222222222:role/peering")
      .optional(),
  })
  .refine((i) => i.private_ip !== undefined || i.privateIp !== undefined, "private_ip is missing");

const SHAPE_FIX = `the instances stack's "${INSTANCES_OUTPUT}" output must map each VPC name to { id, private_ip, address, region?, role_arn? }: synth and deploy again`;
const FIX =
  "deploy first (npm run deploy), or pass --outputs-file FILE as written by `npm run deploy -- --outputs-file FILE`";

/** Reads the instances from the JSON that `cdktf deploy '*' --outputs-file FILE` writes: `{ stack: { output: value } }`. */
export function parseOutputsFile(json: unknown, source: string): readonly DeployedInstance[] {
  refuseDeep(json, `outputs file ${source}`);
  if (!isObject(json)) {
    throw new PingInputError(
      `outputs file ${source}: expected a JSON object keyed by stack name, got ${describe(json)}; fix: ${FIX}`,
    );
  }
  const names = instancesStacks(Object.keys(json));
  const stacks = names.map((name) => [name, json[name]] as const);
  if (stacks.length === 0 || !stacks.every(([, stack]) => isObject(stack))) {
    throw new PingInputError(
      `outputs file ${source}: no stack "${INSTANCES_STACK}" (stacks: ${list(Object.keys(json))}); fix: ${FIX}`,
    );
  }
  return stacks
    .flatMap(([name, stack]) => {
      const outputs = stack as Readonly<Record<string, unknown>>;
      const key = findOutputKey(outputs, `outputs file ${source}, stack "${name}"`);
      return inStack(parseInstances(outputs[key], `outputs file ${source}, output "${key}"`), name);
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Reads the instances from what `terraform output -json` prints in the instances stack: `{ output: { value, type, sensitive } }`. */
export function parseTerraformOutput(json: unknown, source: string): readonly DeployedInstance[] {
  refuseDeep(json, source);
  if (!isObject(json))
    throw new PingInputError(
      `${source}: expected a JSON object keyed by output name, got ${describe(json)}; fix: ${FIX}`,
    );
  const key = findOutputKey(json, source);
  const output = json[key];
  if (!isObject(output) || !("value" in output)) {
    throw new PingInputError(
      `${source}, output "${key}": expected { value, type, sensitive }, got ${describe(output)}; fix: ${FIX}`,
    );
  }
  return parseInstances(output.value, `${source}, output "${key}"`);
}

/** Reads and parses an outputs file written by `cdktf deploy --outputs-file`. */
export function readOutputsFile(file: string): readonly DeployedInstance[] {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new PingInputError(`outputs file ${file}: cannot be read (${messageOf(e)}); fix: ${FIX}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new PingInputError(`outputs file ${file}: not valid JSON (${messageOf(e)}); fix: ${FIX}`);
  }
  return parseOutputsFile(json, file);
}

/** Runs `terraform output -json` in the synthesized instances stack (e.g. cdktf.out/stacks/instances) and parses it. */
export function readTerraformOutputs(
  stackDir: string,
  env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1" },
): readonly DeployedInstance[] {
  const source = `terraform output -json in ${stackDir}`;
  if (!["cdk.tf.json", "cdk.tf"].some((f) => fs.existsSync(path.join(stackDir, f)))) {
    throw new PingInputError(`${stackDir}: no synthesized "${INSTANCES_STACK}" stack there; fix: ${FIX}`);
  }
  let text: string;
  try {
    text = execFileSync("terraform", ["output", "-json", "-no-color"], {
      cwd: stackDir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env,
    });
  } catch (e) {
    throw new PingInputError(`${source} failed (${processFailure(e)}); fix: ${FIX}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new PingInputError(`${source}: printed something that is not JSON (${messageOf(e)}); fix: ${FIX}`);
  }
  return parseTerraformOutput(json, source);
}

/** `instances` itself, else the one key ending in "instances" (cdktf may rename outputs in its outputs file). */
function findOutputKey(outputs: Readonly<Record<string, unknown>>, where: string): string {
  if (INSTANCES_OUTPUT in outputs) return INSTANCES_OUTPUT;
  const candidates = Object.keys(outputs).filter((k) => k.toLowerCase().endsWith(INSTANCES_OUTPUT));
  if (candidates.length === 1) return candidates[0];
  const found =
    candidates.length === 0 ? `no output "${INSTANCES_OUTPUT}"` : `several outputs could be it: ${list(candidates)}`;
  throw new PingInputError(`${where}: ${found} (outputs: ${list(Object.keys(outputs))}); fix: ${FIX}`);
}

function parseInstances(value: unknown, where: string): readonly DeployedInstance[] {
  const decoded = typeof value === "string" ? decodeJson(value) : value;
  if (!isObject(decoded) || Object.keys(decoded).length === 0) {
    throw new PingInputError(
      `${where}: expected an object of instances keyed by VPC name, got ${describe(decoded)}; fix: ${SHAPE_FIX}`,
    );
  }
  const instances = Object.entries(decoded).map(([name, raw]): DeployedInstance => {
    const parsed = instanceSchema.safeParse(raw);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "value"}: ${i.message}`).join("; ");
      throw new PingInputError(`${where}, VPC "${name}": ${problems} in ${preview(raw)}; fix: ${SHAPE_FIX}`);
    }
    const { id, address, region, role_arn: roleArn } = parsed.data;
    return {
      name,
      id,
      address,
      privateIp: parsed.data.private_ip ?? parsed.data.privateIp ?? "",
      ...(region !== undefined ? { region } : {}),
      ...(roleArn !== undefined ? { roleArn } : {}),
    };
  });
  for (const field of ["id", "privateIp"] as const) {
    const seen = new Map<string, string>();
    for (const i of instances) {
      const other = seen.get(i[field]);
      if (other !== undefined) {
        throw new PingInputError(
          `${where}: VPCs "${other}" and "${i.name}" share ${field} ${i[field]}; fix: ${SHAPE_FIX}`,
        );
      }
      seen.set(i[field], i.name);
    }
  }
  return [...instances].sort((a, b) => a.name.localeCompare(b.name));
}

function decodeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return preview(value, 80);
}

/** Outputs nest a few levels; refusing deeper ones keeps every later step within the call stack. */
function refuseDeep(json: unknown, where: string): void {
  const path = tooDeep(json);
  if (path !== undefined) throw new PingInputError(`${tooDeepMessage(where, path)}; fix: ${FIX}`);
}

function list(items: readonly string[]): string {
  return items.length === 0 ? "none" : items.join(", ");
}

function processFailure(e: unknown): string {
  if (!isObject(e)) return String(e);
  if (e.code === "ENOENT") return "terraform is not on PATH";
  // Terraform frames its diagnostics in box-drawing characters and may print warnings first: keep the error's line.
  const lines = typeof e.stderr === "string" ? e.stderr.split("\n").map((l) => l.replace(/[│╷╵]/g, "").trim()) : [];
  return lines.find((l) => l.startsWith("Error:")) ?? lines.find((l) => l !== "") ?? messageOf(e);
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message.split("\n")[0] : String(e);
}

/** The region of the default aws provider in a synthesized cdk.tf.json, when it is a literal. */
export function providerRegion(json: unknown): string | undefined {
  const provider = (json as { provider?: { aws?: unknown } } | null)?.provider?.aws;
  const blocks = (Array.isArray(provider) ? provider : [provider]) as (
    { alias?: unknown; region?: unknown } | undefined
  )[];
  const region = blocks.find((b) => b && b.alias === undefined)?.region;
  return typeof region === "string" && !region.includes("${") ? region : undefined;
}

/** The region the synthesized instances stack deploys to, or undefined when it cannot be read. */
export function readSynthesizedRegion(stackDir: string): string | undefined {
  const file = path.join(stackDir, "cdk.tf.json");
  try {
    if (!fs.statSync(file).isFile()) return undefined;
    return providerRegion(JSON.parse(fs.readFileSync(file, "utf8")));
  } catch {
    return undefined;
  }
}
