import { planSubnets } from "../lib/subnets";

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
});
