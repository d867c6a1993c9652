import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialSpecState, sampleParents } from '../../machines/atomic_parents.ts';
import { specStep } from '../../machines/atomic_rules.ts';
import type { SpecOp, SpecParent, SpecState, SpecVfioCall } from '../../machines/atomic_state.ts';
import { OpDriver, type StartedOp } from '../../properties/op_driver.ts';
import { MdevSystem } from '../../src/api/system.ts';
import { type Profile, V4_10, V6_1 } from '../../src/profile/profiles.ts';
import { propertySeed } from '../helpers/seed.ts';

/**
 * The differential test of the sequential specification (machines/atomic_rules.ts) against the kernel
 * model (src/): the same random operation sequence runs on both, one operation at a time (a blocked one
 * stays blocked while later ones run), and every result — including when a blocked operation completes —
 * must agree. Where the spec says the kernel of this profile has a catalogued bug on a step
 * (`knownIssue`), the run stops being comparable there; the race catalogue covers those.
 */

const UUIDS = [
  '00000000-0000-0000-0000-0000000000a1',
  '00000000-0000-0000-0000-0000000000a2',
  '00000000-0000-0000-0000-0000000000a3',
];
const MODULES = ['vfio', 'vfio_iommu_type1', 'mdev', 'mtty', 'mdpy', 'mbochs'] as const;
/** Small pools, so that exhaustion is reachable with three UUIDs. */
const PARAMS: Partial<Record<(typeof MODULES)[number], Record<string, number>>> = {
  mdpy: { count: 2 },
  mbochs: { count: 24 },
};
/** Half the runs start with everything loaded, so that most operations reach the devices. */
const LOAD_ALL: SpecOp[] = MODULES.map((module) => ({
  op: 'load',
  module,
  ...(PARAMS[module] ? { params: PARAMS[module] } : {}),
}));
const CALLS: SpecVfioCall[] = ['status', 'setc', 'unsetc', 'iommu', 'dev', 'cfg', 'closedev'];

const parentArb = fc.constantFrom<SpecParent>('mtty', 'mdpy', 'mbochs');
const SAMPLE_TYPES = sampleParents('v6.1');
const typeOf = (parent: SpecParent, n: number): string => {
  const types = Object.keys(SAMPLE_TYPES[parent]!.types);
  return types[n % types.length]!;
};

/** One random operation. Holders of `close`/`vfio` are indexes into the live holders, resolved at run time. */
const opArb: fc.Arbitrary<SpecOp> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(...MODULES)
      .map(
        (module): SpecOp => ({ op: 'load', module, ...(PARAMS[module] ? { params: PARAMS[module] } : {}) }),
      ),
  },
  { weight: 1, arbitrary: fc.constantFrom(...MODULES).map((module): SpecOp => ({ op: 'unload', module })) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(parentArb, fc.nat(), fc.constantFrom(...UUIDS))
      .map(([parent, t, data]): SpecOp => ({ op: 'create', parent, type: typeOf(parent, t), data })),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom(...UUIDS), fc.constantFrom('1', '1', '1', '0', 'x', '1\n'))
      .map(([uuid, data]): SpecOp => ({ op: 'remove', uuid, data })),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(...UUIDS).map((uuid): SpecOp => ({ op: 'open', holder: '', uuid })),
  },
  { weight: 2, arbitrary: fc.nat(5).map((n): SpecOp => ({ op: 'close', holder: String(n) })) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.nat(5), fc.constantFrom(...CALLS))
      .map(([n, call]): SpecOp => ({ op: 'vfio', holder: String(n), call })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(parentArb, fc.nat())
      .map(([parent, t]): SpecOp => ({ op: 'available', parent, type: typeOf(parent, t) })),
  },
);

/** A create–open–remove–close story on one UUID, so that blocked removes and their completions are common. */
const storyArb: fc.Arbitrary<SpecOp[]> = fc
  .tuple(parentArb, fc.nat(), fc.constantFrom(...UUIDS))
  .map(([parent, t, uuid]) => [
    { op: 'create', parent, type: typeOf(parent, t), data: uuid },
    { op: 'open', holder: '', uuid },
    { op: 'remove', uuid, data: '1' },
    { op: 'close', holder: '0' },
  ]);

/** A VFIO story on the newest holder: extra device fds, UNSET_CONTAINER refused then allowed, ordering errors. */
const vfioStoryArb: fc.Arbitrary<SpecOp[]> = fc
  .tuple(parentArb, fc.nat(), fc.constantFrom(...UUIDS))
  .map(([parent, t, uuid]) => [
    { op: 'create', parent, type: typeOf(parent, t), data: uuid },
    { op: 'open', holder: '', uuid },
    ...(
      [
        'dev',
        'cfg',
        'unsetc',
        'closedev',
        'closedev',
        'unsetc',
        'dev',
        'status',
        'setc',
        'dev',
        'iommu',
        'dev',
      ] as const
    ).map((call): SpecOp => ({ op: 'vfio', holder: 'last', call })),
    { op: 'open', holder: '', uuid },
    { op: 'close', holder: 'last' },
    { op: 'remove', uuid, data: '1' },
    { op: 'close', holder: 'last' },
  ]);

