import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Testing } from "cdktf";
import { DEFAULT_CONFIG, parseConfig, PeeringConfig } from "../lib/config";
import { conditionBlocks, PeeringApp, unquotedReferences } from "../app/peering-app";
import { PROVIDER_LOCK_FILE } from "../lib/core/terraform-env";
import { addAppStacks, allStacks, findPeering, AppStacks } from "../stacks";
import { architectureOf } from "../stacks/instances-stack";
import { FULL_MESH_CONFIG, manyVpcs, SHARDED_MESH_CONFIG } from "../test-support/configs";
import { synthToTemp } from "../test-support/synth";
import { testApp } from "../test-support/testing";

interface StackJson {
  readonly resource: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly output?: Record<string, { value: unknown }>;
  readonly terraform: { backend?: Record<string, unknown>; cloud?: Record<string, unknown> };
}

function stacksFor(raw: unknown): AppStacks {
  return addAppStacks(testApp(), parseConfig(raw));
}

function json(stack: Parameters<typeof Testing.synth>[0]): StackJson {
  return JSON.parse(Testing.synth(stack)) as StackJson;
}

function counts(j: StackJson): Record<string, number> {
  return Object.fromEntries(Object.entries(j.resource).map(([type, byName]) => [type, Object.keys(byName).length]));
}

function addresses(stacks: AppStacks): string[] {
  return allStacks(stacks).flatMap((s) =>
    Object.entries(json(s).resource ?? {}).flatMap(([type, byName]) =>
      Object.keys(byName).map((name) => `${s.node.id}/${type}.${name}`),
    ),
  );
}

