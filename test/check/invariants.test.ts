import { describe, expect, it } from 'vitest';
import { initialSpecState, sampleParents } from '../../machines/atomic_parents.ts';
import { specStep } from '../../machines/atomic_rules.ts';
import type { SpecState } from '../../machines/atomic_state.ts';
import type { FinalContext, Invariant, InvariantContext } from '../../properties/invariant.ts';
import { blocksIffFdOpen } from '../../properties/invariants/blocks_iff_fd_open.ts';
import { createBeforeOpen } from '../../properties/invariants/create_before_open.ts';
import { errnoTables } from '../../properties/invariants/errno_tables.ts';
import { instanceAccounting } from '../../properties/invariants/instance_accounting.ts';
import { noChildAfterUnregister } from '../../properties/invariants/no_child_after_unregister.ts';
import { openCloseAlternate } from '../../properties/invariants/open_close_alternate.ts';
import { teardownOnce } from '../../properties/invariants/teardown_once.ts';
import { uuidUnique } from '../../properties/invariants/uuid_unique.ts';
import type { RecordedOp } from '../../properties/recorded_op.ts';
import type { Kernel } from '../../src/kernel/kernel.ts';
import type { TraceEvent, TraceEvents, TraceKind } from '../../src/kernel/trace.ts';
import { type Profile, V4_10, V6_1 } from '../../src/profile/profiles.ts';

/**
 * Each invariant on hand-made traces: the event that breaks its rule is reported, and the trace of a
 * correct lifecycle is not (so neither a silent nor a trigger-happy invariant would pass).
 */
const U = '5a1e0000-0000-4000-8000-0000000000a1';
let seq = 0;
const ev = <K extends TraceKind>(kind: K, fields: TraceEvents[K], task = 1): TraceEvent =>
  ({ seq: seq++, task, kind, ...fields }) as TraceEvent;

function context(profile: Profile): InvariantContext {
  return {
    kernel: { profile } as unknown as Kernel,
    parents: sampleParents(profile.kernel),
    capacity: { mtty: 24, mdpy: 2, mbochs: 24 },
    ops: [],
  };
}

/** Feeds `events` to a fresh check of `inv`; returns the messages. */
function run(inv: Invariant, events: readonly TraceEvent[], profile: Profile = V6_1): string[] {
  const check = inv.create();
  const ctx = context(profile);
  return events.flatMap((e) => {
    const m = check.onEvent?.(e, ctx);
    return m ? [m] : [];
  });
}

/** A 6.1 device's life: reserve, add, probe (init), links, active, open, close, remove, release. */
function lifecycle(dev: number, uuid = U): TraceEvent[] {
  return [
    ev('mdev.reserve', { uuid, dev, parent: 'mtty', type: 'mtty-1' }),
    ev('mdev.device_add', { uuid, dev, parent: 'mtty', type: 'mtty-1' }),
    ev('vendor.enter', { cb: 'probe', parent: 'mtty', uuid, dev }),
    ev('vfio.register', { uuid, dev, group: 0 }),
    ev('vendor.exit', { cb: 'probe', parent: 'mtty', uuid, dev, ret: 0 }),
    ev('mdev.active', { uuid, dev }),
    ev('mdev.create.end', { uuid, parent: 'mtty', type: 'mtty-1', ret: 0 }),
    ev('vendor.enter', { cb: 'open_device', parent: 'mtty', uuid, dev }),
    ev('vendor.exit', { cb: 'open_device', parent: 'mtty', uuid, dev, ret: 0 }),
    ev('vfio.fd.open', { uuid, dev, openCount: 1 }),
    ev('vendor.enter', { cb: 'close_device', parent: 'mtty', uuid, dev }),
    ev('vendor.exit', { cb: 'close_device', parent: 'mtty', uuid, dev, ret: 0 }),
    ev('vfio.fd.close', { uuid, dev, openCount: 0 }),
    ev('mdev.teardown.begin', { uuid, dev, by: 'user' }),
    ev('vendor.enter', { cb: 'remove', parent: 'mtty', uuid, dev }),
    ev('vfio.unregister.begin', { uuid, dev }),
    ev('vfio.unregister.end', { uuid, dev }),
    ev('vendor.exit', { cb: 'remove', parent: 'mtty', uuid, dev, ret: 0 }),
    ev('mdev.teardown.end', { uuid, dev }),
    ev('mdev.release', { uuid, dev }),
  ];
}

