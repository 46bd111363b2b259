import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runScript } from "../../test-support/scripts";

/** Raw terminal controls, which no message may carry. */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe("npm run ping, in its own process", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ping-script-"));
    // A `terraform` that prints what is not JSON, first on PATH: `terraform output -json` must not crash ping.
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, "terraform"), "#!/bin/sh\nprintf 'Warning: \\033[2J not JSON {'\n", {
      mode: 0o755,
    });
    const stack = path.join(dir, "synth", "stacks", "instances");
    fs.mkdirSync(stack, { recursive: true });
    fs.writeFileSync(path.join(stack, "cdk.tf.json"), "{ not JSON either");
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** ping with `args`; nothing here may reach AWS: a closed loopback port and fake credentials, should it try. */
  const ping = (args: readonly string[]) =>
    runScript("ping", [...args.map((a) => a.replace("<tmp>", dir)), "--no-expect"], {
      ...process.env,
      PATH: `${path.join(dir, "bin")}:${process.env.PATH ?? ""}`,
      AWS_ENDPOINT_URL: "http://127.0.0.1:9",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_REGION: "eu-west-1",
      AWS_EC2_METADATA_DISABLED: "true",
      CHECKPOINT_DISABLE: "1",
    });

  it.each([
    [
      "outputs nested 10,000 levels deep",
      `{"instances": {"instances": ${"[".repeat(10_000)}${"]".repeat(10_000)}}}`,
      ["--outputs-file", "<tmp>/outputs.json"],
      /^ping: outputs file .*outputs\.json: nested too deeply at instances\.instances\[0\]/,
    ],
    [
      "an outputs file that is not JSON",
      '{ "instances": \u001b[2J',
      ["--outputs-file", "<tmp>/outputs.json"],
      /^ping: outputs file .*outputs\.json: not valid JSON/,
    ],
    [
      "an instances output holding a string that is not JSON",
      JSON.stringify({ instances: { instances: '{ "a": \u001b]0;x' } }),
      ["--outputs-file", "<tmp>/outputs.json"],
      /^ping: outputs file .*output "instances": expected an object of instances keyed by VPC name, got "\{ \\"a\\": \\u001b\]0;x"/,
    ],
    [
      "terraform output printing what is not JSON",
      undefined,
      ["--synth-dir", "<tmp>/synth"],
      /^ping: terraform output -json in .*: printed something that is not JSON/,
    ],
  ])("exits 2 with one line and no stack trace for %s, before it calls AWS", (_, outputs, args, message) => {
    if (outputs !== undefined) fs.writeFileSync(path.join(dir, "outputs.json"), outputs);
    const result = ping(args);
    expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 2, stdout: "" });
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).not.toMatch(RAW_CONTROL);
  });
});
