import { describe, expect, it } from 'vitest';
import { createMdevDeviceMachine } from '../../machines/mdev_device.ts';
import {
  fromTraceRecord,
  MDEV_DEVICE_EVENT_TYPES,
  type MdevDeviceEvent,
  type VendorCallback,
} from '../../machines/mdev_device_events.ts';
import { happyPathKinds, MDEV_DEVICE_HAPPY_PATH } from '../../machines/mdev_device_happy_path.ts';
import type { MdevDeviceContext } from '../../machines/mdev_device_setup.ts';
import { KERNEL_PROFILES, type KernelProfile } from '../../machines/profile.ts';
import { drive, errnoOf } from './drive.ts';
import { coverageGaps, explore } from './explore.ts';

const uuid = '83b8f4f2-509f-382f-3c1e-e6bfe0fa0001';
const parent = 'mtty';
const mdevType = 'mtty-1';

const CALLBACKS: readonly VendorCallback[] = [
  'probe',
  'init',
  'release',
  'create',
  'remove',
  'open_device',
  'open',
  'close_device',
  'ioctl',
  'get_available',
];

const enter = (cb: VendorCallback): MdevDeviceEvent => ({ type: 'vendor.enter', cb, parent, uuid });
const exit = (cb: VendorCallback, ret = 0): MdevDeviceEvent => ({
  type: 'vendor.exit',
  cb,
  parent,
  uuid,
  ret,
});
const createEnd = (ret: number): MdevDeviceEvent => ({
  type: 'mdev.create.end',
  uuid,
  parent,
  mdevType,
  ret,
});
const refused = (errno: number): MdevDeviceEvent => ({ type: 'mdev.remove.refused', uuid, errno });
const teardown = (by: 'user' | 'unregister' | 'create-error'): MdevDeviceEvent => ({
  type: 'mdev.teardown.begin',
  uuid,
  by,
});
const ev = (type: MdevDeviceEvent['type']): MdevDeviceEvent => ({ type, uuid }) as MdevDeviceEvent;

/** Every event variant the exploration tries, with the fd counts that fit the snapshot. */
function candidates(context: MdevDeviceContext): MdevDeviceEvent[] {
  return [
    { type: 'mdev.reserve', uuid, parent, mdevType },
    { type: 'vfio.register', uuid, group: 0 },
    { type: 'mdev.device_add', uuid, parent, mdevType },
    ...CALLBACKS.flatMap((cb) => [enter(cb), exit(cb, 0), exit(cb, -28)]),
    ev('mdev.links'),
    ev('mdev.active'),
    createEnd(0),
    createEnd(-17),
    createEnd(-87),
    createEnd(-19),
    ev('mdev.remove.claim'),
    refused(19),
    refused(11),
    refused(16),
    teardown('user'),
    teardown('unregister'),
    teardown('create-error'),
    ev('vfio.unregister.begin'),
    { type: 'vfio.unregister.wait', uuid, openFds: context.openFds },
    ev('vfio.unregister.end'),
    { type: 'vfio.fd.open', uuid, openCount: context.openFds + 1 },
    { type: 'vfio.fd.close', uuid, openCount: Math.max(context.openFds - 1, 0) },
    ev('mdev.teardown.end'),
    ev('mdev.release'),
  ];
}

/** Feeds `events` and returns the per-step errno (or null). Fails if the spec refuses one of them. */
function feed(profile: KernelProfile, events: readonly MdevDeviceEvent[]) {
  const d = drive(createMdevDeviceMachine({ profile }));
  const errnos = events.map((e) => {
    if (!d.accepts(e))
      throw new Error(`${profile}: ${JSON.stringify(e)} refused in ${JSON.stringify(d.value)}`);
    return errnoOf(d.send(e));
  });
  return { d, errnos };
}

const create61: readonly MdevDeviceEvent[] = MDEV_DEVICE_HAPPY_PATH['v6.1'].slice(0, 10);
const create410: readonly MdevDeviceEvent[] = MDEV_DEVICE_HAPPY_PATH['v4.10'].slice(0, 7);

