import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readDocuments } from "../../lib/reach";
import { inputError } from "./terraform";

const FIXTURES = path.join(__dirname, "..", "fixtures", "reach");
const TWO_STACKS = path.join(FIXTURES, "two-stacks");

let tmp: string;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "reach-read-"));
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A copy of the two-stack cdktf.out fixture in the temp directory, changed by `change`. */
function cdktfOut(change: (dir: string) => void = () => undefined): string {
  const dir = path.join(tmp, "cdktf.out");
  fs.cpSync(TWO_STACKS, dir, { recursive: true });
  change(dir);
  return dir;
}

function setStackPath(dir: string, stack: string, synthesizedStackPath: string): void {
  const file = path.join(dir, "manifest.json");
  const manifest = JSON.parse(fs.readFileSync(file, "utf8"));
  manifest.stacks[stack].synthesizedStackPath = synthesizedStackPath;
  fs.writeFileSync(file, JSON.stringify(manifest));
}

describe("reach reads only regular files and directories", () => {
  it("refuses a character device such as /dev/null", () => {
    expect(inputError(() => readDocuments(["/dev/null"]))).toBe(
      "/dev/null: is a character device, not a file or directory; pass a cdk.tf.json, a stack directory or a cdktf.out directory",
    );
  });

  it("refuses a named pipe without opening it (opening one without a writer would wait forever)", () => {
    const fifo = path.join(tmp, "cdk.tf.json");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    expect(inputError(() => readDocuments([fifo]))).toMatch(
      /cdk\.tf\.json: is a pipe \(reach reads files, not streams/,
    );
    expect(inputError(() => readDocuments([tmp]))).toMatch(/cdk\.tf\.json: is a pipe/);
  });

  it("names a broken symlink and a symlink loop among the stacks", () => {
    const broken = cdktfOut((dir) => {
      fs.rmSync(path.join(dir, "manifest.json"));
      fs.symlinkSync(path.join(tmp, "gone"), path.join(dir, "stacks", "gone"));
    });
    expect(inputError(() => readDocuments([broken]))).toMatch(/stacks\/gone: is a broken symlink/);
    fs.rmSync(path.join(broken, "stacks", "gone"));
    fs.symlinkSync("loop-b", path.join(broken, "stacks", "loop-a"));
    fs.symlinkSync("loop-a", path.join(broken, "stacks", "loop-b"));
    expect(inputError(() => readDocuments([broken]))).toMatch(/stacks\/loop-a: is a symlink loop/);
  });

  it("stops at a directory symlink that leads back to a directory it is reading", () => {
    const dir = cdktfOut((dir) => {
      fs.rmSync(path.join(dir, "manifest.json"));
      fs.symlinkSync("..", path.join(dir, "stacks", "again"));
    });
    expect(inputError(() => readDocuments([dir]))).toMatch(/stacks\/again: leads back to .*, which is read already/);
  });
});

describe("reach reads only the stacks inside a cdktf.out directory", () => {
  it.each([
    ["a relative path that climbs out", "../../outside.tf.json"],
    ["an absolute path", "/etc/hostname"],
  ])("refuses a manifest whose synthesizedStackPath is %s", (_, synthesizedStackPath) => {
    const dir = cdktfOut((dir) => setStackPath(dir, "network", synthesizedStackPath));
    expect(inputError(() => readDocuments([dir]))).toMatch(
      /manifest\.json: stacks\.network\.synthesizedStackPath ".*" leads out of .*cdktf\.out; reach reads only the stacks inside/,
    );
  });

  it("refuses a stack file that is a symlink to a file outside", () => {
    fs.writeFileSync(path.join(tmp, "outside.tf.json"), "{}");
    const dir = cdktfOut((dir) => {
      const file = path.join(dir, "stacks", "network", "cdk.tf.json");
      fs.rmSync(file);
      fs.symlinkSync(path.join(tmp, "outside.tf.json"), file);
    });
    expect(inputError(() => readDocuments([dir]))).toMatch(
      /synthesizedStackPath "stacks\/network\/cdk\.tf\.json" leads out of/,
    );
  });

  it("still reads a manifest whose stack paths stay inside", () => {
    expect(readDocuments([cdktfOut()]).map((d) => d.stack)).toEqual(["instances", "network"]);
  });
});

describe("reach merges the *.tf.json files of one directory as Terraform does", () => {
  it("refuses a resource declared in two files", () => {
    const vpc = { resource: { aws_vpc: { a: { cidr_block: "10.0.0.0/16" } } } };
    fs.writeFileSync(path.join(tmp, "a.tf.json"), JSON.stringify(vpc));
    fs.writeFileSync(path.join(tmp, "b.tf.json"), JSON.stringify(vpc));
    expect(inputError(() => readDocuments([tmp]))).toMatch(
      /reach-read-\w+: resource "aws_vpc" "a" is declared twice \(again at b\.tf\.json\); Terraform refuses a duplicate/,
    );
  });
});
