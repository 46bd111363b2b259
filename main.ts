import { ConfigError, loadConfig, WARNINGS_SHOWN_ENV } from "./lib/config";
import { configWarnings } from "./lib/shape-checks";
import { PeeringApp } from "./lib/app";
import { addPeeringStacks } from "./stacks";

try {
  const config = loadConfig();
  if (!process.env[WARNINGS_SHOWN_ENV]) for (const warning of configWarnings(config)) console.error(`warning: ${warning}`);
  const app = new PeeringApp();
  addPeeringStacks(app, config);
  app.synth();
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  // exitCode, not exit(): a long message on a pipe is written out in full before node exits.
  console.error(e.message);
  process.exitCode = 1;
}
