import { V6_1 } from '../../src/profile/profiles.ts';
import { type CatalogueEntry, program, U1 } from './catalogue_entry.ts';

/**
 * K-3, found by this model in 6.1.192 mdev_core.c: the parent unregistration never clears `mdev->active`,
 * and `mdev_device_remove` claims `active` before it trylocks `unreg_sem`; a user remove whose trylock comes
 * after the unregistration finished tears the device down a second time. UNVERIFIED on a real kernel (the
 * window is a few instructions wide).
 */
export const k3RemoveRacesUnregister: CatalogueEntry = {
  id: 'K-3',
  title: 'a user remove racing the parent unregistration tears the device down twice',
  source: '6.1.192 drivers/vfio/mdev/mdev_core.c mdev_unregister_parent, mdev_device_remove',
  buggy: V6_1,
  fixed: null,
  shownBy: ['teardown-once', 'oops', 'mdev_device'],
  parents: ['mtty'],
  program: program(
    [{ op: 'create', parent: 'mtty', type: 'mtty-1', data: U1 }],
    [{ op: 'remove', uuid: U1 }],
    [{ op: 'unload', module: 'mtty' }],
  ),
};
