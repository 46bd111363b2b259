import * as fs from "fs";
import * as path from "path";
import { App, AppConfig, DISABLE_STACK_TRACE_IN_METADATA, TerraformStack } from "cdktf";
import { appValidationFailure } from "cdktf/lib/errors";
import { StackManifest } from "cdktf/lib/manifest";
import { StackSynthesizer } from "cdktf/lib/synthesize/synthesizer";
import { ISynthesisSession } from "cdktf/lib/synthesize/types";
import * as tokenStackTraces from "cdktf/lib/tokens/private/stack-trace";
import { PROVIDER_LOCK_FILE } from "../lib/core/terraform-env";
import { writeFileAtomic } from "../lib/core/files";

/**
 * Stops cdktf from capturing a full stack trace for every token it creates (each attribute
 * reference, each cross-stack reference, each Lazy). cdktf 0.21 keeps those traces only to print
 * them when a token fails to resolve, and captures them whatever the context says; in a large
 * mesh they cost a third of the synth time and half of the memory. Process-wide and idempotent.
 */
function skipTokenStackTraces(): void {
  (tokenStackTraces as { captureStackTrace: typeof tokenStackTraces.captureStackTrace }).captureStackTrace = () => [];
}

/**
 * A cdktf App that
 * - honours its own `hclOutput` option and removes the other format's stack file left by an
 *   earlier synth. In cdktf 0.21 a stack picks JSON or HCL from SYNTH_HCL_OUTPUT (which only
 *   `cdktf synth --hcl` sets) when it is created, so `new App({ hclOutput: true })` alone writes
 *   JSON into cdk.tf; and cdktf keeps the old cdk.tf.json beside a new cdk.tf, so Terraform would
 *   read every block twice;
 * - gives every stack directory the project's provider lock file, so `terraform init` there checks
 *   the provider's checksums, and in HCL writes lifecycle conditions as blocks (see conditionBlocks)
 *   and references as references, not strings (see unquotedReferences);
 * - captures no stack traces: it sets the `@cdktf/disable_stack_trace_in_metadata` context
 *   (annotations) by default and, while that context is on, also skips the traces cdktf takes for
 *   every token. Set the context to false (cdktf.json "context", or CDKTF_CONTEXT_JSON) to get
 *   both back when a token fails to resolve and you want to see where it was made;
 * - can synthesize parts of itself in other threads at the same time (synthInParts), with the
 *   same output as synth().
 */
export class PeeringApp extends App {
  /** Stacks of the parts given to synthInParts: no other stack may reference them. */
  private readonly partStacks = new Set<TerraformStack>();
  /** While synthPart prepares its stacks: records each cross-stack reference they make. */
  private recordReference?: (reference: CrossStackReference) => void;

  constructor(config: AppConfig = {}) {
    super({ ...config, context: { [DISABLE_STACK_TRACE_IN_METADATA]: true, ...config.context } });
    if (this.node.tryGetContext(DISABLE_STACK_TRACE_IN_METADATA) === true) skipTokenStackTraces();
  }

  /** Synthesizes every stack in this thread. */
  synth(): void {
    this.useOwnSynthesizers();
    super.synth();
    this.finish();
  }

  /**
   * Synthesizes the app as synth() does, byte for byte, with all `parts` but the first synthesized
   * at the same time elsewhere: `synthElsewhere` builds the part's stacks, and those they
   * reference, as this app does, in another thread, and calls synthPart there with the part's
   * stack ids. Together the parts must be a run of consecutive stacks, and no stack may reference
   * theirs (the peering shards reference only `network`, and nothing references them); a
   * reference to one throws. The references the other threads' stacks
   * made are made again here, in the order synth() would make them, so that the stacks they point
   * to get the same outputs, and their stacks get their manifest entries.
   */
  async synthInParts(
    parts: readonly (readonly TerraformStack[])[],
    synthElsewhere: (stackIds: readonly string[]) => Promise<SynthesizedPart>,
  ): Promise<void> {
    const [here = [], ...elsewhere] = parts;
    const stacks = this.stacks();
    const start = stacks.indexOf(here[0]);
    if (start < 0 || stacks.slice(start, start + parts.flat().length).some((s, i) => s !== parts.flat()[i])) {
      throw new Error(`synthInParts: the parts must be consecutive stacks of this app, in order`);
    }
    for (const stack of parts.flat()) this.partStacks.add(stack);
    const results = elsewhere.map((part) => synthElsewhere(part.map((s) => s.node.id)));
    // Each is awaited in turn below; until then, a failure must not count as unhandled.
    for (const result of results) result.catch(() => undefined);
    this.useOwnSynthesizers();
    const session = this.session();
    const remote = new Set(elsewhere.flat());
    const firstRemote = stacks.findIndex((s) => remote.has(s));
    for (const stack of firstRemote < 0 ? stacks : stacks.slice(0, firstRemote)) stack.prepareStack();
    for (const stack of here) stack.synthesizer.synthesize(session);
    const named = this.stacksNamed();
    for (const [i, result] of results.entries()) {
      const part = await result;
      for (const [from, to, identifier] of part.references)
        super.crossStackReference(named(from), named(to), identifier);
      for (const stack of elsewhere[i]) this.manifest.stacks[stack.node.id] = part.manifests[stack.node.id];
    }
    const rest = firstRemote < 0 ? [] : stacks.slice(firstRemote).filter((s) => !remote.has(s));
    for (const stack of rest) stack.prepareStack();
    for (const stack of stacks.filter((s) => !this.partStacks.has(s))) stack.synthesizer.synthesize(session);
    this.validateAll();
    this.manifest.writeToFile();
    this.finish();
  }

