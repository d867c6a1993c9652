import { V4_10, withSwitches } from '../../src/profile/profiles.ts';

/**
 * The kernel just before the fix: v5.2-rc4, i.e. the 4.10 interface (parent_ops behind vfio_mdev, the
 * device visible before the vendor create) with 4.18's global UUID reservation and `active` flag, no
 * `parent->lock`, and C-7 and C-8 already fixed (v5.2-rc1).
 */
const V5_2_RC4 = withSwitches(V4_10, 'v5.2-rc4', {
  perParentLock: false,
  globalUuidReservation: true,
  activeFlag: true,
  removeFileCreation: 'after-links',
  childRemovalAbortsOnError: false,
  vendorRemoveErrnoMasked: false,
});

import { type CatalogueEntry, program, U1 } from './catalogue_entry.ts';

/**
 * C-9 "vfio/mdev: Synchronize device create/remove with parent removal" (5715c4dd66a3, v5.2-rc5): a create
 * running while the parent unregisters adds a child after the unregistration's walk, which stays behind the
 * vanished parent. The fix: `unreg_sem`, which create and remove trylock (ENODEV) and the unregistration
 * holds for write.
 */
export const c9CreateDuringUnregister: CatalogueEntry = {
  id: 'C-9',
  title: 'a create racing the parent unregistration leaves a child behind it',
  source: 'kernel-semantics.md §5 C-9 (5715c4dd66a3, v5.2-rc5)',
  buggy: V5_2_RC4,
  fixed: withSwitches(V5_2_RC4, 'v5.2-rc4 with 5715c4dd66a3', { unregSem: true }),
  shownBy: ['no-child-after-unregister', 'state-matches-spec'],
  parents: ['mtty'],
  program: program(
    [],
    [{ op: 'create', parent: 'mtty', type: 'mtty-1', data: U1 }],
    [{ op: 'unload', module: 'mtty' }],
  ),
};
