import { type AnyActorScope, type AnyStateMachine, createEmptyActor } from 'xstate';

/**
 * An inert actor scope for stepping a machine with its pure `transition(snapshot, event, scope)`: nothing
 * runs, actions are dropped. One scope serves every step: xstate's `transition()` helper builds a fresh
 * actor — and with it the machine's initial state — on every call, which costs ~15× the step itself on a
 * machine with many parallel regions.
 */
export function inertActorScope(): AnyActorScope {
  const actor = createEmptyActor();
  return {
    self: actor,
    id: '',
    sessionId: '',
    logger: () => {},
    defer: () => {},
    system: actor.system,
    stopChild: () => {},
    emit: () => {},
    actionExecutor: () => {},
  } as unknown as AnyActorScope;
}

/** A transition definition as `getTransitionData` returns it. */
export type TransitionDefinition = ReturnType<AnyStateMachine['getTransitionData']>[number];