  /**
   * Synthesizes the app as synth() does, byte for byte, but for the stacks of each part of
   * `elsewhere`, which another thread writes at the same time (`written`: what its synthMirror
   * returns, part by part). That thread
   * builds the whole app from the same config and prepares its stacks as this one does, so each
   * side knows every cross-stack reference to the stacks it writes, the referenced ones too. Each
   * side may leave unprepared the stacks it does not write whose preparing adds nothing to those
   * it writes (`unprepared` here; the other side's is its own).
   */
  async synthMirrored(
    elsewhere: readonly (readonly string[])[],
    written: readonly Promise<SynthesizedPart>[],
    unprepared: readonly string[] = [],
  ): Promise<void> {
    this.useOwnSynthesizers();
    const stacks = this.stacks();
    this.prepareAllBut(unprepared);
    const session = this.session();
    const remote = new Set(elsewhere.flat());
    for (const stack of stacks) if (!remote.has(stack.node.id)) stack.synthesizer.synthesize(session);
    for (const [i, result] of written.entries()) {
      const part = await result;
      for (const id of elsewhere[i]) this.manifest.stacks[id] = part.manifests[id];
    }
    this.validateAll();
    this.manifest.writeToFile();
    this.finish();
  }

  /** The other thread's side of synthMirrored: prepares the stacks of this app but `unprepared`, and synthesizes `stackIds` only. */
  synthMirror(stackIds: readonly string[], unprepared: readonly string[] = []): SynthesizedPart {
    this.useOwnSynthesizers();
    this.prepareAllBut(unprepared);
    const stacks = stackIds.map(this.stacksNamed());
    const session = this.session();
    for (const stack of stacks) stack.synthesizer.synthesize(session);
    return {
      references: [],
      manifests: Object.fromEntries(stacks.map((s) => [s.node.id, this.manifest.stacks[s.node.id]])),
    };
  }

  /**
   * Prepares every stack in construct order but `unprepared`: stacks this thread does not write
   * and whose preparing adds nothing (no output, no dependency) to a stack it writes, as the caller
   * knows them from the app's shape.
   */
  private prepareAllBut(unprepared: readonly string[]): void {
    const skipped = new Set(unprepared);
    for (const stack of this.stacks()) if (!skipped.has(stack.node.id)) stack.prepareStack();
  }

  /**
   * Prepares and synthesizes only the stacks `stackIds` of this app, in another thread than the
   * one running synthInParts on the same app, and returns what that one needs of them.
   */
  synthPart(stackIds: readonly string[]): SynthesizedPart {
    this.useOwnSynthesizers();
    const stacks = stackIds.map(this.stacksNamed());
    const references: CrossStackReference[] = [];
    const seen = new Set<string>();
    this.recordReference = (reference) => {
      const key = reference.join("\0");
      if (!seen.has(key)) references.push(reference);
      seen.add(key);
    };
    try {
      for (const stack of stacks) stack.prepareStack();
    } finally {
      this.recordReference = undefined;
    }
    const session = this.session();
    for (const stack of stacks) stack.synthesizer.synthesize(session);
    return {
      references,
      manifests: Object.fromEntries(stacks.map((s) => [s.node.id, this.manifest.stacks[s.node.id]])),
    };
  }

  crossStackReference(fromStack: TerraformStack, toStack: TerraformStack, identifier: string): string {
    if (this.partStacks.has(fromStack)) {
      throw new Error(
        `${toStack.node.id} references ${identifier} of ${fromStack.node.id}, which is synthesized in a part of its own: no stack may reference it`,
      );
    }
    this.recordReference?.([fromStack.node.id, toStack.node.id, identifier]);
    return super.crossStackReference(fromStack, toStack, identifier);
  }

  /** The app's stacks in construct order, the order cdktf prepares and synthesizes them in. */
  private stacks(): TerraformStack[] {
    return this.node.findAll().filter(TerraformStack.isStack);
  }

