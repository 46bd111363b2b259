/**
 * writeFileAtomic: the target is the old file or the whole new one, never half a file; a path no
 * file can be written at is one WriteError line, and no temporary file is left behind.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { assertWritable, writeFileAtomic, WriteError } from "../../lib/core/files";

describe("writeFileAtomic", () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "peering-files-"));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** The directory's entries besides `keep`: temporary files left behind. */
  const leftovers = (keep: readonly string[]) => fs.readdirSync(tmp).filter((f) => !keep.includes(f));

  it("writes a new file, and replaces an old one whole, keeping its permissions", () => {
    const file = path.join(tmp, "out.svg");
    writeFileAtomic(file, "<svg/>");
    expect(fs.readFileSync(file, "utf8")).toBe("<svg/>");
    fs.chmodSync(file, 0o640);
    writeFileAtomic(file, Buffer.from([1, 2, 3]));
    expect([...fs.readFileSync(file)]).toEqual([1, 2, 3]);
    expect(fs.statSync(file).mode & 0o777).toBe(0o640);
    expect(leftovers(["out.svg"])).toEqual([]);
  });

  it("gives a new file the mode asked for", () => {
    const file = path.join(tmp, "secret.json");
    writeFileAtomic(file, "{}", { mode: 0o600 });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it("replaces the file a symbolic link points to, and keeps the link", () => {
    const real = path.join(tmp, "real.svg");
    const link = path.join(tmp, "link.svg");
    fs.writeFileSync(real, "old");
    fs.symlinkSync(real, link);
    writeFileAtomic(link, "new");
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(real, "utf8")).toBe("new");
  });

  it.each([
    [
      "the disk is full",
      "ENOSPC",
      "writeSync",
      /^--out .*out\.svg cannot be written \(the disk is full\): free some space, or write elsewhere$/,
    ],
    [
      "the directory is unwritable",
      "EACCES",
      "openSync",
      /cannot be written \(permission denied\): write elsewhere, or make the directory writable$/,
    ],
    [
      "the file system is read-only",
      "EROFS",
      "openSync",
      /cannot be written \(the file system is read-only\): write elsewhere$/,
    ],
    [
      "flushing fails",
      "EIO",
      "fsyncSync",
      /cannot be written \(an input\/output error\): check the disk, or write elsewhere$/,
    ],
    ["the rename fails", "EXDEV", "renameSync", /cannot be written \(boom\): write elsewhere$/],
  ] as const)("leaves the old file whole and no temporary file when %s", (_, code, call, message) => {
    const file = path.join(tmp, "out.svg");
    fs.writeFileSync(file, "the old picture");
    jest.spyOn(fs, call).mockImplementation(() => {
      throw Object.assign(new Error("boom"), { code });
    });
    const attempt = () => writeFileAtomic(file, "x".repeat(100_000), { label: "--out" });
    expect(attempt).toThrow(WriteError);
    expect(attempt).toThrow(message);
    jest.restoreAllMocks();
    expect(fs.readFileSync(file, "utf8")).toBe("the old picture");
    expect(leftovers(["out.svg"])).toEqual([]);
  });

  it("writes nothing when the disk is full half-way, as on a real full disk", () => {
    const file = path.join(tmp, "out.svg");
    let calls = 0;
    const write = fs.writeSync;
    const partial = (fd: number, buffer: NodeJS.ArrayBufferView, offset?: number): number => {
      if (++calls > 1) throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
      return write(fd, buffer, offset, 10);
    };
    jest.spyOn(fs, "writeSync").mockImplementation(partial as typeof fs.writeSync);
    expect(() => writeFileAtomic(file, "0123456789abcdefghij")).toThrow(/the disk is full/);
    jest.restoreAllMocks();
    expect(fs.existsSync(file)).toBe(false);
    expect(leftovers([])).toEqual([]);
  });

  it.each([
    ["an empty path", () => "", /^--out "" is empty: name a file to write, e.g\. peering\.svg$/],
    ["a directory", (dir: string) => dir, /^--out .* is a directory: name a file inside it, e\.g\. .*peering\.svg$/],
    [
      "a device",
      () => "/dev/full",
      /^--out \/dev\/full is not a regular file \(a device, a pipe or a socket\): name a file to write$/,
    ],
    [
      "a missing parent directory",
      (dir: string) => path.join(dir, "missing", "x.svg"),
      /its directory .*missing does not exist: create it, or write elsewhere$/,
    ],
    [
      "a file where a directory is expected",
      (dir: string) => path.join(dir, "file", "x.svg"),
      /a part of its directory is a file, not a directory\): write to a path inside a directory$/,
    ],
    ["a NUL in the path", (dir: string) => `${dir}/x\u0000.svg`, /holds a NUL character: name a file to write$/],
  ])("refuses %s in one line before writing anything", (_, out, message) => {
    fs.writeFileSync(path.join(tmp, "file"), "not a directory");
    const file = out(tmp);
    for (const attempt of [
      () => assertWritable(file, { label: "--out" }),
      () => writeFileAtomic(file, "x", { label: "--out" }),
    ]) {
      expect(attempt).toThrow(WriteError);
      expect(attempt).toThrow(message);
    }
    expect(leftovers(["file"])).toEqual([]);
    expect(fs.statSync("/dev/full").isCharacterDevice()).toBe(true);
  });

  it("shows a path with control characters escaped", () => {
    expect(() => writeFileAtomic(path.join(tmp, "\u001b[2J", "x.svg"), "x")).toThrow(/\\u\{1b\}\[2J/);
  });
});
