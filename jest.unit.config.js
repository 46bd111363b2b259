/**
 * Jest for `npm run test:unit`: the inner loop, the suites that need only Node.js. Left out, with why:
 * what needs Terraform, root (network namespaces) or a browser, and the suites that build and run the
 * compiled commands end to end, which `npm test` runs.
 */
const base = require("./jest.config.js");

/** Suites that need more than Node.js, by what they need. */
const NEEDS_MORE = {
  terraform: [
    "__tests__/terraform.test.ts",
    "__tests__/reachability-analyzer.test.ts",
    "__tests__/stacks.test.ts",
    "__tests__/rehearse/differential.test.ts",
    "__tests__/transit-gateway.test.ts",
    "__tests__/transit-peering.test.ts",
    "__tests__/transit-pending-peerings.test.ts",
    "__tests__/reach/transit-terraform.test.ts",
  ],
  root: [
    "__tests__/rehearse/network.test.ts",
    "__tests__/rehearse/cli.test.ts",
    "__tests__/ssm-namespaces.test.ts",
    "__tests__/terraform-env.test.ts",
    "__tests__/test-all.test.ts",
    "__tests__/diagram/full-disk.test.ts",
  ],
  chromium: ["__tests__/diagram/browser.test.ts"],
  "compiled commands": [
    "__tests__/synth-cli.test.ts",
    "__tests__/build.test.ts",
    "__tests__/check.test.ts",
    "__tests__/migrate/cli.test.ts",
    "__tests__/cost/cli.test.ts",
    "__tests__/cost/transit-compare.test.ts",
    "__tests__/diagram/cli.test.ts",
    "__tests__/ping/script.test.ts",
    "__tests__/synth-threads.test.ts",
  ],
};

module.exports = {
  ...base,
  testPathIgnorePatterns: [
    ...base.testPathIgnorePatterns,
    ...Object.values(NEEDS_MORE)
      .flat()
      .map((file) => `<rootDir>/${file}`),
  ],
};
