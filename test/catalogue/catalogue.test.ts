import { describe, expect, it } from 'vitest';
import { shows } from '../../properties/catalogue/catalogue_entry.ts';
import { CATALOGUE, NOT_CHECKED } from '../../properties/catalogue/index.ts';
import { checkCatalogueEntry } from '../../src/check/check_catalogue.ts';
import { main } from '../../src/cli/main.ts';
import { V4_10, V6_1 } from '../../src/profile/profiles.ts';

/**
 * The race catalogue of kernel-semantics.md §5 as executable checks: every entry the model can express is
 * found by the exhaustive scheduler in its small program on the kernel that has the bug, and — where a fix
 * exists — the same program on the kernel with the fix switched on is explored to the end without it (a
 * proof within the bound). The 6.1 remove-during-create anomaly (K-1) and K-3 are reproduced.
 */
const BOUND = 2000;

describe('the race catalogue', () => {
  it.each(CATALOGUE)(
    '$id is found on $buggy.name and, where fixed, gone for every interleaving: $title',
    async (entry) => {
      const r = await checkCatalogueEntry(entry, BOUND);
      expect(r.buggy.shown, `${entry.id}: ${r.buggy.exploration.interleavings} interleavings explored`).toBe(
        true,
      );
      expect(r.buggy.exploration.failure!.violations.some((v) => shows(entry, v))).toBe(true);
      if (r.fixed) {
        expect(r.fixed.exploration.failure?.violations.filter((v) => shows(entry, v)) ?? []).toEqual([]);
        expect(r.fixed.exploration.exhausted).toBe(true);
      }
      expect(r.ok).toBe(true);
    },
  );

  it('is a command: mdevspec races checks the entries it is given and explains one it does not check', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const run = (...args: string[]) =>
      main(
        args,
        (s) => out.push(s),
        (s) => err.push(s),
      );
    expect(await run('races', 'C-1', 'K-1')).toBe(0);
    expect(out.join('\n')).toMatch(
      /C-1 {2}two concurrent removes[\s\S]*buggy {3}ok {2}v4.10-rc1[\s\S]*fixed {3}ok {2}v4.10: absent: all \d+ interleavings/,
    );
    expect(out.join('\n')).toMatch(/K-1 [\s\S]*fixed {3}not fixed upstream[\s\S]*PASS/);
    expect(await run('races', 'C-14')).toBe(2);
    expect(err.join('\n')).toContain('C-14 is not checked: needs fault injection');
  });

  it.each(CATALOGUE.filter((e) => e.buggy === V4_10 || e.buggy === V6_1))(
    '$id on $buggy.name is a known issue of that kernel: reported, not failed',
    async (entry) => {
      const r = await checkCatalogueEntry(entry, BOUND);
      const showing = r.buggy.exploration.failure!.violations.filter((v) => shows(entry, v));
      expect(showing.length).toBeGreaterThan(0);
      expect(showing.map((v) => v.known)).toEqual(showing.map(() => entry.id));
    },
  );

  it('says why every other §5 entry is not checked', () => {
    const ids = new Set([...CATALOGUE.map((e) => e.id), ...Object.keys(NOT_CHECKED)]);
    for (let n = 1; n <= 18; n++) expect(ids, `C-${n}`).toContain(`C-${n}`);
  });
});
