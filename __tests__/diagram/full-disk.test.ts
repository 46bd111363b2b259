/**
 * diagram --out on a real full disk: a 64 KiB tmpfs, mounted for the test (root, as npm test runs).
 * The old picture stays whole, no temporary file is left, and the failure is one line, exit 2.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { withoutConfig } from "../../test-support/configs";
import { runScript } from "../../test-support/scripts";

const FIXTURES = path.join(__dirname, "..", "fixtures", "reach");

describe("npm run diagram on a full disk", () => {
  let disk: string;
  beforeAll(() => {
    disk = fs.mkdtempSync(path.join(os.tmpdir(), "peering-full-disk-"));
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", disk]);
  });
  afterAll(() => {
    execFileSync("umount", [disk]);
    fs.rmSync(disk, { recursive: true, force: true });
  });

  it("leaves the old picture whole and no temporary file, and says so in one line, exit 2", () => {
    const out = path.join(disk, "peering.svg");
    fs.writeFileSync(out, "<svg>the old picture</svg>");
    // Filled to its last page: the new picture cannot fit.
    fs.writeFileSync(path.join(disk, "filler"), Buffer.alloc(60 * 1024));
    const run = runScript("diagram", ["--out", out, path.join(FIXTURES, "two-stacks")], {
      ...withoutConfig(process.env),
      CHECKPOINT_DISABLE: "1",
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /^diagram: --out .*peering\.svg cannot be written \(the disk is full\): free some space, or write elsewhere\n$/,
    );
    expect(fs.readFileSync(out, "utf8")).toBe("<svg>the old picture</svg>");
    expect(fs.readdirSync(disk).sort()).toEqual(["filler", "peering.svg"]);
  });
});
