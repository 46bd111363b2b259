import {
  type Instance,
  type Model,
  ModelBuilder,
  type SgRule,
  analyze,
  buildModel,
  newVpcDefaults,
} from "../../lib/reach";
import { type Cidr, parseAddress, parseCidr } from "../../lib/reach/cidr";
import { inputError, pair, twoPeeredVpcs } from "./terraform";

const cidr = (text: string): Cidr => parseCidr(text) as Cidr;
const address = (text: string): bigint => (parseAddress(text) as { value: bigint }).value;

const icmpIn = (source: string, from: string): SgRule => ({
  source,
  egress: false,
  protocol: 1,
  fromPort: -1,
  toPort: -1,
  cidrs: [cidr(from)],
  groups: [],
  self: false,
});
const allOut = (source: string): SgRule => ({
  source,
  egress: true,
  protocol: -1,
  fromPort: -1,
  toPort: -1,
  cidrs: [cidr("0.0.0.0/0")],
  groups: [],
  self: false,
});

/**
 * Two VPCs as EC2's Describe calls report them: ids for keys, real main route tables with their
 * association, every subnet explicitly in its network ACL, a peering connection with its status.
 */
function livePair(status: string, change: (b: ModelBuilder) => void = () => undefined): Model {
  const b = new ModelBuilder();
  for (const [n, octet] of [
    ["1", 0],
    ["2", 1],
  ] as const) {
    const vpc = `vpc-${n}`;
    b.addVpc({
      address: vpc,
      stack: "eu-west-1",
      region: "eu-west-1",
      ipv4: [{ cidr: cidr(`10.${octet}.0.0/16`), source: vpc }],
      ipv6: [],
    });
    b.addSubnet({
      address: `subnet-${n}`,
      vpc,
      ipv4: cidr(`10.${octet}.1.0/24`),
      ipv6: undefined,
      assignIpv6OnCreation: false,
    });
    b.addRouteTable({
      address: `rtb-${n}`,
      label: `rtb-${n}`,
      vpc,
      routes: [
        {
          source: `rtb-${n}`,
          destination: cidr(`10.${1 - octet}.0.0/16`),
          target: { kind: "peering", peering: "pcx-1" },
        },
      ],
    });
    b.addMainRouteTableAssociation({ source: `rtbassoc-${n}`, from: vpc, to: `rtb-${n}` });
    b.addNetworkAcl({
      address: `acl-${n}`,
      label: `acl-${n}`,
      vpc,
      rules: newVpcDefaults({ address: vpc, stack: "", region: undefined, ipv4: [], ipv6: [] }).networkAcl.rules,
    });
    b.addNetworkAclAssociation({ source: `aclassoc-${n}`, from: `subnet-${n}`, to: `acl-${n}` });
    b.addSecurityGroup({
      address: `sg-${n}`,
      label: `sg-${n}`,
      vpc,
      region: "eu-west-1",
      rules: [icmpIn(`sg-${n}`, "10.0.0.0/8"), allOut(`sg-${n}`)],
    });
    b.addInstance({
      address: `i-${n}`,
      stack: "eu-west-1",
      subnet: `subnet-${n}`,
      securityGroups: [`sg-${n}`],
      ipv4: address(`10.${octet}.1.10`),
      ipv6: undefined,
      wantsIpv6: false,
      tags: { Name: n },
    });
  }
  b.addPeering({
    address: "pcx-1",
    region: "eu-west-1",
    requesterVpc: "vpc-1",
    accepterVpc: "vpc-2",
    peerRegion: "eu-west-1",
    peerRegionSet: false,
    peerOwnerId: undefined,
    autoAccept: false,
    accepters: [],
    status,
  });
  change(b);
  return b.build();
}

describe("a loader other than Terraform's builds the same kind of model", () => {
  it("gets the same verdict from live-style entities as from the equivalent Terraform", () => {
    expect(pair(analyze(livePair("active")), "i-1", "i-2")).toMatchObject({ reachable: true });
    expect(
      pair(
        analyze(buildModel([{ stack: "t", file: "t.tf.json", json: twoPeeredVpcs() }])),
        "aws_instance.a",
        "aws_instance.b",
      ),
    ).toMatchObject({
      reachable: true,
    });
  });

  it("takes a peering's status from AWS when the loader reports it", () => {
    expect(pair(analyze(livePair("pending-acceptance")), "i-1", "i-2").reason).toBe(
      "rtb-1: 10.1.0.0/16 → pcx-1: the peering is not active: AWS reports it as pending-acceptance",
    );
  });
});

