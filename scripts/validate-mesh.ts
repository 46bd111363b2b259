/**
 * npm run validate:mesh: synthesizes a full mesh (125 VPCs unless told otherwise: 7,750 peerings,
 * sharded) and runs `terraform init` and `terraform validate` on every one of its stacks, offline,
 * from the local provider mirror. Too slow for npm test (a few minutes on 2 cores); npm test proves
 * a small sharded mesh with a mocked apply instead.
 */
import { Command, InvalidArgumentError } from "commander";
import { ConfigError, parseConfig } from "../lib/config";
import { fullMeshConfig } from "../test-support/configs";
import { validateEveryStack } from "../test-support/terraform";

async function main(argv: string[]): Promise<number> {
  const program = new Command("npm run validate:mesh --")
    .description("terraform validate every stack of a full mesh of VPCS VPCs")
    .option(
      "--vpcs <n>",
      "VPCs in the mesh",
      (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 2) throw new InvalidArgumentError("use a whole number of at least 2");
        return n;
      },
      125,
    )
    .parse(argv, { from: "user" });
  const { vpcs } = program.opts<{ vpcs: number }>();
  const config = parseConfig(fullMeshConfig(vpcs), `a full mesh of ${vpcs} VPCs`);
  console.log(`terraform validate, every stack of a full mesh of ${vpcs} VPCs (${config.peerings.length} peerings):`);
  const started = Date.now();
  const results = await validateEveryStack(config, (v) =>
    console.log(
      `  ✓ ${v.stack.padEnd(12)} ${String(v.resources).padStart(6)} resources   init ${v.seconds.init.toFixed(1)} s   validate ${v.seconds.validate.toFixed(1)} s`,
    ),
  );
  console.log(`all ${results.length} stacks valid in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(
      e instanceof ConfigError ? e.message : `validate:mesh failed:\n${e instanceof Error ? e.message : String(e)}`,
    );
    process.exitCode = e instanceof ConfigError ? 2 : 1;
  },
);
