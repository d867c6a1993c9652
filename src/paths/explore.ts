import type { AnyMachineSnapshot, EventObject } from 'xstate';
import { inertActorScope } from './actor_scope.ts';
import type { PathModel } from './path_model.ts';
import { groupBySource, type StateGraph } from './state_graph.ts';
import type { TransitionIndex } from './transition_ids.ts';

/** Limits of an exploration. */
export interface ExploreOptions {
  /** Stop with an error beyond this many states (default: unlimited). */
  readonly maxStates?: number;
  /** Take the machine's macrostep for every edge, ignoring the model's successor shortcut. */
  readonly noShortcut?: boolean;
}

/**
 * Explores the reachable states of `model` breadth-first with the machine's pure transition functions:
 * from every canonical state (its first-found snapshot stands for all symmetric ones) every event of the
 * model's alphabet is tried (`getTransitionData`); the enabled ones become edges, the others are recorded
 * as refused by the spec. Refusals (targetless, action-less transitions) stay put; other edges reach the
 * successor by the model's shortcut when it knows the target already, else by the machine's macrostep
 * (`transition`, with one inert actor scope for all steps). Successors are identified by the canonical key;
 * with a symmetry, each edge keeps the permutation that maps its successor onto its target's
 * representative.
 */
export function explore(
  model: PathModel,
  transitions: TransitionIndex,
  options: ExploreOptions = {},
): StateGraph {
  const { machine, symmetry } = model;
  const scope = inertActorScope();
  const reps: AnyMachineSnapshot[] = [model.initial];
  const keys: string[] = [model.key(model.initial)];
  const ids = new Map<string, number>([[keys[0]!, 0]]);
  const src: number[] = [];
  const dst: number[] = [];
  const events: EventObject[] = [];
  const perms: (Int32Array | null)[] = [];
  const taken: number[][] = [];
  const refusedEvents: EventObject[][] = [];
  const limit = options.maxStates ?? Number.POSITIVE_INFINITY;
  const shortcut = options.noShortcut ? undefined : model.successor;
  for (let v = 0; v < reps.length; v++) {
    const snapshot = reps[v]!;
    const refused: EventObject[] = [];
    for (const event of model.events(snapshot)) {
      const defs = machine.getTransitionData(snapshot as never, event);
      if (defs.length === 0) {
        refused.push(event);
        continue;
      }
      let target = v;
      let perm: Int32Array | null = null;
      if (defs.some((t) => (t.target?.length ?? 0) > 0 || t.actions.length > 0 || t.reenter)) {
        const quick = shortcut?.(snapshot, defs) ?? null;
        const known = quick ? ids.get(quick.key) : undefined;
        if (quick && known !== undefined) {
          target = known;
          if (symmetry) perm = identityOrNull(symmetry.align(quick.value, reps[known]!.value));
        } else {
          const next = machine.transition(snapshot as never, event, scope);
          const key = model.key(next);
          if (quick && quick.key !== key)
            throw new Error(`the successor shortcut said ${quick.key}, the machine ${key}`);
          const seen = ids.get(key);
          if (seen === undefined) {
            if (reps.length >= limit) throw new Error(`more than ${limit} states: tighten the bounds`);
            target = reps.length;
            ids.set(key, target);
            reps.push(next);
            keys.push(key);
          } else {
            target = seen;
            if (symmetry) perm = identityOrNull(symmetry.align(next.value, reps[seen]!.value));
          }
        }
      }
      src.push(v);
      dst.push(target);
      events.push(event);
      perms.push(perm);
      taken.push(defs.map((t) => transitions.byDefinition.get(t)!.index));
    }
    refusedEvents.push(refused);
  }
  const srcArray = Int32Array.from(src);
  return {
    reps,
    keys,
    src: srcArray,
    dst: Int32Array.from(dst),
    events,
    perms,
    taken,
    refusedEvents,
    ...groupBySource(reps.length, srcArray),
  };
}

function identityOrNull(perm: Int32Array): Int32Array | null {
  for (let k = 0; k < perm.length; k++) if (perm[k] !== k) return perm;
  return null;
}
