import type { AppStacksSource } from "../lib/reach";

/**
 * The app's stacks for reach and check, loaded on first use: the app brings in cdktf and the config's
 * schema, which a run on given paths should not wait for.
 */
export const LAZY_APP_STACKS: AppStacksSource = {
  synthesized: async () => (await import("../app/synth-input")).APP_STACKS.synthesized(),
  revision: async (revision) => (await import("../app/synth-input")).APP_STACKS.revision(revision),
};
