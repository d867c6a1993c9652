import type { StateGraph } from '../state_graph.ts';
import type { CoverTracker } from './goal.ts';

/**
 * Tracks which transitions (edges) a set of walks has taken. Among the untaken edges out of a vertex it
 * prefers refusals (self-loops, which cost no detour), then edges into vertices with untaken edges left.
 */
export function transitionsTracker(graph: StateGraph): CoverTracker {
  const { src, dst, out, outStart } = graph;
  const covered = new Uint8Array(src.length);
  const untakenOut = new Int32Array(graph.reps.length);
  for (let v = 0; v < graph.reps.length; v++) untakenOut[v] = outStart[v + 1]! - outStart[v]!;
  let remaining = src.length;
  return {
    remaining: () => remaining,
    pick(cur) {
      if (untakenOut[cur] === 0) return -1;
      let fallback = -1;
      let onward = -1;
      for (let i = outStart[cur]!; i < outStart[cur + 1]!; i++) {
        const e = out[i]!;
        if (covered[e]) continue;
        if (dst[e] === cur) return e;
        if (onward < 0 && untakenOut[dst[e]!]! > 0) onward = e;
        if (fallback < 0) fallback = e;
      }
      return onward >= 0 ? onward : fallback;
    },
    isTarget: (v) => untakenOut[v]! > 0,
    take(edge) {
      if (covered[edge]) return;
      covered[edge] = 1;
      untakenOut[src[edge]!]!--;
      remaining--;
    },
  };
}
