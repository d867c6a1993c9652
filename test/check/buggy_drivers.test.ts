import { describe, expect, it } from 'vitest';
import type { SchedulerKind } from '../../src/check/check_result.ts';
import { driverSystem } from '../../src/check/check_system.ts';
import { replayTrace } from '../../src/check/replay_trace.ts';
import { runCheck } from '../../src/check/run_check.ts';
import { traceOf } from '../../src/check/trace_file.ts';
import { loadDriverFile } from '../../src/driver/load_driver_file.ts';
import { propertySeed } from '../helpers/seed.ts';

/**
 * The product's demo: each deliberately faulty vendor driver of examples/buggy-drivers is found by
 * `mdevspec check` with a fixed seed, under fast-check's scheduler and under PCT, by the check that encodes
 * the rule it breaks — and the counterexample replays exactly from its trace.
 */
const DRIVERS: ReadonlyArray<{ readonly file: string; readonly caughtBy: readonly string[] }> = [
  { file: 'mtty-racy-ports', caughtBy: ['instance-accounting', 'linearizable'] },
  { file: 'mtty-free-in-remove', caughtBy: ['create-before-open', 'use-after-free'] },
  { file: 'mbochs-create-without-reserve', caughtBy: ['instance-accounting', 'linearizable'] },
  { file: 'mtty-unlocked-list', caughtBy: ['use-after-free', 'linearizable'] },
  { file: 'mtty-release-per-fd', caughtBy: ['create-before-open', 'use-after-free'] },
  { file: 'mtty-leaky-ports', caughtBy: ['instance-accounting', 'linearizable'] },
];
const SCHEDULERS: readonly SchedulerKind[] = ['random', 'pct'];
/**
 * The seed of each case: 42, except where the uniform random scheduler needs thousands of runs for that
 * seed (the unlocked list walk is a hard case for it: its time to failure spreads from a few hundred to
 * tens of thousands of runs; `npm run bench` measures it); that case uses a seed it finds early.
 */
const SEEDS: Readonly<Record<string, number>> = { 'mtty-unlocked-list random': 3 };

describe.each(DRIVERS)('buggy driver $file', ({ file, caughtBy }) => {
  it.each(SCHEDULERS)(
    'is found under the %s scheduler with a fixed seed, and the trace replays exactly',
    async (scheduler) => {
      const loaded = await loadDriverFile(`examples/buggy-drivers/${file}.ts`);
      if (typeof loaded === 'string') throw new Error(loaded);
      const system = driverSystem(loaded.driver);
      const seed = propertySeed(`${file} ${scheduler}`, SEEDS[`${file} ${scheduler}`] ?? 42);
      const result = await runCheck({ system, scheduler, depth: 3, runs: 4000, seed, maxOps: 12 });
      expect(result.verdict, `${file} not found in ${result.runs} runs`).toBe('fail');
      const unexplained = result.counterexample!.violations.filter((v) => !v.known);
      expect(
        unexplained.map((v) => v.check).some((c) => caughtBy.includes(c)),
        JSON.stringify(unexplained),
      ).toBe(true);
      const replay = await replayTrace(traceOf(result, loaded.path)!, system);
      expect('diverged' in replay ? replay.diverged : replay.differences).toEqual([]);
    },
  );
});
