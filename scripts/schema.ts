import * as path from "path";
import { writeFileAtomic } from "../lib/core/files";
import { PROJECT_ROOT } from "../lib/paths";
import { configJsonSchema } from "../lib/schema";

/** Writes schema/peering-config.schema.json from the zod schema. */
const file = path.join(PROJECT_ROOT, "schema", "peering-config.schema.json");
writeFileAtomic(file, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), file)}`);
