import { runCommand } from "../lib/exit-codes";
import { reachCommand } from "../lib/reach/cli";

void runCommand(
  "reach",
  () =>
    reachCommand(process.argv.slice(2), {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
    }),
  []
);
