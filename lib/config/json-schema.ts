import { z } from "zod";
import { configSchema } from "./schema";

/** The published JSON Schema of the config file (schema/peering-config.schema.json), derived from the zod schema. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: "input" }) as Record<string, unknown>;
  return { ...schema, title: "peering config", description: "VPCs and peerings for the peering cdktf app" };
}
