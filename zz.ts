import { loadConfig } from "./lib/config";
import { proveWithTerraform } from "./test-support/terraform";
(async () => {
  for (const f of process.argv.slice(2)) {
    const proofs = await proveWithTerraform(loadConfig({ PEERING_CONFIG: f }), "json");
    console.log(f, JSON.stringify(proofs.map((p) => [p.stack, p.assertions, p.warnings])));
  }
})().catch((e) => { console.error(e.message.slice(0, 6000)); process.exit(1); });
