import { parseConfig } from "../lib/config";
import { configWarnings } from "../lib/config/shape-checks";
import { defaultWith, manyVpcs, problemsOf } from "../test-support/configs";

const a = { name: "a", cidr: "10.0.0.0/24" };
const b = { name: "b", cidr: "10.0.1.0/24" };
const vpn = (connections: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  defaultWith({ vpcs: [{ ...a, vpnConnections: connections }, b], ...extra });
const secondary = (cidrs: unknown, primary = a.cidr, extra: Record<string, unknown> = {}) =>
  defaultWith({ vpcs: [{ ...a, cidr: primary, secondaryCidrs: cidrs, ...extra }, b] });

describe("IPv6 in the config", () => {
  it("gives every VPC IPv6 from the top-level key, unless its own key says otherwise", () => {
    const config = parseConfig(defaultWith({ ipv6: true, vpcs: [a, { ...b, ipv6: false }] }));
    expect(config.vpcs.map((v) => v.ipv6 ?? false)).toEqual([true, false]);
  });

  it.each([
    [
      "IPv6 on a previous generation type without it",
      defaultWith({ ipv6: true, instanceType: "m3.medium" }),
      'instanceType "m3.medium" is a previous generation type without IPv6 (AWS supports IPv6 on current generation types and on C3, R3 and I2 only), but vpcs[0] ("a"), vpcs[1] ("b") have ipv6: use a current generation type such as "t3.nano", or turn ipv6 off',
    ],
    [
      "IPv6 on one VPC of a t1.micro config",
      defaultWith({ instanceType: "t1.micro", vpcs: [a, { ...b, ipv6: true }] }),
      'but vpcs[1] ("b") has ipv6',
    ],
    [
      "ipv6 as a string",
      defaultWith({ ipv6: "yes" }),
      'ipv6 is "yes" (a string): use true (an Amazon-provided IPv6 /56, a /64 per subnet) or false',
    ],
    [
      "a VPC's ipv6 as a number",
      defaultWith({ vpcs: [{ ...a, ipv6: 1 }, b] }),
      "vpcs[0].ipv6 is 1 (a whole number): use true",
    ],
  ])("rejects %s, naming the field, the value and the fix", (_, raw, message) => {
    expect(problemsOf(raw)).toEqual(expect.arrayContaining([expect.stringContaining(message)]));
  });

  it("accepts IPv6 on C3, R3 and I2, the previous generation types that have it", () => {
    for (const instanceType of ["c3.large", "r3.large", "i2.xlarge"])
      expect(() => parseConfig(defaultWith({ ipv6: true, instanceType }))).not.toThrow();
  });
});

describe("secondary IPv4 blocks in the config", () => {
  it("keeps them in config order", () => {
    expect(parseConfig(secondary(["10.9.0.0/16", "100.64.0.0/20"])).vpcs[0].secondaryCidrs).toEqual([
      "10.9.0.0/16",
      "100.64.0.0/20",
    ]);
  });

  it.each([
    [
      "a block overlapping the VPC's own",
      secondary(["10.0.0.0/25"]),
      'vpcs[0].secondaryCidrs[0] "10.0.0.0/25" overlaps vpcs[0].cidr "10.0.0.0/24": the blocks of a VPC must not overlap, pick another range',
    ],
    [
      "two overlapping secondary blocks",
      secondary(["10.9.0.0/16", "10.9.4.0/24"]),
      'vpcs[0].secondaryCidrs[1] "10.9.4.0/24" overlaps vpcs[0].secondaryCidrs[0] "10.9.0.0/16"',
    ],
    [
      "a block overlapping a peer's",
      secondary(["10.0.1.0/24"], "10.2.0.0/24"),
      'vpcs[1].cidr "10.0.1.0/24" overlaps vpcs[0].secondaryCidrs[0] "10.0.1.0/24" (peerings[0] peers them; AWS refuses a peering when any block of one VPC overlaps any block of the other): change one of the blocks',
    ],
    [
      "blocks of two VPCs overlapping in a full mesh",
      defaultWith({
        vpcs: [
          { ...a, secondaryCidrs: ["10.9.0.0/16"] },
          { ...b, secondaryCidrs: ["10.9.128.0/17"] },
        ],
        peerings: "full-mesh",
      }),
      'vpcs[1].secondaryCidrs[0] "10.9.128.0/17" overlaps vpcs[0].secondaryCidrs[0] "10.9.0.0/16" (peerings "full-mesh" peers them',
    ],
    [
      "another RFC 1918 range",
      secondary(["192.168.0.0/16"]),
      'vpcs[0].secondaryCidrs[0] "192.168.0.0/16" lies in 192.168.0.0/16, which AWS does not associate with a VPC whose primary block vpcs[0].cidr is "10.0.0.0/24" (IPv4 CIDR block association restrictions): use another block from 10.0.0.0/8, or one from 100.64.0.0/10',
    ],
    [
      "172.31.0.0/16 beside a 172.16.0.0/12 block",
      secondary(["172.31.0.0/16"], "172.20.0.0/16"),
      'vpcs[0].secondaryCidrs[0] "172.31.0.0/16" lies in 172.31.0.0/16',
    ],
    [
      "198.19.0.0/16 beside a private block",
      secondary(["198.19.0.0/20"]),
      "lies in 198.19.0.0/16, which AWS does not associate",
    ],
    [
      "a private block beside a public one",
      secondary(["10.9.0.0/16"], "100.64.0.0/24"),
      '"10.9.0.0/16" lies in 10.0.0.0/8, which AWS does not associate with a VPC whose primary block vpcs[0].cidr is "100.64.0.0/24" (IPv4 CIDR block association restrictions): use a publicly routable block or one from 100.64.0.0/10',
    ],
    [
      "10.0.0.0/16 beside a block in 10.0.0.0/15",
      secondary(["10.0.128.0/24"], "10.1.0.0/24"),
      'vpcs[0].secondaryCidrs[0] "10.0.128.0/24" lies in 10.0.0.0/16, and vpcs[0].cidr "10.1.0.0/24" in 10.0.0.0/15: AWS associates no block from 10.0.0.0/16 with such a VPC',
    ],
    [
      "a block larger than /16",
      secondary(["10.8.0.0/15"]),
      'vpcs[0].secondaryCidrs[0] "10.8.0.0/15" has prefix /15: AWS accepts VPC blocks from /16 to /28',
    ],
    [
      "a block smaller than /28",
      secondary(["10.9.0.0/29"]),
      'vpcs[0].secondaryCidrs[0] "10.9.0.0/29" has prefix /29: AWS accepts VPC blocks from /16 to /28, and the app cuts a private subnet per AZ from each secondary block: use /28 or shorter',
    ],
    [
      "a /28 for two AZs",
      secondary(["10.9.0.0/28"], a.cidr, { maxAzs: 2 }),
      'vpcs[0].secondaryCidrs[0] "10.9.0.0/28" is too small for a private subnet in each of 2 AZs',
    ],
    [
      "host bits",
      secondary(["10.9.0.1/16"]),
      'vpcs[0].secondaryCidrs[0] "10.9.0.1/16" is not a network address (host bits are set): use "10.9.0.0/16"',
    ],
    ["a block AWS reserves", secondary(["169.254.0.0/16"]), "which AWS does not allow for VPCs"],
    [
      "more blocks than the quota",
      secondary(["10.4.0.0/16", "10.5.0.0/16", "10.6.0.0/16", "10.7.0.0/16", "10.8.0.0/16"]),
      'vpcs[0] has 6 IPv4 blocks (cidr and secondaryCidrs), over the quota of 5 IPv4 CIDR blocks per VPC (AWS\'s default is 5): request an increase of "IPv4 CIDR blocks per VPC" (L-83CA0A9D) in Service Quotas, up to 50, and set "ipv4BlocksPerVpc" to it',
    ],
    [
      "more blocks than AWS allows at all",
      secondary(Array.from({ length: 50 }, (_, i) => `10.${100 + i}.0.0/16`)),
      "vpcs[0].secondaryCidrs is",
    ],
    [
      "secondaryCidrs as a string",
      secondary("10.9.0.0/16"),
      'vpcs[0].secondaryCidrs is "10.9.0.0/16" (a string): list at most 49 IPv4 blocks such as ["10.1.0.0/16"]',
    ],
    [
      "ipv4BlocksPerVpc above AWS's ceiling",
      defaultWith({ ipv4BlocksPerVpc: 51 }),
      "ipv4BlocksPerVpc is 51: use your account's quota of IPv4 CIDR blocks per VPC: a whole number from 1 to 50",
    ],
  ])("rejects %s, naming the field, the value and the fix", (_, raw, message) => {
    expect(problemsOf(raw)).toEqual(expect.arrayContaining([expect.stringContaining(message)]));
  });

  it("accepts a sixth block once ipv4BlocksPerVpc says so", () => {
    const raw = {
      ...secondary(["10.4.0.0/16", "10.5.0.0/16", "10.6.0.0/16", "10.7.0.0/16", "10.8.0.0/16"]),
      ipv4BlocksPerVpc: 6,
    };
    expect(parseConfig(raw).vpcs[0].secondaryCidrs).toHaveLength(5);
  });
});

describe("routes per route table", () => {
  const mesh = (n: number, extra: Record<string, unknown> = {}) => ({
    vpcs: manyVpcs(n),
    peerings: "full-mesh",
    peeringQuota: 125,
    ...extra,
  });

  it.each([
    [
      "50 peers and a NAT gateway's default route",
      mesh(51),
      'VPC "v0": each private route table (v0-private-0) needs 51 IPv4 routes (a default route to the NAT gateway and 50 to its peers\' blocks), over the quota of 50 routes per route table (AWS\'s default is 50): request an increase of "Routes per route table" (L-93826ACB) in Service Quotas, up to 1,000, and set "routesPerRouteTable" to it',
    ],
    [
      "a peer's secondary blocks",
      defaultWith({ routesPerRouteTable: 3, vpcs: [a, { ...b, secondaryCidrs: ["10.9.0.0/16", "10.10.0.0/16"] }] }),
      'VPC "a": each private route table (a-private-0) needs 4 IPv4 routes (a default route to the NAT gateway and 3 to its peers\' blocks), over the quota of 3',
    ],
    [
      "IPv6 routes",
      defaultWith({
        ipv6: true,
        natGateways: "none",
        routesPerRouteTable: 2,
        vpcs: [a, b, { name: "c", cidr: "10.0.2.0/24" }],
        peerings: [
          ["a", "b"],
          ["a", "c"],
        ],
      }),
      'VPC "a": each private route table (a-private-0) needs 3 IPv6 routes (a default route to the egress-only internet gateway and 2 to its peers\' blocks), over the quota of 2 routes per route table',
    ],
    [
      "every AZ's table named",
      mesh(51, { maxAzs: 2 }),
      "each private route table (v0-private-0, v0-private-1) needs 51 IPv4 routes",
    ],
    [
      "a quota above AWS's ceiling",
      defaultWith({ routesPerRouteTable: 1001 }),
      "routesPerRouteTable is 1001: use your account's quota of routes per route table: a whole number from 1 to 1,000",
    ],
  ])("rejects %s, naming the tables, the count and the quota to raise", (_, raw, message) => {
    expect(problemsOf(raw)).toEqual(expect.arrayContaining([expect.stringContaining(message)]));
  });

  it("counts IPv6 routes against the quota apart from IPv4 ones", () => {
    const raw = defaultWith({
      ipv6: true,
      routesPerRouteTable: 2,
      vpcs: [a, b, { name: "c", cidr: "10.0.2.0/24", ipv6: false }],
      peerings: [
        ["a", "b"],
        ["a", "c"],
      ],
    });
    expect(problemsOf(raw)).toEqual([
      expect.stringContaining('VPC "a": each private route table (a-private-0) needs 3 IPv4 routes'),
    ]);
    expect(() => parseConfig({ ...raw, routesPerRouteTable: 3 })).not.toThrow();
  });

  it.each([
    ["50 peers without NAT gateways", mesh(51, { natGateways: "none" })],
    ["50 peers with the quota raised to 51", mesh(51, { routesPerRouteTable: 51 })],
  ])("accepts %s", (_, raw) => {
    expect(() => parseConfig(raw)).not.toThrow();
  });
});

describe("VPN connections in the config", () => {
  it("resolves each connection's ASN to AWS's default and keeps static routes", () => {
    const config = parseConfig(
      vpn({ office: { ip: "203.0.113.12", staticRoutes: ["192.168.0.0/16"] }, dc: { ip: "198.51.100.7", asn: 65010 } }),
    );
    expect(config.vpcs[0].vpnConnections).toEqual({
      office: { ip: "203.0.113.12", asn: 65000, staticRoutes: ["192.168.0.0/16"] },
      dc: { ip: "198.51.100.7", asn: 65010 },
    });
  });

  it.each([
    [
      "a private address",
      vpn({ office: { ip: "10.1.2.3" } }),
      'vpcs[0].vpnConnections.office.ip "10.1.2.3" is not a public address (10.0.0.0/8, private, RFC 1918): give the public IPv4 address of your VPN device, or of the NAT device in front of it',
    ],
    [
      "a carrier-grade NAT address",
      vpn({ office: { ip: "100.64.1.1" } }),
      'office.ip "100.64.1.1" is not a public address (100.64.0.0/10, shared address space',
    ],
    [
      "a malformed address",
      vpn({ office: { ip: "203.0.113" } }),
      'vpcs[0].vpnConnections.office.ip "203.0.113" is not an IPv4 address: use dotted decimal such as "203.0.113.12"',
    ],
    [
      "an address with a leading zero",
      vpn({ office: { ip: "203.0.113.012" } }),
      'office.ip "203.0.113.012" is not an IPv4 address (each byte 0-255, without leading zeros)',
    ],
    [
      "a missing address",
      vpn({ office: {} }),
      'vpcs[0].vpnConnections.office.ip is missing: use the public IPv4 address of your VPN device, such as "203.0.113.12"',
    ],
    [
      "ASN 0",
      vpn({ office: { ip: "203.0.113.12", asn: 0 } }),
      "vpcs[0].vpnConnections.office.asn is 0: use a whole number from 1 to 2,147,483,647: your network's ASN, or a private one from 64,512 to 65,534",
    ],
    [
      "an ASN past 2,147,483,647",
      vpn({ office: { ip: "203.0.113.12", asn: 2_147_483_648 } }),
      "office.asn is 2147483648: use a whole number from 1 to 2,147,483,647",
    ],
    [
      "ASN 7224, reserved everywhere",
      vpn({ office: { ip: "203.0.113.12", asn: 7224 } }),
      "vpcs[0].vpnConnections.office.asn 7224 is reserved by AWS in every region: use your network's own ASN, or a private one from 64,512 to 65,534",
    ],
    [
      "ASN 9059 in eu-west-1",
      vpn({ office: { ip: "203.0.113.12", asn: 9059 } }),
      "office.asn 9059 is reserved by AWS in eu-west-1",
    ],
    [
      "the VPN gateway's own ASN with BGP",
      vpn({ office: { ip: "203.0.113.12", asn: 64512 } }),
      "office.asn 64512 is the ASN of the Amazon side of the VPN gateway, and BGP needs two different ones",
    ],
    [
      "an empty list of static routes",
      vpn({ office: { ip: "203.0.113.12", staticRoutes: [] } }),
      'vpcs[0].vpnConnections.office.staticRoutes is []: list 1 to 100 IPv4 blocks of your network such as ["192.168.0.0/16"], or leave staticRoutes out for BGP',
    ],
    [
      "a malformed static route",
      vpn({ office: { ip: "203.0.113.12", staticRoutes: ["192.168.0.0"] } }),
      'office.staticRoutes[0] "192.168.0.0" is not an IPv4 CIDR block',
    ],
    [
      "a static route listed twice",
      vpn({ office: { ip: "203.0.113.12", staticRoutes: ["192.168.0.0/16", "192.168.0.0/16"] } }),
      'office.staticRoutes[1] "192.168.0.0/16" repeats vpcs[0].vpnConnections.office.staticRoutes[0]: list each block once',
    ],
    [
      "a static route over the VPC's block",
      vpn({ office: { ip: "203.0.113.12", staticRoutes: ["10.0.0.0/16"] } }),
      'office.staticRoutes[0] "10.0.0.0/16" overlaps vpcs[0].cidr "10.0.0.0/24", the VPC\'s own block: the VPC\'s local route would win',
    ],
    [
      "a static route over a peer's block",
      vpn({ office: { ip: "203.0.113.12", staticRoutes: ["10.0.1.0/25"] } }),
      'vpcs[0].vpnConnections.office.staticRoutes[0] "10.0.1.0/25" overlaps vpcs[1].cidr "10.0.1.0/24" of a peered VPC (peerings[0] peers them): the two routes would compete in the route table, and a peer cannot use this VPN anyway (no edge-to-edge routing)',
    ],
    [
      "a static route over a peer's block in a full mesh",
      vpn(
        { office: { ip: "203.0.113.12", staticRoutes: ["10.0.0.0/8"] } },
        {
          vpcs: [
            {
              ...a,
              cidr: "172.16.0.0/24",
              vpnConnections: { office: { ip: "203.0.113.12", staticRoutes: ["10.0.0.0/8"] } },
            },
            b,
          ],
          peerings: "full-mesh",
        },
      ),
      'office.staticRoutes[0] "10.0.0.0/8" overlaps vpcs[1].cidr "10.0.1.0/24" of a peered VPC (peerings "full-mesh" peers them)',
    ],
    [
      "more static routes than a route table takes by propagation",
      vpn(
        Object.fromEntries(
          [0, 1].map((n) => [
            `c${n}`,
            {
              ip: `203.0.113.${n + 1}`,
              staticRoutes: Array.from({ length: 51 }, (_, i) => `192.168.${n * 51 + i}.0/24`),
            },
          ]),
        ),
      ),
      "vpcs[0].vpnConnections have 102 distinct static routes, which reach each private route table by propagation: AWS takes at most 100 propagated routes per route table (a hard limit)",
    ],
    [
      "two entries AWS would make one customer gateway of",
      defaultWith({
        vpcs: [
          { ...a, vpnConnections: { office: { ip: "203.0.113.12" } } },
          { ...b, vpnConnections: { office: { ip: "203.0.113.12" } } },
        ],
      }),
      "vpcs[1].vpnConnections.office has the same ip and asn as vpcs[0].vpnConnections.office: AWS makes one customer gateway of both",
    ],
    [
      "two connections of one VPC to the same device",
      vpn({ one: { ip: "203.0.113.12" }, two: { ip: "203.0.113.12", asn: 65001 } }),
      'vpcs[0].vpnConnections.two.ip "203.0.113.12" is also vpcs[0].vpnConnections.one.ip: AWS refuses a second connection from one VPN gateway to the same device address',
    ],
    [
      "an unknown key",
      vpn({ office: { ip: "203.0.113.12", psk: "secret" } }),
      'vpcs[0].vpnConnections.office has unknown key "psk": remove it (allowed: ip, asn, staticRoutes)',
    ],
    [
      "a name that is no resource id",
      vpn({ "Head Office": { ip: "203.0.113.12" } }),
      `vpcs[0].vpnConnections has the name "Head Office": name each connection with 1 to 31 lowercase letters, digits and '-', starting with a letter`,
    ],
    [
      "connections as a list",
      vpn([{ ip: "203.0.113.12" }] as unknown as Record<string, unknown>),
      'vpcs[0].vpnConnections is [{"ip":"203.0.113.12"}] (an array): write an object of named connections such as {"office": {"ip": "203.0.113.12"}}',
    ],
  ])("rejects %s, naming the field, the value and the fix", (_, raw, message) => {
    expect(problemsOf(raw)).toEqual(expect.arrayContaining([expect.stringContaining(message)]));
  });

  it.each([
    ["ASN 9059 outside eu-west-1", vpn({ office: { ip: "203.0.113.12", asn: 9059 } }, { region: "us-east-1" })],
    [
      "ASN 64512 with static routes",
      vpn({ office: { ip: "203.0.113.12", asn: 64512, staticRoutes: ["192.168.0.0/16"] } }),
    ],
    [
      "the same device from two VPCs, with two ASNs",
      defaultWith({
        vpcs: [
          { ...a, vpnConnections: { office: { ip: "203.0.113.12" } } },
          { ...b, vpnConnections: { office: { ip: "203.0.113.12", asn: 65001 } } },
        ],
      }),
    ],
  ])("accepts %s", (_, raw) => {
    expect(() => parseConfig(raw)).not.toThrow();
  });
});

describe("configWarnings", () => {
  const warningsOf = (raw: unknown) => configWarnings(parseConfig(raw));

  it("has nothing to say about the built-in default", () => {
    expect(warningsOf(defaultWith({}))).toEqual([]);
  });

  it.each([
    [
      "6 VPCs in one region",
      { vpcs: manyVpcs(6), natGateways: "none" },
      "6 VPCs in eu-west-1: more than AWS's default quota \"VPCs per Region\" (L-F678F1CE, service Amazon Virtual Private Cloud (Amazon VPC)) of 5; the apply fails unless your account's quota is higher: check it, or request an increase, in Service Quotas",
    ],
    [
      "6 NAT gateways' Elastic IPs",
      { vpcs: manyVpcs(3), maxAzs: 2 },
      '6 Elastic IPs (one per NAT gateway) in eu-west-1: more than AWS\'s default quota "EC2-VPC Elastic IPs" (L-0263D0A3, service Amazon Elastic Compute Cloud (Amazon EC2)) of 5',
    ],
    [
      "6 NAT gateways in the first AZ",
      { vpcs: manyVpcs(6), natGateways: "single" },
      '6 NAT gateways in the first AZ of eu-west-1: more than AWS\'s default quota "NAT gateways per Availability Zone" (L-FE5A380F',
    ],
    [
      "6 VPN gateways",
      {
        vpcs: manyVpcs(6).map((v, i) => ({ ...v, vpnConnections: { office: { ip: `203.0.113.${i + 1}` } } })),
        natGateways: "none",
      },
      '6 VPN gateways in eu-west-1: more than AWS\'s default quota "Virtual private gateways per region" (L-7029FAB6',
    ],
    [
      "11 connections on one VPN gateway",
      {
        vpcs: [
          {
            ...a,
            vpnConnections: Object.fromEntries(
              Array.from({ length: 11 }, (_, i) => [`c${i}`, { ip: `203.0.113.${i + 1}` }]),
            ),
          },
        ],
      },
      '11 VPN connections on the VPN gateway of VPC "a": more than AWS\'s default quota "VPN connections per VGW" (L-B91E5754',
    ],
    [
      "instances without NAT gateways or SSM endpoints",
      defaultWith({ natGateways: "none", ssmEndpoints: false }),
      'the instances of a, b cannot reach Systems Manager: natGateways is "none" and ssmEndpoints is false',
    ],
  ])("warns about %s, naming the quota", (_, raw, message) => {
    expect(warningsOf(raw)).toEqual(expect.arrayContaining([expect.stringContaining(message)]));
  });

  it("says nothing about ssmEndpoints where NAT gateways reach SSM", () => {
    expect(warningsOf(defaultWith({ ssmEndpoints: false }))).toEqual([]);
  });
});
