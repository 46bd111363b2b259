import { CostInputError, estimate, formatEstimate, monthlyTotal, priceTable, pricedRegions, stackTotal, type Estimate } from "../../lib/cost";
import { buildModel, type StackDocument } from "../../lib/reach";

/** A hand-written stack: one aws provider in `region` (none when undefined) and the given resources. */
function stack(name: string, region: string | undefined, resource: Record<string, Record<string, Record<string, unknown>>>): StackDocument {
  return { stack: name, file: `${name}.tf.json`, json: { provider: { aws: [region === undefined ? {} : { region }] }, resource } };
}

function run(documents: StackDocument[], gb = 0, defaultRegion?: string): Estimate {
  return estimate(documents, buildModel(documents), { gb, prices: (region) => priceTable(region), defaultRegion });
}

function amount(e: Estimate, item: string): number | undefined {
  return e.lines.find((l) => l.item === item)?.amount;
}

const vpc = { aws_vpc: { v: { cidr_block: "10.0.0.0/24" } } };

describe("the price tables", () => {
  it.each(pricedRegions())("has a valid, dated table for %s naming its source", (region) => {
    const table = priceTable(region);
    expect(table.region).toBe(region);
    expect(table.taken).toMatch(/^20\d\d-\d\d-\d\d$/);
    expect(table.source).toContain("https://aws.amazon.com/");
    expect(table.instanceHourly["t3.nano"]).toBeGreaterThan(0);
  });
});

