import { spawn } from "node:child_process";
import { RehearseFailure } from "./errors";
import { onPath, track } from "./host";

/**
 * Continuous pings, one `ping -D -O -i INTERVAL` per pair, each run straight in its source namespace by nsenter,
 * so that traffic flows the whole time a network changes, as a user's would. Each echo is read back from ping's
 * own timestamped lines: the time it was sent (a reply's timestamp less its round trip, or the "no answer yet"
 * line ping prints when it sends the next one) and whether its reply came, so every echo can be counted in the
 * window of time it was sent in.
 */

/** One echo request. */
export interface Echo {
  readonly seq: number;
  /** When it was sent, in milliseconds since the epoch (the clock of Date.now()). */
  readonly sent: number;
  readonly replied: boolean;
}

/** The echoes of ping's output, in sequence order: seq 1 to the number it transmitted. */
export function readEchoes(output: string, intervalSeconds: number, address: string): Echo[] {
  const sent = new Map<number, number>();
  const replied = new Set<number>();
  let highest = 0;
  for (const line of output.split("\n")) {
    const reply = /^\[([0-9.]+)\] [0-9]+ bytes from ([^:]+): icmp_seq=([0-9]+) .*time=([0-9.]+) ms/.exec(line);
    if (reply && reply[2] === address) {
      const seq = Number(reply[3]);
      replied.add(seq);
      sent.set(seq, Number(reply[1]) * 1000 - Number(reply[4]));
      highest = Math.max(highest, seq);
      continue;
    }
    const silent = /^\[([0-9.]+)\] no answer yet for icmp_seq=([0-9]+)/.exec(line);
    if (silent) {
      const seq = Number(silent[2]);
      if (!sent.has(seq)) sent.set(seq, Number(silent[1]) * 1000 - intervalSeconds * 1000);
      highest = Math.max(highest, seq);
      continue;
    }
    const other = /icmp_seq=([0-9]+)/.exec(line);
    if (other) highest = Math.max(highest, Number(other[1]));
    const total = /^([0-9]+) packets transmitted/.exec(line);
    if (total) highest = Math.max(highest, Number(total[1]));
  }
  const known = [...sent.keys()].sort((a, b) => a - b);
  const echoes: Echo[] = [];
  for (let seq = 1; seq <= highest; seq += 1) {
    let time = sent.get(seq);
    if (time === undefined) {
      // An echo with no line of its own: placed by the nearest echo whose time is known.
      const near = known.reduce<number | undefined>(
        (best, k) => (best === undefined || Math.abs(k - seq) < Math.abs(best - seq) ? k : best),
        undefined,
      );
      if (near === undefined) continue;
      time = (sent.get(near) as number) + (seq - near) * intervalSeconds * 1000;
    }
    echoes.push({ seq, sent: time, replied: replied.has(seq) });
  }
  return echoes;
}

/** A pair to keep pinging: the source namespace's full name and the address. */
export interface PingPair {
  readonly namespace: string;
  readonly address: string;
}

/** The pings of a set of pairs, from start until stop. */
export class ContinuousPings {
  private readonly outputs: string[];
  private readonly exits: Promise<void>[] = [];
  private readonly stops: (() => void)[] = [];
  private stopping = false;
  /** Pairs whose ping ended before stop(), so that their later windows would hold no echo. */
  private readonly ended: number[] = [];

  constructor(
    private readonly pairs: readonly PingPair[],
    private readonly intervalSeconds: number,
  ) {
    this.outputs = pairs.map(() => "");
  }

  /** Starts one ping per pair. */
  start(): void {
    const nsenter = onPath("nsenter") ?? "nsenter";
    this.pairs.forEach((pair, k) => {
      const child = spawn(
        nsenter,
        [
          `--net=/run/netns/${pair.namespace}`,
          "ping",
          "-D",
          "-O",
          "-n",
          "-i",
          String(this.intervalSeconds),
          pair.address,
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      track(child);
      child.stdout.on("data", (b: Buffer) => (this.outputs[k] += b.toString()));
      child.stderr.on("data", (b: Buffer) => (this.outputs[k] += b.toString()));
      this.exits.push(
        new Promise((resolve, reject) => {
          child.on("error", (error) => reject(new RehearseFailure(`cannot run ping: ${error.message}`)));
          child.on("close", () => {
            if (!this.stopping) this.ended.push(k);
            resolve();
          });
        }),
      );
      this.stops.push(() => child.kill("SIGINT"));
    });
  }

  /**
   * Stops every ping (SIGINT, so each prints what it has) and returns each pair's echoes; throws RehearseFailure
   * when a ping had ended on its own, whose silence would otherwise read as nothing lost.
   */
  async stop(): Promise<Echo[][]> {
    this.stopping = true;
    for (const stop of this.stops) stop();
    await Promise.all(this.exits);
    if (this.ended.length > 0) {
      const k = this.ended[0];
      const said = this.outputs[k].trim().split("\n").pop() ?? "";
      throw new RehearseFailure(
        `ping ${this.pairs[k].address} in namespace ${this.pairs[k].namespace} ended before the rehearsal did (${this.ended.length} ping(s) in all): ${said}`,
      );
    }
    return this.pairs.map((pair, k) => readEchoes(this.outputs[k], this.intervalSeconds, pair.address));
  }
}
