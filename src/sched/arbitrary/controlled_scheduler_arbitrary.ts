import fc from 'fast-check';
import { ControlledScheduler, type PickPolicy } from '../controlled_scheduler.ts';
import { seededRandom } from '../seeded_random.ts';

/**
 * The fast-check arbitrary of `ControlledScheduler`s whose policy is built from a seed: what the uniform and
 * PCT scheduler arbitraries share. Each value is a fresh scheduler per property run (fast-check clones it
 * through `fc.cloneMethod`), prints as `name(seed=…)`, and is never shrunk (shrinking a schedule is the
 * shrinker's job, src/check/shrink_schedule.ts).
 */
export function controlledSchedulerArbitrary(
  name: string,
  policyOf: (random: () => number) => PickPolicy,
): fc.Arbitrary<ControlledScheduler> {
  const make = (seed: number): ControlledScheduler => {
    const scheduler = new ControlledScheduler(policyOf(seededRandom(seed)));
    return Object.assign(scheduler, {
      [fc.cloneMethod]: () => make(seed),
      [fc.toStringMethod]: () => `${name}(seed=${seed})`,
    });
  };
  return fc.noShrink(fc.integer()).map(make);
}
