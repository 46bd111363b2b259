/** Verdicts folded for drawing: both directions of a pair as one edge when they agree. */
import type { Reachable } from "../reach";

export interface VerdictEdge {
  readonly from: string;
  readonly to: string;
  readonly protocol: string;
  readonly reachable: Reachable;
  readonly both: boolean;
  readonly reason: string;
}

/**
 * Folds the verdicts of both directions of a pair into one two-headed edge when they agree, so
 * each pair of endpoints gets one edge (or two when the directions differ).
 */
export function foldDirections(
  verdicts: readonly { from: string; to: string; protocol: string; reachable: Reachable; reason: string }[],
): VerdictEdge[] {
  const byKey = new Map(verdicts.map((v) => [`${v.from}\u0000${v.to}\u0000${v.protocol}`, v]));
  const done = new Set<string>();
  const edges: VerdictEdge[] = [];
  for (const v of verdicts) {
    const key = `${v.from}\u0000${v.to}\u0000${v.protocol}`;
    if (done.has(key)) continue;
    done.add(key);
    const backKey = `${v.to}\u0000${v.from}\u0000${v.protocol}`;
    const back = byKey.get(backKey);
    if (back && back.reachable === v.reachable && !done.has(backKey)) {
      done.add(backKey);
      const reason = v.reason === back.reason ? v.reason : `${v.reason}; back: ${back.reason}`;
      edges.push({ ...v, both: true, reason });
    } else {
      edges.push({ ...v, both: false });
    }
  }
  return edges;
}
