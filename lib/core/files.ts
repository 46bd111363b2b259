/**
 * Files the tools write, written so that no failure leaves half a file: the bytes go to a temporary
 * file beside the target, which is flushed and then renamed over it. A rename within a directory is
 * atomic, so the target is either the old file or the whole new one; a failed write (a full disk,
 * a read-only or unwritable directory) removes the temporary file and leaves the old one as it was.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { printable } from "./text";

/**
 * A file that cannot be written where it was asked for (unusable input, exit 2): one line saying why
 * and what to do.
 */
export class WriteError extends Error {
  override readonly name = "WriteError";
}

/** Options of `writeFileAtomic`. */
export interface WriteOptions {
  /**
   * How the message names the target, e.g. "--out" for `--out peering.svg: ...`.
   * @default - the path alone
   */
  readonly label?: string;
  /**
   * Permission bits of a new file (an existing file keeps its own).
   * @default 0o666, less the umask
   */
  readonly mode?: number;
}

/** What an errno means to the person who chose the path, and what they can do about it. */
const REASONS: Readonly<Record<string, readonly [string, string]>> = {
  ENOSPC: ["the disk is full", "free some space, or write elsewhere"],
  EDQUOT: ["the disk quota is used up", "free some space, or write elsewhere"],
  EACCES: ["permission denied", "write elsewhere, or make the directory writable"],
  EPERM: ["permission denied", "write elsewhere, or make the directory writable"],
  EROFS: ["the file system is read-only", "write elsewhere"],
  ENOENT: ["its directory does not exist", "create it, or write elsewhere"],
  ENOTDIR: ["a part of its directory is a file, not a directory", "write to a path inside a directory"],
  EISDIR: ["it is a directory", "name a file inside it"],
  ENAMETOOLONG: ["the name is too long", "use a shorter name"],
  EIO: ["an input/output error", "check the disk, or write elsewhere"],
  ELOOP: ["too many symbolic links", "name the file itself"],
};

/** "(why): what to do" for an error of a file system call. */
function failure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && Object.hasOwn(REASONS, code)) return `(${REASONS[code][0]}): ${REASONS[code][1]}`;
  return `(${printable(error instanceof Error ? error.message.split("\n")[0] : String(error))}): write elsewhere`;
}

/**
 * The file a write to `file` should replace: the file itself, or the file a symbolic link at `file`
 * points to (so the link stays a link). Throws WriteError for a path no file can be written at.
 */
function targetOf(file: string, named: string): { target: string; mode: number | undefined } {
  if (file === "") throw new WriteError(`${named} is empty: name a file to write, e.g. peering.svg`);
  if (file.includes("\u0000")) throw new WriteError(`${named} holds a NUL character: name a file to write`);
  let stats: fs.Stats | undefined;
  try {
    stats = fs.statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT") throw new WriteError(`${named} cannot be written ${failure(error)}`);
  }
  if (stats?.isDirectory()) {
    throw new WriteError(
      `${named} is a directory: name a file inside it, e.g. ${printable(path.join(file, "peering.svg"))}`,
    );
  }
  if (stats && !stats.isFile()) {
    throw new WriteError(`${named} is not a regular file (a device, a pipe or a socket): name a file to write`);
  }
  const target = stats ? fs.realpathSync(file) : path.resolve(file);
  const dir = path.dirname(target);
  let dirStats: fs.Stats;
  try {
    dirStats = fs.statSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT")
      throw new WriteError(`${named} cannot be written ${failure(error)}`);
    throw new WriteError(
      `${named} cannot be written: its directory ${printable(dir)} does not exist: create it, or write elsewhere`,
    );
  }
  if (!dirStats.isDirectory())
    throw new WriteError(
      `${named} cannot be written: ${printable(dir)} is not a directory: write to a path inside a directory`,
    );
  return { target, mode: stats ? stats.mode & 0o7777 : undefined };
}

/** How messages name `file`: printable, after its label. */
function namedAs(file: string, options: WriteOptions): string {
  const shown = file === "" ? '""' : printable(file);
  return options.label === undefined ? shown : `${options.label} ${shown}`;
}

/**
 * Throws the WriteError `writeFileAtomic` would throw for a path no file can be written at (empty,
 * a directory, a device, a missing parent directory): for a command to refuse such a path before
 * doing the work whose result it would write.
 */
export function assertWritable(file: string, options: WriteOptions = {}): void {
  targetOf(file, namedAs(file, options));
}

/**
 * Writes `data` to `file` atomically: into a new temporary file in the same directory, flushed to
 * disk, then renamed over `file`. On any failure the temporary file is removed, `file` is left as
 * it was (or absent, if it was), and a WriteError says why in one line. A symbolic link at `file`
 * is followed: the file it points to is replaced, the link kept.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, options: WriteOptions = {}): void {
  const named = namedAs(file, options);
  const { target, mode } = targetOf(file, named);
  const temp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`,
  );
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, "wx", mode ?? options.mode ?? 0o666);
    if (mode !== undefined) fs.fchmodSync(fd, mode);
    for (let written = 0; written < bytes.length;) written += fs.writeSync(fd, bytes, written, bytes.length - written);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temp, target);
  } catch (error) {
    if (fd !== undefined) closeQuietly(fd);
    removeQuietly(temp);
    throw new WriteError(`${named} cannot be written ${failure(error)}`);
  }
}

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // The write already failed; that error is the one to report.
  }
}

function removeQuietly(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // As above: the write's own error is the one to report.
  }
}