describe("the default app", () => {
  const stacks = stacksFor(DEFAULT_CONFIG);

  it("has the seed's network: 2 VPCs, 4 subnets, 2 IGWs, 2 NAT gateways with EIPs, 4 route tables", () => {
    expect(counts(json(stacks.network[0]))).toEqual({
      aws_vpc: 2,
      aws_subnet: 4,
      aws_internet_gateway: 2,
      aws_eip: 2,
      aws_nat_gateway: 2,
      aws_route_table: 4,
      aws_route_table_association: 4,
      aws_route: 4,
      aws_default_security_group: 2,
    });
  });

  it("has the seed's 2 instances with roles and profiles, each with its own security group", () => {
    expect(counts(json(stacks.instances[0]))).toEqual({
      aws_instance: 2,
      aws_iam_role: 2,
      aws_iam_role_policy_attachment: 2,
      aws_iam_instance_profile: 2,
      aws_security_group: 2,
      aws_vpc_security_group_ingress_rule: 2,
      aws_vpc_security_group_egress_rule: 2,
    });
  });

  it("has one peering stack, `peering`, with one peering and a route each way", () => {
    expect(stacks.peering.map((s) => s.node.id)).toEqual(["peering"]);
    expect(counts(json(stacks.peering[0]))).toEqual({ aws_vpc_peering_connection: 1, aws_route: 2 });
  });

  it("reads the Amazon Linux 2023 AMI from the public SSM parameter", () => {
    expect(Object.values(json(stacks.instances[0]).data!.aws_ssm_parameter)).toEqual([
      expect.objectContaining({ name: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64" }),
    ]);
  });

  it("outputs each instance's id, private IP and address, and each peering's id", () => {
    const instances = json(stacks.instances[0]).output!.instances.value as Record<string, Record<string, string>>;
    expect(Object.keys(instances)).toEqual(["a", "b"]);
    expect(instances.a).toEqual({
      id: `\${aws_instance.${stacks.pingInstances.get("a")!.instance.friendlyUniqueId}.id}`,
      private_ip: `\${aws_instance.${stacks.pingInstances.get("a")!.instance.friendlyUniqueId}.private_ip}`,
      address: `aws_instance.${stacks.pingInstances.get("a")!.instance.friendlyUniqueId}`,
    });
    expect(json(stacks.peering[0]).output!.vpc_peering_ids.value).toEqual({
      a_b: `\${aws_vpc_peering_connection.${findPeering(stacks, "a", "b")!.peering.connection.friendlyUniqueId}.id}`,
    });
  });

  it("keeps state in the project root through a relative path, so no machine path is synthesized", () => {
    for (const stack of allStacks(stacks)) {
      expect(json(stack).terraform.backend).toEqual({ local: { path: `../../../terraform.${stack.node.id}.tfstate` } });
    }
  });
});

describe("a larger app", () => {
  const config: PeeringConfig = parseConfig(FULL_MESH_CONFIG);
  const stacks = addAppStacks(testApp(), config);

  it("peers every pair of a full mesh and routes both private tables of each side", () => {
    expect(stacks.peering.map((s) => s.node.id)).toEqual(["peering"]);
    const j = json(stacks.peering[0]);
    expect(Object.keys(j.resource.aws_vpc_peering_connection)).toHaveLength(6);
    expect(Object.keys(j.resource.aws_route)).toHaveLength(6 * 2 * 2);
  });

  it("makes one NAT gateway per VPC with natGateways single", () => {
    expect(counts(json(stacks.network[0])).aws_nat_gateway).toBe(4);
  });

  it("admits at each instance exactly its three peers' blocks", () => {
    const rules = Object.values(json(stacks.instances[0]).resource.aws_vpc_security_group_ingress_rule);
    const sgOfA = `\${aws_security_group.${stacks.pingInstances.get("a")!.securityGroup.friendlyUniqueId}.id}`;
    expect(rules.filter((r) => r.security_group_id === sgOfA).map((r) => r.cidr_ipv4)).toEqual([
      "10.0.1.0/24",
      "10.0.2.0/24",
      "10.0.3.0/24",
    ]);
  });

  it("gives no instance a security group rule for a VPC it is not peered with", () => {
    const partial = addAppStacks(
      testApp(),
      parseConfig({
        ...FULL_MESH_CONFIG,
        peerings: [
          ["a", "b"],
          ["b", "c"],
        ],
      }),
    );
    const rules = Object.values(json(partial.instances[0]).resource.aws_vpc_security_group_ingress_rule);
    expect(rules.map((r) => r.cidr_ipv4).sort()).toEqual(["10.0.0.0/24", "10.0.1.0/24", "10.0.1.0/24", "10.0.2.0/24"]);
  });
});

describe("VPCs in several regions and accounts", () => {
  const role = "arn:aws:iam::222222222222:role/peering";
  const stacks = stacksFor({
    region: "eu-west-1",
    accounts: { network: { roleArn: role } },
    vpcs: [
      { name: "a", cidr: "10.0.0.0/24" },
      { name: "b", cidr: "10.0.1.0/24", region: "us-east-1" },
      { name: "c", cidr: "10.0.2.0/24", account: "network" },
    ],
    peerings: [
      ["a", "b"],
      ["a", "c"],
    ],
  });

  it("outputs, for ping, the region and role of each instance outside the default provider's region and account", () => {
    const instances = json(stacks.instances[0]).output!.instances.value as Record<string, Record<string, string>>;
    expect([instances.a.region, instances.a.role_arn]).toEqual([undefined, undefined]);
    expect([instances.b.region, instances.b.role_arn]).toEqual(["us-east-1", undefined]);
    expect([instances.c.region, instances.c.role_arn]).toEqual(["eu-west-1", role]);
  });

  it("gives the instances stack one provider per region and account it uses, the account's assuming its role", () => {
    const providers = (
      JSON.parse(Testing.synth(stacks.instances[0])) as {
        provider: { aws: { alias?: string; region: string; assume_role?: { role_arn: string }[] }[] };
      }
    ).provider.aws;
    expect(providers.map((p) => [p.alias, p.region, p.assume_role?.[0]?.role_arn])).toEqual([
      [undefined, "eu-west-1", undefined],
      ["us-east-1", "us-east-1", undefined],
      ["network_eu-west-1", "eu-west-1", role],
    ]);
  });
});

describe("with terraformCloud in the config", () => {
  const stacks = stacksFor({ ...DEFAULT_CONFIG, terraformCloud: { organization: "acme", workspacePrefix: "net-" } });

  it("keeps each stack's state in its own workspace", () => {
    for (const stack of allStacks(stacks)) {
      expect(json(stack).terraform).toEqual(
        expect.objectContaining({ cloud: { organization: "acme", workspaces: { name: `net-${stack.node.id}` } } }),
      );
      expect(json(stack).terraform.backend).toBeUndefined();
    }
  });

  it("reads the network stack's outputs from its workspace", () => {
    const app = synthToTemp({ ...DEFAULT_CONFIG, terraformCloud: { organization: "acme", workspacePrefix: "net-" } });
    try {
      const peering = JSON.parse(
        fs.readFileSync(path.join(app.outdir, "stacks", "peering", "cdk.tf.json"), "utf8"),
      ) as StackJson;
      expect(peering.data!.terraform_remote_state["cross-stack-reference-input-network"]).toEqual({
        backend: "remote",
        config: { organization: "acme", workspaces: { name: "net-network" } },
      });
    } finally {
      app.remove();
    }
  });
});

describe("a mesh too large for one peering stack", () => {
  const config = parseConfig(SHARDED_MESH_CONFIG);
  const stacks = addAppStacks(testApp(), config);

  it("splits the peerings into all peeringShards stacks, each under maxPeeringStackResources", () => {
    expect(stacks.peering.map((s) => s.node.id)).toEqual(["peering-00", "peering-01", "peering-02", "peering-03"]);
    const held = stacks.peering.flatMap((s) => [...s.peerings.keys()]);
    expect(held.sort()).toEqual(config.peerings.map(([a, b]) => `${a}_${b}`).sort());
    for (const stack of stacks.peering) {
      const resources = Object.values(json(stack).resource ?? {}).reduce(
        (n, byName) => n + Object.keys(byName).length,
        0,
      );
      expect(resources).toBeLessThanOrEqual(config.maxPeeringStackResources);
      expect(resources).toBe(stack.peerings.size * 5);
    }
  });

  it("outputs in each shard the ids of the peerings it holds", () => {
    for (const stack of stacks.peering) {
      expect(Object.keys((json(stack).output?.vpc_peering_ids.value ?? {}) as Record<string, string>).sort()).toEqual(
        [...stack.peerings.keys()].sort(),
      );
    }
  });

  it("admits each instance's peers with one rule listing their blocks, so the instances stack does not grow with the peerings", () => {
    const j = json(stacks.instances[0]);
    expect(counts(j)).toEqual({
      aws_instance: 4,
      aws_iam_role: 4,
      aws_iam_role_policy_attachment: 4,
      aws_iam_instance_profile: 4,
      aws_security_group: 4,
      aws_security_group_rule: 8,
    });
    const sgOfA = `\${aws_security_group.${stacks.pingInstances.get("a")!.securityGroup.friendlyUniqueId}.id}`;
    const rulesOfA = Object.values(j.resource.aws_security_group_rule).filter((r) => r.security_group_id === sgOfA);
    expect(rulesOfA.map((r) => [r.type, r.protocol, r.from_port, r.to_port, r.cidr_blocks])).toEqual([
      ["egress", "-1", 0, 0, ["0.0.0.0/0"]],
      ["ingress", "icmp", 8, -1, ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"]],
    ]);
  });

  it("makes every peering stack depend on the network stack only, and gives each its own state", () => {
    const app = synthToTemp(SHARDED_MESH_CONFIG);
    try {
      const manifest = JSON.parse(fs.readFileSync(path.join(app.outdir, "manifest.json"), "utf8")) as {
        stacks: Record<string, { dependencies: string[] }>;
      };
      expect(Object.keys(manifest.stacks).sort()).toEqual([
        "instances",
        "network",
        "peering-00",
        "peering-01",
        "peering-02",
        "peering-03",
      ]);
      for (const id of ["peering-01", "peering-02", "peering-03"])
        expect(manifest.stacks[id].dependencies).toEqual(["network"]);
      expect(manifest.stacks["peering-00"].dependencies).toEqual([]);
      for (const stack of allStacks(app.stacks)) {
        expect(json(stack).terraform.backend).toEqual({
          local: { path: `../../../terraform.${stack.node.id}.tfstate` },
        });
      }
    } finally {
      app.remove();
    }
  });

  it("keeps each shard's state in the Terraform Cloud workspace <workspacePrefix><stack>", () => {
    const cloud = addAppStacks(
      testApp(),
      parseConfig({ ...SHARDED_MESH_CONFIG, terraformCloud: { organization: "acme", workspacePrefix: "net-" } }),
    );
    expect(cloud.peering.map((s) => json(s).terraform.cloud)).toEqual(
      ["00", "01", "02", "03"].map((n) => ({ organization: "acme", workspaces: { name: `net-peering-${n}` } })),
    );
  });

  it("rejects a config whose fullest peering stack would be over the bound, with both ways out", () => {
    expect(() => parseConfig({ ...SHARDED_MESH_CONFIG, maxPeeringStackResources: 9 })).toThrow(
      /peering stacks peering-01 \(10\), peering-02 \(10\), peering-03 \(10\) would hold more than maxPeeringStackResources \(9\) resources: set "maxPeeringStackResources" to at least 10/,
    );
  });

  it("moves no resource to another stack when a VPC is added in the middle of the list, or a peering", () => {
    const base = { vpcs: manyVpcs(8), peerings: "full-mesh", maxPeeringStackResources: 40, peeringShards: 4 };
    const before = addresses(addAppStacks(testApp(), parseConfig(base)));
    const vpcs = [...base.vpcs];
    vpcs.splice(3, 0, { name: "new", cidr: "10.1.0.0/24" });
    const grown = addresses(addAppStacks(testApp(), parseConfig({ ...base, vpcs })));
    expect(grown).toEqual(expect.arrayContaining(before));
    expect(grown.length).toBeGreaterThan(before.length);

    const some = {
      ...base,
      peerings: [
        ["v0", "v1"],
        ["v2", "v3"],
        ["v4", "v5"],
        ["v6", "v7"],
        ["v1", "v2"],
        ["v3", "v4"],
        ["v5", "v6"],
        ["v7", "v0"],
        ["v0", "v4"],
        ["v1", "v5"],
        ["v2", "v6"],
        ["v3", "v7"],
        ["v0", "v2"],
        ["v4", "v6"],
      ],
      maxPeeringStackResources: 30,
    };
    const fewer = addresses(addAppStacks(testApp(), parseConfig(some)));
    const more = addresses(
      addAppStacks(testApp(), parseConfig({ ...some, peerings: [...some.peerings, ["v1", "v3"]] })),
    );
    expect(fewer.some((a) => a.startsWith("peering-"))).toBe(true);
    expect(more).toEqual(expect.arrayContaining(fewer));
    expect(more.length).toBeGreaterThan(fewer.length);
  });
});

describe("resource addresses", () => {
  it("do not change when a VPC is inserted in the middle of the list", () => {
    const before = addresses(stacksFor(FULL_MESH_CONFIG));
    const vpcs = [...FULL_MESH_CONFIG.vpcs];
    vpcs.splice(2, 0, { name: "new", cidr: "10.0.9.0/24" });
    const after = addresses(stacksFor({ ...FULL_MESH_CONFIG, vpcs }));
    expect(after).toEqual(expect.arrayContaining(before));
    expect(after.length).toBeGreaterThan(before.length);
  });
});

describe("the network stack", () => {
  it("fails the plan when the region has fewer available AZs than the widest VPC asks for", () => {
    const stacks = stacksFor({
      ...FULL_MESH_CONFIG,
      vpcs: [
        { name: "a", cidr: "10.0.0.0/24", maxAzs: 3 },
        { name: "b", cidr: "10.0.1.0/24" },
      ],
    });
    const azs = Object.values(json(stacks.network[0]).data!.aws_availability_zones);
    expect(azs).toEqual([
      expect.objectContaining({
        state: "available",
        lifecycle: {
          postcondition: [
            {
              condition: "${length(self.names) >= 3}",
              error_message:
                "Region eu-west-1 has ${length(self.names)} available AZs, but VPC a asks for 3 (maxAzs): lower maxAzs to at most the region's AZ count, or pick a region with more AZs.",
            },
          ],
        },
      }),
    ]);
  });
});

describe("conditionBlocks", () => {
  it("rewrites cdktf's list rendering of conditions into one block each, and nothing else", () => {
    const list =
      'lifecycle {\n  precondition = [\n{\ncondition = "${a}"\nerror_message = "x"\n},\n{\ncondition = "${b}"\nerror_message = "y"\n},\n]\n}\ntags = [\n"z",\n]';
    expect(conditionBlocks(list)).toBe(
      'lifecycle {\n  precondition {\ncondition = "${a}"\nerror_message = "x"\n  }\n  precondition {\ncondition = "${b}"\nerror_message = "y"\n  }\n}\ntags = [\n"z",\n]',
    );
  });
});

describe("unquotedReferences", () => {
  it.each([
    ["an aliased provider", 'provider = "aws.network_eu-west-1"', "provider = aws.network_eu-west-1"],
    ["the default provider (indented)", '  provider = "aws"', "  provider = aws"],
    [
      "depends_on's addresses",
      'depends_on = [\n"aws_vpc.a",\n"data.aws_caller_identity.caller",\n]',
      "depends_on = [\naws_vpc.a,\ndata.aws_caller_identity.caller,\n]",
    ],
  ])("writes %s as a reference", (_, quoted, reference) => {
    expect(unquotedReferences(quoted)).toBe(reference);
  });

  it.each([
    ["a string that names no provider", 'provider = "github"'],
    ["another attribute holding a provider's name", 'source = "aws"'],
    ["a list of strings other than depends_on", 'tags = [\n"aws_vpc.a",\n]'],
    ["a depends_on entry that is no address", 'depends_on = [\n"${aws_vpc.a.id}",\n]'],
  ])("leaves %s alone", (_, text) => {
    expect(unquotedReferences(text)).toBe(text);
  });
});

describe("instance architecture", () => {
  it.each([
    ["t3.nano", "x86_64"],
    ["m5.large", "x86_64"],
    ["t4g.nano", "arm64"],
    ["c6gn.large", "arm64"],
    ["a1.medium", "arm64"],
  ])("picks the %s AMI for %s", (type, arch) => {
    expect(architectureOf(type)).toBe(arch);
  });
});

describe("app.synth()", () => {
  let outdir: string;
  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), "peering-app-"));
  });
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  function synthApp(hclOutput: boolean): void {
    const app = new PeeringApp({ outdir, hclOutput });
    addAppStacks(app, parseConfig(DEFAULT_CONFIG));
    app.synth();
  }

  it("wires the instances and peering stacks to the network stack through its state", () => {
    synthApp(false);
    const read = (stack: string) =>
      JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as StackJson;
    const network = read("network");
    for (const consumer of ["instances", "peering"]) {
      const j = read(consumer);
      expect(j.data!.terraform_remote_state["cross-stack-reference-input-network"]).toEqual(
        expect.objectContaining({ backend: "local", config: { path: "../../../terraform.network.tfstate" } }),
      );
      const used = [
        ...JSON.stringify(j.resource).matchAll(/remote_state\.cross-stack-reference-input-network\.outputs\.([\w-]+)/g),
      ].map((m) => m[1]);
      expect(used.length).toBeGreaterThan(0);
      for (const output of used) expect(network.output).toHaveProperty([output]);
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
    expect(manifest.stacks.instances.dependencies).toEqual(["network"]);
    expect(manifest.stacks.peering.dependencies).toEqual(["network"]);
  });

  it("writes HCL instead of JSON with hclOutput, leaving no stale JSON beside it, and back", () => {
    synthApp(true);
    const files = () => fs.readdirSync(path.join(outdir, "stacks", "network"));
    expect(files()).not.toContain("cdk.tf.json");
    const hcl = fs.readFileSync(path.join(outdir, "stacks", "network", "cdk.tf"), "utf8");
    expect(hcl).toMatch(/^resource "aws_vpc" "vpc-a_vpc_\w+" \{$/m);
    expect(() => JSON.parse(hcl)).toThrow();
    synthApp(false);
    expect(files()).toContain("cdk.tf.json");
    expect(files()).not.toContain("cdk.tf");
  });

  it("writes the AZ postcondition as a block in HCL, where cdktf would write a list Terraform rejects", () => {
    synthApp(true);
    const hcl = fs.readFileSync(path.join(outdir, "stacks", "network", "cdk.tf"), "utf8");
    expect(hcl).toMatch(
      /^ *postcondition \{\ncondition = "\$\{length\(self\.names\) >= 1\}"\nerror_message = "Region eu-west-1 has/m,
    );
    expect(hcl).not.toContain("postcondition = [");
  });

  it("gives every stack directory the project's provider lock file", () => {
    synthApp(false);
    const lock = fs.readFileSync(PROVIDER_LOCK_FILE, "utf8");
    expect(lock).toMatch(/^provider "registry\.terraform\.io\/hashicorp\/aws" \{\n {2}version {5}= "5\.100\.0"/m);
    for (const stack of ["network", "instances", "peering"]) {
      expect(fs.readFileSync(path.join(outdir, "stacks", stack, ".terraform.lock.hcl"), "utf8")).toBe(lock);
    }
  });
});
