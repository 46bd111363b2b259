import * as fc from "fast-check";
import { IPv4, IPv4CidrRange, IPv4Prefix } from "ip-num";
import { planSubnets } from "../lib/plan/subnets";

describe("planSubnets", () => {
  it("carves the seed's /27s: public then private in one AZ", () => {
    expect(planSubnets("10.0.0.0/24", 1)).toEqual([{ az: 0, public: "10.0.0.0/27", private: "10.0.0.32/27" }]);
  });

  it("interleaves AZs so that adding one never moves an existing subnet", () => {
    const two = planSubnets("10.0.0.0/24", 2)!;
    const three = planSubnets("10.0.0.0/24", 3)!;
    expect(three.slice(0, 2)).toEqual(two);
    expect(three[2]).toEqual({ az: 2, public: "10.0.0.128/27", private: "10.0.0.160/27" });
  });

  it("keeps /27s in a large VPC", () => {
    expect(planSubnets("10.1.0.0/16", 6)![5]).toEqual({ az: 5, public: "10.1.1.64/27", private: "10.1.1.96/27" });
  });

  it.each([
    ["10.0.0.0/26", 2, "/28", { az: 1, public: "10.0.0.32/28", private: "10.0.0.48/28" }],
    ["10.0.0.0/25", 3, "/28", { az: 2, public: "10.0.0.64/28", private: "10.0.0.80/28" }],
    ["10.0.0.0/27", 1, "/28", { az: 0, public: "10.0.0.0/28", private: "10.0.0.16/28" }],
  ])("falls back for %s with %i AZs to the largest size that fits (%s)", (cidr, azs, _, last) => {
    const plan = planSubnets(cidr, azs)!;
    expect(plan).toHaveLength(azs);
    expect(plan[azs - 1]).toEqual(last);
  });

  it.each([
    ["10.0.0.0/28", 1],
    ["10.0.0.0/27", 2],
    ["10.0.0.0/26", 3],
  ])("gives up when %s cannot hold /28s for %i AZs", (cidr, azs) => {
    expect(planSubnets(cidr, azs)).toBeUndefined();
  });

  it("gives the same subnets as splitting the whole block with ip-num, without splitting it", () => {
    // splitInto makes every block of the size (2,048 /27s for a /16): the reference, kept to small VPCs here.
    const vpc = fc.record({
      address: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      prefix: fc.integer({ min: 20, max: 28 }),
      azs: fc.integer({ min: 1, max: 6 }),
    });
    fc.assert(
      fc.property(vpc, ({ address, prefix, azs }) => {
        const cidr = IPv4CidrRange.fromCidr(`${IPv4.fromNumber(address)}/${prefix}`);
        const network = `${cidr.getFirst()}/${prefix}`;
        const plan = planSubnets(network, azs);
        if (!plan) return;
        const size = Number(IPv4CidrRange.fromCidr(plan[0].public).cidrPrefix.getValue());
        const blocks = IPv4CidrRange.fromCidr(network)
          .splitInto(new IPv4Prefix(BigInt(size)))
          .map((b) => b.toCidrString());
        expect(plan.flatMap((s) => [s.public, s.private])).toEqual(blocks.slice(0, 2 * azs));
      }),
      { seed: 20261126, numRuns: 200 },
    );
  });
});
