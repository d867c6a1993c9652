import { V4_10, V6_1, withSwitches } from '../../src/profile/profiles.ts';
import { type CatalogueEntry, program, U1, U2 } from './catalogue_entry.ts';

/**
 * C-12 "vfio/mbochs: Fix missing error unwind of mbochs_used_mbytes" (de5494af4815, v5.15): mbochs checked
 * its used memory and added to it after a sleeping allocation, so two creates that both fit alone both
 * succeeded together, beyond the memory there is — once creates were no longer serialized by
 * `parent->lock` (gone in 4.18 with C-4's fix). The fix reserves atomically (the 6.1 sample). With 24 MB,
 * one 16 MB device fits, two do not.
 */
export const c12RacyMbochsAccounting: CatalogueEntry = {
  id: 'C-12',
  title: "mbochs' check-then-add memory accounting lets racing creates exceed the pool",
  source: 'kernel-semantics.md §5 C-12 (de5494af4815, v5.15)',
  buggy: withSwitches(V4_10, 'v4.18-era mbochs (no parent->lock)', { perParentLock: false }),
  fixed: V6_1,
  shownBy: ['instance-accounting'],
  parents: ['mbochs'],
  program: program(
    [],
    [{ op: 'create', parent: 'mbochs', type: 'mbochs-medium', data: U1 }],
    [{ op: 'create', parent: 'mbochs', type: 'mbochs-medium', data: U2 }],
  ),
};
