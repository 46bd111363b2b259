import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runScript } from "../../test-support/scripts";

describe("npm run ping, in its own process", () => {
  it("exits 2 with one line and no stack trace for outputs nested 10,000 levels deep, before it calls AWS", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ping-script-"));
    try {
      const outputs = path.join(dir, "outputs.json");
      fs.writeFileSync(outputs, `{"instances": {"instances": ${"[".repeat(10_000)}${"]".repeat(10_000)}}}`);
      // Nothing here may reach AWS: a closed loopback port and fake credentials, should it try.
      const result = runScript("ping", ["--outputs-file", outputs, "--no-expect"], {
        ...process.env,
        AWS_ENDPOINT_URL: "http://127.0.0.1:9",
        AWS_ACCESS_KEY_ID: "test",
        AWS_SECRET_ACCESS_KEY: "test",
        AWS_REGION: "eu-west-1",
        AWS_EC2_METADATA_DISABLED: "true",
        CHECKPOINT_DISABLE: "1",
      });
      expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 2, stdout: "" });
      expect(result.stderr).toMatch(/^ping: outputs file .*outputs\.json: nested too deeply at instances\.instances\[0\]/);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
