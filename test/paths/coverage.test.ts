import { getAdjacencyMap } from '@xstate/graph';
import { describe, expect, it } from 'vitest';
import { type AnyMachineSnapshot, type EventObject, transition } from 'xstate';
import { type GenerateOptions, generatePaths, pathModelFor, toSuite } from '../../src/paths/generate.ts';
import type { CoverageGoal } from '../../src/paths/goals/goal.ts';
import type { PathModel } from '../../src/paths/path_model.ts';
import { acceptsEvent } from '../../src/spec_tools/accepts.ts';

/**
 * Coverage checked independently of the generator: the reachable states and transitions are counted
 * with @xstate/graph's own traversal (`getAdjacencyMap` with the model's canonical serializer and
 * alphabet, keeping the events some transition accepts), and the generated paths are walked step by step
 * with XState's `transition()` from the initial state, checking that every step is accepted and ends in
 * the state the path expects, and counting the distinct states, transitions and transition pairs taken.
 */

interface Counts {
  readonly states: number;
  readonly transitions: number;
  readonly pairs: number;
}

/** The class of a step: the canonical state and the event up to symmetry. */
function stepKey(model: PathModel, snapshot: AnyMachineSnapshot, event: EventObject): string {
  return `${model.key(snapshot)}|${model.symmetry ? model.symmetry.eventClass(snapshot, event) : JSON.stringify(event)}`;
}

/** Reachable states, transitions and transition pairs, counted from @xstate/graph's adjacency map. */
function reachable(model: PathModel, input?: unknown): Counts {
  const adjacency = getAdjacencyMap(model.machine, {
    serializeState: (s: AnyMachineSnapshot) => model.key(s),
    events: (s: AnyMachineSnapshot) => model.events(s).filter((e) => acceptsEvent(s, e)),
    ...(input ? { input } : {}),
  } as never) as unknown as Record<string, { transitions: Record<string, { state: AnyMachineSnapshot }> }>;
  const into = new Map<string, number>();
  let transitions = 0;
  for (const { transitions: out } of Object.values(adjacency)) {
    for (const { state } of Object.values(out)) {
      const key = model.key(state);
      into.set(key, (into.get(key) ?? 0) + 1);
      transitions++;
    }
  }
  let pairs = 0;
  for (const [key, { transitions: out }] of Object.entries(adjacency))
    pairs += (into.get(key) ?? 0) * Object.keys(out).length;
  return { states: Object.keys(adjacency).length, transitions, pairs };
}

/** Walks the generated paths with XState; returns what they cover. */
function walk(options: GenerateOptions, model: PathModel): Counts & { events: string[][] } {
  const suite = toSuite(generatePaths(options));
  const states = new Set<string>();
  const transitions = new Set<string>();
  const pairs = new Set<string>();
  const events: string[][] = [];
  for (const path of suite.paths) {
    let snapshot = model.initial;
    states.add(model.key(snapshot));
    let last: string | null = null;
    events.push(path.steps.map((s) => JSON.stringify(s.event)));
    for (const [i, step] of path.steps.entries()) {
      expect(
        acceptsEvent(snapshot, step.event),
        `path ${path.id} step ${i + 1} ${JSON.stringify(step.event)}`,
      ).toBe(true);
      const key = stepKey(model, snapshot, step.event);
      transitions.add(key);
      if (last) pairs.add(`${last}>${key}`);
      last = key;
      [snapshot] = transition(model.machine, snapshot, step.event);
      expect({ value: snapshot.value, context: snapshot.context }, `path ${path.id} step ${i + 1}`).toEqual({
        value: step.expect.value,
        context: step.expect.context,
      });
      states.add(model.key(snapshot));
    }
  }
  return { states: states.size, transitions: transitions.size, pairs: pairs.size, events };
}

const CASES: readonly (Omit<GenerateOptions, 'goal'> & { goals: readonly CoverageGoal[] })[] = [
  { machine: 'system', profile: 'v6.1', slots: 3, goals: ['states', 'transitions', 'transition-pairs'] },
  { machine: 'system', profile: 'v4.10', slots: 3, goals: ['transitions', 'transition-pairs'] },
  {
    machine: 'system',
    profile: 'v6.1',
    parents: [
      { name: 'mdpy', params: { count: 1 } },
      { name: 'mbochs', params: { count: 8 } },
    ],
    slots: 4,
    goals: ['transitions'],
  },
  { machine: 'parent', profile: 'v4.10', goals: ['transitions', 'transition-pairs'] },
  { machine: 'parent', profile: 'v6.1', goals: ['transitions'] },
  { machine: 'type_accounting_mdpy', profile: 'v6.1', goals: ['transitions'] },
  { machine: 'vfio_attachment', profile: 'v6.1', goals: ['transitions', 'transition-pairs'] },
  { machine: 'vfio', profile: 'v4.10', goals: ['transitions'] },
  { machine: 'mdev', profile: 'v6.1', goals: ['transitions'] },
  { machine: 'iommu_backend', profile: 'v6.1', goals: ['transitions'] },
];

describe('generated paths cover 100% of what is reachable within the bounds (checked independently)', () => {
  for (const { goals, ...base } of CASES) {
    const name = `${base.machine} ${base.profile}${base.slots ? ` ×${base.slots}` : ''}${base.parents ? ` ${base.parents.map((p) => p.name).join('+')}` : ''}`;
    const { model } = pathModelFor({ ...base, goal: 'states' });
    const total = reachable(
      model,
      base.machine === 'iommu_backend' ? { arch: 'x86_64', noiommu: true } : undefined,
    );
    for (const goal of goals) {
      it(`${name}: ${goal}`, () => {
        const options = { ...base, goal };
        const generated = generatePaths(options);
        const covered = walk(options, model);
        const kind = goal === 'transition-pairs' ? 'pairs' : goal;
        expect(covered[kind]).toBe(total[kind]);
        expect(generated.report.kinds[goal]).toEqual({ covered: total[kind], total: total[kind] });
        expect(covered.states).toBe(total.states);
        const sequences = covered.events.map((e) => e.join('\n'));
        const prefixes = sequences.filter((a, i) =>
          sequences.some((b, j) => i !== j && b.startsWith(`${a}\n`)),
        );
        expect(prefixes).toEqual([]);
        expect(new Set(sequences).size).toBe(sequences.length);
      });
    }
  }
});
