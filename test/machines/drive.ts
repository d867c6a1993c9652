import { type AnyStateMachine, type AnyTransitionDefinition, createActor, type EventObject } from 'xstate';
import { acceptsEvent } from '../../src/spec_tools/accepts.ts';

/** One step of a run: the event and the transitions XState took for it (eventless ones included). */
export interface Step {
  readonly event: EventObject;
  readonly transitions: readonly AnyTransitionDefinition[];
}

/** A started actor that records, per event, the transitions taken. */
export function drive(machine: AnyStateMachine, input?: unknown) {
  let current: AnyTransitionDefinition[] = [];
  const actor = createActor(machine, {
    input,
    inspect: (e) => {
      if (e.type === '@xstate.microstep') current.push(...e._transitions);
    },
  });
  actor.start();
  return {
    actor,
    /** Sends `event` and returns the transitions it took. */
    send<E extends EventObject>(event: E): Step {
      current = [];
      actor.send(event);
      return { event, transitions: current };
    },
    /** The snapshot's state value, as JSON-comparable data. */
    get value(): unknown {
      return actor.getSnapshot().value;
    },
    get context(): Record<string, unknown> {
      return actor.getSnapshot().context as Record<string, unknown>;
    },
    /** Whether the spec allows `event` now (some transition for it is enabled). */
    accepts<E extends EventObject>(event: E): boolean {
      return acceptsEvent(actor.getSnapshot(), event);
    },
  };
}

/** The errno (`meta.errno`) of the transitions a step took, or null when none is a refusal. */
export function errnoOf(step: Step): string | null {
  const errnos = step.transitions
    .map((t) => (t.meta as { errno?: string } | undefined)?.errno)
    .filter(Boolean);
  return errnos[0] ?? null;
}
