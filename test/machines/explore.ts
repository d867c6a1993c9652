import {
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyStateNode,
  type AnyTransitionDefinition,
  createActor,
  type EventObject,
} from 'xstate';

/** One transition definition of a machine, with a readable name for failure messages. */
export interface TransitionEntry {
  readonly definition: AnyTransitionDefinition;
  readonly name: string;
  readonly guarded: boolean;
}

/** Every transition definition of `machine` (event and eventless), in definition order. */
export function transitionEntries(machine: AnyStateMachine): TransitionEntry[] {
  const out: TransitionEntry[] = [];
  const walk = (node: AnyStateNode): void => {
    const add = (t: AnyTransitionDefinition, event: string, i: number): void => {
      const target = t.target?.map((n) => n.path.join('.')).join(',') || '(internal)';
      const guard = t.guard === undefined ? '' : ` [${JSON.stringify(t.guard)}]`;
      out.push({
        definition: t,
        name: `${node.path.join('.') || '(root)'} --${event}#${i}${guard}--> ${target}`,
        guarded: t.guard !== undefined,
      });
    };
    for (const [event, list] of node.transitions) {
      for (const [i, t] of list.entries()) add(t, event, i);
    }
    for (const [i, t] of (node.always ?? []).entries()) add(t, '(always)', i);
    for (const child of Object.values(node.states as Record<string, AnyStateNode>)) walk(child);
  };
  walk(machine.root);
  return out;
}

/** What an exploration observed: transitions taken and guards seen passing and refusing. */
export interface Exploration {
  readonly states: number;
  readonly taken: Set<AnyTransitionDefinition>;
  readonly guardPassed: Set<AnyTransitionDefinition>;
  readonly guardRefused: Set<AnyTransitionDefinition>;
}

/** How to explore one machine: inputs, the candidate events of a snapshot, and where to stop. */
export interface ExplorationOptions {
  /** Each input starts its own exploration (merged); `[undefined]` for machines without input. */
  readonly inputs: readonly unknown[];
  /** The events to try in a snapshot (payload variants included). */
  readonly events: (snapshot: AnyMachineSnapshot) => readonly EventObject[];
  /** Snapshots not to expand (to bound counters). */
  readonly prune?: (snapshot: AnyMachineSnapshot) => boolean;
  /** A safety bound on distinct snapshots per input. */
  readonly maxStates: number;
}

type GuardImpl = (args: { context: unknown; event: EventObject }, params: unknown) => boolean;

function guardHolds(machine: AnyStateMachine, guard: unknown, context: unknown, event: EventObject): boolean {
  const guards = machine.implementations.guards as Record<string, GuardImpl>;
  const [name, params] =
    typeof guard === 'string'
      ? [guard, undefined]
      : [(guard as { type: string }).type, (guard as { params?: unknown }).params];
  const impl = guards[name];
  if (!impl) throw new Error(`guard ${name} has no implementation`);
  return impl({ context, event }, params);
}

const activeNodes = (snapshot: AnyMachineSnapshot): readonly AnyStateNode[] =>
  (snapshot as unknown as { _nodes: readonly AnyStateNode[] })._nodes;

/**
 * Breadth-first exploration of a machine with XState actors: from each input's initial snapshot, every
 * candidate event is tried; the transitions XState takes (inspected microsteps, eventless ones included)
 * are recorded, and every guarded transition of an active state whose event is tried (or that is
 * eventless) has its guard evaluated, so each guard is seen passing and refusing where the machine
 * allows both.
 */
export function explore(machine: AnyStateMachine, options: ExplorationOptions): Exploration {
  const taken = new Set<AnyTransitionDefinition>();
  const guardPassed = new Set<AnyTransitionDefinition>();
  const guardRefused = new Set<AnyTransitionDefinition>();
  const judge = (t: AnyTransitionDefinition, holds: boolean): void => {
    (holds ? guardPassed : guardRefused).add(t);
  };
  const judgeEventless = (snapshot: AnyMachineSnapshot): void => {
    for (const node of activeNodes(snapshot)) {
      for (const t of node.always ?? []) {
        if (t.guard !== undefined) judge(t, guardHolds(machine, t.guard, snapshot.context, { type: '' }));
      }
    }
  };
  const inspect = (e: {
    type: string;
    snapshot?: unknown;
    _transitions?: AnyTransitionDefinition[];
  }): void => {
    if (e.type !== '@xstate.microstep') return;
    for (const t of e._transitions ?? []) {
      taken.add(t);
      if (t.guard !== undefined) guardPassed.add(t);
      // XState takes the first enabled eventless transition of a state: the ones before it refused.
      const always = t.eventType === '' ? (t.source.always ?? []) : [];
      for (const earlier of always.slice(0, always.indexOf(t))) {
        if (earlier.guard !== undefined) guardRefused.add(earlier);
      }
    }
    judgeEventless(e.snapshot as AnyMachineSnapshot);
  };
  let states = 0;
  for (const input of options.inputs) {
    const start = createActor(machine, { input, inspect });
    start.start();
    const initial = start.getSnapshot() as AnyMachineSnapshot;
    start.stop();
    const seen = new Set<string>();
    const queue: AnyMachineSnapshot[] = [initial];
    const key = (s: AnyMachineSnapshot): string => JSON.stringify([s.value, s.context]);
    seen.add(key(initial));
    while (queue.length) {
      const snapshot = queue.shift()!;
      judgeEventless(snapshot);
      if (options.prune?.(snapshot)) continue;
      for (const event of options.events(snapshot)) {
        for (const node of activeNodes(snapshot)) {
          for (const t of node.transitions.get(event.type) ?? []) {
            if (t.guard !== undefined) judge(t, guardHolds(machine, t.guard, snapshot.context, event));
          }
        }
        if (machine.getTransitionData(snapshot, event).length === 0) continue;
        const actor = createActor(machine, { input, snapshot, inspect });
        actor.start();
        actor.send(event);
        const next = actor.getSnapshot() as AnyMachineSnapshot;
        actor.stop();
        const k = key(next);
        if (seen.has(k)) continue;
        seen.add(k);
        if (seen.size > options.maxStates) throw new Error(`more than ${options.maxStates} snapshots`);
        queue.push(next);
      }
    }
    states += seen.size;
  }
  return { states, taken, guardPassed, guardRefused };
}

/** The coverage gaps of an exploration: transitions never taken, guards never seen passing or refusing. */
export function coverageGaps(machine: AnyStateMachine, exploration: Exploration): string[] {
  return transitionEntries(machine).flatMap((e) => [
    ...(exploration.taken.has(e.definition) ? [] : [`never taken: ${e.name}`]),
    ...(e.guarded && !exploration.guardPassed.has(e.definition) ? [`guard never passes: ${e.name}`] : []),
    ...(e.guarded && !exploration.guardRefused.has(e.definition) ? [`guard never refuses: ${e.name}`] : []),
  ]);
}
