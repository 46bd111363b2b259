import { parsePingOutput } from "../../lib/ping/parse";
import { pingOutput } from "./fixtures";

describe("parsePingOutput", () => {
  it.each([
    [
      "all replies",
      pingOutput("10.0.1.40", 3),
      { transmitted: 3, received: 3, lossPercent: 0, errors: 0, rtt: { minMs: 0.4, avgMs: 0.41, maxMs: 0.42 } },
    ],
    [
      "partial loss with a fractional percentage",
      pingOutput("10.0.1.40", 2),
      { transmitted: 3, received: 2, lossPercent: 33.3333, errors: 0, rtt: { minMs: 0.4, avgMs: 0.41, maxMs: 0.42 } },
    ],
    [
      "100% loss, which prints no rtt line",
      pingOutput("10.0.1.40", 0),
      { transmitted: 3, received: 0, lossPercent: 100, errors: 0 },
    ],
    [
      "ICMP errors (+N errors)",
      "From 10.0.0.1 icmp_seq=1 Destination Host Unreachable\n\n--- 10.0.9.9 ping statistics ---\n" +
        "3 packets transmitted, 0 received, +3 errors, 100% packet loss, time 2043ms\npipe 3\n",
      { transmitted: 3, received: 0, lossPercent: 100, errors: 3 },
    ],
    [
      "duplicates and errors together",
      "3 packets transmitted, 2 received, +1 duplicates, +1 errors, 33.3333% packet loss, time 2003ms\n" +
        "rtt min/avg/max/mdev = 0.321/0.402/0.523/0.081 ms\n",
      {
        transmitted: 3,
        received: 2,
        lossPercent: 33.3333,
        errors: 1,
        rtt: { minMs: 0.321, avgMs: 0.402, maxMs: 0.523 },
      },
    ],
    [
      "busybox wording",
      "3 packets transmitted, 3 packets received, 0% packet loss\nround-trip min/avg/max = 0.100/0.200/0.300 ms\n",
      { transmitted: 3, received: 3, lossPercent: 0, errors: 0, rtt: { minMs: 0.1, avgMs: 0.2, maxMs: 0.3 } },
    ],
  ])("reads %s", (_, output, expected) => {
    expect(parsePingOutput(output)).toEqual(expected);
  });

  it.each([
    ["empty output", ""],
    ["an error without a summary", "ping: connect: Network is unreachable\n"],
    [
      "a summary claiming more replies than requests",
      "3 packets transmitted, 4 received, 0% packet loss, time 2003ms\n",
    ],
  ])("returns undefined for %s", (_, output) => {
    expect(parsePingOutput(output)).toBeUndefined();
  });
});
