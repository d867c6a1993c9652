import type fc from 'fast-check';
import type { ControlledScheduler } from '../controlled_scheduler.ts';
import { uniformPolicy } from '../uniform_policy.ts';
import { controlledSchedulerArbitrary } from './controlled_scheduler_arbitrary.ts';

/**
 * A drop-in for `fc.scheduler()` that picks uniformly at random, like fast-check's, but an order of magnitude
 * faster: one synchronous decision per step instead of a promise round trip.
 */
export function uniformScheduler(): fc.Arbitrary<ControlledScheduler> {
  return controlledSchedulerArbitrary('uniformScheduler', uniformPolicy);
}
