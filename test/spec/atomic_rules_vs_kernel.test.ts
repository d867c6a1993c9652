import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  initialSpecState,
  PARENT_TYPES,
  type SpecOp,
  type SpecParent,
  type SpecResult,
  type SpecState,
  specStep,
} from '../../machines/atomic_rules.ts';
import type { Pending } from '../../src/api/pending.ts';
import { MdevSystem } from '../../src/api/system.ts';
import type { VfioUser } from '../../src/api/vfio_user.ts';
import { type Profile, V4_10, V6_1 } from '../../src/profile/profiles.ts';
import { propertySeed } from '../helpers/seed.ts';

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
const LOAD_ALL: SpecOp[] = [
  { op: 'load', module: 'vfio' },
  { op: 'load', module: 'vfio_iommu_type1' },
  { op: 'load', module: 'mdev' },
  { op: 'load', module: 'mtty' },
  { op: 'load', module: 'mdpy', params: PARAMS.mdpy! },
  { op: 'load', module: 'mbochs', params: PARAMS.mbochs! },
];

/** Turns a kernel result into the spec's result shape. */
function asSpec(r: { ret: number; err: string | null; stage?: string }, stage?: string): SpecResult {
  if (r.err === null) return { kind: 'ok', ret: r.ret };
  const s = stage ?? r.stage;
  return s
    ? { kind: 'errno', errno: r.err as never, stage: s as never }
    : { kind: 'errno', errno: r.err as never };
}

const parentArb = fc.constantFrom<SpecParent>('mtty', 'mdpy', 'mbochs');
const typeOf = (parent: SpecParent, n: number): string => {
  const types = Object.keys(PARENT_TYPES[parent]);
  return types[n % types.length]!;
};

