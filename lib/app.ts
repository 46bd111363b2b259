import * as fs from "fs";
import * as path from "path";
import { App } from "cdktf";

/**
 * A cdktf App that, after writing each stack as JSON or HCL, removes the other format's file
 * left by an earlier synth: cdktf keeps it, and Terraform would then read every block twice.
 */
export class PeeringApp extends App {
  synth(): void {
    super.synth();
    const stale = this.hclOutput ? "cdk.tf.json" : "cdk.tf";
    const stacksDir = path.join(this.outdir, "stacks");
    for (const stack of fs.existsSync(stacksDir) ? fs.readdirSync(stacksDir) : []) {
      fs.rmSync(path.join(stacksDir, stack, stale), { force: true });
    }
  }
}
