import type fc from 'fast-check';
import type { ControlledScheduler } from '../controlled_scheduler.ts';
import { pctPolicy } from '../pct_policy.ts';
import { controlledSchedulerArbitrary } from './controlled_scheduler_arbitrary.ts';

/** What a PCT scheduler targets: the bug depth d, and the run length k (a number, or read at each run). */
export interface PctConstraints {
  readonly depth?: number;
  readonly steps?: number | (() => number);
}

/**
 * A drop-in for `fc.scheduler()` that schedules by PCT (src/sched/pct_policy.ts): random thread priorities
 * with `depth − 1` change points among the first `steps` steps. `steps` may be a function, so a check can
 * pass the longest run it has seen so far.
 */
export function pctScheduler(constraints: PctConstraints = {}): fc.Arbitrary<ControlledScheduler> {
  const depth = constraints.depth ?? 3;
  const steps = constraints.steps ?? 200;
  return controlledSchedulerArbitrary(`pctScheduler[d=${depth}]`, (random) =>
    pctPolicy(random, depth, typeof steps === 'function' ? steps() : steps),
  );
}
