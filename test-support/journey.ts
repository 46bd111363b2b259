/**
 * The packet journey of the emulator deploy tests: after the deploy to the emulator, reach's live loader
 * reads the deployed network, rehearse's plan and host build it in Linux network namespaces (each
 * instance's namespace holding its deployed private address), and an emulator front answers SSM
 * Run Command for the instances by pinging in their namespaces (ssm-namespaces.ts). The product's
 * `npm run ping`, pointed at the front, then measures real packets through what EC2 reports.
 */
import {
  CreateRouteCommand,
  DeleteRouteCommand,
  DescribeInstancesCommand,
  DescribeRouteTablesCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import { PeeringConfig, peersOf } from "../lib/config";
import { DeployedInstance } from "../lib/ping/outputs";
import { loadLive, livePlan, Model, readDocuments } from "../lib/reach";
import { startFront } from "./emulator-front";
import { EmulatorDeploy } from "./emulator-deploy";
import { buildInstanceNetwork, NamespaceRunCommand } from "./ssm-namespaces";

/** The deployed network in namespaces, with the SSM front that runs pings in them. */
export interface PacketJourney {
  /** The front's endpoint, for AWS_ENDPOINT_URL_SSM. */
  readonly endpoint: string;
  /** What the front ran and refused. */
  readonly runCommand: NamespaceRunCommand;
  /** The live model the namespaces were last built from. */
  readonly model: Model;
  /** Reads the deployment again and replaces the namespaces with ones built from what EC2 reports now. */
  rebuild(): Promise<void>;
  /** Stops the front and deletes the namespaces; safe to call twice. */
  close(): Promise<void>;
}

/** reach's model of what the emulator holds, read by the live loader for the regions and tags of the synthesized stacks. */
export async function liveModelOf(r: EmulatorDeploy): Promise<Model> {
  const ec2 = new EC2Client({ ...r.emulator.clientConfig, maxAttempts: 2 });
  try {
    return await loadLive(livePlan(readDocuments([r.outdir])), { clientFor: () => ec2 });
  } finally {
    ec2.destroy();
  }
}

/** Builds the deployed network in namespaces and starts the front in front of the emulator. */
export async function openPacketJourney(r: EmulatorDeploy): Promise<PacketJourney> {
  let model = await liveModelOf(r);
  const runCommand = new NamespaceRunCommand(await buildInstanceNetwork(model));
  let front: Awaited<ReturnType<typeof startFront>>;
  try {
    front = await startFront(r.emulator.endpoint, runCommand.handlers());
  } catch (e) {
    await runCommand.current.destroy();
    throw e;
  }
  let closing: Promise<void> | undefined;
  return {
    endpoint: front.endpoint,
    runCommand,
    get model() {
      return model;
    },
    rebuild: async () => {
      const next = await liveModelOf(r);
      const old = await runCommand.replace(await buildInstanceNetwork(next));
      model = next;
      await old.destroy();
    },
    close: () =>
      (closing ??= (async () => {
        try {
          await front.close();
          await runCommand.settled();
        } finally {
          await runCommand.current.destroy();
        }
      })()),
  };
}

/** A peering route deleted through the EC2 API, and how to put it back. */
export interface DeletedRoute {
  /** The VPC whose route table lost the route. */
  readonly from: string;
  /** The peer the route led to. */
  readonly to: string;
  readonly routeTable: string;
  readonly cidr: string;
  readonly peering: string;
  /** Creates the same route again. */
  restore(): Promise<void>;
}

/**
 * Deletes the route of the first VPC's instance's subnet to its first peer (`DeleteRoute`), as a
 * console click or a script behind Terraform's back would.
 */
export async function deletePeeringRoute(
  ec2: EC2Client,
  config: PeeringConfig,
  instances: readonly DeployedInstance[],
): Promise<DeletedRoute> {
  const from = config.vpcs[0].name;
  const peer = peersOf(config, from)[0];
  const id = instances.find((i) => i.name === from)?.id;
  if (!peer || !id)
    throw new Error(`the journey needs a peered VPC with an instance; ${from} has ${peer ? "no instance" : "no peer"}`);
  const [instance] = ((await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations ?? []).flatMap(
    (x) => x.Instances ?? [],
  );
  const subnet =
    instance?.NetworkInterfaces?.find((n) => n.Attachment?.DeviceIndex === 0)?.SubnetId ?? instance?.SubnetId;
  if (!subnet) throw new Error(`${id} reports no subnet`);
  const tables =
    (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [instance.VpcId!] }] })))
      .RouteTables ?? [];
  const table = tables.find((t) => (t.Associations ?? []).some((a) => a.SubnetId === subnet));
  const peering = table?.Routes?.find((x) => x.DestinationCidrBlock === peer.cidr)?.VpcPeeringConnectionId;
  if (!table?.RouteTableId || !peering)
    throw new Error(`the route table of ${subnet} has no route to ${peer.cidr} through a peering`);
  const routeTable = table.RouteTableId;
  await ec2.send(new DeleteRouteCommand({ RouteTableId: routeTable, DestinationCidrBlock: peer.cidr }));
  return {
    from,
    to: peer.name,
    routeTable,
    cidr: peer.cidr,
    peering,
    restore: async () => {
      await ec2.send(
        new CreateRouteCommand({
          RouteTableId: routeTable,
          DestinationCidrBlock: peer.cidr,
          VpcPeeringConnectionId: peering,
        }),
      );
    },
  };
}
