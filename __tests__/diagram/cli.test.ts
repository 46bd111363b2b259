import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DOCS_DIAGRAM } from "../../test-support/diagram";
import { withoutConfig } from "../../test-support/configs";
import { runScript } from "../../test-support/scripts";

const ROOT = path.join(__dirname, "..", "..");
const FIXTURES = path.join(ROOT, "__tests__", "fixtures", "reach");

function diagram(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): { status: number | null; stdout: string; stderr: string } {
  return runScript("diagram", args, { ...withoutConfig(process.env), CHECKPOINT_DISABLE: "1", ...env });
}

describe("npm run diagram", () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "peering-diagram-"));
    fs.mkdirSync(path.join(tmp, "empty"));
    fs.writeFileSync(
      path.join(tmp, "no-vpc.tf.json"),
      JSON.stringify({ resource: { aws_eip: { nat: { domain: "vpc" } } } }),
    );
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("draws the docs' picture of examples/three-vpcs.json exactly as committed (regenerate it with the command in docs/diagram-and-cost.md)", () => {
    const out = path.join(tmp, "three-vpcs.svg");
    const run = diagram(["--out", out], { PEERING_CONFIG: DOCS_DIAGRAM.config });
    expect(run).toEqual({
      status: 0,
      stdout: expect.stringContaining("3 VPC(s), 2 peering(s), 6 verdict(s)"),
      stderr: "",
    });
    const committed = fs.readFileSync(path.join(ROOT, DOCS_DIAGRAM.svg), "utf8");
    expect(fs.readFileSync(out, "utf8") === committed).toBe(true);
    const relative = path.relative(path.dirname(DOCS_DIAGRAM.page), DOCS_DIAGRAM.svg);
    expect(fs.readFileSync(path.join(ROOT, DOCS_DIAGRAM.page), "utf8")).toContain(`](${relative})`);
  });

  it("writes a PNG without any system package, from synthesized stacks given as a path", () => {
    const out = path.join(tmp, "two-stacks.png");
    const run = diagram(["--format", "png", "--out", out, path.join(FIXTURES, "two-stacks")]);
    expect(run.status).toBe(0);
    expect(fs.readFileSync(out).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });

  it.each([
    ["a path that does not exist", ["does/not/exist"], /does\/not\/exist: no such file or directory/],
    ["an empty directory", ["<tmp>/empty"], /empty: has no cdk\.tf\.json, \*\.tf\.json or manifest\.json/],
    ["a directory of HCL only", [path.join(FIXTURES, "hcl")], /has only HCL \(main\.tf\)/],
    ["Terraform JSON without a VPC", ["<tmp>/no-vpc.tf.json"], /no aws_vpc in .*no-vpc\.tf\.json: nothing to draw/],
    ["an unknown format", ["--format", "gif"], /argument 'gif' is invalid/],
    ["--out and --format that disagree", ["--format", "png", "--out", "<tmp>/x.svg"], /does not end in \.png/],
    [
      "an empty --out",
      ["--out", "", path.join(FIXTURES, "two-stacks")],
      /^diagram: --out "" is empty: name a file to write/,
    ],
    [
      "an --out that is a directory",
      ["--out", "<tmp>/empty", path.join(FIXTURES, "two-stacks")],
      /^diagram: --out .*empty is a directory: name a file inside it/,
    ],
    [
      "an --out whose directory is missing",
      ["--out", "<tmp>/missing/x.svg"],
      /^diagram: --out .*x\.svg cannot be written: its directory .*missing does not exist/,
    ],
    [
      "an --out under a file",
      ["--out", "<tmp>/no-vpc.tf.json/x.svg"],
      /^diagram: --out .* \(a part of its directory is a file, not a directory\)/,
    ],
    [
      "an --out that is a device",
      ["--out", "/dev/full", path.join(FIXTURES, "two-stacks")],
      /^diagram: --out \/dev\/full is not a regular file/,
    ],
  ])("exits 2 with a clear message, and no stack trace, for %s", (_, args, message) => {
    const run = diagram(args.map((a) => a.replace("<tmp>", tmp)));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    if (args.includes("--out")) expect(run.stderr.split("\n")).toHaveLength(2);
  });
});
