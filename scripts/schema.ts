import * as fs from "fs";
import * as path from "path";
import { configJsonSchema } from "../lib/schema";

/** Writes schema/peering-config.schema.json from the zod schema. */
const file = path.join(__dirname, "..", "schema", "peering-config.schema.json");
fs.writeFileSync(file, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), file)}`);
