import type { Invariant } from '../invariant.ts';
import { blocksIffFdOpen } from './blocks_iff_fd_open.ts';
import { createBeforeOpen } from './create_before_open.ts';
import { errnoTables } from './errno_tables.ts';
import { failedRemoveRemovable } from './failed_remove_removable.ts';
import { instanceAccounting } from './instance_accounting.ts';
import { noChildAfterUnregister } from './no_child_after_unregister.ts';
import { openCloseAlternate } from './open_close_alternate.ts';
import { stateMatchesSpec } from './state_matches_spec.ts';
import { teardownOnce } from './teardown_once.ts';
import { uuidUnique } from './uuid_unique.ts';

/** Every invariant a check runs, in report order. */
export const INVARIANTS: readonly Invariant[] = [
  uuidUnique,
  instanceAccounting,
  noChildAfterUnregister,
  teardownOnce,
  createBeforeOpen,
  openCloseAlternate,
  stateMatchesSpec,
  failedRemoveRemovable,
  blocksIffFdOpen,
  errnoTables,
];