  /** A lookup of the app's stacks by name, which throws for a name the app has no stack of. */
  private stacksNamed(): (id: string) => TerraformStack {
    const byId = new Map(this.stacks().map((s) => [s.node.id, s]));
    return (id) => {
      const found = byId.get(id);
      if (!found) throw new Error(`this app has no stack "${id}"`);
      return found;
    };
  }

  /** What a stack's synthesizer writes with. */
  private session(): ISynthesisSession {
    return { outdir: this.outdir, skipValidation: this.skipValidation, manifest: this.manifest };
  }

  /** Gives every stack the synthesizer that writes this app's format (see the class comment). */
  private useOwnSynthesizers(): void {
    const continueOnErrors = process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined;
    for (const stack of this.stacks())
      stack.synthesizer = new StackSynthesizer(stack, continueOnErrors, this.hclOutput);
  }

  /** What App.synth() checks once every stack is written. */
  private validateAll(): void {
    if (this.skipValidation) return;
    const problems = this.node.validate();
    if (problems.length) throw appValidationFailure(problems.join("\n  "));
  }

  /** Removes the other format's stale stack files, rewrites HCL conditions, copies the lock file. */
  private finish(): void {
    const stale = this.hclOutput ? "cdk.tf.json" : "cdk.tf";
    const stacksDir = path.join(this.outdir, "stacks");
    for (const stack of fs.existsSync(stacksDir) ? fs.readdirSync(stacksDir) : []) {
      fs.rmSync(path.join(stacksDir, stack, stale), { force: true });
      const hcl = path.join(stacksDir, stack, "cdk.tf");
      if (this.hclOutput && fs.existsSync(hcl))
        writeFileAtomic(hcl, unquotedReferences(conditionBlocks(fs.readFileSync(hcl, "utf8"))));
      fs.copyFileSync(PROVIDER_LOCK_FILE, path.join(stacksDir, stack, ".terraform.lock.hcl"));
    }
  }
}

/** A cross-stack reference as [stack referenced, stack referencing, Terraform expression referenced]. */
export type CrossStackReference = readonly [from: string, to: string, identifier: string];

/** What synthesizing a part of an app in another thread hands back (PeeringApp.synthPart). */
export interface SynthesizedPart {
  /** The cross-stack references the part's stacks made, each once, in the order they were first made. */
  readonly references: readonly CrossStackReference[];
  /** The manifest entries of the part's stacks, by stack name. */
  readonly manifests: Readonly<Record<string, StackManifest>>;
}

/**
 * cdktf 0.21 renders a lifecycle's `precondition`/`postcondition` list in HCL as an attribute
 * (`postcondition = [{ ... },]`), which Terraform rejects: it must be one block per condition.
 * This rewrites exactly that rendering into blocks and leaves everything else alone.
 */
export function conditionBlocks(hcl: string): string {
  return hcl.replace(
    /^( *)(pre|post)condition = \[\n((?:\{\n[^]*?\n\},\n)+)\]$/gm,
    (_, indent: string, kind: string, items: string) =>
      items
        .replace(
          /\{\n([^]*?)\n\},\n/g,
          (__: string, body: string) => `${indent}${kind}condition {\n${body}\n${indent}}\n`,
        )
        .trimEnd(),
  );
}

/** A resource address as depends_on lists it: `aws_vpc.x`, `data.aws_caller_identity.caller`, `module.m`. */
const ADDRESS = /^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)+$/;

/**
 * cdktf 0.21 writes the `provider` meta-argument (`provider = "aws.network_eu-west-1"`) and the
 * entries of `depends_on` in HCL as quoted strings, which Terraform reads with a warning per use
 * ("Quoted references are deprecated", to be removed in a future version). This writes them as the
 * references they are (`provider = aws.network_eu-west-1`) and leaves everything else alone.
 */
export function unquotedReferences(hcl: string): string {
  return hcl
    .replace(/^( *)provider = "(aws(?:\.[A-Za-z_][\w-]*)?)"$/gm, "$1provider = $2")
    .replace(
      /^( *)depends_on = \[\n((?: *"[^"\n]*",?\n)*)( *)\]$/gm,
      (whole, indent: string, items: string, end: string) => {
        const entries = items.split("\n").filter((line) => line !== "");
        const unquoted = entries.map((line) => {
          const m = /^( *)"([^"]*)"(,?)$/.exec(line)!;
          return ADDRESS.test(m[2]) ? `${m[1]}${m[2]}${m[3]}` : undefined;
        });
        if (unquoted.some((line) => line === undefined)) return whole;
        return `${indent}depends_on = [\n${unquoted.join("\n")}\n${end}]`;
      },
    );
}
