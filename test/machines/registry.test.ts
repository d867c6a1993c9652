import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KERNEL_PROFILES } from '../../machines/profile.ts';
import { graphStates, machineGraph } from '../../src/spec_tools/machine_graph.ts';
import { findMachine, MACHINE_REGISTRY } from '../../src/spec_tools/registry.ts';

const MACHINES_DIR = new URL('../../machines/', import.meta.url);

/** The per-concern spec machines, first in the registry (machines appended later follow them). */
const SPEC_MACHINES = [
  'parent',
  'type_accounting_mtty',
  'type_accounting_mdpy',
  'type_accounting_mbochs',
  'mdev_device',
  'vfio_attachment',
  'iommu_backend',
];

describe('machine registry', () => {
  it('lists the spec machines first, in a stable order, with unique ids', () => {
    const ids = MACHINE_REGISTRY.map((m) => m.id);
    expect(ids.slice(0, SPEC_MACHINES.length)).toEqual(SPEC_MACHINES);
    expect(new Set(ids).size).toBe(ids.length);
    expect(findMachine('mdev_device')?.title).toMatch(/mdev device/);
    expect(findMachine('nope')).toBeUndefined();
  });

  for (const entry of MACHINE_REGISTRY.filter((m) => SPEC_MACHINES.includes(m.id))) {
    for (const profile of KERNEL_PROFILES) {
      it(`${entry.id} ${profile}: every state has a description, every transition names its kernel function`, () => {
        const graph = machineGraph(entry.create(profile));
        expect(
          graphStates(graph)
            .filter((s) => !s.description)
            .map((s) => s.path || '(root)'),
        ).toEqual([]);
        expect(graph.transitions.filter((t) => !t.kernel).map((t) => `${t.source} ${t.event}`)).toEqual([]);
      });
    }
  }

  it('machines import only XState and each other (never the implementation in src/)', () => {
    const imports = readdirSync(MACHINES_DIR)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) =>
        [...readFileSync(new URL(f, MACHINES_DIR), 'utf8').matchAll(/^import[^'"]*['"]([^'"]+)['"]/gm)].map(
          (m) => `${f}: ${m[1]}`,
        ),
      );
    expect(imports.length).toBeGreaterThan(0);
    expect(
      imports.filter((i) => !/: (xstate(\/[a-z]+)?|@xstate\/[a-z-]+|\.\/[A-Za-z_0-9]+\.ts)$/.test(i)),
    ).toEqual([]);
  });
});
