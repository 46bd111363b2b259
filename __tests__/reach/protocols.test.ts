import * as path from "path";
import { importGraph } from "../../scripts/import-graph";
import { IP_PROTOCOLS, protocolNumber } from "../../lib/reach/protocols";

describe("the IP protocol table both loaders share", () => {
  it.each([...IP_PROTOCOLS])("reads %s as %i, in any case", (name, number) => {
    expect(protocolNumber(name)).toBe(number);
    expect(protocolNumber(name.toUpperCase())).toBe(number);
  });

  it.each([
    ["-1", -1],
    ["0", 0],
    ["6", 6],
    ["255", 255],
  ])("reads the number %s as %i", (text, number) => {
    expect(protocolNumber(text)).toBe(number);
  });

  it.each(["-2", "256", "gre", "", "1.5"])("knows no protocol %j", (text) => {
    expect(protocolNumber(text)).toBeUndefined();
  });

  it("is the table of the Terraform loader and of the live loader, which keep none of their own", () => {
    const root = path.join(__dirname, "..", "..");
    const loaders = ["lib/reach/terraform/attributes.ts", "lib/reach/live/map.ts"];
    const graph = importGraph(root, loaders);
    for (const loader of loaders) expect(graph.get(loader)).toContain("lib/reach/protocols.ts");
  });
});
