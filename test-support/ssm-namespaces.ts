/**
 * SSM Run Command over real packets, for the packet journey of the deploy rehearsal: reach's model
 * of a network (the live loader's, read from the emulator after a deploy) is built in Linux network
 * namespaces by rehearse's own plan and host, each instance's namespace holding the instance's
 * address, and the emulator front answers SSM for those instances:
 *
 *   DescribeInstanceInformation  every instance of the network, PingStatus Online
 *   SendCommand                  AWS-RunShellScript with exactly one command `ping -c N <IPv4>`, N 1–10,
 *                                whose address an instance of the network holds: run as
 *                                `nsenter --net=<namespace> ping -c N <IPv4>` (no shell) in the
 *                                namespace of each instance the command names; anything else is refused
 *   GetCommandInvocation         that run's real status, exit code, stdout and stderr
 *
 * Test harness only: nothing in lib/ knows of it. The product's `npm run ping`, unchanged, is pointed
 * at the front (AWS_ENDPOINT_URL_SSM) and measures what the namespaces do to its packets.
 */
import { randomUUID } from "crypto";
import { availableParallelism } from "os";
import type { Instance, Model } from "../lib/reach";
import { placeInstances } from "../lib/rehearse/endpoints";
import { cleanLeftovers, defaultConcurrency, execute, Limiter, NamespaceRun } from "../lib/rehearse/host";
import { planNetwork } from "../lib/rehearse/plan";
import { showAddress } from "../lib/rehearse/ranges";
import { FrontError, OperationHandler } from "./emulator-front";

/** Where `ip netns` keeps named namespaces (as rehearse's host does). */
const NETNS_DIR = "/run/netns";

/** The only command the front runs, and its parts: ping's count and an IPv4 address in dotted decimal without leading zeros. */
const PING = /^ping -c ([1-9]|10) ((?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})$/;

/** How long a command may run when SendCommand sets no executionTimeout, and the most it may ask for, in seconds. */
const EXECUTION_TIMEOUT = { default: 60, max: 120 } as const;

/** At most this many pings run at once. */
const PINGS_AT_ONCE = 16;

/** The one command of a SendCommand the front will run. */
export interface PingRequest {
  readonly count: number;
  readonly ip: string;
}

/**
 * Reads a SendCommand's document and commands: AWS-RunShellScript with exactly one command, exactly
 * `ping -c N <IPv4>`. Throws a FrontError (400, as SSM answers a bad request) naming what it refuses.
 */
export function parsePingRequest(input: Readonly<Record<string, unknown>>): PingRequest {
  if (input.DocumentName !== "AWS-RunShellScript")
    throw new FrontError(
      400,
      "InvalidDocument",
      `the front runs only AWS-RunShellScript, not ${JSON.stringify(input.DocumentName)}`,
    );
  const parameters = input.Parameters as Readonly<Record<string, unknown>> | undefined;
  const commands = parameters?.commands;
  if (!Array.isArray(commands) || commands.length !== 1 || typeof commands[0] !== "string")
    throw new FrontError(
      400,
      "InvalidParameters",
      `the front runs exactly one command, not ${JSON.stringify(commands)}`,
    );
  const match = PING.exec(commands[0]);
  if (!match)
    throw new FrontError(
      400,
      "InvalidParameters",
      `the front runs only "ping -c N <IPv4 address>" (N from 1 to 10), not ${JSON.stringify(commands[0])}`,
    );
  return { count: Number(match[1]), ip: match[2] };
}

/** The execution timeout a SendCommand asks for, in seconds, within the front's bounds. */
function executionTimeout(input: Readonly<Record<string, unknown>>): number {
  const value = (input.Parameters as Readonly<Record<string, unknown>> | undefined)?.executionTimeout;
  const text = Array.isArray(value) ? value[0] : undefined;
  if (text === undefined) return EXECUTION_TIMEOUT.default;
  if (typeof text !== "string" || !/^[1-9]\d{0,5}$/.test(text))
    throw new FrontError(
      400,
      "InvalidParameters",
      `executionTimeout ${JSON.stringify(value)} is not a whole number of seconds`,
    );
  return Math.min(Number(text), EXECUTION_TIMEOUT.max);
}

