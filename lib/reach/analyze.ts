import { preview } from "../core/json-limits";
import { addressProblem, type Family, formatAddress, parseAddress, setOf } from "./cidr";
import { findConfigurationProblems } from "./validity";
import {
  type AnalyzeOptions,
  type Instance,
  type InstanceSummary,
  type Model,
  type PairResult,
  ReachInputError,
  type Result,
  type Subnet,
  type Vpc,
} from "./model";
import { type Endpoint, PairAnalysis, PairCache, usable } from "./pair";

/** Decides for each ordered pair of instances (or the pair in options) whether an ICMP echo gets its reply. */
export function analyze(model: Model, options: AnalyzeOptions = {}): Result {
  const problems = findConfigurationProblems(model);
  const addresses = fixedAddresses(model, options);
  const instances = [...model.instances.values()];
  const from = options.from === undefined ? instances : [findInstance(model, options.from, "--from")];
  const pairs: PairResult[] = [];
  const target = options.to === undefined ? undefined : parseAddress(options.to);
  if (options.to !== undefined && target === undefined && looksLikeAddress(options.to))
    throw new ReachInputError(`--to ${addressProblem(options.to)}; give an instance's address or an IP address`);
  const cache = new PairCache(model);
  for (const source of from) {
    if (target) {
      pairs.push(toAddress(model, addresses, source, options.to as string, target.family, target.value));
      continue;
    }
    const to = options.to === undefined ? instances : [findInstance(model, options.to, "--to")];
    for (const dest of to) {
      if (dest.address === source.address) continue;
      for (const family of ["ipv4", "ipv6"] as const) {
        const a = endpoint(model, addresses, source, family);
        const b = endpoint(model, addresses, dest, family);
        if (a && b) pairs.push(new PairAnalysis(model, family, a, b, dest.address, false, cache).run());
      }
    }
  }
  return {
    pairs,
    errors: problems.errors,
    warnings: [...model.warnings, ...problems.warnings],
    instances: instances.map((i) => summary(model, addresses, i)),
  };
}

type Fixed = ReadonlyMap<string, { readonly ipv4?: bigint; readonly ipv6?: bigint }>;

function fixedAddresses(model: Model, options: AnalyzeOptions): Fixed {
  const out = new Map<string, { ipv4?: bigint; ipv6?: bigint }>();
  for (const instance of model.instances.values())
    out.set(instance.address, { ipv4: instance.ipv4, ipv6: instance.ipv6 });
  for (const [name, given] of Object.entries(options.addresses ?? {})) {
    const instance = findInstance(model, name, "addresses");
    const entry = { ...out.get(instance.address) };
    for (const family of ["ipv4", "ipv6"] as const) {
      const text = given[family];
      if (text === undefined) continue;
      const parsed = parseAddress(text);
      if (!parsed || parsed.family !== family) {
        throw new ReachInputError(
          `addresses.${name}.${family} = ${preview(text)} is not an ${family === "ipv4" ? "IPv4" : "IPv6"} address`,
        );
      }
      const subnet = model.subnets.get(instance.subnet);
      const block = family === "ipv4" ? subnet?.ipv4 : subnet?.ipv6;
      if (!block || parsed.value < block.first || parsed.value > block.last) {
        throw new ReachInputError(
          `addresses.${name}.${family} = ${text} is not in ${instance.subnet}${
            block ? ` (${block.text})` : ` (it has no ${family === "ipv4" ? "IPv4" : "IPv6"} block)`
          }, where ${instance.address} is: the address and the configuration do not match`,
        );
      }
      entry[family] = parsed.value;
    }
    out.set(instance.address, entry);
  }
  return out;
}

/** Finds an instance by its address, or by its address without the stack prefix when that is unambiguous. */
export function findInstance(model: Model, name: string, option: string): Instance {
  const exact = model.instances.get(name);
  if (exact) return exact;
  const matches = [...model.instances.values()].filter((i) => i.address.endsWith(`/${name}`));
  if (matches.length === 1) return matches[0];
  const known = [...model.instances.keys()].join(", ") || "none";
  throw new ReachInputError(
    matches.length > 1
      ? `${option} ${name} is ambiguous (${matches.map((m) => m.address).join(", ")}); prefix it with the stack name`
      : `${option} ${name} is not an aws_instance of the loaded configuration (instances: ${known})`,
  );
}

function endpoint(model: Model, fixed: Fixed, instance: Instance, family: Family): Endpoint | undefined {
  const subnet = model.subnets.get(instance.subnet) as Subnet;
  const vpc = model.vpcs.get(subnet.vpc) as Vpc;
  const block = family === "ipv4" ? subnet.ipv4 : subnet.ipv6;
  if (!block || (family === "ipv6" && !instance.wantsIpv6)) return undefined;
  const pinned = fixed.get(instance.address)?.[family];
  const candidates = pinned !== undefined ? setOf(family, { first: pinned, last: pinned }) : usable(block);
  return { instance, label: instance.address, subnet, vpc, candidates };
}

function toAddress(
  model: Model,
  fixed: Fixed,
  source: Instance,
  text: string,
  family: Family,
  value: bigint,
): PairResult {
  const from = endpoint(model, fixed, source, family);
  if (!from) {
    return {
      from: source.address,
      to: text,
      protocol: family,
      reachable: false,
      reason: `${source.address} has no ${family === "ipv4" ? "IPv4" : "IPv6"} address`,
      path: [source.address],
    };
  }
  const holder = [...model.instances.values()].find((i) => fixed.get(i.address)?.[family] === value);
  const unplaced: Subnet = {
    address: `the subnet holding ${text}`,
    vpc: from.vpc.address,
    ipv4: undefined,
    ipv6: undefined,
    assignIpv6OnCreation: false,
  };
  const placeholder = {
    instance: undefined,
    label: text,
    subnet: unplaced,
    vpc: from.vpc,
    candidates: setOf(family, { first: value, last: value }),
  };
  const held = holder && endpoint(model, fixed, holder, family);
  const to = held ? { ...held, label: text } : placeholder;
  return new PairAnalysis(model, family, from, to, text, held === undefined).run();
}

/** Whether an option value is meant as an IP address rather than an instance address. */
function looksLikeAddress(text: string): boolean {
  return /^[0-9.]+$/.test(text) || text.includes(":");
}

function summary(model: Model, fixed: Fixed, instance: Instance): InstanceSummary {
  const subnet = model.subnets.get(instance.subnet) as Subnet;
  const pinned = fixed.get(instance.address);
  return {
    address: instance.address,
    stack: instance.stack,
    vpc: subnet.vpc,
    subnet: subnet.address,
    tags: instance.tags,
    ipv4: pinned?.ipv4 === undefined ? undefined : formatAddress("ipv4", pinned.ipv4),
    ipv6: pinned?.ipv6 === undefined ? undefined : formatAddress("ipv6", pinned.ipv6),
  };
}
