import type { EventObject } from 'xstate';
import type { EdgePath } from './cover.ts';
import type { PathModel } from './path_model.ts';
import type { StateGraph } from './state_graph.ts';
import type { TransitionIndex } from './transition_ids.ts';

/** One step of a concrete path: the event, the transitions it takes, and the state after it. */
export interface PathStep {
  readonly event: EventObject;
  /** Ids of the transition definitions taken (`slot0.idle:OPEN#2`). */
  readonly transitions: readonly string[];
  /** Their metas, in the same order. */
  readonly metas: readonly Readonly<Record<string, unknown>>[];
  /** The expected state value after the step. */
  readonly value: unknown;
  /** The expected context after the step. */
  readonly context: unknown;
}

/**
 * Turns a path of graph edges into concrete steps. Edges are stored on representatives; with a symmetry
 * the walk keeps the permutation `perm` that maps the current vertex's representative onto the concrete
 * state, relabels each event and transition by it, and composes it with the edge's own permutation.
 */
export function materialize(
  model: PathModel,
  graph: StateGraph,
  transitions: TransitionIndex,
  path: EdgePath,
): PathStep[] {
  const symmetry = model.symmetry;
  let perm: Int32Array | null = null;
  return path.map((edge) => {
    const rep = graph.reps[graph.dst[edge]!]!;
    const defs = graph.taken[edge]!.map((i) => transitions.all[i]!);
    const event = symmetry && perm ? symmetry.relabelEvent(graph.events[edge]!, perm) : graph.events[edge]!;
    const ids = defs.map((d) => (symmetry && perm ? symmetry.relabelTransition(d.id, perm) : d.id));
    const edgePerm = graph.perms[edge]!;
    if (edgePerm) perm = perm ? edgePerm.map((k) => perm![k]!) : edgePerm;
    return {
      event,
      transitions: ids,
      metas: defs.map((d) => d.meta),
      value: symmetry && perm ? symmetry.relabelValue(rep.value, perm) : rep.value,
      context: rep.context,
    };
  });
}