/** A stale group: the holder's device is removed under it, then it keeps calling VFIO on its group. */
const staleGroupStoryArb: fc.Arbitrary<SpecOp[]> = fc
  .tuple(
    parentArb,
    fc.nat(),
    fc.constantFrom(...UUIDS),
    fc.array(fc.constantFrom(...CALLS), { minLength: 1, maxLength: 4 }),
  )
  .map(([parent, t, uuid, calls]) => [
    { op: 'create', parent, type: typeOf(parent, t), data: uuid },
    { op: 'open', holder: '', uuid },
    { op: 'vfio', holder: 'last', call: 'closedev' },
    { op: 'remove', uuid, data: '1' },
    ...calls.map((call): SpecOp => ({ op: 'vfio', holder: 'last', call })),
  ]);

const opsArb = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: opArb.map((op) => [op]) },
      { weight: 1, arbitrary: storyArb },
      { weight: 1, arbitrary: vfioStoryArb },
      { weight: 1, arbitrary: staleGroupStoryArb },
    ),
    { minLength: 1, maxLength: 30 },
  )
  .map((chunks) => chunks.flat());

/** How often each (operation, outcome) occurred in a property run: checked so the test cannot go vacuous. */
const STATS = new Map<string, number>();
const KNOWN = new Set<string>();
const count = (key: string, n = 1) => STATS.set(key, (STATS.get(key) ?? 0) + n);

async function runBoth(profile: Profile, ops: SpecOp[]): Promise<void> {
  const sys = await MdevSystem.boot({ profile });
  const driver = new OpDriver(sys);
  let spec: SpecState = initialSpecState(profile.kernel);
  const blocked = new Map<number, StartedOp>();
  const live: string[] = [];
  let nextHolder = 0;
  for (const [i, raw] of ops.entries()) {
    let op: SpecOp = raw;
    if (raw.op === 'open') {
      op = { ...raw, holder: `h${nextHolder++}` };
      live.push(op.holder);
    } else if (raw.op === 'close' || raw.op === 'vfio') {
      const at = raw.holder === 'last' ? live.length - 1 : Number(raw.holder) % Math.max(live.length, 1);
      const name = live[at] ?? 'none';
      if (raw.op === 'close') live.splice(at, 1);
      op = { ...raw, holder: name };
    }
    const step = specStep(spec, op, i);
    spec = step.state;
    if (step.knownIssue === 'C-7' || step.knownIssue === 'C-9') {
      KNOWN.add(step.knownIssue);
      return;
    }
    count(
      `${op.op}${op.op === 'vfio' ? `.${op.call}` : ''}:${step.result.kind === 'errno' ? step.result.errno : step.result.kind}`,
    );
    if (step.completed.length) count('completions', step.completed.length);
    const started = driver.start(op);
    await sys.settle();
    const where = `step ${i} ${JSON.stringify(op)}`;
    if (started.task && started.task.state !== 'done') {
      expect(step.result, `${where} blocked in the kernel`).toEqual({ kind: 'blocked' });
      blocked.set(i, started);
    } else {
      expect(await started.result, where).toEqual(step.result);
    }
    for (const c of step.completed) {
      const b = blocked.get(c.id);
      expect(b, `the spec completed step ${c.id}`).toBeDefined();
      expect(b!.task?.state, `step ${c.id} ${JSON.stringify(c.op)} should have completed`).toBe('done');
      expect(await b!.result, `completion of step ${c.id}`).toEqual(c.result);
      blocked.delete(c.id);
    }
    for (const [id, b] of blocked) {
      expect(
        b.task?.state,
        `step ${id} ${JSON.stringify(b.op)} completed in the kernel, not in the spec`,
      ).not.toBe('done');
    }
    if (step.knownIssue === 'C-4') {
      // 4.10 duplicate UUID namespace (§5 C-4): a sysfs duplicate-name WARN; a device created this way may
      // stay unbound, so the rest of the run is not comparable.
      expect(sys.kernel.bugs.some((b) => b.kind === 'warn' && b.message.includes('duplicate filename'))).toBe(
        true,
      );
      KNOWN.add('C-4');
      return;
    }
  }
  expect(sys.kernel.bugs).toEqual([]);
  expect(sys.kernel.rt.oopses).toEqual([]);
}

describe.each([
  ['v6.1', V6_1],
  ['v4.10', V4_10],
] as const)(
  'the atomic rules (spec) and the kernel model (implementation) agree on sequential runs at %s',
  (name, profile) => {
    it('random sequences of module, create, remove, VFIO, close and read operations', async () => {
      await fc.assert(
        fc.asyncProperty(fc.boolean(), opsArb, (loaded, ops) =>
          runBoth(profile, loaded ? [...LOAD_ALL, ...ops] : ops),
        ),
        { seed: propertySeed(`atomic vs kernel ${name}`), numRuns: 300 },
      );
      console.info(
        [...STATS]
          .sort()
          .map(([k, v]) => `${k}=${v}`)
          .join(' '),
      );
      console.info(`known kernel issues met (not compared further): ${[...KNOWN].join(', ') || 'none'}`);
      for (const outcome of [
        'create:ok',
        'create:EEXIST',
        'remove:ok',
        'remove:blocked',
        'completions',
        'open:ok',
        'open:EBUSY',
        'unload:EAGAIN',
        'vfio.dev:ok',
        'vfio.unsetc:EBUSY',
        'vfio.cfg:ok',
        ...(name === 'v6.1' ? ['vfio.setc:ENODEV', 'vfio.status:ENODEV'] : []),
      ]) {
        expect(STATS.get(outcome) ?? 0, `runs reached ${outcome}`).toBeGreaterThan(0);
      }
      STATS.clear();
      KNOWN.clear();
    });
  },
);
