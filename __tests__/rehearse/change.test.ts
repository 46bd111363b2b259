import { changeBetween, isEmptyChange } from "../../lib/rehearse/change";
import type { NamespaceSpec, NetworkPlan } from "../../lib/rehearse/plan";

const link = (n: number) => ({
  a: { ns: "v0", name: `rhp${n}`, mac: `02:00:00:00:0${n}:01` },
  b: { ns: "v1", name: `rhp${n}`, mac: `02:00:00:00:0${n}:02` },
});

function router(ip: string[], nft = "table inet t {\n\tchain forward {\n\t}\n}\n"): NamespaceSpec {
  return { id: "v0", role: "router", stands: "aws_vpc.a", sysctls: [], ip, ip6: [], nft };
}

function plan(namespaces: NamespaceSpec[], links = [link(1)]): NetworkPlan {
  return {
    namespaces,
    links,
    instanceNamespace: [],
    counts: { namespaces: namespaces.length, routers: 1, instances: 0, peerings: links.length, gateways: 0 },
  };
}

const PEER = "route add 10.0.1.0/24 via 169.254.0.2 dev rhp1 onlink table 1000 metric 10";
const SUMMARY = "route add 10.0.0.0/8 via 169.254.0.2 dev rht0 onlink table 1000 metric 11";

describe("the change from one plan of a network to the next", () => {
  it("is empty between a plan and itself", () => {
    expect(isEmptyChange(changeBetween(plan([router([PEER, SUMMARY])]), plan([router([PEER, SUMMARY])])))).toBe(true);
  });

  it("renumbers a route whose metric moved, new metric first, instead of destroying it", () => {
    const change = changeBetween(
      plan([router([PEER, SUMMARY])]),
      plan([router([SUMMARY.replace("metric 11", "metric 10")])]),
    );
    expect(change.moves).toEqual([
      {
        id: "v0",
        ip: [
          "route replace 10.0.0.0/8 via 169.254.0.2 dev rht0 onlink table 1000 metric 10",
          "route del 10.0.0.0/8 table 1000 metric 11",
        ],
        ip6: [],
      },
    ]);
    expect(change.create).toEqual([]);
    expect(change.destroy).toEqual([{ id: "v0", ip: ["route del 10.0.1.0/24 table 1000 metric 10"], ip6: [] }]);
  });

  it("replaces a route whose next hop changed, and deletes nothing of it", () => {
    const moved = PEER.replace("dev rhp1", "dev rht0");
    const change = changeBetween(plan([router([PEER])]), plan([router([moved])]));
    expect(change.create).toEqual([{ id: "v0", ip: [moved.replace("route add", "route replace")], ip6: [] }]);
    expect(change.destroy).toEqual([]);
  });

  it("removes a peering's routes first and its arrival rule and link last", () => {
    const arrival = "rule add iif rhp1 table 900 pref 100";
    const change = changeBetween(plan([router([arrival, PEER, SUMMARY])]), plan([router([SUMMARY])], []));
    expect(change.destroy).toEqual([{ id: "v0", ip: ["route del 10.0.1.0/24 table 1000 metric 10"], ip6: [] }]);
    expect(change.detach).toEqual([{ id: "v0", ip: ["rule del iif rhp1 table 900 pref 100"], ip6: [] }]);
    expect(change.removeLinks).toEqual([link(1)]);
  });

  it("replaces a changed ruleset whole, naming the chains it drops", () => {
    const before = "table inet t {\n\tchain forward {\n\t}\n\tchain from_rhp1 {\n\t\tdrop\n\t}\n}\n";
    const change = changeBetween(plan([router([], before)]), plan([router([])]));
    expect(change.nft).toEqual([{ id: "v0", ruleset: router([]).nft, dropChains: ["from_rhp1"] }]);
  });
});
