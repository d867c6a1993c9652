import type { AnyMachineSnapshot, EventObject } from 'xstate';

/**
 * Whether the spec allows `event` in `snapshot`: some transition for it is enabled (its guard passes) in
 * an active state. Unlike `snapshot.can`, this counts the targetless, action-less transitions the
 * machines use to accept an observation (a vendor callback, an EEXIST refusal) without changing state,
 * which is what a trace monitor needs.
 */
export function acceptsEvent(snapshot: AnyMachineSnapshot, event: EventObject): boolean {
  return snapshot.machine.getTransitionData(snapshot, event).length > 0;
}
