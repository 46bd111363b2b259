/**
 * Random VPC topologies as Terraform JSON, for the differential test of reach against rehearse.
 *
 * A topology is a sane network (every peered pair routed both ways, security groups admitting ICMP from the
 * private range, default ACLs) followed by a few mutations that break or bend it: routes removed, narrowed,
 * widened or sent elsewhere (another peering, an internet or NAT gateway of this or another VPC, a peering id
 * that does not exist), security group rules removed or changed (protocol, ICMP type, peer), group references,
 * instances left in the default group, network ACLs with allow and deny rules in any order, peerings left
 * pending or accepted by an accepter, main route table associations. Blocks come from a small pool, so VPCs
 * often overlap; IPv6 comes from AWS-assigned blocks. About half the topologies also get a Scenario: a class of
 * network AWS rejects, or one VPC peered with two that share a CIDR.
 */
import fc from "fast-check";
import { PEERING_QUOTA_MAX } from "../lib/core/aws-limits";

/** The IPv4 blocks VPCs draw from; some overlap on purpose. */
export const BLOCKS = [
  "10.0.0.0/16",
  "10.1.0.0/16",
  "10.2.0.0/24",
  "10.0.0.0/20",
  "10.1.128.0/17",
  "172.16.0.0/24",
  "10.3.0.0/24",
];

/** Secondary blocks (aws_vpc_ipv4_cidr_block_association); they hold no subnet, but change local routes and overlaps. */
const SECONDARY = ["10.4.0.0/16", "10.2.0.0/16", "172.16.0.0/20", "10.1.0.0/24"];

/** An instance: a fixed private_ip or one AWS assigns, and whether it asks for an IPv6 address. */
export interface InstanceShape {
  readonly fixed: boolean;
  readonly ipv6: boolean;
}

/** A VPC's shape before mutations. */
export interface VpcShape {
  readonly block: number;
  readonly ipv6: boolean;
  readonly subnets: readonly (readonly InstanceShape[])[];
  readonly igw: boolean;
  readonly nat: boolean;
  /** One route table shared by all subnets, else one per subnet. */
  readonly sharedTable: boolean;
  /** Subnets assign an IPv6 address to every instance (assign_ipv6_address_on_creation). */
  readonly autoIpv6: boolean;
  /** 0: the default provider's region; 1: a second region through a provider alias. */
  readonly region: 0 | 1;
}

/** How a peering gets accepted. */
export type Acceptance = "auto" | "accepter" | "pending";

/** A peering between two VPCs by index. */
export interface PeeringShape {
  readonly a: number;
  readonly b: number;
  readonly accept: Acceptance;
}

/** A change to the sane network; indices are taken modulo what exists. */
export type Mutation =
  | { readonly kind: "drop-route"; readonly vpc: number; readonly table: number; readonly route: number }
  | {
      readonly kind: "retarget";
      readonly vpc: number;
      readonly table: number;
      readonly route: number;
      readonly target: number;
    }
  | {
      readonly kind: "redestine";
      readonly vpc: number;
      readonly table: number;
      readonly route: number;
      readonly destination: number;
    }
  | {
      readonly kind: "add-route";
      readonly vpc: number;
      readonly table: number;
      readonly destination: number;
      readonly target: number;
    }
  | { readonly kind: "drop-sg-rule"; readonly vpc: number; readonly egress: boolean; readonly rule: number }
  | {
      readonly kind: "change-sg-rule";
      readonly vpc: number;
      readonly egress: boolean;
      readonly rule: number;
      readonly protocol: number;
      readonly peer: number;
    }
  | { readonly kind: "group-rule"; readonly vpc: number; readonly peerVpc: number; readonly egress: boolean }
  | { readonly kind: "default-sg"; readonly vpc: number; readonly instance: number }
  | { readonly kind: "nacl"; readonly vpc: number; readonly subnet: number; readonly rules: readonly NaclShape[] }
  | { readonly kind: "accept"; readonly peering: number; readonly accept: Acceptance }
  | { readonly kind: "main-table"; readonly vpc: number; readonly table: number }
  | { readonly kind: "unassociate"; readonly vpc: number; readonly subnet: number }
  | { readonly kind: "secondary-block"; readonly vpc: number; readonly block: number }
  | { readonly kind: "self-rule"; readonly vpc: number; readonly egress: boolean }
  | { readonly kind: "standalone-rule"; readonly vpc: number; readonly protocol: number; readonly peer: number }
  | { readonly kind: "manage-default-sg"; readonly vpc: number; readonly self: boolean };

/** A network ACL entry before it is placed. */
export interface NaclShape {
  readonly ruleNo: number;
  readonly egress: boolean;
  readonly allow: boolean;
  readonly protocol: number;
  readonly peer: number;
}

/**
 * A class of network made on purpose, applied after the mutations: what AWS rejects (overlapping blocks of
 * peered VPCs, primary or secondary, also where only IPv6 is routed across; a second peering of one pair; more
 * active peerings on one VPC than the quota; a peering route inside the VPC's own block; a security group
 * reference across regions), and what AWS accepts only with specific routes: one VPC peered with two that share
 * a CIDR, routed by subnet routes, by /32 instance routes, or by the peer's whole block beside more specific
 * routes to the other (longest prefix match).
 */
