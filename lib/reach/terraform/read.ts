import { type Stats, lstatSync, readFileSync, readdirSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve as resolvePath } from "node:path";
import { preview } from "../../core/json-limits";
import { ReachInputError, type StackDocument } from "../model";
import { mergeFiles, parseTerraformJson } from "./json";
import { applyOverride, isOverrideFile } from "./override";
import { isRecord } from "../../core/records";

const WHAT_TO_PASS = "pass a cdk.tf.json, a stack directory or a cdktf.out directory";

/** Reads the Terraform JSON documents behind each path, one per stack. */
export function readDocuments(paths: readonly string[]): StackDocument[] {
  if (paths.length === 0) throw new ReachInputError(`no PATH given; ${WHAT_TO_PASS}`);
  const seen = new Set<string>();
  return paths.flatMap((path) => readPath(resolvePath(path), seen));
}

/** The documents behind one path; `seen` holds the directories read so far, to stop at a symlink loop. */
function readPath(path: string, seen: Set<string>): StackDocument[] {
  const stats = inspect(path);
  if (stats.isFile()) {
    if (isOverrideFile(basename(path)))
      throw new ReachInputError(
        `${path}: is an override file, which Terraform applies to the other files of its directory: ` +
          "pass the directory or the stack file it overrides",
      );
    return [withOverrides(dirname(path), readJsonFile(path, undefined, stats))];
  }
  if (!stats.isDirectory())
    throw new ReachInputError(`${path}: is ${kindOf(stats)}, not a file or directory; ${WHAT_TO_PASS}`);
  const real = realpath(path);
  if (seen.has(real))
    throw new ReachInputError(
      `${path}: leads back to ${real}, which is read already (a symlink loop?); fix or remove the link`,
    );
  seen.add(real);
  const manifest = join(path, "manifest.json");
  const manifestStats = inspect(manifest, true);
  if (manifestStats) return readManifest(path, manifest, manifestStats);
  const stacksDir = join(path, "stacks");
  if (inspect(stacksDir, true)?.isDirectory()) {
    return list(stacksDir).flatMap((name) => {
      const stack = join(stacksDir, name);
      return inspect(stack).isDirectory() ? readPath(stack, seen) : [];
    });
  }
  const files = list(path);
  const jsonFiles = files.filter((f) => f.endsWith(".tf.json"));
  if (jsonFiles.length === 0) {
    const hcl = files.filter((f) => f.endsWith(".tf"));
    throw new ReachInputError(
      hcl.length > 0
        ? `${path}: has only HCL (${hcl.join(
            ", ",
          )}); reach reads Terraform JSON: synthesize with cdktf (cdk.tf.json) or convert the files to .tf.json`
        : `${path}: has no cdk.tf.json, *.tf.json or manifest.json; ${WHAT_TO_PASS}`,
    );
  }
  if (jsonFiles.every(isOverrideFile)) {
    throw new ReachInputError(
      `${path}: has only override files (${jsonFiles.join(", ")}); Terraform applies them to the other files ` +
        "of a directory: add the configuration they override, or pass the directory that holds it",
    );
  }
  return [readDirectory(path, files, undefined)];
}

/**
 * A stack directory read as Terraform reads it: its *.tf.json files merged (the first names the stack
 * unless `stack` does), then its override files applied; HCL beside them is refused.
 */
function readDirectory(dir: string, files: readonly string[], stack: string | undefined): StackDocument {
  const hcl = files.filter((f) => f.endsWith(".tf") && !isOverrideFile(f));
  if (hcl.length > 0) {
    throw new ReachInputError(
      `${dir}: holds HCL (${hcl.join(", ")}) beside its Terraform JSON; Terraform reads both, reach reads ` +
        "Terraform JSON only: convert the HCL to .tf.json or move it out of the directory",
    );
  }
  const docs = files
    .filter((f) => f.endsWith(".tf.json") && !isOverrideFile(f))
    .map((f) => readJsonFile(join(dir, f), stack));
  const doc = docs.length === 1 ? docs[0] : { stack: docs[0].stack, file: dir, json: mergeDocuments(dir, docs) };
  return withOverrides(dir, doc, files);
}

/** Every stack a cdktf manifest lists, refusing a stack file outside the output directory. */
function readManifest(outdir: string, manifest: string, stats: Stats): StackDocument[] {
  const json = parseJson(manifest, stats, (text) => JSON.parse(text));
  if (!isRecord(json) || !isRecord(json.stacks))
    throw new ReachInputError(`${manifest}: has no "stacks" object; is this a cdktf.out directory?`);
  const root = realpath(outdir);
  return Object.entries(json.stacks)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, stack]) => {
      const declared = isRecord(stack) ? stack.synthesizedStackPath : undefined;
      if (declared !== undefined && typeof declared !== "string")
        throw new ReachInputError(
          `${manifest}: stacks.${name}.synthesizedStackPath = ${preview(declared)} is not a path`,
        );
      const file = resolvePath(outdir, declared ?? join("stacks", name, "cdk.tf.json"));
      if (!inside(outdir, file) || !inside(root, realpath(file))) {
        throw new ReachInputError(
          `${manifest}: stacks.${name}.synthesizedStackPath ${preview(
            declared,
          )} leads out of ${outdir}; reach reads only the stacks inside a cdktf.out directory: fix the manifest`,
        );
      }
      // Terraform, run in the stack's directory, reads every file there (cdktf writes only cdk.tf.json).
      const stackFile = basename(file);
      if (!stackFile.endsWith(".tf.json") || isOverrideFile(stackFile)) return readJsonFile(file, name);
      return readDirectory(dirname(file), list(dirname(file)), name);
    });
}

