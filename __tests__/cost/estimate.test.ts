import {
  cents,
  CostInputError,
  estimate,
  formatEstimate,
  monthlyTotal,
  priceTable,
  pricedRegions,
  stackTotal,
  type Estimate,
} from "../../lib/cost";
import { buildModel, type StackDocument } from "../../lib/reach";

/** A hand-written stack: one aws provider in `region` (none when undefined) and the given resources. */
function stack(
  name: string,
  region: string | undefined,
  resource: Record<string, Record<string, Record<string, unknown>>>,
): StackDocument {
  return {
    stack: name,
    file: `${name}.tf.json`,
    json: { provider: { aws: [region === undefined ? {} : { region }] }, resource },
  };
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
          aws_nat_gateway: {
            a: { subnet_id: "${aws_subnet.pub.id}", allocation_id: "${aws_eip.a.id}" },
            b: { subnet_id: "${aws_subnet.pub.id}", allocation_id: "${aws_eip.b.id}" },
          },
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
        aws_instance: {
          i: {
            ami: "ami-1",
            instance_type: "t4g.nano",
            subnet_id: "${aws_subnet.s.id}",
            root_block_device: { volume_type: "gp2", volume_size: 20 },
          },
        },
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
        aws_instance: {
          i: {
            ami: "ami-1",
            instance_type: "t3.nano",
            subnet_id: "${aws_subnet.s.id}",
            associate_public_ip_address: false,
          },
        },
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
            ssm: {
              vpc_endpoint_type: "Interface",
              service_name: "com.amazonaws.eu-west-1.ssm",
              vpc_id: "vpc-1",
              subnet_ids: ["subnet-a", "subnet-b", "subnet-c"],
            },
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
          aws_ec2_network_insights_analysis: {
            a: { network_insights_path_id: "nip-1" },
            b: { network_insights_path_id: "nip-2" },
          },
        }),
      ],
      50,
    );
    expect(amount(e, "data over peerings, across AZs (both directions charged)")).toBe(1); // 50 GB × 2 × $0.01
    expect(amount(e, "data over inter-region peerings")).toBe(1); // 50 GB × $0.02
    expect(e.lines.find((l) => !l.monthly)).toEqual(
      expect.objectContaining({ item: "Reachability Analyzer analyses", quantity: 2, amount: 0.2 }),
    );
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
    const e = run([stack("lb", "eu-west-1", { aws_lb: { l: {} } })]);
    expect([...e.unpriced]).toEqual([["lb/aws_lb", 1]]);
    expect(formatEstimate(e, "x")).toContain("Not priced (they cost money; add them yourself): lb/aws_lb × 1");
  });

  it("uses --region for resources whose provider sets none", () => {
    const e = run([stack("a", undefined, { aws_eip: { x: {} } })], 0, "us-east-1");
    expect(e.lines[0]).toEqual(expect.objectContaining({ region: "us-east-1", amount: 3.65 }));
  });

  it.each([
    [
      "a region without a price table",
      stack("a", "ap-south-2", { aws_eip: { x: {} } }),
      /no price table for region "ap-south-2" \(tables: eu-west-1, us-east-1\): add lib\/cost\/prices\/ap-south-2\.json/,
    ],
    [
      "a provider without a region",
      stack("a", undefined, { aws_eip: { x: {} } }),
      /aws_eip\.x: its aws provider sets no region .*: pass --region REGION/,
    ],
    [
      "for_each, which cannot be counted offline",
      stack("a", "eu-west-1", { aws_eip: { x: { count: 1 } }, aws_vpc_endpoint: { v: { for_each: "${var.x}" } } }),
      /aws_vpc_endpoint\.v: uses for_each/,
    ],
    [
      "a count that is not a literal",
      stack("a", "eu-west-1", { aws_eip: { x: { count: "${var.n}" } } }),
      /aws_eip\.x: count = "\$\{var\.n\}" is not a literal whole number/,
    ],
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
    expect(() => run([doc])).toThrow(
      /aws_instance\.i: no price for instance type "x9\.huge" in the eu-west-1 table \(priced: t3\.nano/,
    );
  });
});

