import "cdktf/lib/testing/adapters/jest";
import { Testing, TerraformStack } from "cdktf";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcPeeringConnection } from "@cdktf/provider-aws/lib/vpc-peering-connection";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { NatMode } from "../lib/config";
import { PeeringVpc } from "../lib/constructs/peering-vpc";
import { PingInstance } from "../lib/constructs/ping-instance";
import { VpcPeering } from "../lib/constructs/vpc-peering";
import { synthScope, testApp } from "../test-support/testing";

interface Synthesized {
  readonly resource: Record<string, Record<string, Record<string, unknown>>>;
}

function vpcIn(natGateways: NatMode, azs = 2): { json: Synthesized; vpc: PeeringVpc } {
  const stack = new TerraformStack(testApp(), "test");
  const vpc = new PeeringVpc(stack, "vpc-a", {
    name: "a",
    cidrBlock: "10.0.0.0/24",
    availabilityZones: Array.from({ length: azs }, (_, i) => `eu-west-1${"abc"[i]}`),
    natGateways,
  });
  return { json: JSON.parse(Testing.synth(stack)) as Synthesized, vpc };
}

function resourcesOf(json: Synthesized, type: string): Record<string, unknown>[] {
  return Object.values(json.resource[type] ?? {});
}

describe("PeeringVpc", () => {
  it("creates a VPC with DNS support and hostnames on", () => {
    const synth = synthScope(
      (scope) =>
        new PeeringVpc(scope, "vpc-a", { name: "a", cidrBlock: "10.0.0.0/24", availabilityZones: ["eu-west-1a"] }),
    );
    expect(synth).toHaveResourceWithProperties(Vpc, {
      cidr_block: "10.0.0.0/24",
      enable_dns_hostnames: true,
      enable_dns_support: true,
    });
  });

  it("locks the default security group down to no rules", () => {
    const synth = synthScope(
      (scope) =>
        new PeeringVpc(scope, "vpc-a", { name: "a", cidrBlock: "10.0.0.0/24", availabilityZones: ["eu-west-1a"] }),
    );
    expect(synth).toHaveResource(DefaultSecurityGroup);
    const [sg] = Object.values(JSON.parse(synth).resource.aws_default_security_group) as Record<string, unknown>[];
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
  });

  it("puts a public and a private subnet in each AZ, only the public one mapping public IPs", () => {
    const { json } = vpcIn("per-az");
    const subnets = resourcesOf(json, "aws_subnet").map((s) => [
      s.cidr_block,
      s.availability_zone,
      s.map_public_ip_on_launch ?? false,
    ]);
    expect(subnets).toEqual(
      expect.arrayContaining([
        ["10.0.0.0/27", "eu-west-1a", true],
        ["10.0.0.32/27", "eu-west-1a", false],
        ["10.0.0.64/27", "eu-west-1b", true],
        ["10.0.0.96/27", "eu-west-1b", false],
      ]),
    );
    expect(subnets).toHaveLength(4);
  });

  it.each([
    ["per-az", 2, ["nat-0", "nat-1"]],
    ["single", 1, ["nat-0", "nat-0"]],
    ["none", 0, []],
  ] as const)("with natGateways %s, makes %i NAT gateways and routes private subnets to %j", (mode, count, targets) => {
    const { json, vpc } = vpcIn(mode);
    expect(resourcesOf(json, "aws_nat_gateway")).toHaveLength(count);
    expect(resourcesOf(json, "aws_eip")).toHaveLength(count);
    const privateDefaults = vpc.privateRouteTables.map((rt) =>
      resourcesOf(json, "aws_route").find((r) => r.route_table_id === `\${aws_route_table.${rt.friendlyUniqueId}.id}`),
    );
    const natOf = (id: string) =>
      `\${aws_nat_gateway.${vpc.natGateways.find((n) => n.node.id === id)!.friendlyUniqueId}.id}`;
    expect(privateDefaults.map((r) => r?.nat_gateway_id)).toEqual(
      count === 0 ? [undefined, undefined] : targets.map(natOf),
    );
  });

  it("routes every public subnet to the internet gateway", () => {
    const { json, vpc } = vpcIn("none");
    for (const rt of vpc.publicRouteTables) {
      expect(resourcesOf(json, "aws_route")).toContainEqual(
        expect.objectContaining({
          route_table_id: `\${aws_route_table.${rt.friendlyUniqueId}.id}`,
          destination_cidr_block: "0.0.0.0/0",
          gateway_id: `\${aws_internet_gateway.${vpc.internetGateway.friendlyUniqueId}.id}`,
        }),
      );
    }
  });

  it("places NAT gateways in the public subnets", () => {
    const synth = synthScope(
      (scope) =>
        new PeeringVpc(scope, "vpc-a", { name: "a", cidrBlock: "10.0.0.0/24", availabilityZones: ["eu-west-1a"] }),
    );
    expect(synth).toHaveResourceWithProperties(NatGateway, {
      subnet_id: expect.stringMatching(/^\$\{aws_subnet\.vpc-a_public-0_\w+\.id\}$/),
    });
  });

  it("refuses a block too small for its AZs", () => {
    expect(() =>
      synthScope(
        (scope) => new PeeringVpc(scope, "v", { name: "v", cidrBlock: "10.0.0.0/28", availabilityZones: ["x"] }),
      ),
    ).toThrow('cidrBlock "10.0.0.0/28" cannot hold a public and a private subnet in each of 1 AZs');
  });

  it("keeps addresses stable: ids come from names, never from list positions", () => {
    const { vpc } = vpcIn("per-az");
    expect(vpc.privateSubnets.map((s) => s.node.path)).toEqual(["test/vpc-a/private-0", "test/vpc-a/private-1"]);
  });
});

