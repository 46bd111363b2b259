import {
  type AnalyzeOptions,
  type PairResult,
  ReachInputError,
  type Result,
  analyze,
  buildModel,
} from "../../lib/reach";

/** A Terraform JSON document being built by a test. */
export interface Tf {
  provider: { aws: Record<string, unknown>[] };
  resource: Record<string, Record<string, Record<string, unknown>>>;
  [section: string]: unknown;
}

/** "${...}" interpolation of a reference. */
export const ref = (expression: string): string => `\${${expression}}`;

/** Adds (or replaces) a resource. */
export function put(tf: Tf, type: string, name: string, body: Record<string, unknown>): Tf {
  tf.resource[type] = { ...(tf.resource[type] ?? {}), [name]: body };
  return tf;
}

/** Removes a resource. */
export function drop(tf: Tf, type: string, name: string): Tf {
  delete tf.resource[type]?.[name];
  return tf;
}

/** Changes some attributes of a resource. */
export function patch(tf: Tf, type: string, name: string, changes: Record<string, unknown>): Tf {
  tf.resource[type][name] = { ...tf.resource[type][name], ...changes };
  return tf;
}

/** ICMP echo allowed from/to everything private, as an inline SG rule. */
export const icmpFromPrivate = { protocol: "icmp", from_port: -1, to_port: -1, cidr_blocks: ["10.0.0.0/8"] };

/** All traffic, as an inline SG rule. */
export const allTraffic = { protocol: "-1", from_port: 0, to_port: 0, cidr_blocks: ["0.0.0.0/0"] };

/** Adds a VPC with one subnet, a route table associated with it, a security group and an instance. */
export function addVpc(
  tf: Tf,
  name: string,
  octet: number,
  options: { readonly region?: string; readonly provider?: string } = {},
): Tf {
  const provider = options.provider ? { provider: options.provider } : {};
  put(tf, "aws_vpc", name, { cidr_block: `10.${octet}.0.0/16`, ...provider });
  put(tf, "aws_subnet", name, { vpc_id: ref(`aws_vpc.${name}.id`), cidr_block: `10.${octet}.1.0/24`, ...provider });
  put(tf, "aws_route_table", name, { vpc_id: ref(`aws_vpc.${name}.id`), route: [], ...provider });
  put(tf, "aws_route_table_association", name, {
    subnet_id: ref(`aws_subnet.${name}.id`),
    route_table_id: ref(`aws_route_table.${name}.id`),
    ...provider,
  });
  put(tf, "aws_security_group", name, {
    vpc_id: ref(`aws_vpc.${name}.id`),
    ingress: [structuredClone(icmpFromPrivate)],
    egress: [structuredClone(allTraffic)],
    ...provider,
  });
  put(tf, "aws_instance", name, {
    ami: ref("data.aws_ssm_parameter.ami.value"),
    instance_type: "t3.micro",
    availability_zone: ref("data.aws_availability_zones.azs.names[0]"),
    subnet_id: ref(`aws_subnet.${name}.id`),
    vpc_security_group_ids: [ref(`aws_security_group.${name}.id`)],
    private_ip: `10.${octet}.1.10`,
    tags: { Name: name },
    ...provider,
  });
  return tf;
}

/** Peers two VPCs (auto accepted) and routes each VPC's /16 through the peering. */
export function peer(tf: Tf, a: string, b: string, octets: readonly [number, number]): Tf {
  const name = `${a}${b}`;
  put(tf, "aws_vpc_peering_connection", name, {
    vpc_id: ref(`aws_vpc.${a}.id`),
    peer_vpc_id: ref(`aws_vpc.${b}.id`),
    auto_accept: true,
  });
  addRoute(tf, a, `10.${octets[1]}.0.0/16`, name);
  addRoute(tf, b, `10.${octets[0]}.0.0/16`, name);
  return tf;
}

/** Appends an inline route through a peering to a VPC's route table. */
export function addRoute(tf: Tf, table: string, cidr: string, peering: string): Tf {
  const rt = tf.resource.aws_route_table[table];
  rt.route = [
    ...(rt.route as unknown[]),
    { cidr_block: cidr, vpc_peering_connection_id: ref(`aws_vpc_peering_connection.${peering}.id`) },
  ];
  return tf;
}

