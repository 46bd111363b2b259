/** The picture docs/diagram-and-cost.md embeds: `PEERING_CONFIG=examples/three-vpcs.json npm run diagram -- --out docs/three-vpcs.svg`. */
export const DOCS_DIAGRAM = {
  config: "examples/three-vpcs.json",
  svg: "docs/three-vpcs.svg",
  page: "docs/diagram-and-cost.md",
} as const;

/** Where Debian's chromium package puts the browser. */
export const CHROMIUM = "/usr/bin/chromium";

/** The flags the browser test starts Chromium with: headless, offline, no first-run or background work. */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
] as const;
