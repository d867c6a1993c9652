import type { SpecOp, SpecState } from '../atomic_state.ts';
import { createInFlight } from './create_in_flight.ts';
import { deviceGoing } from './device_going.ts';
import { fileBeingRemoved } from './file_being_removed.ts';
import { moduleInTransition } from './module_in_transition.ts';
import { OverlapContext, type OverlapOutcome, type Overlapping, type OverlapWindow } from './overlap.ts';
import { parentUnregistering } from './parent_unregistering.ts';
import { poolInFlight } from './pool_in_flight.ts';
import { removeDuringCreate } from './remove_during_create.ts';
import { secondRemover } from './second_remover.ts';

export type { OverlapOutcome, Overlapping, OverlapWindow } from './overlap.ts';

/**
 * The windows in which a kernel operation is not atomic, so that its result depends on the operations it
 * overlapped: what the linearizability check accepts beyond the atomic rules (machines/atomic_rules.ts).
 */
const OVERLAP_WINDOWS: readonly OverlapWindow[] = [
  moduleInTransition,
  createInFlight,
  removeDuringCreate,
  secondRemover,
  parentUnregistering,
  poolInFlight,
  deviceGoing,
  fileBeingRemoved,
];

/** The results the kernel can give `op` beyond the atomic step, given the operations it overlapped. */
export function overlapOutcomes(
  state: SpecState,
  op: SpecOp,
  overlapping: readonly Overlapping[],
): OverlapOutcome[] {
  const ctx = new OverlapContext(state, op, overlapping);
  return OVERLAP_WINDOWS.filter((w) => w.profiles.includes(state.profile)).flatMap((w) => w.outcomes(ctx));
}
