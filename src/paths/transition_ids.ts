import type { AnyStateMachine, AnyStateNode } from 'xstate';
import type { TransitionDefinition } from './actor_scope.ts';

/** A transition definition of a machine with a stable id: `<state path>:<event>#<index>`. */
export interface TransitionDef {
  readonly index: number;
  readonly id: string;
  readonly source: AnyStateNode;
  /** The event type; `''` for an eventless (`always`) transition. */
  readonly event: string;
  readonly definition: TransitionDefinition;
  readonly meta: Readonly<Record<string, unknown>>;
}

/** Every transition definition of a machine, indexed, with a lookup from the definition object. */
export interface TransitionIndex {
  readonly all: readonly TransitionDef[];
  readonly byDefinition: ReadonlyMap<TransitionDefinition, TransitionDef>;
}

/** The id of a state node: its path from the root (`(root)` for the root). */
export function statePath(node: AnyStateNode): string {
  return node.path.length ? node.path.join('.') : '(root)';
}

/** Indexes every transition definition of `machine` (event-triggered and eventless), in definition order. */
export function indexTransitions(machine: AnyStateMachine): TransitionIndex {
  const all: TransitionDef[] = [];
  const byDefinition = new Map<TransitionDefinition, TransitionDef>();
  const add = (source: AnyStateNode, event: string, list: readonly TransitionDefinition[]) => {
    list.forEach((definition, i) => {
      const def: TransitionDef = {
        index: all.length,
        id: `${statePath(source)}:${event || '(always)'}#${i}`,
        source,
        event,
        definition,
        meta: (definition.meta ?? {}) as Readonly<Record<string, unknown>>,
      };
      all.push(def);
      byDefinition.set(definition, def);
    });
  };
  const walk = (node: AnyStateNode) => {
    for (const [event, list] of node.transitions) add(node, event, list as readonly TransitionDefinition[]);
    add(node, '', (node.always ?? []) as readonly TransitionDefinition[]);
    for (const child of Object.values(node.states as Record<string, AnyStateNode>)) walk(child);
  };
  walk(machine.root);
  return { all, byDefinition };
}
