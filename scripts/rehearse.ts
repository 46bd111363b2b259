import { readMigration } from "../app/migration-input";
import { defaultIo, main } from "../lib/rehearse/cli";
import { abortAllSync } from "../lib/rehearse/host";

/** Ctrl-C, kill and hangup remove the run's namespaces before the process ends. */
for (const [signal, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
  ["SIGHUP", 129],
] as const) {
  process.on(signal, () => {
    abortAllSync();
    process.stderr.write(`rehearse: ${signal}: removed this run's namespaces\n`);
    process.exit(code);
  });
}
process.on("exit", abortAllSync);

main(process.argv.slice(2), { ...defaultIo, migration: readMigration }).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    abortAllSync();
    process.stderr.write(`rehearse failed unexpectedly: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 3;
  },
);
