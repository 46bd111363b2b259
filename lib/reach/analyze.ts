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
import { type Endpoint, PairAnalysis, usable } from "./pair";
import { PairCache } from "./pair-cache";

/**
 * What analyses of one model share when it is analyzed in several calls (every pair, then single
 * pairs again): what the pairs share, and the configuration problems, found once.
 */
export class SharedAnalysis {
  /** What the pairs share. */
  readonly cache: PairCache;
  private found?: ReturnType<typeof findConfigurationProblems>;

  constructor(readonly model: Model) {
    this.cache = new PairCache(model);
  }

  /** What AWS would refuse in the model, and the warnings on its limits. */
  problems(): ReturnType<typeof findConfigurationProblems> {
    return (this.found ??= findConfigurationProblems(this.model));
  }
}

/** Decides for each ordered pair of instances (or the pair in options) whether an ICMP echo gets its reply. */
export function analyze(model: Model, options: AnalyzeOptions = {}, shared?: SharedAnalysis): Result {
  const pairs: PairResult[] = [];
  const rest = analyzeEach(model, options, (pair) => pairs.push(pair), shared);
  return { pairs, ...rest };
}

/**
 * Decides the pairs as analyze does, handing each to `visit` as it is decided instead of keeping
 * them: a network of a thousand instances has a million pairs, each with its path. `sources`, the
 * indices of a run of the model's instances, limits the pairs to those from them (a thread's share).
 */
export function analyzeEach(
  model: Model,
  options: AnalyzeOptions,
  visit: (pair: PairResult) => void,
  shared = new SharedAnalysis(model),
  sources?: { readonly start: number; readonly end: number },
): Omit<Result, "pairs"> {
  if (shared.model !== model) throw new Error("analyzeEach: the shared analysis is of another model");
  const problems = shared.problems();
  const addresses = fixedAddresses(model, options);
  const instances = [...model.instances.values()];
  const from =
    options.from !== undefined
      ? [findInstance(model, options.from, "--from")]
      : sources
        ? instances.slice(sources.start, sources.end)
        : instances;
  const target = options.to === undefined ? undefined : parseAddress(options.to);
  if (options.to !== undefined && target === undefined && looksLikeAddress(options.to))
    throw new ReachInputError(`--to ${addressProblem(options.to)}; give an instance's address or an IP address`);
  const { cache } = shared;
  // Each instance's ends, made once: every pair it is in shares their candidate sets.
  const made = { ipv4: new Map<Instance, Endpoint | undefined>(), ipv6: new Map<Instance, Endpoint | undefined>() };
  const ends = (instance: Instance, family: Family): Endpoint | undefined => {
    const byInstance = made[family];
    if (!byInstance.has(instance)) byInstance.set(instance, endpoint(model, addresses, instance, family));
    return byInstance.get(instance);
  };
  for (const source of from) {
    if (target) {
      visit(toAddress(model, addresses, source, options.to as string, target.family, target.value, cache));
      continue;
    }
    const to = options.to === undefined ? instances : [findInstance(model, options.to, "--to")];
    for (const dest of to) {
      if (dest.address === source.address) continue;
      for (const family of ["ipv4", "ipv6"] as const) {
        const a = ends(source, family);
        const b = ends(dest, family);
        if (a && b) visit(new PairAnalysis(model, family, a, b, dest.address, false, cache, options.brief).run());
      }
    }
  }
  return {
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
  cache: PairCache,
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
  return new PairAnalysis(model, family, from, to, text, held === undefined, cache).run();
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
