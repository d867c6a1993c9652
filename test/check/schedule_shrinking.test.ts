import { describe, expect, it } from 'vitest';
import { driverSystem } from '../../src/check/check_system.ts';
import { replayTrace } from '../../src/check/replay_trace.ts';
import { runCheck } from '../../src/check/run_check.ts';
import { traceOf } from '../../src/check/trace_file.ts';
import { loadDriverFile } from '../../src/driver/load_driver_file.ts';

/**
 * Schedule shrinking after fast-check's own: a known counterexample (the lost update of mtty-racy-ports,
 * found by fast-check's scheduler with seed 42) goes down to its minimum of two creates and a handful of
 * preemptions, and the shrunk trace replays exactly.
 */
describe('schedule shrinking', () => {
  it('reduces the racy-ports counterexample to two operations and at most 3 preemptions, replayable', async () => {
    const loaded = await loadDriverFile('examples/buggy-drivers/mtty-racy-ports.ts');
    if (typeof loaded === 'string') throw new Error(loaded);
    const system = driverSystem(loaded.driver);
    const result = await runCheck({
      system,
      scheduler: 'random',
      depth: 3,
      runs: 4000,
      seed: 42,
      maxOps: 12,
    });
    const shrink = result.scheduleShrink!;
    expect(shrink.before.commands).toBeGreaterThanOrEqual(shrink.after.commands);
    expect(shrink.after.commands).toBe(2);
    expect(shrink.before.preemptions).toBeGreaterThan(shrink.after.preemptions);
    expect(shrink.after.preemptions).toBeLessThanOrEqual(3);
    expect(result.counterexample!.commands.map((c) => c.op.op)).toEqual(['create', 'create']);
    const replay = await replayTrace(traceOf(result, loaded.path)!, system);
    expect('diverged' in replay ? replay.diverged : replay.differences).toEqual([]);
  });
});
