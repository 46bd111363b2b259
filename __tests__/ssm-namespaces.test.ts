/**
 * The packet journey's SSM front (test-support/ssm-namespaces.ts): it runs nothing but `ping -c N
 * <IPv4>` of AWS-RunShellScript, only for instances of its namespace network and only at their
 * addresses, runs it in the namespace of each instance the command names, and answers with the real
 * output and status; it refuses everything else as SSM would refuse a bad request. Built here from
 * examples/three-vpcs.json's synthesized stacks (app and data are each peered with shared, not with
 * each other), with made-up instance ids; the emulator deploy tests builds it from the emulator's live network.
 */
import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  GetCommandInvocationCommandOutput,
  SendCommandCommand,
  SendCommandCommandInput,
  SSMClient,
} from "@aws-sdk/client-ssm";
import { loadTerraform } from "../lib/reach";
import { THREE_VPCS_CONFIG } from "../test-support/configs";
import { EmulatorFront, startFront } from "../test-support/emulator-front";
import { namespacesOf, requireNamespaces } from "../test-support/rehearse";
import {
  buildInstanceNetwork,
  InstanceNetwork,
  NamespaceRunCommand,
  parsePingRequest,
} from "../test-support/ssm-namespaces";
import { synthToTemp } from "../test-support/synth";

jest.setTimeout(120_000);

const shell = (command: unknown): Record<string, unknown> => ({
  DocumentName: "AWS-RunShellScript",
  Parameters: { commands: [command] },
});

describe("the commands the front runs", () => {
  it.each([
    ["ping -c 3 10.0.1.40", { count: 3, ip: "10.0.1.40" }],
    ["ping -c 1 192.168.255.255", { count: 1, ip: "192.168.255.255" }],
    ["ping -c 10 10.0.0.0", { count: 10, ip: "10.0.0.0" }],
  ])("runs %j", (command, request) => {
    expect(parsePingRequest(shell(command))).toEqual(request);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["a second command after a semicolon", shell("ping -c 3 10.0.1.40; reboot"), "InvalidParameters"],
    ["a second command after &&", shell("ping -c 3 10.0.1.40 && id"), "InvalidParameters"],
    ["a command substitution", shell("ping -c 3 $(id)"), "InvalidParameters"],
    ["a backquoted command", shell("ping -c 3 `id`"), "InvalidParameters"],
    ["a line break", shell("ping -c 3 10.0.1.40\nid"), "InvalidParameters"],
    ["a trailing newline", shell("ping -c 3 10.0.1.40\n"), "InvalidParameters"],
    ["a leading space", shell(" ping -c 3 10.0.1.40"), "InvalidParameters"],
    ["another option", shell("ping -c 3 -f 10.0.1.40"), "InvalidParameters"],
    ["no count", shell("ping 10.0.1.40"), "InvalidParameters"],
    ["a count of 0", shell("ping -c 0 10.0.1.40"), "InvalidParameters"],
    ["a count over 10", shell("ping -c 11 10.0.1.40"), "InvalidParameters"],
    ["a host name", shell("ping -c 3 example.com"), "InvalidParameters"],
    ["an octet over 255", shell("ping -c 3 10.0.1.256"), "InvalidParameters"],
    ["a leading zero", shell("ping -c 3 10.0.1.040"), "InvalidParameters"],
    ["an IPv6 address", shell("ping -c 3 fd00::1"), "InvalidParameters"],
    ["another program", shell("sudo ping -c 3 10.0.1.40"), "InvalidParameters"],
    ["a command that is no string", shell(["ping"]), "InvalidParameters"],
    [
      "two commands",
      { DocumentName: "AWS-RunShellScript", Parameters: { commands: ["ping -c 3 10.0.1.40", "id"] } },
      "InvalidParameters",
    ],
    ["no commands", { DocumentName: "AWS-RunShellScript", Parameters: {} }, "InvalidParameters"],
    [
      "another document",
      { DocumentName: "AWS-RunPowerShellScript", Parameters: { commands: ["ping -c 3 10.0.1.40"] } },
      "InvalidDocument",
    ],
  ])("refuses %s", (_, input, type) => {
    expect(() => parsePingRequest(input)).toThrow(expect.objectContaining({ status: 400, type }));
  });
});