export type Scenario =
  | { readonly kind: "overlap"; readonly peering: number; readonly block: number; readonly secondary: boolean }
  | { readonly kind: "ipv6-only-overlap"; readonly peering: number; readonly block: number }
  | { readonly kind: "duplicate-peering"; readonly peering: number; readonly reverse: boolean }
  | { readonly kind: "over-quota"; readonly vpc: number }
  | { readonly kind: "local-route"; readonly peering: number; readonly whole: boolean }
  | { readonly kind: "cross-region-reference"; readonly peering: number; readonly egress: boolean }
  | { readonly kind: "same-cidr"; readonly routes: "subnet" | "instance" | "longest-prefix"; readonly block: number };

/** A whole generated topology. */
export interface Topology {
  readonly vpcs: readonly VpcShape[];
  readonly peerings: readonly PeeringShape[];
  readonly mutations: readonly Mutation[];
  /** @default - none: the network is only what the shapes and mutations make */
  readonly scenario?: Scenario;
}

/** At most this many instances in a topology, so that one topology stays cheap to build and ping. */
const MAX_INSTANCES = 5;

const instance = fc.record({ fixed: fc.boolean(), ipv6: fc.boolean() });
const vpc = fc.record({
  block: fc.nat(BLOCKS.length - 1),
  ipv6: fc.boolean(),
  subnets: fc.array(fc.array(instance, { maxLength: 2 }), { minLength: 1, maxLength: 2 }),
  igw: fc.boolean(),
  nat: fc.boolean(),
  sharedTable: fc.boolean(),
  autoIpv6: fc.boolean(),
  region: fc.constantFrom<0 | 1>(0, 0, 0, 1),
});
const acceptance = fc.constantFrom<Acceptance>("auto", "auto", "auto", "accepter", "pending");
const nacl = fc.record({
  ruleNo: fc.integer({ min: 1, max: 20 }).map((n) => n * 10),
  egress: fc.boolean(),
  allow: fc.boolean(),
  protocol: fc.nat(8),
  peer: fc.nat(5),
});
const n = fc.nat(15);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("drop-route" as const), vpc: n, table: n, route: n }),
  fc.record({ kind: fc.constant("retarget" as const), vpc: n, table: n, route: n, target: n }),
  fc.record({ kind: fc.constant("redestine" as const), vpc: n, table: n, route: n, destination: n }),
  fc.record({ kind: fc.constant("add-route" as const), vpc: n, table: n, destination: n, target: n }),
  fc.record({ kind: fc.constant("drop-sg-rule" as const), vpc: n, egress: fc.boolean(), rule: n }),
  fc.record({
    kind: fc.constant("change-sg-rule" as const),
    vpc: n,
    egress: fc.boolean(),
    rule: n,
    protocol: n,
    peer: n,
  }),
  fc.record({ kind: fc.constant("group-rule" as const), vpc: n, peerVpc: n, egress: fc.boolean() }),
  fc.record({ kind: fc.constant("default-sg" as const), vpc: n, instance: n }),
  fc.record({ kind: fc.constant("nacl" as const), vpc: n, subnet: n, rules: fc.array(nacl, { maxLength: 4 }) }),
  fc.record({ kind: fc.constant("accept" as const), peering: n, accept: acceptance }),
  fc.record({ kind: fc.constant("main-table" as const), vpc: n, table: n }),
  fc.record({ kind: fc.constant("unassociate" as const), vpc: n, subnet: n }),
  fc.record({ kind: fc.constant("secondary-block" as const), vpc: n, block: fc.nat(SECONDARY.length - 1) }),
  fc.record({ kind: fc.constant("self-rule" as const), vpc: n, egress: fc.boolean() }),
  fc.record({ kind: fc.constant("standalone-rule" as const), vpc: n, protocol: n, peer: n }),
  fc.record({ kind: fc.constant("manage-default-sg" as const), vpc: n, self: fc.boolean() }),
);

const block = fc.nat(BLOCKS.length - 1);
/** Each scenario about as often as the others; together about half of all topologies. */
const scenario: fc.Arbitrary<Scenario | undefined> = fc.oneof(
  { weight: 9, arbitrary: fc.constant(undefined) },
  fc.record({ kind: fc.constant("overlap" as const), peering: n, block, secondary: fc.constant(false) }),
  fc.record({ kind: fc.constant("overlap" as const), peering: n, block, secondary: fc.constant(true) }),
  fc.record({ kind: fc.constant("ipv6-only-overlap" as const), peering: n, block }),
  fc.record({ kind: fc.constant("duplicate-peering" as const), peering: n, reverse: fc.boolean() }),
  fc.record({ kind: fc.constant("over-quota" as const), vpc: n }),
  fc.record({ kind: fc.constant("local-route" as const), peering: n, whole: fc.boolean() }),
  fc.record({ kind: fc.constant("cross-region-reference" as const), peering: n, egress: fc.boolean() }),
  fc.record({ kind: fc.constant("same-cidr" as const), routes: fc.constant("subnet" as const), block }),
  fc.record({ kind: fc.constant("same-cidr" as const), routes: fc.constant("instance" as const), block }),
  fc.record({ kind: fc.constant("same-cidr" as const), routes: fc.constant("longest-prefix" as const), block }),
);

