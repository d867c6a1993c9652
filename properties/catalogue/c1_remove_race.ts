import { V4_10, withSwitches } from '../../src/profile/profiles.ts';
import { type CatalogueEntry, program, U1 } from './catalogue_entry.ts';

/**
 * C-1 "vfio-mdev: Fix remove race" (Dec 2016, 4.10-rc): before it, nothing claimed a device being removed,
 * so two removers — here a user's remove and the parent unregistration's forced remove, which both go on
 * once they hold `parent->lock` — both tore it down (a second vendor remove, a second unregistration). The
 * fix claims the device by taking it off the global `mdev_list`; the loser gets ENODEV.
 */
export const c1RemoveRace: CatalogueEntry = {
  id: 'C-1',
  title: 'two concurrent removes both tear the device down',
  source: 'kernel-semantics.md §5 C-1 ("vfio-mdev: Fix remove race", 4.10-rc)',
  buggy: withSwitches(V4_10, 'v4.10-rc1 (before "Fix remove race")', { removeClaimOnMdevList: false }),
  fixed: V4_10,
  shownBy: ['teardown-once', 'oops'],
  parents: ['mtty'],
  program: program(
    [{ op: 'create', parent: 'mtty', type: 'mtty-1', data: U1 }],
    [{ op: 'remove', uuid: U1 }],
    [{ op: 'unload', module: 'mtty' }],
  ),
};
