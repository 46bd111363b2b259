import { DeployedInstance } from "./outputs";

/** SSM's SendCommand accepts at most this many instance ids per call (and this tool sends no more). */
export const MAX_INSTANCES_PER_COMMAND = 50;
/** Echo requests per pair. */
export const PING_COUNT = 3;

/**
 * One SendCommand: the same `ping -c 3 <target ip>` run on up to 50 source instances.
 *
 * Why one command per target rather than one script per source pinging every target: every
 * invocation then runs a single ping whose whole output is small (GetCommandInvocation truncates
 * stdout at 24,000 characters, which a script pinging over a hundred peers would exceed), each pair
 * gets its own SSM status (a timed-out pair cannot hide the others), and the 50-instance cap of
 * SendCommand is honoured by splitting each target's sources into chunks.
 */
export interface PingCommandPlan {
  /** The instance being pinged. */
  readonly target: DeployedInstance;
  /** The instances that ping it: at most MAX_INSTANCES_PER_COMMAND, never the target itself. */
  readonly sources: readonly DeployedInstance[];
}

/** Splits items into consecutive chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size ${size}: must be a positive integer`);
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** The commands that ping every target from every other source, at most `max` sources per command. */
export function planPingCommands(
  targets: readonly DeployedInstance[],
  sources: readonly DeployedInstance[],
  max = MAX_INSTANCES_PER_COMMAND,
): PingCommandPlan[] {
  return targets.flatMap((target) =>
    chunk(
      sources.filter((s) => s.id !== target.id),
      max,
    ).map((batch) => ({ target, sources: batch })),
  );
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** The shell command run on each source; the address is checked because it ends up in a shell. */
export function pingCommand(ip: string): string {
  if (!IPV4.test(ip)) throw new RangeError(`ping target "${ip}": not an IPv4 address; fix the instances output`);
  return `ping -c ${PING_COUNT} ${ip}`;
}