/** Random topologies: 1–4 VPCs, up to 5 instances, peerings, up to 4 mutations, and about half with a scenario. */
export const topologies: fc.Arbitrary<Topology> = fc
  .array(vpc, { minLength: 1, maxLength: 4 })
  .chain((vpcs) =>
    fc.record({
      vpcs: fc.constant(vpcs),
      peerings: fc.array(
        fc
          .record({ a: fc.nat(vpcs.length - 1), b: fc.nat(vpcs.length - 1), accept: acceptance })
          .filter((p) => p.a !== p.b || vpcs.length === 1),
        { maxLength: Math.min(4, (vpcs.length * (vpcs.length - 1)) / 2) },
      ),
      mutations: fc.array(mutation, { maxLength: 4 }),
      scenario,
    }),
  )
  .map(({ scenario: s, ...t }) => ({
    ...t,
    peerings: t.peerings.filter((p) => p.a !== p.b),
    ...(s ? { scenario: s } : {}),
  }));

/** A Terraform JSON document. */
export interface TerraformJson {
  readonly provider: { readonly aws: readonly Record<string, unknown>[] };
  readonly resource: Record<string, Record<string, Record<string, unknown>>>;
}

interface Route {
  destination: string;
  ipv6: boolean;
  target: { kind: "peering"; peering: number } | { kind: "igw" | "nat"; vpc: number } | { kind: "literal" };
}

interface SgRule {
  protocol: string;
  from: number;
  to: number;
  cidrs: string[];
  cidrs6: string[];
  groups: string[];
  self?: boolean;
}

interface Built {
  readonly name: string;
  readonly block: string;
  readonly secondary: string[];
  readonly ipv6: boolean;
  readonly autoIpv6: boolean;
  readonly provider: string | undefined;
  readonly subnets: {
    name: string;
    cidr: string;
    table: number | undefined;
    nacl: NaclShape[] | undefined;
    instances: { name: string; ip?: string; ipv6: boolean; defaultSg: boolean }[];
  }[];
  readonly tables: Route[][];
  mainTable: number | undefined;
  readonly igw: boolean;
  readonly nat: boolean;
  readonly ingress: SgRule[];
  readonly egress: SgRule[];
  /** aws_vpc_security_group_ingress_rule resources of the VPC's group. */
  readonly standalone: { protocol: string; from: number; to: number; cidr: string }[];
  /** Manage the default group with aws_default_security_group: undefined leaves it to AWS's defaults. */
  defaultSg: { self: boolean } | undefined;
}

/** The second region's provider alias. */
const WEST = { alias: "west", region: "us-west-2" };

const ref = (expression: string): string => `\${${expression}}`;

function ipv4Of(text: string): { first: number; prefix: number } {
  const [address, prefix] = text.split("/");
  const first = address.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
  return { first, prefix: Number(prefix) };
}

