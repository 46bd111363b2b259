import { ConfigError, loadConfig } from "./lib/config";
import { PeeringApp } from "./lib/app";
import { addPeeringStacks } from "./stacks";

try {
  const config = loadConfig();
  const app = new PeeringApp();
  addPeeringStacks(app, config);
  app.synth();
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  // exitCode, not exit(): a long message on a pipe is written out in full before node exits.
  console.error(e.message);
  process.exitCode = 1;
}
