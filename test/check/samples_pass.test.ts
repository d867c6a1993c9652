import { describe, expect, it } from 'vitest';
import type { SchedulerKind } from '../../src/check/check_result.ts';
import { sampleSystem } from '../../src/check/check_system.ts';
import { runCheck } from '../../src/check/run_check.ts';
import { V4_10, V6_1 } from '../../src/profile/profiles.ts';
import { propertySeed } from '../helpers/seed.ts';

/**
 * The real samples (mtty, mdpy, mbochs) pass the check at both profiles: nothing is found beyond the known
 * kernel issues, which 4.10 meets (C-4 above all: the same UUID under two parents) and which are reported.
 */
describe.each([
  ['v6.1', V6_1],
  ['v4.10', V4_10],
] as const)('the samples at %s', (name, profile) => {
  it.each<SchedulerKind>(['random', 'pct'])('pass under the %s scheduler', async (scheduler) => {
    const seed = propertySeed(`samples ${name} ${scheduler}`);
    const result = await runCheck({
      system: sampleSystem(profile),
      scheduler,
      depth: 3,
      runs: 600,
      seed,
      maxOps: 12,
    });
    expect(result.counterexample?.violations ?? []).toEqual([]);
    expect(result.verdict).toBe('pass');
    expect(result.runs).toBe(600);
    expect(result.interleavings).toBeGreaterThan(500);
    expect(result.coverage.covered / result.coverage.total).toBeGreaterThan(0.6);
    if (name === 'v4.10') expect(Object.keys(result.knownIssues)).toContain('C-4');
    else expect(Object.keys(result.knownIssues).every((k) => k === 'K-1' || k === 'K-3')).toBe(true);
  });
});
