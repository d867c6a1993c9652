import { c1RemoveRace } from './c1_remove_race.ts';
import { c2OpenBeforeCreate } from './c2_open_before_create.ts';
import { c4GlobalDuplicates } from './c4_global_duplicates.ts';
import { c7AbortChildRemoval } from './c7_abort_child_removal.ts';
import { c9CreateDuringUnregister } from './c9_create_during_unregister.ts';
import { c10UnlockedListWalk } from './c10_unlocked_list_walk.ts';
import { c11MttyOvercommit } from './c11_mtty_overcommit.ts';
import { c12RacyMbochsAccounting } from './c12_racy_mbochs_accounting.ts';
import { c13PerFdOpenRelease } from './c13_per_fd_open_release.ts';
import type { CatalogueEntry } from './catalogue_entry.ts';
import { k1RemoveDuringCreate } from './k1_remove_during_create.ts';
import { k3RemoveRacesUnregister } from './k3_remove_races_unregister.ts';

/** The race catalogue as executable checks, in the order of kernel-semantics.md §5, then the K entries. */
export const CATALOGUE: readonly CatalogueEntry[] = [
  c1RemoveRace,
  c2OpenBeforeCreate,
  c4GlobalDuplicates,
  c7AbortChildRemoval,
  c9CreateDuringUnregister,
  c10UnlockedListWalk,
  c11MttyOvercommit,
  c12RacyMbochsAccounting,
  c13PerFdOpenRelease,
  k1RemoveDuringCreate,
  k3RemoveRacesUnregister,
];

/** The §5 entries the model does not check, and why. */
export const NOT_CHECKED: Readonly<Record<string, string>> = {
  'C-3':
    'the stale re-creation of the remove file needs a vendor remove that refuses during a parent unregistration; the samples never refuse',
  'C-5':
    'the order of sysfs removals within one teardown is not observable at the granularity of the preemption points',
  'C-6': 'a duplicate parent registration needs a driver that registers one device twice; no sample does',
  'C-8':
    'the EBUSY masking needs a vendor remove that refuses; the samples never refuse (test/kernel covers it with a test driver)',
  'C-14': 'needs fault injection into dev_set_name, which the model does not do',
  'C-15':
    'a GVT driver that forgets vfio_unregister_group_dev; not among the samples (the teardown-once invariant would catch it)',
  'C-16':
    'context (vfio core lookups against a dying refcount): the model takes registrations with refcount_inc_not_zero throughout',
  'C-17': 'context (a WARN about blocking in a wait condition): not a race the model can express',
  'C-18':
    'context (the 6.1 group fd disassociation): modelled as behaviour (ENODEV on stale group fds), not as a bug',
};
