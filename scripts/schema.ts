import * as path from "path";
import { PROJECT_ROOT } from "../lib/core/paths";
import { configJsonSchema } from "../lib/config/json-schema";
import { writeFileAtomic, WriteError } from "../lib/core/files";
import { EXIT, runCommand } from "../lib/core/exit-codes";

/** Writes schema/peering-config.schema.json from the zod schema. */
function main(): number {
  const file = path.join(PROJECT_ROOT, "schema", "peering-config.schema.json");
  writeFileAtomic(file, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
  return EXIT.ok;
}

void runCommand("schema", main, [WriteError]);
