import type { StateGraph } from '../state_graph.ts';
import type { CoverTracker } from './goal.ts';

/** Tracks which states a set of walks has visited (the initial state counts from the start). */
export function statesTracker(graph: StateGraph): CoverTracker {
  const { dst, out, outStart } = graph;
  const visited = new Uint8Array(graph.reps.length);
  visited[0] = 1;
  let remaining = graph.reps.length - 1;
  return {
    remaining: () => remaining,
    pick(cur) {
      for (let i = outStart[cur]!; i < outStart[cur + 1]!; i++) if (!visited[dst[out[i]!]!]) return out[i]!;
      return -1;
    },
    isTarget: (v) => !visited[v],
    take(edge) {
      const v = dst[edge]!;
      if (!visited[v]) {
        visited[v] = 1;
        remaining--;
      }
    },
  };
}