describe("PingInstance", () => {
  const synth = synthScope(
    (scope) =>
      new PingInstance(scope, "instance-a", {
        name: "a",
        vpcId: "vpc-1",
        subnetId: "subnet-1",
        pingFrom: { b: "10.0.1.0/24", c: "10.0.2.0/24" },
        ami: "ami-1",
        ssmPolicyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
      }),
  );

  it("admits ICMP echo requests from each peer's block and nothing else", () => {
    const rules = Object.values(JSON.parse(synth).resource.aws_vpc_security_group_ingress_rule) as Record<
      string,
      unknown
    >[];
    expect(rules.map((r) => [r.cidr_ipv4, r.ip_protocol, r.from_port, r.to_port])).toEqual([
      ["10.0.1.0/24", "icmp", 8, -1],
      ["10.0.2.0/24", "icmp", 8, -1],
    ]);
    expect(synth).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, { cidr_ipv4: "10.0.1.0/24" });
  });

  it("launches a t3.nano without a public IP, with IMDSv2 and an encrypted 8 GiB gp3 root volume", () => {
    expect(synth).toHaveResourceWithProperties(Instance, {
      ami: "ami-1",
      instance_type: "t3.nano",
      subnet_id: "subnet-1",
      associate_public_ip_address: false,
      metadata_options: { http_endpoint: "enabled", http_tokens: "required" },
      root_block_device: { encrypted: true, volume_size: 8, volume_type: "gp3" },
    });
  });

  it("gives the instance a role EC2 can assume, with SSM's managed policy, through an instance profile", () => {
    const json = JSON.parse(synth).resource;
    const [role] = Object.values(json.aws_iam_role) as { assume_role_policy: string }[];
    expect(JSON.parse(role.assume_role_policy).Statement[0].Principal).toEqual({ Service: "ec2.amazonaws.com" });
    expect(Object.values(json.aws_iam_role_policy_attachment)).toEqual([
      expect.objectContaining({ policy_arn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" }),
    ]);
    expect(Object.values(json.aws_iam_instance_profile)).toHaveLength(1);
  });
});

describe("VpcPeering", () => {
  const synth = synthScope(
    (scope) =>
      new VpcPeering(scope, "peering-a_b", {
        requester: { name: "a", vpcId: "vpc-a", cidrBlock: "10.0.0.0/24", routeTableIds: ["rtb-a0", "rtb-a1"] },
        accepter: { name: "b", vpcId: "vpc-b", cidrBlock: "10.0.1.0/24", routeTableIds: ["rtb-b0"] },
      }),
  );

  it("requests an auto-accepted peering from the requester to the accepter", () => {
    expect(synth).toHaveResourceWithProperties(VpcPeeringConnection, {
      vpc_id: "vpc-a",
      peer_vpc_id: "vpc-b",
      auto_accept: true,
    });
  });

  it("routes each of the requester's tables to the accepter and back through the peering", () => {
    const routes = Object.values(JSON.parse(synth).resource.aws_route) as Record<string, string>[];
    expect(routes.map((r) => [r.route_table_id, r.destination_cidr_block]).sort()).toEqual([
      ["rtb-a0", "10.0.1.0/24"],
      ["rtb-a1", "10.0.1.0/24"],
      ["rtb-b0", "10.0.0.0/24"],
    ]);
    expect(new Set(routes.map((r) => r.vpc_peering_connection_id))).toEqual(
      new Set([expect.stringMatching(/^\$\{aws_vpc_peering_connection\.peering-a_b_connection_\w+\.id\}$/)]),
    );
    expect(synth).toHaveResource(Route);
  });
});