/**
 * A stack's configuration with the override files beside it (`override.tf.json`, `*_override.tf.json`)
 * applied in the order of their names, as Terraform applies them; an HCL override file is refused.
 */
function withOverrides(dir: string, doc: StackDocument, files: readonly string[] = list(dir)): StackDocument {
  const hcl = files.filter((f) => f.endsWith(".tf") && isOverrideFile(f));
  if (hcl.length > 0) {
    throw new ReachInputError(
      `${join(dir, hcl[0])}: is an HCL override file, which Terraform applies to ${basename(doc.file)}; reach reads ` +
        "Terraform JSON only: write it as .tf.json or remove it",
    );
  }
  const overrides = files.filter((f) => f.endsWith(".tf.json") && isOverrideFile(f));
  if (overrides.length === 0) return doc;
  const json = overrides.reduce((json, f) => {
    const file = join(dir, f);
    return applyOverride(json, readJsonFile(file, doc.stack).json, file);
  }, doc.json);
  return { ...doc, json };
}

function readJsonFile(file: string, stack: string | undefined, known?: Stats): StackDocument {
  if (file.endsWith(".tf")) {
    throw new ReachInputError(
      `${file}: is HCL; reach reads Terraform JSON: synthesize with cdktf (cdk.tf.json) or convert it to .tf.json`,
    );
  }
  const json = parseJson(file, known ?? inspect(file), (_, bytes) => parseTerraformJson(file, bytes));
  const comment = isRecord(json) ? json["//"] : undefined;
  const meta = isRecord(comment) && isRecord(comment.metadata) ? comment.metadata : {};
  const name =
    stack ??
    (typeof meta.stackName === "string"
      ? meta.stackName
      : basename(file) === "cdk.tf.json"
        ? basename(dirname(file))
        : basename(file).replace(/(\.tf)?\.json$/, ""));
  return { stack: name, file, json };
}

/** A JSON file read by `parse` (Terraform JSON, or cdktf's manifest); its failure an input error naming the file. */
function parseJson(file: string, stats: Stats, parse: (text: string, bytes: Buffer) => unknown): unknown {
  if (!stats.isFile()) throw new ReachInputError(`${file}: is ${kindOf(stats)}, not a file; ${WHAT_TO_PASS}`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new ReachInputError(`${file}: cannot be read (${messageOf(error)})`);
  }
  try {
    return parse(bytes.toString("utf8"), bytes);
  } catch (error) {
    if (error instanceof ReachInputError) throw error;
    throw new ReachInputError(`${file}: is not valid JSON (${messageOf(error)})`);
  }
}

/**
 * What a path is, following symlinks; a missing path, a broken symlink or a symlink loop is an input
 * error naming it, or undefined when `optional` and nothing is there.
 */
function inspect(path: string): Stats;
function inspect(path: string, optional: true): Stats | undefined;
function inspect(path: string, optional = false): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    const code = codeOf(error);
    const link = linkStats(path);
    if (code === "ENOENT" && !link) {
      if (optional) return undefined;
      throw new ReachInputError(`${path}: no such file or directory; ${WHAT_TO_PASS}`);
    }
    if (code === "ENOENT")
      throw new ReachInputError(`${path}: is a broken symlink (its target does not exist); fix or remove it`);
    if (code === "ELOOP") throw new ReachInputError(`${path}: is a symlink loop; fix or remove it`);
    throw new ReachInputError(`${path}: cannot be read (${messageOf(error)})`);
  }
}

function linkStats(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch (error) {
    throw new ReachInputError(`${dir}: cannot be listed (${messageOf(error)})`);
  }
}

function realpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    inspect(path);
    return path;
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return "a pipe (reach reads files, not streams: save it to a file first)";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isSocket()) return "a socket";
  if (stats.isDirectory()) return "a directory";
  return "not a regular file";
}

function codeOf(error: unknown): string | undefined {
  return isRecord(error) && typeof error.code === "string" ? error.code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Merges the *.tf.json files of one directory into one configuration, as Terraform reads them. */
function mergeDocuments(dir: string, docs: readonly StackDocument[]): unknown {
  for (const doc of docs)
    if (!isRecord(doc.json)) throw new ReachInputError(`${doc.file}: not a Terraform JSON object; fix the file`);
  return mergeFiles(
    dir,
    docs.map((doc) => ({ file: basename(doc.file), json: doc.json as Record<string, unknown> })),
  );
}
