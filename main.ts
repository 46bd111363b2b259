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
  console.error(e.message);
  process.exit(1);
}
