import { describe, expect, it } from 'vitest';
import type { AnyStateNode } from 'xstate';
import type { KernelProfile } from '../../machines/profile.ts';
import { createSystemMachine } from '../../machines/system.ts';
import { resolveSystemConfig, type SystemConfig, type SystemSlot } from '../../machines/system_config.ts';
import {
  alignSlots,
  canonicalSystemKey,
  permuteSystemValue,
  type SystemValue,
} from '../../machines/system_symmetry.ts';
import { explore } from '../../src/paths/explore.ts';
import { generatePaths, pathModelFor } from '../../src/paths/generate.ts';
import { indexTransitions } from '../../src/paths/transition_ids.ts';
import { machineGraph } from '../../src/spec_tools/machine_graph.ts';

const PROFILES: readonly KernelProfile[] = ['v6.1', 'v4.10'];
/** Two slots each of mdpy (one instance) and mbochs (8 MB): both pools run out. */
const PARENTS = [
  { name: 'mdpy', params: { count: 1 } },
  { name: 'mbochs', params: { count: 8 } },
];

describe('the system machine', () => {
  for (const profile of PROFILES) {
    it(`${profile}: every state has a description and every transition a kernel function`, () => {
      const graph = machineGraph(createSystemMachine({ profile, parents: PARENTS, slots: 4 }));
      const states: AnyStateNode[] = [];
      const walk = (node: AnyStateNode) => {
        states.push(node);
        for (const child of Object.values(node.states as Record<string, AnyStateNode>)) walk(child);
      };
      walk(createSystemMachine({ profile, parents: PARENTS, slots: 4 }).root);
      expect(states.filter((s) => !s.description).map((s) => s.id)).toEqual([]);
      expect(graph.transitions.length).toBeGreaterThan(50);
      expect(graph.transitions.filter((t) => !t.kernel).map((t) => `${t.source} ${t.event}`)).toEqual([]);
    });

    it(`${profile}: every reachable transition says what its call returns, exactly once`, () => {
      const { graph, transitions } = generatePaths({
        machine: 'system',
        profile,
        parents: PARENTS,
        slots: 4,
        goal: 'states',
      });
      const outcomes = new Set<string>();
      graph.taken.forEach((taken, e) => {
        const metas = taken.map((i) => transitions.all[i]!.meta);
        const carriers = metas.filter((m) => m.errno !== undefined || m.returns !== undefined || m.blocks);
        expect(carriers, `${graph.keys[graph.src[e]!]} ${JSON.stringify(graph.events[e])}`).toHaveLength(1);
        outcomes.add(String(carriers[0]!.errno ?? (carriers[0]!.blocks ? 'blocked' : carriers[0]!.returns)));
      });
      expect([...outcomes].sort()).toEqual(
        [
          '0',
          'EAGAIN',
          'EEXIST',
          'ENOENT',
          'EINVAL',
          'blocked',
          'count',
          'fd',
          profile === 'v6.1' ? 'EUSERS' : 'ENOMEM',
          ...(profile === 'v6.1' ? ['ENOSPC'] : []),
        ].sort(),
      );
    });
  }

  it('gives symmetric states (interchangeable slots permuted) the same canonical key, and aligns them', () => {
    const config = resolveSystemConfig({ profile: 'v6.1', slots: 5 });
    const { graph } = generatePaths({ machine: 'system', profile: 'v6.1', slots: 5, goal: 'states' });
    // slots 0, 2, 4 are mtty-1 and 1, 3 mtty-2: swap 0↔4 and 1↔3.
    const perm = Int32Array.from([4, 3, 2, 1, 0]);
    let moved = 0;
    for (const rep of graph.reps) {
      const value = rep.value as SystemValue;
      const swapped = permuteSystemValue(config, value, perm);
      expect(canonicalSystemKey(config, swapped)).toBe(canonicalSystemKey(config, value));
      expect(permuteSystemValue(config, value, alignSlots(config, swapped, value))).toEqual(swapped);
      if (JSON.stringify(swapped) !== JSON.stringify(value)) moved++;
    }
    expect(moved).toBeGreaterThan(graph.reps.length / 2);
  });

  it('tells apart states that differ in a slot of another class', () => {
    const config = resolveSystemConfig({ profile: 'v6.1', slots: 2 });
    const base = {
      vfio: 'loaded',
      vfio_iommu_type1: 'loaded',
      mdev: 'loaded',
      mtty: 'loaded',
      slot0: 'idle',
      slot1: 'absent',
    };
    expect(canonicalSystemKey(config, base)).not.toBe(
      canonicalSystemKey(config, { ...base, slot0: 'absent', slot1: 'idle' }),
    );
  });

  for (const profile of PROFILES) {
    it(`${profile}: the context follows from the state value (so the canonical key may leave it out)`, () => {
      const config = resolveSystemConfig({ profile, parents: PARENTS, slots: 4 });
      const { graph } = generatePaths({
        machine: 'system',
        profile,
        parents: PARENTS,
        slots: 4,
        goal: 'states',
      });
      for (const rep of graph.reps)
        expect(rep.context, JSON.stringify(rep.value)).toEqual(countersOf(config, rep.value as SystemValue));
    });

    it(`${profile}: the successor shortcut finds the same graph as the machine's macrosteps`, () => {
      const { model } = pathModelFor({ machine: 'system', profile, slots: 4, goal: 'states' });
      const transitions = indexTransitions(model.machine);
      const quick = explore(model, transitions);
      const slow = explore(model, transitions, { noShortcut: true });
      expect(quick.keys).toEqual(slow.keys);
      expect([...quick.dst]).toEqual([...slow.dst]);
      expect(quick.perms).toEqual(slow.perms);
    });
  }
});

/** The counters the context must hold in a state: pool units held, device fds and sleeping removes per parent. */
function countersOf(config: SystemConfig, value: SystemValue) {
  const per = (count: (slot: SystemSlot) => number) =>
    Object.fromEntries(
      config.parents.map((p) => [
        p.name,
        config.slots.filter((s) => s.parent === p.name).reduce((n, s) => n + count(s), 0),
      ]),
    );
  const state = (s: SystemSlot) => value[`slot${s.index}`];
  const holds = (s: SystemSlot) =>
    state(s) === 'idle' || state(s) === 'attached' || (state(s) === 'removing' && config.profile === 'v6.1');
  return {
    used: per((s) => (holds(s) ? s.cost : 0)),
    fds: per((s) => (state(s) === 'attached' || state(s) === 'removing' ? 1 : 0)),
    removing: per((s) => (state(s) === 'removing' ? 1 : 0)),
  };
}
