/**
 * The `terraform test` file of the reachability stack: one mocked aws provider per provider of the
 * stack (each stamping the ARNs of the paths it creates with its region and account), fake instance
 * and security group ids for the outputs it reads from the instances stack, and one mocked apply per
 * outcome. In "agrees" every analysis returns what the config means and the apply succeeds; in
 * each "disagrees" run one analysis returns the opposite and its postcondition must fail the apply.
 */
import { AnalyzerPair } from "../lib/constructs/reachability-analyzer";
import { isObject } from "../lib/core/terraform-json";
import { hcl, MOCK } from "./tftest";

const ANALYSIS = "aws_ec2_network_insights_analysis";

/** The outputs a stack reads from other stacks' state: `data.terraform_remote_state.<source>.outputs.<name>`. */
function remoteOutputs(stackJson: unknown): Map<string, Set<string>> {
  const text = JSON.stringify(stackJson);
  const found = new Map<string, Set<string>>();
  for (const m of text.matchAll(/data\.terraform_remote_state\.([\w-]+)\.outputs\.([\w-]+)/g)) {
    found.set(m[1], new Set([...(found.get(m[1]) ?? []), m[2]]));
  }
  return found;
}

/** The ARN a mocked provider gives the paths it creates: `<region>:<account id>` inside. */
function pathArn(mark: string): string {
  return `arn:aws:mock:${mark}:network-insights-path/mock`;
}

/** A `mock_provider "aws"` block for each aws provider the stack declares (its alias, if any), stamping paths with `<region>:<account id>`. */
function mockProviders(stackJson: unknown): string[] {
  const declared = isObject(stackJson) && isObject(stackJson.provider) ? stackJson.provider.aws : undefined;
  const providers = (Array.isArray(declared) ? declared : [declared]).filter(isObject);
  return providers.map((provider) => {
    const alias = typeof provider.alias === "string" ? provider.alias : undefined;
    const roles = Array.isArray(provider.assume_role) ? provider.assume_role.filter(isObject) : [];
    const role = typeof roles[0]?.role_arn === "string" ? roles[0].role_arn : undefined;
    const account = role ? /:iam::(\d{12}):/.exec(role)?.[1] : undefined;
    const mark = `${String(provider.region)}:${account ?? MOCK.account}`;
    return [
      'mock_provider "aws" {',
      ...(alias ? [`  alias = ${hcl(alias)}`] : []),
      '  mock_resource "aws_ec2_network_insights_path" {',
      `    defaults = { arn = ${hcl(pathArn(mark))} }`,
      "  }",
      "}",
    ].join("\n");
  });
}

function overrides(pairs: readonly AnalyzerPair[], flipped?: AnalyzerPair): string[] {
  return pairs.map((p) => {
    const pathFound = p === flipped ? !p.pathFound : p.pathFound;
    return `  override_resource {\n    target = ${ANALYSIS}.analysis-${p.from}_${p.to}\n    values = { path_found = ${pathFound} }\n  }`;
  });
}

/**
 * The test file for a synthesized reachability stack and its pairs; `flip` names the pairs whose
 * "disagrees" run is generated. With `placement` ("<region>:<account id>" of a pair's source
 * instance, the mocked own account being MOCK.account), "agrees" also asserts that each path is
 * created by the provider of that region and account.
 */
export function reachabilityTftest(
  stackJson: unknown,
  pairs: readonly AnalyzerPair[],
  flip: readonly AnalyzerPair[],
  placement?: (pair: AnalyzerPair) => string,
): string {
  const data = [...remoteOutputs(stackJson)].map(([source, names]) =>
    [
      "override_data {",
      `  target = data.terraform_remote_state.${source}`,
      `  values = {`,
      `    outputs = ${hcl(Object.fromEntries([...names].sort().map((n) => [n, `fake-${n}`])), "    ")}`,
      "  }",
      "}",
    ].join("\n"),
  );
  const expected = Object.fromEntries(pairs.map((p) => [`${p.from}_${p.to}`, p.pathFound]));
  const agrees = [
    'run "agrees" {',
    "  command = apply",
    ...overrides(pairs),
    "  assert {",
    `    condition     = output.analyses == ${hcl(expected, "    ")}`,
    `    error_message = "every analysis should report what the config means"`,
    "  }",
    "  assert {",
    `    condition     = alltrue([for p in [${pairs.map((p) => `aws_ec2_network_insights_path.path-${p.from}_${p.to}`).join(", ")}] : p.protocol == "tcp" && p.destination_port == 7])`,
    `    error_message = "every path should be TCP to the probe port"`,
    "  }",
    ...(placement
      ? pairs.flatMap((p) => [
          "  assert {",
          `    condition     = aws_ec2_network_insights_path.path-${p.from}_${p.to}.arn == ${hcl(pathArn(placement(p)))}`,
          `    error_message = ${hcl(`the path from ${p.from} to ${p.to} should be created by the provider of ${placement(p)}`)}`,
          "  }",
        ])
      : []),
    "}",
  ].join("\n");
  const disagrees = flip.map((p) =>
    [
      `run "disagrees_${p.from}_${p.to}" {`,
      `  state_key = "disagrees_${p.from}_${p.to}"`,
      "  command   = apply",
      ...overrides(pairs, p),
      `  expect_failures = [${ANALYSIS}.analysis-${p.from}_${p.to}]`,
      "}",
    ].join("\n"),
  );
  return [
    "# Generated by test-support/reachability-analyzer-tftest.ts.",
    ...mockProviders(stackJson),
    ...data,
    agrees,
    ...disagrees,
    "",
  ].join("\n\n");
}
