/** The coverage goals: every reachable state, every transition, every pair of consecutive transitions. */
export const COVERAGE_GOALS = ['states', 'transitions', 'transition-pairs'] as const;

/** A coverage goal. */
export type CoverageGoal = (typeof COVERAGE_GOALS)[number];

/**
 * What the greedy cover needs to know about a goal while it walks the state graph: how much is left,
 * which edge out of the current vertex covers something new, where work remains, and what an edge
 * covers when taken after the previous one.
 */
export interface CoverTracker {
  /** Goal units not covered yet. */
  remaining(): number;
  /** An edge out of `cur`, entered by `last` (-1 at the start), that covers something new; -1 if none. */
  pick(cur: number, last: number): number;
  /** Whether a walk that reaches `v` finds something to cover there. */
  isTarget(v: number): boolean;
  /** Records that the walk took `edge` right after `last` (-1 at the start). */
  take(edge: number, last: number): void;
}
