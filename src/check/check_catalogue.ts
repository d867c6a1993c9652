import { type CatalogueEntry, shows } from '../../properties/catalogue/catalogue_entry.ts';
import { INVARIANTS } from '../../properties/invariants/index.ts';
import type { Profile } from '../profile/profiles.ts';
import { sampleSystem } from './check_system.ts';
import { DeviceSpec } from './device_monitor.ts';
import { type CaseExploration, exploreCase } from './explore_case.ts';

/** One side of a catalogue check: the entry's program explored on one kernel. */
export interface CatalogueSide {
  readonly profile: string;
  readonly exploration: CaseExploration;
  /** The interleaving that showed the bug, if one did. */
  readonly shown: boolean;
  readonly ms: number;
}

/** What checking a race-catalogue entry found. */
export interface CatalogueCheck {
  readonly entry: CatalogueEntry;
  /** The program on the kernel with the bug: `shown` is what should happen. */
  readonly buggy: CatalogueSide;
  /** The program on the kernel with the fix switched on (null when not fixed upstream): explored to the end without the bug is what should happen. */
  readonly fixed: CatalogueSide | null;
  /** Found where the bug is and (where there is a fix) proved absent within the bound where it is fixed. */
  readonly ok: boolean;
}

async function side(entry: CatalogueEntry, profile: Profile, bound: number): Promise<CatalogueSide> {
  const t0 = performance.now();
  const exploration = await exploreCase(
    sampleSystem(profile, entry.parents),
    entry.program,
    { invariants: INVARIANTS, deviceSpec: new DeviceSpec(profile.kernel) },
    bound,
    undefined,
    (v) => shows(entry, v),
  );
  const shown = exploration.failure?.violations.some((v) => shows(entry, v)) ?? false;
  return { profile: profile.name, exploration, shown, ms: performance.now() - t0 };
}

/**
 * Checks one entry of the race catalogue (properties/catalogue) with the exhaustive scheduler: its program
 * on the kernel that has the bug must show it, and on the kernel with the fix switched on every
 * interleaving within `bound` must be free of it (a proof for that program and bound).
 */
export async function checkCatalogueEntry(entry: CatalogueEntry, bound: number): Promise<CatalogueCheck> {
  const buggy = await side(entry, entry.buggy, bound);
  const fixed = entry.fixed ? await side(entry, entry.fixed, bound) : null;
  const ok = buggy.shown && (fixed === null || (!fixed.shown && fixed.exploration.exhausted));
  return { entry, buggy, fixed, ok };
}
