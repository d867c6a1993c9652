import { V6_1 } from '../../src/profile/profiles.ts';
import { type CatalogueEntry, program, U1 } from './catalogue_entry.ts';

/**
 * K-1, the 6.1 remove-during-create anomaly (kernel-semantics.md §2.5, an analysis of the 6.1 code, not a
 * reported bug): a remove between `device_add` and `active` gets EAGAIN and deletes the `remove` file for
 * good. Not fixed upstream.
 */
export const k1RemoveDuringCreate: CatalogueEntry = {
  id: 'K-1',
  title: 'a remove during create gets EAGAIN and the device loses its remove file',
  source: 'kernel-semantics.md §2.5',
  buggy: V6_1,
  fixed: null,
  shownBy: ['failed-remove-removable'],
  parents: ['mtty'],
  program: program(
    [],
    [{ op: 'create', parent: 'mtty', type: 'mtty-1', data: U1 }],
    [{ op: 'remove', uuid: U1 }],
  ),
};
