import { V4_10, withSwitches } from '../../src/profile/profiles.ts';
import { type CatalogueEntry, program, U1 } from './catalogue_entry.ts';

/**
 * C-13 "vfio: Provide better generic support for open/release vfio_device_ops" (2fd585f4ed9d, v5.15): the
 * core called the vendor's open for every GET_DEVICE_FD and its release for every close, so vendors that
 * assumed one open (mbochs freed its dma-bufs on the first close) broke with a second fd. The fix counts
 * opens under `dev_set->lock`: open on the first, close on the last.
 */
export const c13PerFdOpenRelease: CatalogueEntry = {
  id: 'C-13',
  title: 'the vendor open/release run for every device fd',
  source: 'kernel-semantics.md §5 C-13 (2fd585f4ed9d, v5.15; 3cb24827147b for mbochs)',
  buggy: V4_10,
  fixed: withSwitches(V4_10, 'v4.10 with 2fd585f4ed9d', { openCloseCounting: true }),
  shownBy: ['open-close-alternate'],
  parents: ['mbochs'],
  program: program(
    [
      { op: 'create', parent: 'mbochs', type: 'mbochs-small', data: U1 },
      { op: 'open', holder: '', uuid: U1 },
    ],
    [{ op: 'vfio', holder: '0', call: 'dev' }],
    [{ op: 'available', parent: 'mbochs', type: 'mbochs-small' }],
  ),
};
