import {
  CommandInvocationStatus,
  GetCommandInvocationCommandInput,
  GetCommandInvocationCommandOutput,
  InstanceInformation,
  SendCommandCommandInput,
} from "@aws-sdk/client-ssm";
import { DeployedInstance } from "../../lib/ping/outputs";
import { Progress } from "../../lib/ping/progress";
import { Clock } from "../../lib/ping/ssm";

/** A clock whose sleep advances time and resolves at once, so no test ever really waits. */
export function fakeClock(start = Date.parse("2030-01-01T00:00:00.000Z")): Clock & { readonly slept: number[] } {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

/** A progress display that remembers what it was told. */
export function recordingProgress(): Progress & { readonly lines: string[] } {
  const lines: string[] = [];
  return { lines, update: (s) => lines.push(s), log: (l) => lines.push(l), done: () => undefined };
}

/** n instances named a, b, c, ... (then v0, v1, ... past 26), in 10.0.<i>.40. */
export function instances(n: number): DeployedInstance[] {
  return Array.from({ length: n }, (_, i) => {
    const name = n <= 26 ? String.fromCharCode(97 + i) : `v${String(i).padStart(3, "0")}`;
    return {
      name,
      id: `i-${(0x0a000000 + i).toString(16).padStart(17, "0")}`,
      privateIp: `10.0.${i}.40`,
      address: `aws_instance.${name}_instance_ABCD1234`,
    };
  });
}

/** iputils output of a ping that got `received` of 3 replies. */
export function pingOutput(ip: string, received: number, extra = ""): string {
  const loss = received === 3 ? "0" : received === 2 ? "33.3333" : received === 1 ? "66.6667" : "100";
  const replies = Array.from(
    { length: received },
    (_, i) => `64 bytes from ${ip}: icmp_seq=${i + 1} ttl=127 time=0.4${i} ms`,
  );
  return [
    `PING ${ip} (${ip}) 56(84) bytes of data.`,
    ...replies,
    "",
    `--- ${ip} ping statistics ---`,
    `3 packets transmitted, ${received} received, ${extra}${loss}% packet loss, time 2003ms`,
    ...(received > 0 ? ["rtt min/avg/max/mdev = 0.400/0.410/0.420/0.008 ms"] : []),
    "",
  ].join("\n");
}

/** A GetCommandInvocation answer; `Success` when ping got replies, `Failed` (ping exits 1) when not. */
export function invocation(
  status: CommandInvocationStatus,
  stdout = "",
  extra: Partial<GetCommandInvocationCommandOutput> = {},
): GetCommandInvocationCommandOutput {
  return { $metadata: {}, Status: status, StandardOutputContent: stdout, StandardErrorContent: "", ...extra };
}

/** An SSM error as the SDK throws it. */
export function awsError(name: string, httpStatusCode = 400, fault: "client" | "server" = "client"): Error {
  return Object.assign(new Error(`${name} from the mock`), { name, $fault: fault, $metadata: { httpStatusCode } });
}

/** Agents as DescribeInstanceInformation lists them. */
export function agentInfo(
  ids: readonly string[],
  status: InstanceInformation["PingStatus"] = "Online",
): InstanceInformation[] {
  return ids.map((InstanceId) => ({ InstanceId, PingStatus: status }));
}

/**
 * A fake SSM command service: SendCommand hands out command ids that remember the target IP,
 * and GetCommandInvocation answers with what `answer(source, target)` returns (or throws).
 */
export function fakeCommands(
  fleet: readonly DeployedInstance[],
  answer: (source: DeployedInstance, target: DeployedInstance, call: number) => GetCommandInvocationCommandOutput,
): {
  readonly send: (input: SendCommandCommandInput) => { $metadata: object; Command: { CommandId: string } };
  readonly get: (input: GetCommandInvocationCommandInput) => GetCommandInvocationCommandOutput;
} {
  const targetOf = new Map<string, DeployedInstance>();
  const calls = new Map<string, number>();
  return {
    send: (input) => {
      const ip = /ping -c 3 (\S+)$/.exec(input.Parameters?.commands?.[0] ?? "")?.[1];
      const target = fleet.find((i) => i.privateIp === ip);
      if (!target) throw new Error(`fake SSM: no target for ${JSON.stringify(input.Parameters)}`);
      const commandId = `cmd-${targetOf.size}`;
      targetOf.set(commandId, target);
      return { $metadata: {}, Command: { CommandId: commandId } };
    },
    get: (input) => {
      const target = targetOf.get(input.CommandId ?? "");
      const source = fleet.find((i) => i.id === input.InstanceId);
      if (!target || !source) throw new Error(`fake SSM: unknown invocation ${input.CommandId} on ${input.InstanceId}`);
      const key = `${input.CommandId}/${input.InstanceId}`;
      const call = (calls.get(key) ?? 0) + 1;
      calls.set(key, call);
      return answer(source, target, call);
    },
  };
}