describe('mdev device machine', () => {
  for (const profile of KERNEL_PROFILES) {
    it(`${profile}: every transition is taken and every guard both passes and refuses`, () => {
      const machine = createMdevDeviceMachine({ profile });
      const exploration = explore(machine, {
        inputs: [undefined],
        events: (s) => candidates(s.context as MdevDeviceContext),
        prune: (s) => (s.context as MdevDeviceContext).openFds > 2,
        maxStates: 5000,
      });
      expect(coverageGaps(machine, exploration)).toEqual([]);
    });

    it(`${profile}: the canonical happy path (create, open, close, remove) ends released`, () => {
      const { d } = feed(profile, MDEV_DEVICE_HAPPY_PATH[profile]);
      expect(d.value).toEqual({ lifecycle: 'released', fds: 'closed' });
      expect(d.context).toMatchObject({ openFds: 0, removeFile: false, vfio: 'gone', creating: false });
    });
  }

  it('the happy paths as trace kinds', () => {
    expect(happyPathKinds('v6.1')).toEqual([
      'mdev.reserve',
      'mdev.device_add',
      'vendor.enter',
      'vendor.enter',
      'vendor.exit',
      'vfio.register',
      'vendor.exit',
      'mdev.links',
      'mdev.active',
      'mdev.create.end',
      'vfio.fd.open',
      'vfio.fd.close',
      'mdev.remove.claim',
      'mdev.teardown.begin',
      'vendor.enter',
      'vfio.unregister.begin',
      'vfio.unregister.end',
      'vendor.enter',
      'vendor.exit',
      'vendor.exit',
      'mdev.teardown.end',
      'mdev.release',
    ]);
    expect(happyPathKinds('v4.10').slice(0, 7)).toEqual([
      'vfio.register',
      'mdev.device_add',
      'vendor.enter',
      'vendor.exit',
      'mdev.links',
      'mdev.active',
      'mdev.create.end',
    ]);
  });

  it('accepts exactly the per-device trace kinds: 4.10 has no mdev.reserve', () => {
    const kinds = (profile: KernelProfile) =>
      [...new Set(createMdevDeviceMachine({ profile }).events)].sort();
    expect(kinds('v6.1')).toEqual([...MDEV_DEVICE_EVENT_TYPES].sort());
    expect(kinds('v4.10')).toEqual(MDEV_DEVICE_EVENT_TYPES.filter((t) => t !== 'mdev.reserve').sort());
  });

  it('fromTraceRecord renames kind to type and the mdev type to mdevType, and drops other kinds', () => {
    expect(fromTraceRecord({ kind: 'mdev.reserve', seq: 3, task: 7, uuid, parent, type: mdevType })).toEqual({
      type: 'mdev.reserve',
      uuid,
      parent,
      mdevType,
    });
    expect(fromTraceRecord({ kind: 'vfio.fd.open', seq: 4, task: 7, uuid, openCount: 1 })).toEqual({
      type: 'vfio.fd.open',
      uuid,
      openCount: 1,
    });
    expect(fromTraceRecord({ kind: 'parent.register', seq: 5, task: 1, parent, ret: 0 })).toBeNull();
  });

  it('6.1 §2.5 anomaly: a remove during create gets EAGAIN and loses the remove file for good', () => {
    const { d, errnos } = feed('v6.1', [...create61.slice(0, 3), refused(11), ...create61.slice(3)]);
    expect(errnos[3]).toBe('EAGAIN');
    expect(d.value).toEqual({ lifecycle: { exists: 'active' }, fds: 'closed' });
    expect(d.context.removeFile).toBe(false);
    expect(d.accepts(ev('mdev.remove.claim'))).toBe(false);
    expect(d.accepts(teardown('unregister'))).toBe(true);
  });

  it('6.1: before device_add there is no remove file, so no remove can be refused', () => {
    const d = drive(createMdevDeviceMachine({ profile: 'v6.1' }));
    d.send(create61[0]!);
    expect(d.accepts(refused(11))).toBe(false);
  });

  it('6.1: a remove of an open device blocks until the last fd closes; the fd can still be duplicated', () => {
    const { d } = feed('v6.1', [
      ...create61,
      { type: 'vfio.fd.open', uuid, openCount: 1 },
      ev('mdev.remove.claim'),
      teardown('user'),
      enter('remove'),
      ev('vfio.unregister.begin'),
      { type: 'vfio.unregister.wait', uuid, openFds: 1 },
      { type: 'vfio.fd.open', uuid, openCount: 2 },
    ]);
    expect(d.value).toEqual({ lifecycle: { exists: { removing: 'blockedOnRelease' } }, fds: 'open' });
    expect(d.accepts(ev('vfio.unregister.end'))).toBe(false);
    d.send({ type: 'vfio.fd.close', uuid, openCount: 1 });
    expect(d.accepts(ev('vfio.unregister.end'))).toBe(false);
    d.send({ type: 'vfio.fd.close', uuid, openCount: 0 });
    expect(d.accepts(ev('vfio.unregister.end'))).toBe(true);
  });

  it('6.1: a claimed remove that fails its unreg_sem trylock returns ENODEV; the unregistration removes it', () => {
    const { d, errnos } = feed('v6.1', [
      ...create61,
      ev('mdev.remove.claim'),
      refused(19),
      teardown('unregister'),
    ]);
    expect(errnos.at(-2)).toBe('ENODEV');
    expect(d.value).toEqual({ lifecycle: { exists: { removing: 'unlinking' } }, fds: 'closed' });
  });

  it('6.1: a user remove racing the unregistration claims the still-active device, then fails with ENODEV', () => {
    const { d, errnos } = feed('v6.1', [
      ...create61,
      teardown('unregister'),
      enter('remove'),
      ev('mdev.remove.claim'),
      refused(19),
    ]);
    expect(errnos.at(-1)).toBe('ENODEV');
    expect(d.context.active).toBe(false);
    expect(d.accepts(ev('mdev.remove.claim'))).toBe(false);
  });

  it('6.1: create errors unwind to released and the creator returns afterwards', () => {
    const noSpace = feed('v6.1', [
      ...create61.slice(0, 4),
      exit('init', -28),
      exit('probe', -28),
      ev('mdev.release'),
      createEnd(-28),
    ]);
    expect(noSpace.errnos[5]).toBe('ENOSPC');
    expect(noSpace.d.value).toEqual({ lifecycle: 'released', fds: 'closed' });
    const unregistering = feed('v6.1', [create61[0]!, ev('mdev.release'), createEnd(-19)]);
    expect(unregistering.errnos[1]).toBe('ENODEV');
    const exhausted = feed('v6.1', [createEnd(-87)]);
    expect(exhausted.errnos[0]).toBe('EUSERS');
    expect(exhausted.d.value).toEqual({ lifecycle: 'absent', fds: 'closed' });
  });

  it('duplicate creates get EEXIST while the GUID is taken, in every profile', () => {
    expect(feed('v6.1', [create61[0]!, createEnd(-17)]).errnos[1]).toBe('EEXIST');
    expect(feed('v4.10', [...create410, createEnd(-17)]).errnos.at(-1)).toBe('EEXIST');
    expect(drive(createMdevDeviceMachine({ profile: 'v6.1' })).accepts(createEnd(-17))).toBe(false);
  });

  it('4.10 C-2/C-10: the device can be opened before the vendor create has run', () => {
    const { d } = feed('v4.10', [
      create410[0]!,
      { type: 'vfio.fd.open', uuid, openCount: 1 },
      create410[1]!,
      enter('create'),
    ]);
    expect(d.value).toEqual({ lifecycle: { exists: { creating: 'vendorCreating' } }, fds: 'open' });
  });

  it('4.10: a refused vendor remove is EBUSY, re-lists the device and re-creates its remove file (C-3, C-8)', () => {
    const { d, errnos } = feed('v4.10', [
      ...create410,
      ev('mdev.remove.claim'),
      enter('remove'),
      exit('remove', -16),
      refused(16),
    ]);
    expect(errnos.at(-1)).toBe('EBUSY');
    expect(d.value).toEqual({ lifecycle: { exists: 'listed' }, fds: 'closed' });
    expect(d.context).toMatchObject({ removeFile: true, active: true });
  });

  it('4.10: the vendor remove frees state first; the removal then blocks on the open fd', () => {
    const { d } = feed('v4.10', [
      ...create410,
      { type: 'vfio.fd.open', uuid, openCount: 1 },
      ev('mdev.remove.claim'),
      enter('remove'),
      exit('remove'),
      teardown('user'),
      ev('vfio.unregister.begin'),
      { type: 'vfio.unregister.wait', uuid, openFds: 1 },
      enter('ioctl'),
      exit('ioctl', -19),
    ]);
    expect(d.value).toEqual({ lifecycle: { exists: { removing: 'blockedOnRelease' } }, fds: 'open' });
  });

  it('4.10: a remove before the device is on mdev_list (or after another claim) is ENODEV; a listed one is claimable', () => {
    const { errnos } = feed('v4.10', [...create410.slice(0, 5), refused(19)]);
    expect(errnos.at(-1)).toBe('ENODEV');
    const listed = feed('v4.10', create410).d;
    expect(listed.accepts(refused(19))).toBe(false);
    expect(listed.accepts(ev('mdev.remove.claim'))).toBe(true);
  });

  it('4.10 C-7: the unregistration’s forced remove can meet a child before its trace shows it', () => {
    const { errnos } = feed('v4.10', [refused(19), ...create410]);
    expect(errnos[0]).toBe('ENODEV');
  });

  it('4.10: without vfio_mdev nothing is bound and the teardown has no VFIO part', () => {
    const { d } = feed('v4.10', [
      create410[1]!,
      enter('create'),
      exit('create'),
      ev('mdev.links'),
      ev('mdev.active'),
      createEnd(0),
      ev('mdev.remove.claim'),
      enter('remove'),
      exit('remove'),
      teardown('user'),
      ev('mdev.teardown.end'),
      ev('mdev.release'),
    ]);
    expect(d.value).toEqual({ lifecycle: 'released', fds: 'closed' });
    expect(d.context.vfio).toBe('none');
  });
});
