/** What one `ping -c N <ip>` run reported in its summary lines. */
export interface PingStats {
  /** Echo requests sent. */
  readonly transmitted: number;
  /** Echo replies received, duplicates not counted. */
  readonly received: number;
  /** Packet loss in percent, as ping printed it (e.g. 33.3333). */
  readonly lossPercent: number;
  /** ICMP errors ping counted ("+N errors"), e.g. Destination Host Unreachable. */
  readonly errors: number;
  /** Round-trip times in milliseconds; absent when nothing came back. */
  readonly rtt?: RoundTrip;
}

/** Round-trip times of the replies, in milliseconds. */
export interface RoundTrip {
  readonly minMs: number;
  readonly avgMs: number;
  readonly maxMs: number;
}

// iputils: "3 packets transmitted, 2 received, +1 duplicates, +1 corrupted, +1 errors, 33.3333% packet loss, time 2003ms";
// busybox says "3 packets received" instead.
const SUMMARY = new RegExp(
  String.raw`(\d+) packets transmitted, (\d+) (?:packets )?received` +
    String.raw`(?:, \+\d+ duplicates)?(?:, \+\d+ corrupted)?(?:, \+(\d+) errors)?, (\d+(?:\.\d+)?)% packet loss`,
);
// iputils: "rtt min/avg/max/mdev = 0.321/0.402/0.523/0.081 ms"; busybox: "round-trip min/avg/max = 0.1/0.2/0.3 ms".
const RTT = /(?:rtt|round-trip) min\/avg\/max(?:\/mdev)? = (\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)/;

/** Reads the statistics of a Linux ping run from its output; undefined when it has no summary line. */
export function parsePingOutput(output: string): PingStats | undefined {
  const summary = SUMMARY.exec(output);
  if (!summary) return undefined;
  const transmitted = Number(summary[1]);
  const received = Number(summary[2]);
  if (received > transmitted) return undefined;
  const rtt = received > 0 ? RTT.exec(output) : null;
  return {
    transmitted,
    received,
    lossPercent: Number(summary[4]),
    errors: summary[3] === undefined ? 0 : Number(summary[3]),
    ...(rtt ? { rtt: { minMs: Number(rtt[1]), avgMs: Number(rtt[2]), maxMs: Number(rtt[3]) } } : {}),
  };
}
