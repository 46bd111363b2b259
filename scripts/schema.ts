import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../lib/core/paths";
import { configJsonSchema } from "../lib/config/json-schema";

/** Writes schema/peering-config.schema.json from the zod schema. */
const file = path.join(PROJECT_ROOT, "schema", "peering-config.schema.json");
fs.writeFileSync(file, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), file)}`);
