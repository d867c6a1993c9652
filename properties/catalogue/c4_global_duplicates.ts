import { V4_10, V6_1 } from '../../src/profile/profiles.ts';
import { type CatalogueEntry, program, U1 } from './catalogue_entry.ts';

/**
 * C-4 "vfio/mdev: Check globally for duplicate devices" (002fe996f67f, v4.18): UUIDs were checked per parent,
 * so the same UUID created under two parents reached the bus and WARNed on the duplicate sysfs name. The
 * fix reserves the UUID on the global `mdev_list` first (the 6.1 profile).
 */
export const c4GlobalDuplicates: CatalogueEntry = {
  id: 'C-4',
  title: 'the same UUID under two parents reaches the bus (duplicate-name WARN)',
  source: 'kernel-semantics.md §5 C-4 (002fe996f67f, v4.18)',
  buggy: V4_10,
  fixed: V6_1,
  shownBy: ['warn', 'uuid-unique'],
  parents: ['mtty', 'mdpy'],
  program: program(
    [],
    [{ op: 'create', parent: 'mtty', type: 'mtty-1', data: U1 }],
    [{ op: 'create', parent: 'mdpy', type: 'mdpy-vga', data: U1 }],
  ),
};
