import { V4_10, V6_1 } from '../../src/profile/profiles.ts';
import { type CatalogueEntry, program, U1 } from './catalogue_entry.ts';

/**
 * C-10: mtty's `available_instances` walked `mdev_devices_list` without `mdev_list_lock` while removes freed
 * its entries (a use after free). Gone with the 5.14 restructuring of mtty (09177ac91921, 0dd1b7fc3e7d): the
 * 6.1 sample keeps no list.
 */
export const c10UnlockedListWalk: CatalogueEntry = {
  id: 'C-10',
  title: "mtty's available_instances walks its device list unlocked (use after free)",
  source: 'kernel-semantics.md §4.1, §5 C-10 (gone with 09177ac91921, 0dd1b7fc3e7d, v5.14)',
  buggy: V4_10,
  fixed: V6_1,
  shownBy: ['use-after-free'],
  parents: ['mtty'],
  program: program(
    [{ op: 'create', parent: 'mtty', type: 'mtty-1', data: U1 }],
    [{ op: 'available', parent: 'mtty', type: 'mtty-2' }],
    [{ op: 'remove', uuid: U1 }],
  ),
};
