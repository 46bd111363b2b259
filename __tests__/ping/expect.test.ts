import { expectationsFrom, PredictedPair } from "../../lib/ping/expect";
import { instances } from "./fixtures";

describe("expectationsFrom", () => {
  const [a, b, c] = instances(3);
  const at = (i: { address: string }): string => `instances/${i.address}`;

  it("keys reach's IPv4 predictions by VPC names, matching stack-prefixed or bare addresses", () => {
    const pairs: PredictedPair[] = [
      { from: at(a), to: at(b), protocol: "ipv4", reachable: true },
      { from: b.address, to: a.address, protocol: "ipv4", reachable: false },
      { from: at(a), to: at(c), protocol: "ipv4", reachable: "depends" },
      { from: at(a), to: at(b), protocol: "ipv6", reachable: false },
      { from: "instances/aws_instance.elsewhere", to: at(a), protocol: "ipv4", reachable: true },
    ];
    expect([...expectationsFrom(pairs, [a, b, c])]).toEqual([
      ["a -> b", true],
      ["b -> a", false],
      ["a -> c", "depends"],
    ]);
  });

  it("makes a pair with disagreeing predictions depend", () => {
    const pairs: PredictedPair[] = [
      { from: at(a), to: at(b), protocol: "ipv4", reachable: true },
      { from: at(a), to: at(b), protocol: "ipv4", reachable: false },
    ];
    expect(expectationsFrom(pairs, [a, b]).get("a -> b")).toBe("depends");
  });
});
