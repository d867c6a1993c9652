import type { PickPolicy } from './controlled_scheduler.ts';

/** Picks uniformly at random among the parked steps (fast-check's strategy), from a seeded generator. */
export function uniformPolicy(random: () => number): PickPolicy {
  return (parked) => parked[Math.floor(random() * parked.length)];
}
