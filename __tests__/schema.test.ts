import * as fs from "fs";
import * as path from "path";
import { configJsonSchema } from "../lib/config/json-schema";

describe("the published JSON Schema", () => {
  it("matches the zod schema the app validates with (run npm run schema after changing it)", () => {
    const published = JSON.parse(
      fs.readFileSync(path.join(__dirname, "..", "schema", "peering-config.schema.json"), "utf8"),
    );
    expect(published).toEqual(configJsonSchema());
  });

  it("documents every top-level key", () => {
    const properties = configJsonSchema().properties as Record<string, { description?: string }>;
    for (const [key, property] of Object.entries(properties))
      expect([key, property.description]).toEqual([key, expect.any(String)]);
  });
});
