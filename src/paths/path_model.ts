import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';
import type { TransitionDefinition } from './actor_scope.ts';

/**
 * How the path generator sees a machine: its initial snapshot, the events to try in a snapshot (the
 * alphabet, already cut to the bounds and, with a symmetry, to one event per class), the canonical key
 * that identifies a state, and, for machines with interchangeable parts, how to relabel between
 * symmetric snapshots.
 */
export interface PathModel {
  /** The machine's name (a registry id or `system`). */
  readonly id: string;
  readonly machine: AnyStateMachine;
  readonly initial: AnyMachineSnapshot;
  /** The events to try in `snapshot`. */
  events(snapshot: AnyMachineSnapshot): readonly EventObject[];
  /** The canonical serialization: snapshots with the same key are the same state. */
  key(snapshot: AnyMachineSnapshot): string;
  /** A one-line description of the bounds (for reports). */
  readonly bounds: string;
  readonly symmetry?: PathSymmetry;
  /**
   * A shortcut: the state value (and its key) after `taken` fired in `snapshot`, when the model can tell
   * without the machine's macrostep; null otherwise. The explorer still takes the macrostep for every new
   * state, and checks that it lands on the key the shortcut gave.
   */
  successor?(snapshot: AnyMachineSnapshot, taken: readonly TransitionDefinition[]): Successor | null;
}

/** A successor found by {@link PathModel.successor}: its state value and canonical key. */
export interface Successor {
  readonly value: unknown;
  readonly key: string;
}

/**
 * A symmetry of interchangeable parts (the system machine's device slots). A permutation `perm` maps a
 * representative onto a snapshot: part `k` of the representative is part `perm[k]` of the snapshot.
 */
export interface PathSymmetry {
  /** The permutation that maps the state value `rep` onto `value` (both with the same key). */
  align(value: unknown, rep: unknown): Int32Array;
  /** The event of the representative as it applies to the permuted snapshot. */
  relabelEvent(event: EventObject, perm: Int32Array): EventObject;
  /** The state value of the representative, permuted. */
  relabelValue(value: unknown, perm: Int32Array): unknown;
  /** A transition id of the representative (`slot3.idle:OPEN#2`), permuted. */
  relabelTransition(id: string, perm: Int32Array): string;
  /** The class of `event` in `snapshot`: events of one class lead to symmetric states. */
  eventClass(snapshot: AnyMachineSnapshot, event: EventObject): string;
  /** The class of a state path or transition id: the same for every interchangeable part (`slot{mtty-1}.idle`). */
  partClass(id: string): string;
}