const opArb = (holders: number): fc.Arbitrary<SpecOp> =>
  fc.oneof(
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
    {
      weight: 3,
      arbitrary: fc.nat({ max: holders - 1 }).map((n): SpecOp => ({ op: 'close', holder: `h${n}` })),
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

/** Operation sequences: random operations mixed with stories. */
const opsArb = fc
  .array(fc.oneof({ weight: 4, arbitrary: opArb(6).map((op) => [op]) }, { weight: 1, arbitrary: storyArb }), {
    minLength: 1,
    maxLength: 30,
  })
  .map((chunks) => chunks.flat());

async function runBoth(profile: Profile, ops: SpecOp[]): Promise<void> {
  const sys = await MdevSystem.boot({ profile });
  let spec: SpecState = initialSpecState(profile.name as 'v4.10' | 'v6.1');
  const users = new Map<string, VfioUser>();
  const blocked = new Map<
    number,
    { op: SpecOp; pending: Pending<{ ret: number; err: string | null; stage?: string }> }
  >();
  let nextHolder = 0;
  const live: string[] = [];
  for (const [i, raw] of ops.entries()) {
    // Opens start fresh holders; a close picks one of the live holders (by index), or none when there is none.
    let op: SpecOp = raw;
    if (raw.op === 'open') {
      op = { ...raw, holder: `h${nextHolder++}` };
      live.push(op.holder);
    } else if (raw.op === 'close') {
      const name = live.length ? live.splice(Number(raw.holder) % live.length, 1)[0]! : 'none';
      op = { op: 'close', holder: name };
    }
    const step = specStep(spec, op, i);
    spec = step.state;
    if (step.knownIssue === 'C-9' || step.knownIssue === 'C-7') {
      // The 4.10 kernel diverges from the intended outcome here (kernel-semantics.md §5 C-7/C-9): a known
      // issue, covered by the race catalogue; the rest of this run is not comparable.
      KNOWN.add(step.knownIssue);
      return;
    }
    const outcome = `${op.op}:${step.result.kind === 'errno' ? step.result.errno : step.result.kind}`;
    STATS.set(outcome, (STATS.get(outcome) ?? 0) + 1);
    if (step.completed.length)
      STATS.set('completions', (STATS.get('completions') ?? 0) + step.completed.length);
    let pending: Pending<{ ret: number; err: string | null; stage?: string }>;
    switch (op.op) {
      case 'load': {
        const params = Object.entries(op.params ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(' ');
        const p = sys.startLoad(op.module, params);
        pending = {
          ...p,
          task: p.task,
          result: p.result.then((r) => ({
            ret: r.ret < 0 ? -1 : r.ret,
            err: r.ret < 0 ? errName(r.ret) : null,
            stage: r.stage === 'open' ? 'open' : undefined,
          })),
        } as never;
        break;
      }
      case 'unload': {
        const p = sys.startUnload(op.module);
        pending = {
          task: p.task,
          result: p.result.then((r) => ({ ret: r, err: r < 0 ? errName(r) : null })),
        } as never;
        break;
      }
      case 'create':
        pending = sys.startCreate(op.parent, op.type, op.data);
        break;
      case 'remove':
        pending = sys.startRemove(op.uuid, op.data);
        break;
      case 'open': {
        const u = sys.vfioUser(op.holder, op.uuid);
        users.set(op.holder, u);
        const p = u.ops('full');
        pending = {
          task: p.task,
          result: p.result.then((recs) => {
            const g = recs.find((r) => String(r.op) === 'group')!;
            if (g.err) return { ret: -1, err: g.err as string, stage: 'group' };
            const d = recs.find((r) => r.op === 'dev')!;
            return d.err ? { ret: -1, err: d.err as string, stage: 'dev' } : { ret: 0, err: null };
          }),
        } as never;
        break;
      }
      case 'close': {
        const u = users.get(op.holder);
        if (!u) {
          expect(step.result).toEqual({ kind: 'errno', errno: 'ENOENT' });
          continue;
        }
        users.delete(op.holder);
        const p = u.closeAll();
        pending = { task: p.task, result: p.result.then(() => ({ ret: 0, err: null })) } as never;
        break;
      }
      case 'available': {
        const v = await sys.read(
          `/sys/class/mdev_bus/${op.parent}/mdev_supported_types/${op.type}/available_instances`,
        );
        const actual: SpecResult =
          typeof v === 'number'
            ? { kind: 'errno', errno: errName(v) as never, stage: 'open' }
            : { kind: 'ok', ret: Number(v) };
        expect(actual, `step ${i} ${JSON.stringify(op)}`).toEqual(step.result);
        continue;
      }
    }
    await sys.settle();
    const task = (pending as { task: { state: string } }).task;
    if (task.state !== 'done') {
      expect(step.result, `step ${i} ${JSON.stringify(op)} blocked in the kernel`).toEqual({
        kind: 'blocked',
      });
      blocked.set(i, { op, pending });
    } else {
      expect(asSpec(await pending.result), `step ${i} ${JSON.stringify(op)}`).toEqual(step.result);
    }
    if (step.knownIssue === 'C-4') {
      // 4.10 duplicate UUID namespace (§5 C-4): the kernel WARNs (sysfs duplicate name); a device created
      // this way may stay unbound, so the rest of the run is not comparable.
      expect(sys.kernel.bugs.some((b) => b.kind === 'warn' && b.message.includes('duplicate filename'))).toBe(
        true,
      );
      KNOWN.add(step.knownIssue);
      return;
    }
    for (const c of step.completed) {
      const b = blocked.get(c.id);
      expect(b, `spec completed step ${c.id}`).toBeDefined();
      expect(
        (b!.pending as { task: { state: string } }).task.state,
        `step ${c.id} ${JSON.stringify(c.op)} should have completed`,
      ).toBe('done');
      expect(asSpec(await b!.pending.result), `completion of step ${c.id}`).toEqual(c.result);
      blocked.delete(c.id);
    }
    for (const [id, b] of blocked) {
      expect(
        (b.pending as { task: { state: string } }).task.state,
        `step ${id} ${JSON.stringify(b.op)} completed in the kernel but not in the spec`,
      ).not.toBe('done');
    }
  }
  expect(sys.kernel.bugs).toEqual([]);
  expect(sys.kernel.rt.oopses).toEqual([]);
}

/** How often each (operation, outcome) occurred in a property run: checked so the test cannot go vacuous. */
const STATS = new Map<string, number>();
const KNOWN = new Set<string>();
function errName(ret: number): string {
  const names: Record<number, string> = {
    2: 'ENOENT',
    11: 'EAGAIN',
    12: 'ENOMEM',
    16: 'EBUSY',
    17: 'EEXIST',
    19: 'ENODEV',
    22: 'EINVAL',
    28: 'ENOSPC',
    87: 'EUSERS',
  };
  return names[-ret] ?? `E${-ret}`;
}

describe.each([
  ['v6.1', V6_1],
  ['v4.10', V4_10],
] as const)(
  'the atomic rules (spec) and the kernel model (implementation) agree on sequential runs at %s',
  (name, profile) => {
    it('random sequences of module, create, remove, open, close and read operations', async () => {
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
      ]) {
        expect(STATS.get(outcome) ?? 0, `runs reached ${outcome}`).toBeGreaterThan(0);
      }
      STATS.clear();
      KNOWN.clear();
    });
  },
);
