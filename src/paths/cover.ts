import type { CoverageGoal, CoverTracker } from './goals/goal.ts';
import { pairsTracker } from './goals/pairs_goal.ts';
import { statesTracker } from './goals/states_goal.ts';
import { transitionsTracker } from './goals/transitions_goal.ts';
import type { StateGraph } from './state_graph.ts';

/** A path through the state graph from the initial state: its edges in order. */
export type EdgePath = readonly number[];

/** How paths are cut. */
export interface CoverOptions {
  readonly goal: CoverageGoal;
  /**
   * A path ends once it has this many steps (default 200), unless the detour to its next uncovered
   * item is longer than what is left — then it ends early and a new path starts from the initial state.
   */
  readonly maxSteps?: number;
}

/** The tracker of a goal. */
function trackerFor(graph: StateGraph, goal: CoverageGoal): CoverTracker {
  switch (goal) {
    case 'states':
      return statesTracker(graph);
    case 'transitions':
      return transitionsTracker(graph);
    case 'transition-pairs':
      return pairsTracker(graph);
  }
}

/**
 * A set of paths from the initial state that together cover every unit of `goal` in `graph`. Greedy: a
 * path takes an edge that covers something new while one leaves its current vertex; otherwise it walks
 * the shortest way (breadth-first) to the nearest vertex with work left. A path ends at `maxSteps` or
 * when nothing is left; the next one starts again from the initial state.
 */
export function coverPaths(graph: StateGraph, options: CoverOptions): EdgePath[] {
  const tracker = trackerFor(graph, options.goal);
  const maxSteps = options.maxSteps ?? 200;
  const { dst, out, outStart } = graph;
  const vertices = graph.reps.length;
  const seen = new Int32Array(vertices);
  const via = new Int32Array(vertices);
  const queue = new Int32Array(vertices);
  let stamp = 0;
  /** The edges of a shortest walk from `from` to the nearest target vertex, or null. */
  const detour = (from: number): number[] | null => {
    stamp++;
    seen[from] = stamp;
    queue[0] = from;
    let head = 0;
    let tail = 1;
    while (head < tail) {
      const v = queue[head++]!;
      for (let i = outStart[v]!; i < outStart[v + 1]!; i++) {
        const e = out[i]!;
        const w = dst[e]!;
        if (seen[w] === stamp) continue;
        seen[w] = stamp;
        via[w] = e;
        if (tracker.isTarget(w)) {
          const walk: number[] = [];
          for (let x = w; x !== from; x = graph.src[via[x]!]!) walk.push(via[x]!);
          return walk.reverse();
        }
        queue[tail++] = w;
      }
    }
    return null;
  };
  const paths: EdgePath[] = [];
  while (tracker.remaining() > 0) {
    const path: number[] = [];
    let cur = 0;
    let last = -1;
    let arrived = false;
    for (;;) {
      if (path.length >= maxSteps && !arrived) break;
      arrived = false;
      const edge = tracker.pick(cur, last);
      if (edge >= 0) {
        tracker.take(edge, last);
        path.push(edge);
        last = edge;
        cur = dst[edge]!;
        continue;
      }
      const walk = detour(cur);
      if (!walk || (path.length > 0 && path.length + walk.length >= maxSteps)) break;
      for (const e of walk) {
        tracker.take(e, last);
        path.push(e);
        last = e;
      }
      cur = dst[last]!;
      arrived = true;
    }
    if (path.length === 0) throw new Error('coverage left items that no walk from the initial state reaches');
    paths.push(path);
  }
  return dropPrefixes(paths);
}

/**
 * Removes every path that is a prefix of another (it covers nothing the longer one does not): sorted
 * lexicographically, a path is a prefix of another exactly when it is a prefix of its successor.
 */
function dropPrefixes(paths: readonly EdgePath[]): EdgePath[] {
  const order = paths.map((_, i) => i).sort((a, b) => compare(paths[a]!, paths[b]!));
  const keep = new Set(
    order.filter((p, i) => i + 1 >= order.length || !isPrefix(paths[p]!, paths[order[i + 1]!]!)),
  );
  return paths.filter((_, i) => keep.has(i));
}

function compare(a: EdgePath, b: EdgePath): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function isPrefix(a: EdgePath, b: EdgePath): boolean {
  if (a.length > b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