/** Two VPCs a (10.0/16) and b (10.1/16), peered, each with an instance that answers ICMP from 10.0.0.0/8. */
export function twoPeeredVpcs(): Tf {
  const tf: Tf = { provider: { aws: [{ region: "eu-west-1" }] }, resource: {} };
  addVpc(tf, "a", 0);
  addVpc(tf, "b", 1);
  return peer(tf, "a", "b", [0, 1]);
}

/** Runs the pure pipeline on one or more documents. */
export function reach(
  docs: Tf | readonly { readonly stack: string; readonly json: unknown }[],
  options: AnalyzeOptions = {},
): Result {
  const documents = Array.isArray(docs)
    ? docs.map((d) => ({ ...d, file: `${d.stack}.tf.json` }))
    : [{ stack: "test", file: "test.tf.json", json: docs }];
  return analyze(buildModel(documents), options);
}

/** The verdict for one pair. */
export function pair(result: Result, from: string, to: string, protocol: "ipv4" | "ipv6" = "ipv4"): PairResult {
  const found = result.pairs.find((p) => p.from === from && p.to === to && p.protocol === protocol);
  if (!found)
    throw new Error(
      `no ${protocol} pair ${from} → ${to} in ${JSON.stringify(result.pairs.map((p) => [p.from, p.to, p.protocol]))}`,
    );
  return found;
}

/** VPC a in eu-west-1 peered with VPC b in us-west-2, accepted by an accepter in b's region. */
export function crossRegionPeering(): Tf {
  const tf: Tf = { provider: { aws: [{ region: "eu-west-1" }, { alias: "west", region: "us-west-2" }] }, resource: {} };
  addVpc(tf, "a", 0);
  addVpc(tf, "b", 1, { provider: "aws.west" });
  peer(tf, "a", "b", [0, 1]);
  patch(tf, "aws_vpc_peering_connection", "ab", { auto_accept: false, peer_region: "us-west-2" });
  return put(tf, "aws_vpc_peering_connection_accepter", "ab", {
    provider: "aws.west",
    vpc_peering_connection_id: ref("aws_vpc_peering_connection.ab.id"),
    auto_accept: true,
  });
}

/**
 * VPC a in the credentials' own account peered with VPC b in account 222222222222 (a provider that
 * assumes a role there), same region: requested with peer_owner_id, accepted in b's account.
 */
export function crossAccountPeering(): Tf {
  const tf: Tf = {
    provider: {
      aws: [
        { region: "eu-west-1" },
        { alias: "peer", region: "eu-west-1", assume_role: [{ role_arn: "arn:aws:iam::222222222222:role/peering" }] },
      ],
    },
    resource: {},
  };
  addVpc(tf, "a", 0);
  addVpc(tf, "b", 1, { provider: "aws.peer" });
  peer(tf, "a", "b", [0, 1]);
  patch(tf, "aws_vpc_peering_connection", "ab", { auto_accept: false, peer_owner_id: "222222222222" });
  return put(tf, "aws_vpc_peering_connection_accepter", "ab", {
    provider: "aws.peer",
    vpc_peering_connection_id: ref("aws_vpc_peering_connection.ab.id"),
    auto_accept: true,
  });
}

/**
 * crossAccountPeering the other way round: b (account 222222222222) requests, a (the credentials'
 * own account) accepts; the peer owner is the own account's id, read by data.aws_caller_identity
 * through `callerProvider` (the default provider unless given).
 */
export function crossAccountPeeringFromPeer(callerProvider?: string): Tf {
  const tf = crossAccountPeering();
  tf.data = { aws_caller_identity: { me: callerProvider ? { provider: callerProvider } : {} } };
  patch(tf, "aws_vpc_peering_connection", "ab", {
    provider: "aws.peer",
    vpc_id: ref("aws_vpc.b.id"),
    peer_vpc_id: ref("aws_vpc.a.id"),
    peer_owner_id: ref("data.aws_caller_identity.me.account_id"),
  });
  return patch(tf, "aws_vpc_peering_connection_accepter", "ab", { provider: undefined });
}

/** The message of the ReachInputError that `run` throws; any other outcome fails the test. */
export function inputError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ReachInputError) return error.message;
    throw error;
  }
  throw new Error("expected a ReachInputError");
}
