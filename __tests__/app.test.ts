import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * Builds a PeeringApp with `context` in a fresh copy of cdktf (skipping token traces is
 * process-wide) and returns the stack-trace context it ended up with and the creation stack of a
 * token referencing a resource attribute.
 */
function appWith(context?: Record<string, unknown>): { disabled: unknown; tokenTrace: string[] } {
  let result: { disabled: unknown; tokenTrace: string[] } = { disabled: undefined, tokenTrace: [] };
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "peering-app-"));
  try {
    jest.isolateModules(() => {
      const { PeeringApp } = require("../app/peering-app") as typeof import("../app/peering-app");
      const { DISABLE_STACK_TRACE_IN_METADATA, TerraformStack, Tokenization } =
        require("cdktf") as typeof import("cdktf");
      const { Vpc } = require("@cdktf/provider-aws/lib/vpc") as typeof import("@cdktf/provider-aws/lib/vpc");
      const app = new PeeringApp({ outdir, context });
      const vpc = new Vpc(new TerraformStack(app, "s"), "vpc", { cidrBlock: "10.0.0.0/24" });
      result = {
        disabled: app.node.tryGetContext(DISABLE_STACK_TRACE_IN_METADATA),
        tokenTrace: Tokenization.reverseString(vpc.id).firstToken?.creationStack ?? ["no token"],
      };
    });
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  return result;
}

describe("PeeringApp", () => {
  it("turns cdktf's stack traces off: the context for annotations, and the trace of every token", () => {
    expect(appWith()).toEqual({ disabled: true, tokenTrace: [] });
  });

  it("keeps them when the context turns them back on", () => {
    const { disabled, tokenTrace } = appWith({ "@cdktf/disable_stack_trace_in_metadata": false });
    expect(disabled).toBe(false);
    expect(tokenTrace.length).toBeGreaterThan(0);
  });
});
