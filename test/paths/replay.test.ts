import { describe, expect, it } from 'vitest';
import leakyMtty from '../../examples/buggy-drivers/mtty-leaky-ports.ts';
import { formatJson, parseSuite } from '../../src/paths/formats/json_format.ts';
import { generatePaths, toSuite } from '../../src/paths/generate.ts';
import { replayPaths } from '../../src/paths/replay.ts';
import { SYSTEM_CONFIGS } from './system_configs.ts';

/**
 * Generated paths replayed on the implementation (the kernel model with the sample drivers, through the
 * scenario runner): every step of every path does what the spec expects — result, blocking, released
 * removes, sysfs state — and a buggy driver is caught.
 */

describe('replaying transition-covering paths on the implementation', () => {
  for (const { profile, parents, slots } of SYSTEM_CONFIGS) {
    it(`${profile}, ${parents.map((p) => p.name).join('+')}, ${slots} slots: every step as the spec expects`, async () => {
      const suite = toSuite(
        generatePaths({
          machine: 'system',
          profile,
          parents,
          slots,
          goal: 'transitions',
        }),
      );
      const results = await replayPaths(parseSuite(formatJson(suite)).paths, { profile });
      expect(results.map((r) => r.id)).toEqual(suite.paths.map((p) => p.id));
      expect(results.flatMap((r) => r.mismatches)).toEqual([]);
    });
  }

  it('catches a driver that leaks pool units: available_instances is wrong after its first create', async () => {
    const suite = toSuite(
      generatePaths({ machine: 'system', profile: 'v6.1', slots: 2, goal: 'transitions' }),
    );
    const results = await replayPaths(suite.paths, {
      profile: 'v6.1',
      extraModules: () => [leakyMtty.create()],
    });
    const failing = results.filter((r) => r.mismatches.length > 0);
    expect(failing.length).toBeGreaterThan(0);
    const first = failing[0]!.mismatches[0]!;
    expect(first.text).toMatch(/^create mtty mtty-1 /);
    expect(first.field).toBe('state.avail');
    expect(first.expected).toMatchObject({ 'mtty/mtty-1': [23, 1] });
    expect(first.actual).toMatchObject({ 'mtty/mtty-1': [22, 1] });
  });

  it('refuses paths without step-language lines (registry machines)', async () => {
    const suite = toSuite(generatePaths({ machine: 'parent', profile: 'v6.1', goal: 'states' }));
    await expect(replayPaths(suite.paths, { profile: 'v6.1' })).rejects.toThrow(/only system paths/);
  });
});