/** The EC2 id of an instance of the live loader's model, whose address is "<Name tag>/<id>" or "<id>". */
export function liveInstanceId(instance: Instance): string {
  const id = instance.address.split("/").pop() ?? "";
  if (!/^i-[0-9a-f]+$/.test(id))
    throw new Error(`${instance.address} is not an instance of the live loader (no instance id at its end)`);
  return id;
}

/** One instance as the namespaces hold it. */
export interface NamespacedInstance {
  readonly id: string;
  /** reach's address of the instance. */
  readonly address: string;
  /** The namespace holding it, e.g. "rehearse-4026531836-6478-bp5f-1-i0". */
  readonly namespace: string;
  readonly ipv4: string;
  /** Whether the model gave no address, so the plan picked one (never, for a deployed instance). */
  readonly picked: boolean;
}

/** A model's network, built in namespaces and kept until destroyed. */
export interface InstanceNetwork {
  /** The prefix of every namespace of the network. */
  readonly prefix: string;
  /** The instances with an IPv4 address, by id. */
  readonly instances: ReadonlyMap<string, NamespacedInstance>;
  /** Deletes every namespace of the network; safe to call twice. */
  destroy(): Promise<void>;
}

/**
 * Builds the model's network with rehearse's plan and host (namespaces, links, routes, nft rulesets),
 * and keeps it. Namespaces of dead runs are removed first; on a failure everything built is deleted.
 */
export async function buildInstanceNetwork(
  model: Model,
  idOf: (instance: Instance) => string = liveInstanceId,
): Promise<InstanceNetwork> {
  await cleanLeftovers();
  const endpoints = placeInstances(model);
  const run = new NamespaceRun(defaultConcurrency(availableParallelism()));
  const instances = new Map<string, NamespacedInstance>();
  let destroyed: Promise<void> | undefined;
  const destroy = (): Promise<void> => (destroyed ??= run.destroy());
  try {
    const plan = planNetwork(model, endpoints, run.table);
    endpoints.forEach((e, k) => {
      if (e.ipv4 === undefined) return;
      const id = idOf(e.instance);
      instances.set(id, {
        id,
        address: e.instance.address,
        namespace: run.name(plan.instanceNamespace[k]),
        ipv4: showAddress("ipv4", e.ipv4),
        picked: e.picked.includes("ipv4"),
      });
    });
    await run.build(plan);
  } catch (e) {
    await destroy();
    throw e;
  }
  return { prefix: run.prefix, instances, destroy };
}

/** One command the front ran: where, what and how it ended. */
export interface Execution {
  readonly instanceId: string;
  readonly namespace: string;
  readonly command: string;
  /** ping's exit code; null when it was stopped at its execution timeout. */
  readonly code: number | null;
}

interface Invocation {
  readonly commandId: string;
  readonly instanceId: string;
  readonly command: string;
  readonly requested: string;
  status: "InProgress" | "Success" | "Failed" | "TimedOut";
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * SSM's Run Command for the instances of a network: handlers for the emulator front. The network can
 * be replaced (after a change to the deployment, by one rebuilt from the live model), once no
 * command runs in the old one.
 */
export class NamespaceRunCommand {
  /** Every command run, in the order they ended. */
  readonly executed: Execution[] = [];
  /** Every refusal, as "<operation>: <error type>: <message>". */
  readonly refused: string[] = [];
  private readonly invocations = new Map<string, Invocation>();
  private readonly running = new Set<Promise<void>>();
  private readonly limiter = new Limiter(PINGS_AT_ONCE);

  constructor(private network: InstanceNetwork) {}

  /** The network commands run in now. */
  get current(): InstanceNetwork {
    return this.network;
  }

  /** Runs later commands in `network`, after every command still running has ended; returns the old network. */
  async replace(network: InstanceNetwork): Promise<InstanceNetwork> {
    await this.settled();
    const old = this.network;
    this.network = network;
    return old;
  }

  /** Resolves once no command runs. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  /** The handlers to start the front with. */
  handlers(): Readonly<Record<string, OperationHandler>> {
    return {
      DescribeInstanceInformation: this.refusing("DescribeInstanceInformation", async (input) => this.describe(input)),
      SendCommand: this.refusing("SendCommand", async (input) => this.send(input)),
      GetCommandInvocation: this.refusing("GetCommandInvocation", async (input) => this.invocation(input)),
    };
  }

