import * as fs from "fs";
import * as path from "path";
import { App, AppConfig, DISABLE_STACK_TRACE_IN_METADATA, TerraformStack } from "cdktf";
import { StackSynthesizer } from "cdktf/lib/synthesize/synthesizer";
import * as tokenStackTraces from "cdktf/lib/tokens/private/stack-trace";
import { PROVIDER_LOCK_FILE } from "./terraform-env";

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
 *   the provider's checksums, and in HCL writes lifecycle conditions as blocks (see conditionBlocks);
 * - captures no stack traces: it sets the `@cdktf/disable_stack_trace_in_metadata` context
 *   (annotations) by default and, while that context is on, also skips the traces cdktf takes for
 *   every token. Set the context to false (cdktf.json "context", or CDKTF_CONTEXT_JSON) to get
 *   both back when a token fails to resolve and you want to see where it was made.
 */
export class PeeringApp extends App {
  constructor(config: AppConfig = {}) {
    super({ ...config, context: { [DISABLE_STACK_TRACE_IN_METADATA]: true, ...config.context } });
    if (this.node.tryGetContext(DISABLE_STACK_TRACE_IN_METADATA) === true) skipTokenStackTraces();
  }

  synth(): void {
    const continueOnErrors = process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined;
    for (const stack of this.node.findAll().filter(TerraformStack.isStack)) {
      stack.synthesizer = new StackSynthesizer(stack, continueOnErrors, this.hclOutput);
    }
    super.synth();
    const stale = this.hclOutput ? "cdk.tf.json" : "cdk.tf";
    const stacksDir = path.join(this.outdir, "stacks");
    for (const stack of fs.existsSync(stacksDir) ? fs.readdirSync(stacksDir) : []) {
      fs.rmSync(path.join(stacksDir, stack, stale), { force: true });
      const hcl = path.join(stacksDir, stack, "cdk.tf");
      if (this.hclOutput && fs.existsSync(hcl)) fs.writeFileSync(hcl, conditionBlocks(fs.readFileSync(hcl, "utf8")));
      fs.copyFileSync(PROVIDER_LOCK_FILE, path.join(stacksDir, stack, ".terraform.lock.hcl"));
    }
  }
}

/**
 * cdktf 0.21 renders a lifecycle's `precondition`/`postcondition` list in HCL as an attribute
 * (`postcondition = [{ ... },]`), which Terraform rejects: it must be one block per condition.
 * This rewrites exactly that rendering into blocks and leaves everything else alone.
 */
export function conditionBlocks(hcl: string): string {
  return hcl.replace(/^( *)(pre|post)condition = \[\n((?:\{\n[^]*?\n\},\n)+)\]$/gm, (_, indent: string, kind: string, items: string) =>
    items.replace(/\{\n([^]*?)\n\},\n/g, (__: string, body: string) => `${indent}${kind}condition {\n${body}\n${indent}}\n`).trimEnd(),
  );
}
