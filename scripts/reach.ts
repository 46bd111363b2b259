import { runCommand } from "../lib/core/exit-codes";
import { LAZY_APP_STACKS } from "./app-stacks";
import { reachCommand } from "../lib/reach/cli";

void runCommand(
  "reach",
  () =>
    reachCommand(
      process.argv.slice(2),
      {
        stdout: (text) => process.stdout.write(text),
        stderr: (text) => process.stderr.write(text),
      },
      { app: LAZY_APP_STACKS },
    ),
  [],
);
