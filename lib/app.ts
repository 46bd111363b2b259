import * as fs from "fs";
import * as path from "path";
import { App, TerraformStack } from "cdktf";
import { StackSynthesizer } from "cdktf/lib/synthesize/synthesizer";

/**
 * A cdktf App that honours its own `hclOutput` option and removes the other format's stack file
 * left by an earlier synth. In cdktf 0.21 a stack picks JSON or HCL from SYNTH_HCL_OUTPUT (which
 * only `cdktf synth --hcl` sets) when it is created, so `new App({ hclOutput: true })` alone
 * writes JSON into cdk.tf; and cdktf keeps the old cdk.tf.json beside a new cdk.tf, so Terraform
 * would read every block twice.
 */
export class PeeringApp extends App {
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
    }
  }
}
