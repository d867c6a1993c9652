import { describe, expect, it } from 'vitest';
import { type CatalogueEntry, shows } from '../../properties/catalogue/catalogue_entry.ts';
import { CATALOGUE, NOT_CHECKED } from '../../properties/catalogue/index.ts';
import { INVARIANTS } from '../../properties/invariants/index.ts';
import { sampleSystem } from '../../src/check/check_system.ts';
import { DeviceSpec } from '../../src/check/device_monitor.ts';
import { exploreCase } from '../../src/check/explore_case.ts';
import type { Profile } from '../../src/profile/profiles.ts';

/**
 * The race catalogue of kernel-semantics.md §5 as executable checks: every entry the model can express is
 * found by the exhaustive scheduler in its small program on the kernel that has the bug, and — where a fix
 * exists — the same program on the kernel with the fix switched on is explored to the end without it (a
 * proof within the bound). The 6.1 remove-during-create anomaly (K-1) and K-3 are reproduced.
 */
const BOUND = 2000;

function explore(entry: CatalogueEntry, profile: Profile) {
  return exploreCase(
    sampleSystem(profile, entry.parents),
    entry.program,
    { invariants: INVARIANTS, deviceSpec: new DeviceSpec(profile.base) },
    BOUND,
    undefined,
    (v) => shows(entry, v),
  );
}

describe('the race catalogue', () => {
  it.each(CATALOGUE)('$id is found on $buggy.name: $title', async (entry) => {
    const r = await explore(entry, entry.buggy);
    expect(r.failure, `${entry.id}: ${r.interleavings} interleavings explored`).not.toBeNull();
    expect(r.failure!.violations.some((v) => shows(entry, v))).toBe(true);
  });

  it.each(CATALOGUE.filter((e) => e.fixed !== null))(
    '$id is gone once fixed ($fixed.name), for every interleaving',
    async (entry) => {
      const r = await explore(entry, entry.fixed!);
      expect(r.failure?.violations.filter((v) => shows(entry, v)) ?? []).toEqual([]);
      expect(r.exhausted).toBe(true);
    },
  );

  it('says why every other §5 entry is not checked', () => {
    const ids = new Set([...CATALOGUE.map((e) => e.id), ...Object.keys(NOT_CHECKED)]);
    for (let n = 1; n <= 18; n++) expect(ids, `C-${n}`).toContain(`C-${n}`);
  });
});