describe("the model builder refuses a model the analysis could not walk", () => {
  const instance = (change: Partial<Instance>) => (b: ModelBuilder) =>
    b.addInstance({
      address: "i-3",
      stack: "",
      subnet: "subnet-1",
      securityGroups: ["sg-1"],
      ipv4: undefined,
      ipv6: undefined,
      wantsIpv6: false,
      tags: {},
      ...change,
    });
  it.each([
    [
      "an instance in a subnet it does not have",
      instance({ subnet: "subnet-9" }),
      /^i-3: is in subnet-9, which is not a subnet of the model$/,
    ],
    [
      "an instance in a group it does not have",
      instance({ securityGroups: ["sg-9"] }),
      /^i-3: uses sg-9, which is not a security group/,
    ],
    ["an IPv4 address beyond 32 bits", instance({ ipv4: 1n << 40n }), /^i-3: has 1099511627776 as its ipv4 address/],
    [
      "a subnet of a VPC it does not have",
      (b: ModelBuilder) =>
        b.addSubnet({
          address: "subnet-3",
          vpc: "vpc-9",
          ipv4: cidr("10.0.2.0/24"),
          ipv6: undefined,
          assignIpv6OnCreation: false,
        }),
      /^subnet-3: is in vpc-9, which is not a VPC of the model$/,
    ],
    [
      "a subnet without a route table (no main table, no default table)",
      (b: ModelBuilder) => {
        b.addVpc({
          address: "vpc-3",
          stack: "",
          region: undefined,
          ipv4: [{ cidr: cidr("10.2.0.0/16"), source: "vpc-3" }],
          ipv6: [],
        });
        b.addNetworkAcl({ address: "vpc-3.default_network_acl", label: "acl", vpc: "vpc-3", rules: [] });
        b.addSubnet({
          address: "subnet-3",
          vpc: "vpc-3",
          ipv4: cidr("10.2.1.0/24"),
          ipv6: undefined,
          assignIpv6OnCreation: false,
        });
      },
      /^subnet-3: has no route table: neither its own, nor a main table of vpc-3$/,
    ],
    [
      "an association to a route table it does not have",
      (b: ModelBuilder) => b.addRouteTableAssociation({ source: "rtbassoc-9", from: "subnet-1", to: "rtb-9" }),
      /^rtbassoc-9: associates subnet-1 with rtb-9, which is not a route table of the model$/,
    ],
    [
      "a network ACL rule number of 0",
      (b: ModelBuilder) =>
        b.addNaclRules("acl-1", [
          {
            ...newVpcDefaults({ address: "x", stack: "", region: undefined, ipv4: [], ipv6: [] }).networkAcl.rules[0],
            source: "entry-0",
            ruleNo: 0,
          },
        ]),
      /^entry-0: rule number 0 is not a whole number from 1 to 32766$/,
    ],
    [
      "a fractional port",
      (b: ModelBuilder) => b.addSgRules("sg-1", [{ ...icmpIn("rule-1", "10.0.0.0/8"), fromPort: 1.5 }]),
      /^rule-1: from_port 1\.5 is not a whole number from -1 to 65535$/,
    ],
    [
      "a CIDR whose text and range disagree",
      (b: ModelBuilder) =>
        b.addSgRules("sg-1", [{ ...icmpIn("rule-1", "10.0.0.0/8"), cidrs: [{ ...cidr("10.0.0.0/8"), prefix: 7 }] }]),
      /^rule-1: a CIDR of the rule \(10\.0\.0\.0\/8, from 10\.0\.0\.0, \/7\) is not a CIDR block$/,
    ],
    [
      "the same VPC twice",
      (b: ModelBuilder) => b.addVpc({ address: "vpc-1", stack: "", region: undefined, ipv4: [], ipv6: [] }),
      /^vpc-1: is declared twice/,
    ],
    [
      "routes for a table it does not have",
      (b: ModelBuilder) => b.addRoutes("rtb-9", []),
      /^rtb-9: refers to rtb-9, which is not a route table/,
    ],
  ])("%s", (_, change, message) => {
    expect(inputError(() => livePair("active", change))).toMatch(message);
  });
});
