/**
 * Generates the `terraform test` file of a synthesized app: a mocked AWS provider per alias, and
 * per stack one run that applies it as a module, with fake cross-stack outputs with recognizable
 * ids ("vpc-a", "rtb-a-private-0", ...) and assertions that say how the config should be wired.
 * Expectations come from the config; resource addresses come from the construct handles, never
 * from hashed names.
 */
import { DataAwsAvailabilityZones } from "@cdktf/provider-aws/lib/data-aws-availability-zones";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { PeeringConfig } from "../lib/config";
import { placementKey, placementOf, providerAlias } from "../lib/config/placement";

import {
  allStacks,
  AppStacks,
  InstancesStack,
  NetworkStack,
  PeeringStack,
  TransitCellStack,
  TransitStack,
} from "../stacks";
import { Assertions, all, hcl, nested } from "./tftest/hcl";

export { hcl } from "./tftest/hcl";
export { MOCK } from "./tftest/mocked-world";
import { MOCK, ipv6BlockOverrides, mockProviders, remoteStateOverrides } from "./tftest/mocked-world";
import { networkAssertions } from "./tftest/network-assertions";
import {
  instancesAssertions,
  peeringAssertions,
  transitAssertions,
  transitCellAssertions,
} from "./tftest/stack-assertions";

/**
 * A plan in a region with one AZ fewer than the widest VPC asks for: the AZ data source's
 * postcondition must fail it, rather than let element() wrap around and reuse an AZ.
 * `lead` is what the run block starts with (the module it runs, the overrides it needs).
 */
function tooFewAzsRun(config: PeeringConfig, network: NetworkStack, name: string, lead: readonly string[]): string {
  const vpcs = config.vpcs.filter((v) => network.vpcs.has(v.name));
  const widest = vpcs.reduce((w, v) => (v.maxAzs > w.maxAzs ? v : w));
  const placement = placementOf(widest);
  const alias = providerAlias(config, placement);
  const azs = all(network, DataAwsAvailabilityZones);
  const placements = new Set(vpcs.map((v) => placementKey(placementOf(v))));
  if (azs.length !== placements.size)
    throw new Error(
      `network stack has ${azs.length} availability zone data sources, expected one per account and region (${placements.size})`,
    );
  const source = azs.find((d) => (d.provider as AwsProvider | undefined)?.alias === alias);
  if (!source)
    throw new Error(
      `network stack has no availability zone data source for ${placement.region}${alias ? ` (provider ${alias})` : ""}`,
    );
  const needed = widest.maxAzs;
  const names = MOCK.availabilityZones(placement.region, needed - 1);
  const target = `data.aws_availability_zones.${source.friendlyUniqueId}`;
  return [
    `run ${hcl(name)} {`,
    "  command = plan",
    ...lead,
    "  override_data {",
    `    target = ${target}`,
    `    values = { names = ${hcl(names)}, zone_ids = ${hcl(names.map((_, i) => `${placement.region}-az${i + 1}`))} }`,
    "  }",
    `  expect_failures = [${target}]`,
    "}",
  ].join("\n");
}

/**
 * The `*.tftest.hcl` text proving in one `terraform test` that every stack of `stacks` wires
 * `config` as intended: one mocked provider per alias for all stacks, and per stack a run
 * named after it (`network`, `instances`, `peering-00`, ...) that applies the module at
 * `sourceOf(stack)` with its fake cross-stack outputs, plus the network stack's plan in a region
 * with too few AZs. One process loads the aws provider's schema once for every stack.
 */
export function tftestForAll(
  config: PeeringConfig,
  stacks: AppStacks,
  sourceOf: (stackId: string) => string,
): StacksTest {
  const every = allStacks(stacks);
  const assertions: Record<string, number> = {};
  const runs = every.flatMap((stack) => {
    const id = stack.node.id;
    const a = new Assertions();
    if (stack instanceof NetworkStack) networkAssertions(config, stack, a);
    else if (stack instanceof InstancesStack) instancesAssertions(config, stack, a);
    else if (stack instanceof PeeringStack) peeringAssertions(config, stack, a);
    else if (stack instanceof TransitStack) transitAssertions(config, stack, a);
    else if (stack instanceof TransitCellStack) transitCellAssertions(config, stack, a);
    assertions[id] = a.size;
    const overrides = [
      remoteStateOverrides(stack, config, stacks),
      ...(stack instanceof NetworkStack ? [ipv6BlockOverrides(config, stack)] : []),
    ]
      .filter((o) => o !== "")
      .join("\n\n");
    const lead = ["  module {", `    source = ${hcl(sourceOf(id))}`, "  }", ...nested(overrides)];
    return [
      [`run ${hcl(id)} {`, "  command = apply", ...lead, ...(a.size > 0 ? ["", a.render()] : []), "}"].join("\n"),
      // The first network stack with VPCs: the one network stack, or a cell's.
      ...(stack === stacks.network.find((n) => n.vpcs.size > 0)
        ? [tooFewAzsRun(config, stack as NetworkStack, `${id}-fails-the-plan-when-the-region-has-too-few-azs`, lead)]
        : []),
    ];
  });
  const text = [
    "# Generated by test-support/tftest.ts: a mocked apply of every stack.",
    mockProviders(config, every),
    ...runs,
    "",
  ].join("\n\n");
  return { text, runs: runs.length, assertions };
}

/** A generated test file of every stack. */
export interface StacksTest {
  /** The `*.tftest.hcl` text. */
  readonly text: string;
  /** How many run blocks it holds: `terraform test` must report as many passed. */
  readonly runs: number;
  /** Assertions in each stack's run, by stack id. */
  readonly assertions: Readonly<Record<string, number>>;
}

/** A `*.tftest.hcl` text that only plans one stack against the mocked provider, asserting nothing: what `npm run bench` times. */
export function planTestFor(stackId: string, config: PeeringConfig, stacks: AppStacks): string {
  const stack = allStacks(stacks).find((s) => s.node.id === stackId);
  if (!stack) throw new Error(`no stack "${stackId}"`);
  const overrides = remoteStateOverrides(stack, config, stacks);
  return [
    `# Generated by test-support/tftest.ts: a mocked plan of the "${stackId}" stack.`,
    mockProviders(config, [stack]),
    ...(overrides ? [overrides] : []),
    'run "plan" {\n  command = plan\n}',
    "",
  ].join("\n\n");
}
