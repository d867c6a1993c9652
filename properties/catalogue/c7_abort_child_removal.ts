import { V4_10, withSwitches } from '../../src/profile/profiles.ts';
import { type CatalogueEntry, program, U1, U2 } from './catalogue_entry.ts';

/**
 * C-7 "vfio/mdev: Fix aborting mdev child device removal if one fails" (6093e348a5e2, v5.2-rc1): a child
 * already claimed by a user remove made the parent unregistration's walk stop, leaving the other children
 * behind the vanished parent.
 */
export const c7AbortChildRemoval: CatalogueEntry = {
  id: 'C-7',
  title: 'parent unregistration stops at a child a user remove claimed, leaving children behind',
  source: 'kernel-semantics.md §5 C-7 (6093e348a5e2, v5.2-rc1)',
  buggy: V4_10,
  fixed: withSwitches(V4_10, 'v4.10 with 6093e348a5e2', { childRemovalAbortsOnError: false }),
  shownBy: ['no-child-after-unregister', 'state-matches-spec'],
  parents: ['mtty'],
  program: program(
    [
      { op: 'create', parent: 'mtty', type: 'mtty-1', data: U1 },
      { op: 'create', parent: 'mtty', type: 'mtty-1', data: U2 },
    ],
    [{ op: 'remove', uuid: U1 }],
    [{ op: 'unload', module: 'mtty' }],
  ),
};