function dotted(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** The k-th /26 of a block (the blocks are at least /24). */
function subnetOf(block: string, k: number): string {
  return `${dotted(ipv4Of(block).first + k * 64)}/26`;
}

/** A protocol, type and code for a security group rule, by number. */
const SG_PROTOCOLS: readonly (readonly [string, number, number])[] = [
  ["icmp", -1, -1],
  ["icmp", 8, -1],
  ["icmp", 0, 0],
  ["-1", 0, 0],
  ["tcp", 22, 22],
  ["icmpv6", -1, -1],
  ["58", 128, -1],
];

/** A VPC with one private subnet holding one fixed-address instance, no gateways, IPv4 only: the base of hand-made topologies. */
export function bareVpc(block: number, changes: Partial<VpcShape> = {}): VpcShape {
  return {
    block,
    ipv6: false,
    subnets: [[{ fixed: true, ipv6: false }]],
    igw: false,
    nat: false,
    sharedTable: true,
    autoIpv6: false,
    region: 0,
    ...changes,
  };
}
/** Turns a topology into one Terraform JSON document that reach loads. */
export function toTerraform(topology: Topology): TerraformJson {
  const prepared = prepare(topology);
  const built = build(prepared);
  const peerings = prepared.peerings.map((p) => ({ ...p }));
  for (const m of prepared.mutations) mutate(built, peerings, m);
  const spokes = prepared.scenario ? finish(built, peerings, prepared.scenario) : undefined;
  return emit(built, peerings, spokes);
}

function overlapping(x: string, y: string): boolean {
  const [a, b] = [ipv4Of(x), ipv4Of(y)];
  const [aLast, bLast] = [a.first + 2 ** (32 - a.prefix) - 1, b.first + 2 ** (32 - b.prefix) - 1];
  return a.first <= bLast && b.first <= aLast;
}

/** The index-th block of the pool that overlaps (or, with `overlap` false, is disjoint from) `block`. */
function blockBeside(block: string, index: number, overlap: boolean): number {
  const choices = BLOCKS.flatMap((b, k) => (overlapping(b, block) === overlap ? [k] : []));
  return choices[index % choices.length];
}

/** A VPC of one subnet without instances, for a scenario that needs more VPCs than were generated. */
const bare = (block: number): VpcShape => ({
  block,
  ipv6: false,
  subnets: [[]],
  igw: false,
  nat: false,
  sharedTable: true,
  autoIpv6: false,
  region: 0,
});

/** The scenario's changes to the shapes, before anything is built: the VPCs and peerings it needs. */
function prepare(topology: Topology): Topology {
  const s = topology.scenario;
  if (!s || s.kind === "over-quota") return topology;
  const vpcs = [...topology.vpcs];
  if (s.kind === "same-cidr") {
    const spoke = s.block;
    const hub = blockBeside(BLOCKS[spoke], s.block, false);
    while (vpcs.length < 3) vpcs.push(bare(spoke));
    // The hub and each twin get an instance (the twins' first ones hold the same address), the second twin a
    // second subnet that the first has not: at most five instances, as in every topology.
    const one = (shape: InstanceShape | undefined): InstanceShape[] => [{ fixed: true, ipv6: shape?.ipv6 ?? false }];
    const twin = (v: VpcShape, subnets: InstanceShape[][]): VpcShape => ({
      ...v,
      block: spoke,
      region: vpcs[0].region,
      subnets,
    });
    vpcs[0] = { ...vpcs[0], block: hub, subnets: [one(vpcs[0].subnets[0][0])] };
    vpcs[1] = twin(vpcs[1], [[...one(vpcs[1].subnets[0][0]), ...vpcs[1].subnets[0].slice(1, 2)]]);
    vpcs[2] = twin(vpcs[2], [one(vpcs[2].subnets[0][0]), one(vpcs[2].subnets[1]?.[0])]);
    const peerings: PeeringShape[] = [
      { a: 0, b: 1, accept: "auto" },
      { a: 0, b: 2, accept: "auto" },
    ];
    return { ...topology, vpcs, peerings };
  }
  if (vpcs.length < 2) vpcs.push(bare(blockBeside(BLOCKS[vpcs[0].block], s.peering, false)));
  const peerings = topology.peerings.length > 0 ? [...topology.peerings] : [{ a: 0, b: 1, accept: "auto" as const }];
  const k = s.peering % peerings.length;
  const { a, b } = peerings[k];
  const ours = BLOCKS[vpcs[a].block];
  const crossRegion = s.kind === "cross-region-reference";
  peerings[k] = { a, b, accept: crossRegion ? "accepter" : "auto" };
  const overlap = s.kind === "ipv6-only-overlap" || (s.kind === "overlap" && !s.secondary);
  const theirs = BLOCKS[vpcs[b].block];
  vpcs[b] = {
    ...vpcs[b],
    block:
      overlap || overlapping(ours, theirs) ? blockBeside(ours, "block" in s ? s.block : 0, overlap) : vpcs[b].block,
    ...(s.kind === "ipv6-only-overlap" ? { ipv6: true } : {}),
    ...(crossRegion ? { region: vpcs[a].region === 0 ? 1 : 0 } : {}),
  };
  if (s.kind === "ipv6-only-overlap") vpcs[a] = { ...vpcs[a], ipv6: true };
  return { ...topology, vpcs, peerings, scenario: { ...s, peering: k } };
}

/** The rest of the scenario, after the mutations so that none undoes it; returns the over-quota spokes, if any. */
function finish(vpcs: Built[], peerings: PeeringShape[], s: Scenario): { hub: number; count: number } | undefined {
  if (s.kind === "over-quota") return { hub: s.vpc % vpcs.length, count: PEERING_QUOTA_MAX + 1 };
  if (s.kind === "same-cidr") {
    const [hub, first, second] = vpcs;
    const spoke = first.block;
    // The twins hold the same addresses: instance j of a subnet gets the subnet's address 10 + j.
    for (const twin of [first, second])
      for (const subnet of twin.subnets)
        subnet.instances.forEach((i, j) => (i.ip = dotted(ipv4Of(subnet.cidr).first + 10 + j)));
    const addresses = (v: Built, subnets: Built["subnets"] = v.subnets): string[] =>
      subnets.flatMap((subnet) => subnet.instances.flatMap((i) => (i.ip ? [`${i.ip}/32`] : [])));
    const to =
      (peering: number) =>
      (destination: string): Route => ({ destination, ipv6: false, target: { kind: "peering", peering } });
    const specific: Route[] =
      s.routes === "subnet"
        ? [to(0)(first.subnets[0].cidr), to(1)(second.subnets[1].cidr)]
        : s.routes === "instance"
          ? [
              ...addresses(first).map(to(0)),
              ...addresses(second)
                .filter((a) => !addresses(first).includes(a))
                .map(to(1)),
            ]
          : [to(0)(spoke), ...addresses(second, second.subnets.slice(1)).map(to(1))];
    for (const table of hub.tables) {
      const kept = table.filter((r) => r.ipv6 || r.destination !== spoke);
      table.splice(0, table.length, ...kept, ...specific.map((r) => ({ ...r })));
    }
    return undefined;
  }
  const peering = peerings[s.peering];
  const [ours, theirs] = [vpcs[peering.a], vpcs[peering.b]];
  switch (s.kind) {
    case "overlap":
      if (s.secondary && !theirs.secondary.includes(ours.block)) theirs.secondary.push(ours.block);
      return undefined;
    case "ipv6-only-overlap":
      // Only IPv6 is meant to cross: no IPv4 route uses the peering.
      for (const table of [...ours.tables, ...theirs.tables]) {
        const kept = table.filter((r) => r.ipv6 || r.target.kind !== "peering" || r.target.peering !== s.peering);
        table.splice(0, table.length, ...kept);
      }
      return undefined;
    case "duplicate-peering":
      peerings.push(s.reverse ? { a: peering.b, b: peering.a, accept: peering.accept } : { ...peering });
      return undefined;
    case "local-route":
      ours.tables[0].push({
        destination: s.whole ? ours.block : ours.subnets[0].cidr,
        ipv6: false,
        target: { kind: "peering", peering: s.peering },
      });
      return undefined;
    case "cross-region-reference":
      (s.egress ? ours.egress : ours.ingress).push({
        protocol: "-1",
        from: 0,
        to: 0,
        cidrs: [],
        cidrs6: [],
        groups: [ref(`aws_security_group.${theirs.name}.id`)],
      });
      return undefined;
  }
}

function build(topology: Topology): Built[] {
  let instances = 0;
  const peersOf = (v: number): number[] =>
    topology.peerings.flatMap((p, k) => (p.a === v ? [k] : p.b === v ? [k] : []));
  return topology.vpcs.map((shape, v) => {
    const block = BLOCKS[shape.block];
    const tableCount = shape.sharedTable ? 1 : shape.subnets.length;
    const routes: Route[] = peersOf(v).flatMap((k) => {
      const p = topology.peerings[k];
      const other = p.a === v ? p.b : p.a;
      return [
        {
          destination: BLOCKS[topology.vpcs[other].block],
          ipv6: false,
          target: { kind: "peering" as const, peering: k },
        },
        ...(shape.ipv6 && topology.vpcs[other].ipv6
          ? [
              {
                destination: ref(`aws_vpc.v${other}.ipv6_cidr_block`),
                ipv6: true,
                target: { kind: "peering" as const, peering: k },
              },
            ]
          : []),
      ];
    });
    return {
      name: `v${v}`,
      block,
      secondary: [],
      ipv6: shape.ipv6,
      autoIpv6: shape.autoIpv6,
      provider: shape.region === 1 ? `aws.${WEST.alias}` : undefined,
      subnets: shape.subnets.map((members, s) => ({
        name: `v${v}s${s}`,
        cidr: subnetOf(block, s),
        table: shape.sharedTable ? 0 : s,
        nacl: undefined,
        instances: members.flatMap((m, i) => {
          if (instances >= MAX_INSTANCES) return [];
          const ip = m.fixed ? dotted(ipv4Of(subnetOf(block, s)).first + 10 + instances) : undefined;
          instances += 1;
          return [{ name: `v${v}s${s}i${i}`, ...(ip ? { ip } : {}), ipv6: m.ipv6, defaultSg: false }];
        }),
      })),
      tables: Array.from({ length: tableCount }, () => routes.map((r) => ({ ...r }))),
      mainTable: undefined,
      igw: shape.igw,
      nat: shape.nat,
      ingress: [
        { protocol: "icmp", from: -1, to: -1, cidrs: ["10.0.0.0/8"], cidrs6: [], groups: [] },
        ...(shape.ipv6 ? [{ protocol: "icmpv6", from: -1, to: -1, cidrs: [], cidrs6: ["::/0"], groups: [] }] : []),
      ],
      egress: [
        { protocol: "-1", from: 0, to: 0, cidrs: ["0.0.0.0/0"], cidrs6: shape.ipv6 ? ["::/0"] : [], groups: [] },
      ],
      standalone: [],
      defaultSg: undefined,
    };
  });
}

function pick<T>(items: readonly T[], index: number): T | undefined {
  return items.length === 0 ? undefined : items[index % items.length];
}

function mutate(vpcs: Built[], peerings: PeeringShape[], m: Mutation): void {
  const vpc = "vpc" in m ? pick(vpcs, m.vpc) : undefined;
  const destinations = (v: Built): string[] => [
    "10.0.0.0/8",
    "0.0.0.0/0",
    ...vpcs.map((o) => o.block),
    ...vpcs.flatMap((o) => o.subnets.map((s) => s.cidr)),
    v.subnets[0].cidr,
    // Routes to one instance, as AWS documents for a VPC peered with two that share a CIDR.
    ...vpcs.flatMap((o) => o.subnets.flatMap((s) => s.instances.flatMap((i) => (i.ip ? [`${i.ip}/32`] : [])))),
  ];
  const destinations6 = (): string[] => [
    "::/0",
    ...vpcs.filter((o) => o.ipv6).map((o) => ref(`aws_vpc.${o.name}.ipv6_cidr_block`)),
  ];
  const target = (index: number): Route["target"] => {
    const choices: Route["target"][] = [
      ...peerings.map((_, k) => ({ kind: "peering" as const, peering: k })),
      ...vpcs.flatMap((o, k) => [
        ...(o.igw ? [{ kind: "igw" as const, vpc: k }] : []),
        ...(o.nat ? [{ kind: "nat" as const, vpc: k }] : []),
      ]),
      { kind: "literal" },
    ];
    return choices[index % choices.length];
  };
  switch (m.kind) {
    case "drop-route": {
      const table = vpc && pick(vpc.tables, m.table);
      if (table && table.length > 0) table.splice(m.route % table.length, 1);
      return;
    }
    case "retarget": {
      const route = vpc && pick(pick(vpc.tables, m.table) ?? [], m.route);
      if (route) route.target = target(m.target);
      return;
    }
    case "redestine": {
      const route = vpc && pick(pick(vpc.tables, m.table) ?? [], m.route);
      if (!vpc || !route) return;
      const choices = route.ipv6 ? destinations6() : destinations(vpc);
      route.destination = choices[m.destination % choices.length];
      return;
    }
    case "add-route": {
      const table = vpc && pick(vpc.tables, m.table);
      if (vpc && table)
        table.push({
          destination: destinations(vpc)[m.destination % destinations(vpc).length],
          ipv6: false,
          target: target(m.target),
        });
      return;
    }
    case "drop-sg-rule": {
      const rules = vpc && (m.egress ? vpc.egress : vpc.ingress);
      if (rules && rules.length > 0) rules.splice(m.rule % rules.length, 1);
      return;
    }
    case "change-sg-rule": {
      const rule = vpc && pick(m.egress ? vpc.egress : vpc.ingress, m.rule);
      if (!vpc || !rule) return;
      const [protocol, from, to] = SG_PROTOCOLS[m.protocol % SG_PROTOCOLS.length];
      Object.assign(rule, { protocol, from, to });
      const peers = [
        { cidrs: ["0.0.0.0/0"], cidrs6: ["::/0"] },
        { cidrs: [pick(vpcs, m.peer)?.block ?? "10.0.0.0/8"], cidrs6: [] },
        {
          cidrs: [
            pick(
              vpcs.flatMap((o) => o.subnets.map((s) => s.cidr)),
              m.peer,
            ) ?? "10.0.0.0/8",
          ],
          cidrs6: [],
        },
        { cidrs: [], cidrs6: vpcs.filter((o) => o.ipv6).map((o) => ref(`aws_vpc.${o.name}.ipv6_cidr_block`)) },
      ];
      Object.assign(rule, peers[m.peer % peers.length]);
      return;
    }
    case "group-rule": {
      const other = pick(vpcs, m.peerVpc);
      if (vpc && other)
        (m.egress ? vpc.egress : vpc.ingress).push({
          protocol: "-1",
          from: 0,
          to: 0,
          cidrs: [],
          cidrs6: [],
          groups: [ref(`aws_security_group.${other.name}.id`)],
        });
      return;
    }
    case "default-sg": {
      const found =
        vpc &&
        pick(
          vpc.subnets.flatMap((s) => s.instances),
          m.instance,
        );
      if (found) found.defaultSg = true;
      return;
    }
    case "nacl": {
      const subnet = vpc && pick(vpc.subnets, m.subnet);
      if (subnet) subnet.nacl = [...m.rules];
      return;
    }
    case "accept": {
      const peering = pick(peerings, m.peering);
      if (peering) peerings[m.peering % peerings.length] = { ...peering, accept: m.accept };
      return;
    }
    case "main-table": {
      if (vpc) vpc.mainTable = m.table % vpc.tables.length;
      return;
    }
    case "unassociate": {
      const subnet = vpc && pick(vpc.subnets, m.subnet);
      if (subnet) subnet.table = undefined;
      return;
    }
    case "secondary-block": {
      const block = SECONDARY[m.block % SECONDARY.length];
      if (vpc && !vpc.secondary.includes(block) && block !== vpc.block) vpc.secondary.push(block);
      return;
    }
    case "standalone-rule": {
      if (!vpc) return;
      const [protocol, from, to] = SG_PROTOCOLS[m.protocol % SG_PROTOCOLS.length];
      const peers = [
        "0.0.0.0/0",
        ...vpcs.map((o) => o.block),
        ...vpcs.flatMap((o) => o.subnets.map((s) => s.cidr)),
        "::/0",
        ...vpcs.filter((o) => o.ipv6).map((o) => ref(`aws_vpc.${o.name}.ipv6_cidr_block`)),
      ];
      vpc.standalone.push({ protocol, from, to, cidr: peers[m.peer % peers.length] });
      return;
    }
    case "manage-default-sg": {
      if (vpc) vpc.defaultSg = { self: m.self };
      return;
    }
    case "self-rule": {
      if (vpc)
        (m.egress ? vpc.egress : vpc.ingress).push({
          protocol: "-1",
          from: 0,
          to: 0,
          cidrs: [],
          cidrs6: [],
          groups: [],
          self: true,
        });
      return;
    }
  }
}

const NACL_PROTOCOLS: readonly (readonly [string, number, number])[] = [
  ["-1", -1, -1],
  ["icmp", -1, -1],
  ["icmp", 8, -1],
  ["icmp", 0, -1],
  ["icmp", 8, 0],
  ["tcp", 0, 0],
  ["58", -1, -1],
  ["58", 128, -1],
  ["58", 129, 0],
];

function emit(
  vpcs: readonly Built[],
  peerings: readonly PeeringShape[],
  spokes?: { hub: number; count: number },
): TerraformJson {
  const resource: TerraformJson["resource"] = {};
  const put = (type: string, name: string, body: Record<string, unknown>): void => {
    resource[type] = { ...(resource[type] ?? {}), [name]: body };
  };
  const providerOf = (v: Built): Record<string, string> => (v.provider ? { provider: v.provider } : {});
  // Bare VPCs peered with one hub, more than the quota allows: no subnet or instance, so nothing to build.
  for (let k = 0; spokes && k < spokes.count; k++) {
    const hub = vpcs[spokes.hub];
    put("aws_vpc", `q${k}`, { cidr_block: `192.168.${k}.0/24`, ...providerOf(hub) });
    put("aws_vpc_peering_connection", `q${k}`, {
      vpc_id: ref(`aws_vpc.${hub.name}.id`),
      peer_vpc_id: ref(`aws_vpc.q${k}.id`),
      auto_accept: true,
      ...providerOf(hub),
    });
  }
  peerings.forEach((p, k) => {
    const [a, b] = [vpcs[p.a], vpcs[p.b]];
    put("aws_vpc_peering_connection", `p${k}`, {
      vpc_id: ref(`aws_vpc.v${p.a}.id`),
      peer_vpc_id: ref(`aws_vpc.v${p.b}.id`),
      auto_accept: p.accept === "auto",
      ...(a.provider !== b.provider ? { peer_region: b.provider ? WEST.region : "eu-west-1" } : {}),
      ...providerOf(a),
    });
    if (p.accept === "accepter")
      put("aws_vpc_peering_connection_accepter", `p${k}`, {
        vpc_peering_connection_id: ref(`aws_vpc_peering_connection.p${k}.id`),
        auto_accept: true,
        ...providerOf(b),
      });
  });
  const targetOf = (t: Route["target"]): Record<string, string> =>
    t.kind === "peering"
      ? { vpc_peering_connection_id: ref(`aws_vpc_peering_connection.p${t.peering}.id`) }
      : t.kind === "igw"
        ? { gateway_id: ref(`aws_internet_gateway.v${t.vpc}.id`) }
        : t.kind === "nat"
          ? { nat_gateway_id: ref(`aws_nat_gateway.v${t.vpc}.id`) }
          : { vpc_peering_connection_id: "pcx-0123456789abcdef0" };
  for (const v of vpcs) {
    const put = (type: string, name: string, body: Record<string, unknown>): void => {
      resource[type] = { ...(resource[type] ?? {}), [name]: { ...body, ...providerOf(v) } };
    };
    put("aws_vpc", v.name, { cidr_block: v.block, ...(v.ipv6 ? { assign_generated_ipv6_cidr_block: true } : {}) });
    v.secondary.forEach((block, k) =>
      put("aws_vpc_ipv4_cidr_block_association", `${v.name}b${k}`, {
        vpc_id: ref(`aws_vpc.${v.name}.id`),
        cidr_block: block,
      }),
    );
    if (v.igw) put("aws_internet_gateway", v.name, { vpc_id: ref(`aws_vpc.${v.name}.id`) });
    if (v.nat)
      put("aws_nat_gateway", v.name, {
        subnet_id: ref(`aws_subnet.${v.subnets[0].name}.id`),
        connectivity_type: "private",
      });
    v.tables.forEach((routes, t) => {
      const table = `${v.name}t${t}`;
      put("aws_route_table", table, { vpc_id: ref(`aws_vpc.${v.name}.id`) });
      routes.forEach((r, k) =>
        put("aws_route", `${table}r${k}`, {
          route_table_id: ref(`aws_route_table.${table}.id`),
          [r.ipv6 ? "destination_ipv6_cidr_block" : "destination_cidr_block"]: r.destination,
          ...targetOf(r.target),
        }),
      );
    });
    if (v.mainTable !== undefined)
      put("aws_main_route_table_association", v.name, {
        vpc_id: ref(`aws_vpc.${v.name}.id`),
        route_table_id: ref(`aws_route_table.${v.name}t${v.mainTable}.id`),
      });
    const rule = (r: SgRule): Record<string, unknown> => ({
      protocol: r.protocol,
      from_port: r.from,
      to_port: r.to,
      cidr_blocks: r.cidrs,
      ipv6_cidr_blocks: r.cidrs6,
      security_groups: r.groups,
      self: r.self ?? false,
      prefix_list_ids: [],
      description: "",
    });
    // A group with separate ingress rule resources keeps its other ingress rules in separate resources too:
    // inline rules beside them fight them (the provider documents it), and reach counts the inline ones only.
    const separate = v.standalone.length > 0;
    put("aws_security_group", v.name, {
      vpc_id: ref(`aws_vpc.${v.name}.id`),
      ...(separate ? {} : { ingress: v.ingress.map(rule) }),
      egress: v.egress.map(rule),
    });
    if (separate)
      v.ingress.forEach((r, k) => {
        const sources = [
          ...(r.cidrs.length + r.cidrs6.length > 0 ? [{ cidr_blocks: r.cidrs, ipv6_cidr_blocks: r.cidrs6 }] : []),
          ...r.groups.map((group) => ({ source_security_group_id: group })),
          ...(r.self ? [{ self: true }] : []),
        ];
        sources.forEach((source, j) =>
          put("aws_security_group_rule", `${v.name}i${k}s${j}`, {
            type: "ingress",
            security_group_id: ref(`aws_security_group.${v.name}.id`),
            protocol: r.protocol,
            from_port: r.from,
            to_port: r.to,
            ...source,
          }),
        );
      });
    v.standalone.forEach((r, k) =>
      put("aws_vpc_security_group_ingress_rule", `${v.name}r${k}`, {
        security_group_id: ref(`aws_security_group.${v.name}.id`),
        ip_protocol: r.protocol,
        ...(r.protocol === "-1" ? {} : { from_port: r.from, to_port: r.to }),
        [r.cidr.includes(":") || r.cidr.includes("ipv6") ? "cidr_ipv6" : "cidr_ipv4"]: r.cidr,
      }),
    );
    if (v.defaultSg)
      put("aws_default_security_group", v.name, {
        vpc_id: ref(`aws_vpc.${v.name}.id`),
        ingress: v.defaultSg.self
          ? [rule({ protocol: "-1", from: 0, to: 0, cidrs: [], cidrs6: [], groups: [], self: true })]
          : [],
        egress: [rule({ protocol: "-1", from: 0, to: 0, cidrs: ["0.0.0.0/0"], cidrs6: [], groups: [] })],
      });
    v.subnets.forEach((s, k) => {
      put("aws_subnet", s.name, {
        vpc_id: ref(`aws_vpc.${v.name}.id`),
        cidr_block: s.cidr,
        ...(v.ipv6
          ? {
              ipv6_cidr_block: ref(`cidrsubnet(aws_vpc.${v.name}.ipv6_cidr_block, 8, ${k})`),
              assign_ipv6_address_on_creation: v.autoIpv6,
            }
          : {}),
      });
      if (s.table !== undefined)
        put("aws_route_table_association", s.name, {
          subnet_id: ref(`aws_subnet.${s.name}.id`),
          route_table_id: ref(`aws_route_table.${v.name}t${s.table}.id`),
        });
      if (s.nacl !== undefined) {
        const entries = (egress: boolean): Record<string, unknown>[] =>
          (s.nacl ?? [])
            .filter((r) => r.egress === egress)
            .map((r) => {
              const [protocol, icmpType, icmpCode] = NACL_PROTOCOLS[r.protocol % NACL_PROTOCOLS.length];
              const six = protocol === "58";
              const peers = six
                ? ["::/0", ...vpcs.filter((o) => o.ipv6).map((o) => ref(`aws_vpc.${o.name}.ipv6_cidr_block`))]
                : ["0.0.0.0/0", "10.0.0.0/8", ...vpcs.map((o) => o.block)];
              return {
                rule_no: r.ruleNo,
                action: r.allow ? "allow" : "deny",
                protocol,
                from_port: 0,
                to_port: 0,
                icmp_type: icmpType,
                icmp_code: icmpCode,
                [six ? "ipv6_cidr_block" : "cidr_block"]: peers[r.peer % peers.length],
              };
            });
        put("aws_network_acl", s.name, {
          vpc_id: ref(`aws_vpc.${v.name}.id`),
          subnet_ids: [ref(`aws_subnet.${s.name}.id`)],
          ingress: entries(false),
          egress: entries(true),
        });
      }
      for (const i of s.instances) {
        put("aws_instance", i.name, {
          ami: "ami-0123456789abcdef0",
          instance_type: "t3.nano",
          subnet_id: ref(`aws_subnet.${s.name}.id`),
          ...(i.defaultSg ? {} : { vpc_security_group_ids: [ref(`aws_security_group.${v.name}.id`)] }),
          ...(i.ip ? { private_ip: i.ip } : {}),
          ...(i.ipv6 && v.ipv6 ? { ipv6_address_count: 1 } : {}),
        });
      }
    });
  }
  return { provider: { aws: [{ region: "eu-west-1" }, WEST] }, resource };
}
