import { V4_10, V6_1 } from '../../src/profile/profiles.ts';
import { type CatalogueEntry, program, U1, U2 } from './catalogue_entry.ts';

/** The UUID of the n-th device the program fills the pool with. */
const filler = (n: number) => `5a1e0000-0000-4000-8000-0000000001${n.toString(16).padStart(2, '0')}`;

/**
 * C-11: the 4.10 mtty never refused a create: `available_instances` went negative and live devices could use
 * more than its 24 ports. Fixed by "vfio/mtty: Enforce available_instances" (97d0a6874478, v5.14), which
 * reserves the ports atomically in probe and answers ENOSPC when short. The program fills 22 ports with
 * eleven mtty-2 devices, then two creates of mtty-2 race for the last two ports.
 */
export const c11MttyOvercommit: CatalogueEntry = {
  id: 'C-11',
  title: 'mtty never refuses a create: live devices use more than its 24 ports',
  source: 'kernel-semantics.md §5 C-11 (97d0a6874478, v5.14)',
  buggy: V4_10,
  fixed: V6_1,
  shownBy: ['instance-accounting'],
  parents: ['mtty'],
  program: program(
    Array.from({ length: 11 }, (_, n) => ({ op: 'create', parent: 'mtty', type: 'mtty-2', data: filler(n) })),
    [{ op: 'create', parent: 'mtty', type: 'mtty-2', data: U1 }],
    [{ op: 'create', parent: 'mtty', type: 'mtty-2', data: U2 }],
  ),
};