  private refusing(operation: string, handler: OperationHandler): OperationHandler {
    return async (input) => {
      try {
        return await handler(input);
      } catch (e) {
        if (e instanceof FrontError) this.refused.push(`${operation}: ${e.type}: ${e.message}`);
        throw e;
      }
    };
  }

  private describe(input: Readonly<Record<string, unknown>>): unknown {
    const filters = Array.isArray(input.Filters) ? (input.Filters as { Key?: unknown; Values?: unknown }[]) : [];
    const wanted = filters.find((f) => f.Key === "InstanceIds")?.Values;
    const list = [...this.network.instances.values()]
      .filter((i) => !Array.isArray(wanted) || wanted.includes(i.id))
      .map((i) => ({
        InstanceId: i.id,
        PingStatus: "Online",
        PlatformType: "Linux",
        ResourceType: "EC2Instance",
        IPAddress: i.ipv4,
      }));
    return { InstanceInformationList: list };
  }

  private send(input: Readonly<Record<string, unknown>>): unknown {
    const request = parsePingRequest(input);
    const timeout = executionTimeout(input);
    const ids = input.InstanceIds;
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > 50 || !ids.every((id) => typeof id === "string"))
      throw new FrontError(
        400,
        "InvalidParameters",
        `InstanceIds must list 1 to 50 instance ids, not ${JSON.stringify(ids)}`,
      );
    const unknown = (ids as string[]).filter((id) => !this.network.instances.has(id));
    if (unknown.length > 0)
      throw new FrontError(400, "InvalidInstanceId", `not instances of the namespace network: ${unknown.join(", ")}`);
    if (![...this.network.instances.values()].some((i) => i.ipv4 === request.ip))
      throw new FrontError(
        400,
        "InvalidParameters",
        `${request.ip} is held by no instance of the namespace network; the front pings nothing else`,
      );
    const commandId = randomUUID();
    const command = `ping -c ${request.count} ${request.ip}`;
    const requested = new Date().toISOString();
    for (const instanceId of ids as string[]) {
      const invocation: Invocation = {
        commandId,
        instanceId,
        command,
        requested,
        status: "InProgress",
        code: -1,
        stdout: "",
        stderr: "",
      };
      this.invocations.set(`${commandId} ${instanceId}`, invocation);
      const done = this.execute(invocation, this.network.instances.get(instanceId)!, request, timeout);
      this.running.add(done);
      void done.finally(() => this.running.delete(done));
    }
    return {
      Command: {
        CommandId: commandId,
        DocumentName: "AWS-RunShellScript",
        InstanceIds: ids,
        Parameters: input.Parameters,
        Status: "InProgress",
        TargetCount: ids.length,
      },
    };
  }

  private async execute(
    invocation: Invocation,
    instance: NamespacedInstance,
    request: PingRequest,
    timeoutSeconds: number,
  ): Promise<void> {
    const args = [`--net=${NETNS_DIR}/${instance.namespace}`, "ping", "-c", String(request.count), request.ip];
    try {
      const exit = await this.limiter.run(() => execute("nsenter", args, undefined, timeoutSeconds * 1000));
      invocation.stdout = exit.stdout;
      invocation.stderr = exit.stderr;
      invocation.code = exit.code ?? -1;
      invocation.status = exit.code === null ? "TimedOut" : exit.code === 0 ? "Success" : "Failed";
      this.executed.push({
        instanceId: instance.id,
        namespace: instance.namespace,
        command: invocation.command,
        code: exit.code,
      });
    } catch (e) {
      invocation.stderr = (e as Error).message;
      invocation.status = "Failed";
    }
  }

  private invocation(input: Readonly<Record<string, unknown>>): unknown {
    const found = this.invocations.get(`${String(input.CommandId)} ${String(input.InstanceId)}`);
    if (!found)
      throw new FrontError(
        400,
        "InvocationDoesNotExist",
        `no invocation of command ${String(input.CommandId)} on ${String(input.InstanceId)}`,
      );
    const details = found.status === "TimedOut" ? "ExecutionTimedOut" : found.status;
    return {
      CommandId: found.commandId,
      InstanceId: found.instanceId,
      DocumentName: "AWS-RunShellScript",
      PluginName: "aws:runShellScript",
      Status: found.status,
      StatusDetails: details,
      ResponseCode: found.code,
      ExecutionStartDateTime: found.requested,
      StandardOutputContent: found.stdout,
      StandardErrorContent: found.stderr,
    };
  }
}