describe('trace invariants', () => {
  it('a correct device life breaks none of them', () => {
    for (const inv of [
      uuidUnique,
      teardownOnce,
      createBeforeOpen,
      openCloseAlternate,
      blocksIffFdOpen,
      noChildAfterUnregister,
      instanceAccounting,
    ]) {
      expect(run(inv, [...lifecycle(1), ...lifecycle(2)]), inv.name).toEqual([]);
    }
  });

  it('uuid-unique: a second device with a live UUID', () => {
    const [reserve] = lifecycle(1);
    expect(
      run(uuidUnique, [
        reserve!,
        ev('mdev.reserve', { uuid: U, dev: 2, parent: 'mbochs', type: 'mbochs-small' }),
      ]),
    ).toHaveLength(1);
  });

  it('teardown-once: a second vendor remove of one device', () => {
    const events = lifecycle(1);
    const remove = events.find((e) => e.kind === 'vendor.enter' && e.cb === 'remove')!;
    expect(run(teardownOnce, [...events.slice(0, -1), { ...remove, seq: seq++ }, events.at(-1)!])).toContain(
      `${U}: a second vendor remove`,
    );
  });

  it('create-before-open: an open before the probe returned; state freed while an fd is open', () => {
    const events = lifecycle(1);
    const early = [
      events[0]!,
      events[1]!,
      ev('vendor.enter', { cb: 'open_device', parent: 'mtty', uuid: U, dev: 1 }),
    ];
    expect(run(createBeforeOpen, early)[0]).toMatch(/before the vendor finished creating/);
    const freed = [
      ...events.slice(0, 10),
      ev('vendor.enter', { cb: 'remove', parent: 'mtty', uuid: U, dev: 1 }),
      ev('vendor.state', { uuid: U, parent: 'mtty', what: 'free' }),
    ];
    expect(run(createBeforeOpen, freed)).toEqual([
      `${U}: vendor state freed in remove while 1 device fd(s) are open`,
    ]);
  });

  it('open-close-alternate: close_device with another fd still open (5.15+ only)', () => {
    const events = lifecycle(1);
    const twoFds = [
      ...events.slice(0, 10),
      ev('vfio.fd.open', { uuid: U, dev: 1, openCount: 2 }),
      ev('vendor.enter', { cb: 'close_device', parent: 'mtty', uuid: U, dev: 1 }),
    ];
    expect(run(openCloseAlternate, twoFds)).toEqual([
      `${U}: close_device with 2 fd(s) open (not the last close)`,
    ]);
    expect(run(openCloseAlternate, twoFds, V4_10)).toEqual([]);
  });

  it('blocks-iff-fd-open: an unregistration that returns with an fd open, or sleeps for nothing', () => {
    const opened = lifecycle(1).slice(0, 10);
    expect(
      run(blocksIffFdOpen, [
        ...opened,
        ev('vfio.unregister.begin', { uuid: U, dev: 1 }),
        ev('vfio.unregister.end', { uuid: U, dev: 1 }),
      ]),
    ).toEqual([`${U}: VFIO unregistration returned with 1 device fd(s) open`]);
    const idle = [
      ev('vfio.unregister.begin', { uuid: U, dev: 1 }),
      ev('vfio.unregister.wait', { uuid: U, dev: 1, openFds: 0 }),
      ev('vfio.unregister.end', { uuid: U, dev: 1 }),
    ];
    expect(run(blocksIffFdOpen, idle)).toEqual([
      `${U}: VFIO unregistration sleeps with no device fd open and no GET_DEVICE_FD in flight`,
    ]);
  });

  it('no-child-after-unregister: a child left, or a vendor callback after the unregistration', () => {
    const alive = lifecycle(1).slice(0, 7);
    expect(
      run(noChildAfterUnregister, [...alive, ev('parent.unregister.end', { parent: 'mtty' })])[0],
    ).toMatch(/with child device\(s\) left/);
    expect(
      run(noChildAfterUnregister, [
        ev('parent.unregister.end', { parent: 'mtty' }),
        ev('vendor.enter', { cb: 'get_available', parent: 'mtty' }),
      ])[0],
    ).toMatch(/after its parent unregistered/);
  });

  it('instance-accounting: live devices costing more than the pool, and a wrong available_instances at the end', () => {
    const creates = Array.from({ length: 3 }, (_, i) =>
      ev('mdev.create.end', { uuid: `${U.slice(0, -1)}${i}`, parent: 'mdpy', type: 'mdpy-vga', ret: 0 }),
    );
    expect(run(instanceAccounting, creates)).toEqual([
      'mdpy: live devices cost 3 > capacity 2 after creating 5a1e0000-0000-4000-8000-0000000000a2 (mdpy-vga)',
    ]);
    let spec: SpecState = initialSpecState('v6.1');
    for (const module of ['vfio', 'vfio_iommu_type1', 'mdev', 'mtty'])
      spec = specStep(spec, { op: 'load', module }).state;
    spec = specStep(spec, { op: 'create', parent: 'mtty', type: 'mtty-2', data: U }).state;
    const final: FinalContext = {
      ...context(V6_1),
      spec,
      available: { 'mtty/mtty-1': 22, 'mtty/mtty-2': 12 },
    };
    expect(instanceAccounting.create().atEnd!(final)).toEqual([
      'mtty/mtty-2: available_instances is 12 at the end, the pool says 11',
    ]);
  });

  it('errno-tables: an errno the table of the operation does not list', () => {
    const op = (o: RecordedOp['op'], result: RecordedOp['result']): RecordedOp => ({
      id: 0,
      op: o,
      task: null,
      invoke: 1,
      response: 2,
      result,
    });
    const ops = [
      op({ op: 'remove', uuid: U }, { kind: 'errno', errno: 'EAGAIN', stage: 'write' }),
      op({ op: 'remove', uuid: U }, { kind: 'errno', errno: 'ENOSPC', stage: 'write' }),
    ];
    const final: FinalContext = { ...context(V6_1), ops, spec: null, available: {} };
    expect(errnoTables.create().atEnd!(final)).toEqual([
      'remove returned ENOSPC, which its table does not list',
    ]);
    expect(
      errnoTables.create().atEnd!({ ...final, kernel: { profile: V4_10 } as unknown as Kernel }),
    ).toHaveLength(2);
  });
});
