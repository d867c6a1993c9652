import type { StateGraph } from '../state_graph.ts';
import type { CoverTracker } from './goal.ts';

/**
 * The pairs of consecutive transitions of a graph: the pair (a, b) exists when b leaves the vertex a
 * enters. Pairs starting with edge `a` are numbered `start[a] + position of b among the out-edges of
 * dst(a)`.
 */
export interface PairIndex {
  readonly start: Float64Array;
  /** Edge → its position among the out-edges of its source. */
  readonly position: Int32Array;
  readonly count: number;
}

/** Numbers the transition pairs of `graph`. */
export function indexPairs(graph: StateGraph): PairIndex {
  const { dst, out, outStart } = graph;
  const edges = graph.src.length;
  const start = new Float64Array(edges + 1);
  for (let e = 0; e < edges; e++) start[e + 1] = start[e]! + (outStart[dst[e]! + 1]! - outStart[dst[e]!]!);
  const position = new Int32Array(edges);
  for (let v = 0; v < graph.reps.length; v++)
    for (let i = outStart[v]!; i < outStart[v + 1]!; i++) position[out[i]!] = i - outStart[v]!;
  return { start, position, count: start[edges]! };
}

/**
 * Tracks which transition pairs (and transitions) a set of walks has taken. After edge `last` it prefers
 * an untaken pair (last, b) with b starting untaken pairs itself; otherwise it moves on through an edge
 * that still starts untaken pairs or is untaken.
 */
export function pairsTracker(graph: StateGraph): CoverTracker {
  const { src, out, outStart } = graph;
  const edges = src.length;
  const pairs = indexPairs(graph);
  const pairTaken = new Uint8Array(pairs.count);
  const edgeTaken = new Uint8Array(edges);
  const pairsLeft = new Int32Array(edges);
  for (let e = 0; e < edges; e++) pairsLeft[e] = pairs.start[e + 1]! - pairs.start[e]!;
  /** Vertex → out-edges that are untaken or start untaken pairs. */
  const work = new Int32Array(graph.reps.length);
  for (let v = 0; v < graph.reps.length; v++) work[v] = outStart[v + 1]! - outStart[v]!;
  let remaining = pairs.count + edges;
  const busy = (e: number) => pairsLeft[e]! > 0 || !edgeTaken[e];
  return {
    remaining: () => remaining,
    pick(cur, last) {
      if (last >= 0 && pairsLeft[last]! > 0) {
        let fallback = -1;
        for (let i = outStart[cur]!; i < outStart[cur + 1]!; i++) {
          const b = out[i]!;
          if (pairTaken[pairs.start[last]! + i - outStart[cur]!]) continue;
          if (busy(b)) return b;
          if (fallback < 0) fallback = b;
        }
        return fallback;
      }
      if (work[cur] === 0) return -1;
      let fallback = -1;
      for (let i = outStart[cur]!; i < outStart[cur + 1]!; i++) {
        const a = out[i]!;
        if (!edgeTaken[a]) return a;
        if (fallback < 0 && pairsLeft[a]! > 0) fallback = a;
      }
      return fallback;
    },
    isTarget: (v) => work[v]! > 0,
    take(edge, last) {
      if (last >= 0) {
        const p = pairs.start[last]! + pairs.position[edge]!;
        if (!pairTaken[p]) {
          pairTaken[p] = 1;
          remaining--;
          if (--pairsLeft[last]! === 0 && edgeTaken[last]) work[src[last]!]!--;
        }
      }
      if (!edgeTaken[edge]) {
        edgeTaken[edge] = 1;
        remaining--;
        if (pairsLeft[edge] === 0) work[src[edge]!]!--;
      }
    },
  };
}
