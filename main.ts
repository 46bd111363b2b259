import { ConfigError, loadConfig, WARNINGS_SHOWN_ENV } from "./lib/config";
import { configWarnings } from "./lib/config/shape-checks";
import { synthesize, threadOptions } from "./app/synth";

async function main(): Promise<void> {
  const config = loadConfig();
  if (!process.env[WARNINGS_SHOWN_ENV])
    for (const warning of configWarnings(config)) console.error(`warning: ${warning}`);
  await synthesize(config, threadOptions());
}

main().catch((e: unknown) => {
  if (!(e instanceof ConfigError)) throw e;
  // exitCode, not exit(): a long message on a pipe is written out in full before node exits.
  console.error(e.message);
  process.exitCode = 1;
});