describe("the monthly estimate of transit gateways", () => {
  const tgw = (region: string, peered = true) =>
    stack(`tgw-${region}`, region, {
      ...vpc,
      aws_subnet: { s: { vpc_id: "${aws_vpc.v.id}", cidr_block: "10.0.0.0/28" } },
      aws_ec2_transit_gateway: { t: {}, u: {} },
      aws_ec2_transit_gateway_vpc_attachment: Object.fromEntries(
        ["a", "b", "c"].map((n) => [
          n,
          {
            transit_gateway_id: "${aws_ec2_transit_gateway.t.id}",
            vpc_id: "${aws_vpc.v.id}",
            subnet_ids: ["${aws_subnet.s.id}"],
          },
        ]),
      ),
      ...(peered
        ? {
            aws_ec2_transit_gateway_peering_attachment: {
              p: {
                transit_gateway_id: "${aws_ec2_transit_gateway.t.id}",
                peer_transit_gateway_id: "${aws_ec2_transit_gateway.u.id}",
              },
            },
            aws_ec2_transit_gateway_peering_attachment_accepter: {
              p: { transit_gateway_attachment_id: "${aws_ec2_transit_gateway_peering_attachment.p.id}" },
            },
          }
        : {}),
    });

  it.each(["eu-west-1", "us-east-1"])(
    "charges in %s each VPC attachment and each side of a peering attachment by the hour, the gateway nothing, and what VPC attachments send in by the GB",
    (region) => {
      const { attachmentHourly, dataProcessingPerGb } = priceTable(region).transitGateway;
      const e = estimate([tgw(region)], buildModel([tgw(region)]), {
        gb: 0,
        tgwGb: 250,
        prices: (r) => priceTable(r),
      });
      const line = (item: string) => e.lines.find((l) => l.item === item);
      expect(line("transit gateway VPC attachment hours")).toEqual(
        expect.objectContaining({ region, quantity: 3, amount: cents(3 * 730 * attachmentHourly) }),
      );
      expect(line("transit gateway data processing (sent by VPC attachments)")).toEqual(
        expect.objectContaining({ quantity: 750, amount: cents(750 * dataProcessingPerGb) }),
      );
      expect(line("transit gateway peering attachment hours (requester side)")?.amount).toBe(
        cents(730 * attachmentHourly),
      );
      expect(line("transit gateway peering attachment hours (accepter side)")?.amount).toBe(
        cents(730 * attachmentHourly),
      );
      expect(e.lines.filter((l) => l.item.startsWith("transit gateway"))).toHaveLength(4);
      expect(run([tgw(region, false)]).lines.filter((l) => l.item.includes("peering attachment"))).toEqual([]);
      expect([...e.unpriced]).toEqual([]);
      expect(formatEstimate(e, "x")).toContain(
        `Transit Gateway prices taken ${priceTable(region).transitGateway.taken}`,
      );
      expect(formatEstimate(e, "x")).toContain("250 GB a month sent by each VPC attachment into its transit gateway");
    },
  );

  it("stops with no price for a transit gateway in a region without a price table", () => {
    const doc = stack("t", "ap-south-2", { aws_ec2_transit_gateway: { t: {} } });
    expect(() => run([doc])).toThrow(CostInputError);
    expect(() => run([doc])).toThrow(/no price table for region "ap-south-2"/);
  });
});

describe("prices and sizes from hostile or unusual input", () => {
  /** One instance in eu-west-1 with these arguments. */
  const instance = (body: Record<string, unknown>) =>
    stack("a", "eu-west-1", {
      ...vpc,
      aws_subnet: { s: { vpc_id: "${aws_vpc.v.id}", cidr_block: "10.0.0.0/25" } },
      aws_instance: { i: { ami: "ami-1", instance_type: "t3.nano", subnet_id: "${aws_subnet.s.id}", ...body } },
    });
  const root = (device: Record<string, unknown>) => instance({ root_block_device: device });
  const gbMonths = (e: Estimate) => e.lines.find((l) => l.item.startsWith("EBS "))?.quantity;

  it.each(["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"])(
    "has no price for an instance type or volume type named %s, which every object inherits",
    (name) => {
      expect(() => run([instance({ instance_type: name })])).toThrow(CostInputError);
      expect(() => run([instance({ instance_type: name })])).toThrow(
        `aws_instance.i: no price for instance type "${name}" in the eu-west-1 table`,
      );
      expect(() => run([root({ volume_type: name })])).toThrow(
        `aws_instance.i: no price for root volume type "${name}" in the eu-west-1 table`,
      );
    },
  );

  it.each([
    ["a number", 20, 20],
    ["a numeric string, which Terraform converts", "1000", 1000],
    ["a string in exponent notation", "1e3", 1000],
    ["the largest EBS volume", 65_536, 65_536],
    ["null, which Terraform reads as unset", null, 8],
  ])("reads a volume_size given as %s", (_, size, gb) => {
    expect(gbMonths(run([root({ volume_size: size })]))).toBe(gb);
  });

  it("reads a count given as a numeric string, as Terraform does", () => {
    const e = run([stack("a", "eu-west-1", { aws_eip: { x: { count: "3" } } })]);
    expect(e.lines[0].quantity).toBe(3);
  });

  it.each([
    [
      "negative",
      -8,
      /volume_size = -8 is not a literal whole number of at least 1: give the size in GiB, from 1 to 65536/,
    ],
    ["zero", 0, /volume_size = 0 is not a literal whole number of at least 1/],
    ["a fraction", 8.5, /volume_size = 8\.5 is not a literal whole number/],
    ["1e308", 1e308, /volume_size = 1e\+308 is over 65536: give the size in GiB/],
    ["a string that is not a number", "big", /volume_size = "big" is not a literal whole number/],
    ["a reference", "${var.size}", /volume_size = "\$\{var\.size\}" is not a literal whole number/],
    ["a boolean", true, /volume_size = true is not a literal whole number/],
    ["a list", [8], /volume_size = \[8\] is not a literal whole number/],
  ])("refuses a volume_size that is %s, naming the field and the value", (_, size, message) => {
    expect(() => run([root({ volume_size: size })])).toThrow(CostInputError);
    expect(() => run([root({ volume_size: size })])).toThrow(message);
  });

  it.each([
    ["negative", -1],
    ["a fraction", 1.5],
    ["a string that is not a number", "two"],
  ])("refuses a count that is %s", (_, count) => {
    expect(() => run([stack("a", "eu-west-1", { aws_eip: { x: { count } } })])).toThrow(
      /aws_eip\.x: count = .* is not a literal whole number of at least 0/,
    );
  });
});
