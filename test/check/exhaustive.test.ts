import { describe, expect, it } from 'vitest';
import { program, U1 } from '../../properties/catalogue/catalogue_entry.ts';
import { DRIVER_WITNESSES } from '../../properties/catalogue/driver_witnesses.ts';
import { INVARIANTS } from '../../properties/invariants/index.ts';
import { driverSystem, sampleSystem } from '../../src/check/check_system.ts';
import { DeviceSpec } from '../../src/check/device_monitor.ts';
import { exploreCase } from '../../src/check/explore_case.ts';
import { loadDriverFile } from '../../src/driver/load_driver_file.ts';

/**
 * The exhaustive scheduler: every interleaving of a stated operation set, with partial-order reduction and a
 * state cache. It finds each faulty driver in a small parallel program, and proves the samples correct for
 * a program within a stated bound (the search is exhausted, no violation outside the known issues).
 */
/** A device removed while another holder opens and closes it. */
const REMOVE_WHILE_OPEN_CLOSE = program(
  [{ op: 'create', parent: 'mtty', type: 'mtty-1', data: U1 }],
  [{ op: 'remove', uuid: U1 }],
  [
    { op: 'open', holder: '', uuid: U1 },
    { op: 'close', holder: '0' },
  ],
);

describe('the exhaustive scheduler', () => {
  it.each(DRIVER_WITNESSES)(
    'finds $file in a small parallel program',
    async ({ file, program: p, caughtBy }) => {
      const loaded = await loadDriverFile(`examples/buggy-drivers/${file}.ts`);
      if (typeof loaded === 'string') throw new Error(loaded);
      const system = driverSystem(loaded.driver);
      const r = await exploreCase(
        system,
        p,
        { invariants: INVARIANTS, deviceSpec: new DeviceSpec(system.profile.kernel) },
        500,
      );
      expect(r.failure, `${file}: ${r.interleavings} interleavings explored`).not.toBeNull();
      expect(r.failure!.violations.filter((v) => !v.known).some((v) => caughtBy.includes(v.check))).toBe(
        true,
      );
    },
  );

  it('proves the samples correct for "remove a device while another holder opens and closes it", within 300 interleavings', async () => {
    const system = sampleSystem();
    const r = await exploreCase(
      system,
      REMOVE_WHILE_OPEN_CLOSE,
      { invariants: INVARIANTS, deviceSpec: new DeviceSpec('v6.1') },
      300,
    );
    expect(r.failure).toBeNull();
    expect(r.exhausted).toBe(true);
    expect(r.interleavings).toBeGreaterThan(50);
    // The reductions work: equivalent orders were skipped and revisited states pruned.
    expect(r.sleepPruned).toBeGreaterThan(0);
    expect(r.cacheHits).toBeGreaterThan(0);
  });

  it('reports a search cut at its bound as not exhausted', async () => {
    const r = await exploreCase(
      sampleSystem(),
      REMOVE_WHILE_OPEN_CLOSE,
      { invariants: INVARIANTS, deviceSpec: new DeviceSpec('v6.1') },
      10,
    );
    expect(r.interleavings).toBe(10);
    expect(r.exhausted).toBe(false);
  });
});
