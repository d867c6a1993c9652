import { describe, expect, it } from 'vitest';
import { driverSystem, sampleSystem } from '../../src/check/check_system.ts';
import { formatCounterexample } from '../../src/check/format_counterexample.ts';
import { replayTrace } from '../../src/check/replay_trace.ts';
import { runCheck } from '../../src/check/run_check.ts';
import { traceOf } from '../../src/check/trace_file.ts';
import { loadDriverFile } from '../../src/driver/load_driver_file.ts';

/**
 * Parallel programs (a sequential prefix and 2–3 concurrent branches) with the linearizability check: the
 * samples pass; a faulty driver fails, and the counterexample shows the branches side by side with their
 * results, and replays exactly.
 */
describe('parallel programs', () => {
  it('pass on the samples', async () => {
    const r = await runCheck({
      system: sampleSystem(),
      scheduler: 'pct',
      depth: 3,
      runs: 150,
      seed: 11,
      maxOps: 3,
      parallel: true,
    });
    expect(r.counterexample?.violations ?? []).toEqual([]);
    expect(r.parallel).toBe(true);
  });

  it('find a faulty driver and print the branches side by side', async () => {
    const loaded = await loadDriverFile('examples/buggy-drivers/mtty-free-in-remove.ts');
    if (typeof loaded === 'string') throw new Error(loaded);
    const system = driverSystem(loaded.driver);
    const r = await runCheck({
      system,
      scheduler: 'pct',
      depth: 3,
      runs: 2000,
      seed: 1,
      maxOps: 3,
      parallel: true,
    });
    expect(r.verdict).toBe('fail');
    const cx = r.counterexample!;
    expect(cx.program?.branches.length).toBeGreaterThanOrEqual(2);
    const text = formatCounterexample(cx, system.setup);
    expect(text).toMatch(/branch 0 +\| branch 1/);
    const replay = await replayTrace(traceOf(r, loaded.path)!, system);
    expect('diverged' in replay ? replay.diverged : replay.differences).toEqual([]);
  });
});