describe("the monthly estimate of hand-written stacks", () => {
  it("charges two NAT gateways by the hour and by the GB, and their Elastic IPs as public IPv4 addresses", () => {
    const e = run(
      [
        stack("network", "eu-west-1", {
          ...vpc,
          aws_subnet: { pub: { vpc_id: "${aws_vpc.v.id}", cidr_block: "10.0.0.0/25" } },
          aws_eip: { a: { domain: "vpc" }, b: { domain: "vpc" } },
          aws_nat_gateway: { a: { subnet_id: "${aws_subnet.pub.id}", allocation_id: "${aws_eip.a.id}" }, b: { subnet_id: "${aws_subnet.pub.id}", allocation_id: "${aws_eip.b.id}" } },
        }),
      ],
      100,
    );
    expect(amount(e, "NAT gateway hours")).toBe(70.08); // 2 × 730 h × $0.048
    expect(amount(e, "NAT gateway data processing")).toBe(9.6); // 2 × 100 GB × $0.048
    expect(amount(e, "public IPv4 addresses (Elastic IPs)")).toBe(7.3); // 2 × 730 h × $0.005
    expect(stackTotal(e, "network")).toBe(86.98);
    expect(monthlyTotal(e)).toBe(86.98);
  });

  it("charges an instance by its type and root volume, and the public IP its subnet maps on launch", () => {
    const e = run([
      stack("app", "us-east-1", {
        ...vpc,
        aws_subnet: { s: { vpc_id: "${aws_vpc.v.id}", cidr_block: "10.0.0.0/25", map_public_ip_on_launch: true } },
        aws_instance: { i: { ami: "ami-1", instance_type: "t4g.nano", subnet_id: "${aws_subnet.s.id}", root_block_device: { volume_type: "gp2", volume_size: 20 } } },
      }),
    ]);
    expect(amount(e, "t4g.nano instances")).toBe(3.07); // 730 h × $0.0042 = 3.066
    expect(amount(e, "EBS gp2 root volumes")).toBe(2); // 20 GB × $0.10
    expect(amount(e, "public IPv4 addresses (instances)")).toBe(3.65); // 730 h × $0.005
    expect(monthlyTotal(e)).toBe(8.72);
  });

  it("gives an instance that says nothing about its root volume 8 GB of gp3, and no public IP when it declines one", () => {
    const e = run([
      stack("app", "eu-west-1", {
        ...vpc,
        aws_subnet: { s: { vpc_id: "${aws_vpc.v.id}", cidr_block: "10.0.0.0/25", map_public_ip_on_launch: true } },
        aws_instance: { i: { ami: "ami-1", instance_type: "t3.nano", subnet_id: "${aws_subnet.s.id}", associate_public_ip_address: false } },
      }),
    ]);
    expect(e.lines.map((l) => [l.item, l.quantity, l.amount])).toEqual([
      ["t3.nano instances", 1, 4.16], // 730 h × $0.0057 = 4.161
      ["EBS gp3 root volumes", 8, 0.7], // 8 GB × $0.088 = 0.704
    ]);
  });

  it("charges interface endpoints per AZ and per GB, gateway endpoints nothing, and VPN connections by the hour", () => {
    const e = run(
      [
        stack("edge", "eu-west-1", {
          aws_vpc_endpoint: {
            ssm: { vpc_endpoint_type: "Interface", service_name: "com.amazonaws.eu-west-1.ssm", vpc_id: "vpc-1", subnet_ids: ["subnet-a", "subnet-b", "subnet-c"] },
            s3: { vpc_endpoint_type: "Gateway", service_name: "com.amazonaws.eu-west-1.s3", vpc_id: "vpc-1" },
          },
          aws_vpn_connection: { office: { customer_gateway_id: "cgw-1", vpn_gateway_id: "vgw-1", type: "ipsec.1" } },
        }),
      ],
      10,
    );
    expect(e.lines.map((l) => [l.item, l.quantity, l.amount])).toEqual([
      ["interface endpoint hours (per AZ)", 3, 24.09], // 3 AZs × 730 h × $0.011
      ["interface endpoint data processing", 10, 0.1], // 10 GB × $0.01
      ["Site-to-Site VPN connection hours", 1, 36.5], // 730 h × $0.05
    ]);
  });

  it("charges data over a peering across AZs both ways, over an inter-region one at the requester's rate, and analyses once", () => {
    const e = run(
      [
        stack("peering", "eu-west-1", {
          aws_vpc_peering_connection: {
            near: { vpc_id: "vpc-a", peer_vpc_id: "vpc-b", auto_accept: true },
            far: { vpc_id: "vpc-a", peer_vpc_id: "vpc-c", peer_region: "us-east-1" },
          },
          aws_ec2_network_insights_path: { p: { source: "i-1", destination: "i-2", protocol: "tcp" } },
          aws_ec2_network_insights_analysis: { a: { network_insights_path_id: "nip-1" }, b: { network_insights_path_id: "nip-2" } },
        }),
      ],
      50,
    );
    expect(amount(e, "data over peerings, across AZs (both directions charged)")).toBe(1); // 50 GB × 2 × $0.01
    expect(amount(e, "data over inter-region peerings")).toBe(1); // 50 GB × $0.02
    expect(e.lines.find((l) => !l.monthly)).toEqual(expect.objectContaining({ item: "Reachability Analyzer analyses", quantity: 2, amount: 0.2 }));
    expect(monthlyTotal(e)).toBe(2);
  });

  it("adds up the stacks and ends with the monthly total, naming the price table's date", () => {
    const e = run([
      stack("a", "eu-west-1", { aws_eip: { x: { domain: "vpc" } } }),
      stack("b", "eu-west-1", { aws_vpn_connection: { y: { customer_gateway_id: "cgw-1", type: "ipsec.1" } } }),
    ]);
    const text = formatEstimate(e, "hand-written stacks");
    expect(text).toContain("taken 2026-11-26 (lib/cost/prices/eu-west-1.json)");
    expect(text.trimEnd().split("\n").pop()).toBe("Monthly total: $40.15"); // 3.65 + 36.50
  });

  it("lists chargeable resources it does not price", () => {
    const e = run([stack("tgw", "eu-west-1", { aws_ec2_transit_gateway: { t: {} } })]);
    expect([...e.unpriced]).toEqual([["tgw/aws_ec2_transit_gateway", 1]]);
    expect(formatEstimate(e, "x")).toContain("Not priced (they cost money; add them yourself): tgw/aws_ec2_transit_gateway × 1");
  });

  it("uses --region for resources whose provider sets none", () => {
    const e = run([stack("a", undefined, { aws_eip: { x: {} } })], 0, "us-east-1");
    expect(e.lines[0]).toEqual(expect.objectContaining({ region: "us-east-1", amount: 3.65 }));
  });

  it.each([
    ["a region without a price table", stack("a", "ap-south-2", { aws_eip: { x: {} } }), /no price table for region "ap-south-2" \(tables: eu-west-1, us-east-1\): add lib\/cost\/prices\/ap-south-2\.json/],
    ["a provider without a region", stack("a", undefined, { aws_eip: { x: {} } }), /aws_eip\.x: its aws provider sets no region .*: pass --region REGION/],
    ["for_each, which cannot be counted offline", stack("a", "eu-west-1", { aws_eip: { x: { count: 1 } }, aws_vpc_endpoint: { v: { for_each: "${var.x}" } } }), /aws_vpc_endpoint\.v: uses for_each/],
    ["a count that is not a literal", stack("a", "eu-west-1", { aws_eip: { x: { count: "${var.n}" } } }), /aws_eip\.x: count = "\$\{var\.n\}" is not a literal whole number/],
  ])("stops with a clear CostInputError for %s", (_, doc, message) => {
    expect(() => run([doc])).toThrow(CostInputError);
    expect(() => run([doc])).toThrow(message);
  });

  it("names the instance type that has no price", () => {
    const doc = stack("a", "eu-west-1", {
      ...vpc,
      aws_subnet: { s: { vpc_id: "${aws_vpc.v.id}", cidr_block: "10.0.0.0/25" } },
      aws_instance: { i: { ami: "ami-1", instance_type: "x9.huge", subnet_id: "${aws_subnet.s.id}" } },
    });
    expect(() => run([doc])).toThrow(/aws_instance\.i: instance type "x9\.huge" has no price in the eu-west-1 table \(priced: t3\.nano/);
  });
});
