/// <reference lib="dom" />
/**
 * The docs' diagram in a real browser: Debian's headless Chromium, driven by playwright-core,
 * offline, with a fresh profile. Without /usr/bin/chromium this test fails and says how to install it.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pathToFileURL } from "url";
import { chromium, type BrowserContext } from "playwright-core";
import { parseConfig } from "../../lib/config";
import { CHROMIUM, CHROMIUM_FLAGS, DOCS_DIAGRAM } from "../../test-support/diagram";

const ROOT = path.join(__dirname, "..", "..");

interface Shown {
  readonly id: string;
  readonly found: boolean;
  readonly width: number;
  readonly height: number;
  readonly text: string;
}

describe("the docs' diagram in headless Chromium", () => {
  let profile: string;
  let context: BrowserContext | undefined;
  afterAll(async () => {
    await context?.close();
    if (profile) fs.rmSync(profile, { recursive: true, force: true });
  });

  it("renders, and shows every VPC and every peering of examples/three-vpcs.json", async () => {
    if (!fs.existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: install Debian's Chromium with "apt-get install -y chromium" (.ci/run does this on CI)`,
      );
    }
    profile = fs.mkdtempSync(path.join(os.tmpdir(), "peering-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_FLAGS],
    });
    const page = await context.newPage();
    const response = await page.goto(pathToFileURL(path.join(ROOT, DOCS_DIAGRAM.svg)).href);
    expect(response?.ok()).toBe(true);

    const config = parseConfig(JSON.parse(fs.readFileSync(path.join(ROOT, DOCS_DIAGRAM.config), "utf8")));
    const ids = [...config.vpcs.map((v) => `vpc-${v.name}`), ...config.peerings.map(([a, b]) => `peering-${a}-${b}`)];
    const shown = await page.evaluate((wanted: string[]): Shown[] => {
      return wanted.map((id) => {
        const element = document.getElementById(id) as unknown as SVGGraphicsElement | null;
        const box = element?.getBBox();
        return {
          id,
          found: element !== null,
          width: box?.width ?? 0,
          height: box?.height ?? 0,
          text: element?.textContent ?? "",
        };
      });
    }, ids);
    const root = await page.evaluate(() => ({
      tag: document.documentElement.tagName,
      errors: document.getElementsByTagName("parsererror").length,
    }));
    expect(root).toEqual({ tag: "svg", errors: 0 });

    for (const item of shown) {
      expect(item).toEqual(expect.objectContaining({ id: item.id, found: true }));
      expect(item.width * item.height).toBeGreaterThan(0);
    }
    for (const vpc of config.vpcs) {
      const text = shown.find((s) => s.id === `vpc-${vpc.name}`)!.text;
      expect(text).toContain(vpc.name);
      expect(text).toContain(vpc.cidr);
    }
  }, 120_000);
});
