import { V4_10, V6_1 } from '../../src/profile/profiles.ts';
import { type CatalogueEntry, program, U1 } from './catalogue_entry.ts';

/**
 * C-2 (the 4.10 design; fixed by "vfio/mdev: Improve the create/remove sequence", v5.2-rc5): the device is
 * registered — and openable through vfio_mdev — before the vendor's create ran, so an open reaches the
 * vendor first. The fixed order (device_add, then the vendor probe registers VFIO) is the 6.1 profile's.
 */
export const c2OpenBeforeCreate: CatalogueEntry = {
  id: 'C-2',
  title: 'an open reaches the vendor before its create ran',
  source: 'kernel-semantics.md §5 C-2 (fixed in v5.2-rc5)',
  buggy: V4_10,
  fixed: V6_1,
  shownBy: ['create-before-open'],
  parents: ['mtty'],
  program: program(
    [],
    [{ op: 'create', parent: 'mtty', type: 'mtty-1', data: U1 }],
    [{ op: 'open', holder: '', uuid: U1 }],
  ),
};
