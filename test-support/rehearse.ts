/** Shared helpers of rehearse's tests that build real network namespaces. */
import { missingPrerequisites, namespacesOwnedBy } from "../lib/rehearse/host";

/** Fails (never skips) a suite that needs namespaces on a machine that cannot make them, saying what is missing. */
export function requireNamespaces(): void {
  const missing = missingPrerequisites();
  if (missing.length > 0)
    throw new Error(
      `rehearse's tests build Linux network namespaces and need: ${missing.join(", ")} (CI installs iputils-ping and nftables)`,
    );
}

/** The namespaces of rehearse runs owned by a process. */
export function namespacesOf(pid: number): string[] {
  return namespacesOwnedBy(pid);
}