describe("Run Command in the namespaces of examples/three-vpcs.json", () => {
  let network: InstanceNetwork | undefined;
  let runCommand: NamespaceRunCommand;
  let front: EmulatorFront | undefined;
  let ssm: SSMClient;
  /** Made-up instance ids by VPC name, and each instance's address. */
  const ids: Record<string, string> = {
    app: "i-0000000000000a99",
    data: "i-0000000000000d47",
    shared: "i-00000000000005ed",
  };
  const ip: Record<string, string> = {};

  beforeAll(async () => {
    requireNamespaces();
    const app = synthToTemp(THREE_VPCS_CONFIG);
    try {
      const model = loadTerraform([app.outdir]);
      const vpcOf = (address: string): string => /instance-(\w+)_instance/.exec(address)![1];
      network = await buildInstanceNetwork(model, (instance) => ids[vpcOf(instance.address)]);
    } finally {
      app.remove();
    }
    for (const i of network.instances.values()) ip[Object.keys(ids).find((k) => ids[k] === i.id)!] = i.ipv4;
    runCommand = new NamespaceRunCommand(network);
    // Nothing listens at port 9 of loopback: an operation the front does not answer itself fails.
    front = await startFront("http://127.0.0.1:9", runCommand.handlers());
    ssm = new SSMClient({
      endpoint: front.endpoint,
      region: "eu-west-1",
      credentials: { accessKeyId: "fake", secretAccessKey: "fake" },
      maxAttempts: 1,
    });
  });

  afterAll(async () => {
    ssm?.destroy();
    await front?.close();
    await runCommand?.settled();
    await network?.destroy();
    expect(namespacesOf(process.pid)).toEqual([]);
  });

  async function finished(commandId: string, instanceId: string): Promise<GetCommandInvocationCommandOutput> {
    for (;;) {
      const out = await ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }));
      if (out.Status !== "InProgress") return out;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  const send = (InstanceIds: string[], command: string, extra: Partial<SendCommandCommandInput> = {}) =>
    ssm.send(
      new SendCommandCommand({
        DocumentName: "AWS-RunShellScript",
        InstanceIds,
        Parameters: { commands: [command] },
        ...extra,
      }),
    );

  it("reports every instance of the network Online, with its address", async () => {
    const out = await ssm.send(
      new DescribeInstanceInformationCommand({
        Filters: [{ Key: "InstanceIds", Values: [ids.app, ids.shared, "i-0123456789abcdef0"] }],
      }),
    );
    expect(out.InstanceInformationList?.map((i) => [i.InstanceId, i.PingStatus, i.IPAddress])).toEqual([
      [ids.app, "Online", ip.app],
      [ids.shared, "Online", ip.shared],
    ]);
  });

  it("runs the ping in the namespace of each instance named and answers with its real output: replies across a peering, Success", async () => {
    const sent = await send([ids.app, ids.data], `ping -c 2 ${ip.shared}`);
    const commandId = sent.Command!.CommandId!;
    for (const from of ["app", "data"]) {
      const out = await finished(commandId, ids[from]);
      expect({ status: out.Status, code: out.ResponseCode, stderr: out.StandardErrorContent }).toEqual({
        status: "Success",
        code: 0,
        stderr: "",
      });
      expect(out.StandardOutputContent).toMatch(
        new RegExp(`^PING ${ip.shared.replace(/\./g, "\\.")} [^]*\n2 packets transmitted, 2 received, 0% packet loss`),
      );
    }
    const namespaces = [...network!.instances.values()].filter((i) => i.id !== ids.shared).map((i) => i.namespace);
    expect(
      runCommand.executed
        .filter((e) => e.command === `ping -c 2 ${ip.shared}`)
        .map((e) => e.namespace)
        .sort(),
    ).toEqual(namespaces.sort());
  });

  it("answers Failed with ping's own output and exit code where no reply comes back (app and data are not peered)", async () => {
    const sent = await send([ids.app], `ping -c 1 ${ip.data}`);
    const out = await finished(sent.Command!.CommandId!, ids.app);
    expect({ status: out.Status, details: out.StatusDetails, code: out.ResponseCode }).toEqual({
      status: "Failed",
      details: "Failed",
      code: 1,
    });
    expect(out.StandardOutputContent).toContain("1 packets transmitted, 0 received, 100% packet loss");
  });

  it.each<[string, () => Promise<unknown>, string]>([
    ["a shell command beside the ping", () => send([ids.app], `ping -c 1 ${ip.shared}; id`), "InvalidParameters"],
    [
      "an instance outside the network",
      () => send(["i-0123456789abcdef0"], `ping -c 1 ${ip.shared}`),
      "InvalidInstanceId",
    ],
    ["an address no instance of the network holds", () => send([ids.app], "ping -c 1 127.0.0.1"), "InvalidParameters"],
    [
      "an execution timeout that is no number",
      () =>
        send([ids.app], `ping -c 1 ${ip.shared}`, {
          Parameters: { commands: [`ping -c 1 ${ip.shared}`], executionTimeout: ["1; id"] },
        }),
      "InvalidParameters",
    ],
    [
      "an invocation it never started",
      () =>
        ssm.send(
          new GetCommandInvocationCommand({ CommandId: "00000000-0000-0000-0000-000000000000", InstanceId: ids.app }),
        ),
      "InvocationDoesNotExist",
    ],
  ])("refuses %s, as SSM refuses a bad request, and runs nothing", async (_, call, name) => {
    const before = runCommand.executed.length;
    await expect(call()).rejects.toMatchObject({ name, $metadata: { httpStatusCode: 400 } });
    await runCommand.settled();
    expect(runCommand.executed).toHaveLength(before);
    expect(runCommand.refused[runCommand.refused.length - 1]).toMatch(new RegExp(`: ${name}: `));
  });
});
