import { describe, expect, it } from 'vitest';
import {
  COMPLETE_PARENT_REGISTRATION,
  createParentMachine,
  type ParentEvent,
} from '../../machines/parent.ts';
import { KERNEL_PROFILES } from '../../machines/profile.ts';
import { drive, errnoOf } from './drive.ts';
import { coverageGaps, explore } from './explore.ts';

const register = (changes: Partial<typeof COMPLETE_PARENT_REGISTRATION> = {}): ParentEvent => ({
  type: 'REGISTER',
  registration: { ...COMPLETE_PARENT_REGISTRATION, ...changes },
});

const EVENTS: readonly ParentEvent[] = [
  register(),
  register({ remove: false }),
  register({ deviceApi: false }),
  { type: 'UNREGISTER' },
  { type: 'UNLOAD_MODULE' },
  { type: 'CREATE_CHILD' },
  { type: 'REMOVE_CHILD' },
  { type: 'DEVICE_FD_OPEN' },
  { type: 'DEVICE_FD_CLOSE' },
];

describe('parent machine', () => {
  for (const profile of KERNEL_PROFILES) {
    it(`${profile}: every transition is taken and every guard both passes and refuses`, () => {
      const machine = createParentMachine({ profile });
      const exploration = explore(machine, {
        inputs: [undefined],
        events: () => EVENTS,
        prune: (s) => s.context.children > 2 || s.context.openFds > 2 || (s.context.kref ?? 0) < -1,
        maxStates: 500,
      });
      expect(coverageGaps(machine, exploration)).toEqual([]);
    });
  }

  it('v4.10: registration checks the mandatory parent_ops, then duplicates (EEXIST and the C-6 put)', () => {
    const p = drive(createParentMachine({ profile: 'v4.10' }));
    expect(errnoOf(p.send(register({ create: false })))).toBe('EINVAL');
    expect(errnoOf(p.send(register({ supportedTypeGroups: false })))).toBe('EINVAL');
    expect(errnoOf(p.send(register({ deviceApi: false })))).toBeNull();
    expect(p.value).toBe('registered');
    expect(p.context.kref).toBe(1);
    expect(errnoOf(p.send(register()))).toBe('EEXIST');
    expect(p.context.kref).toBe(0);
    expect(errnoOf(p.send(register({ remove: false })))).toBe('EINVAL');
  });

  it('v6.1: mdev_register_driver needs device_api; a second parent on the device fails with ENOMEM', () => {
    const p = drive(createParentMachine({ profile: 'v6.1' }));
    expect(errnoOf(p.send(register({ deviceApi: false })))).toBe('EINVAL');
    expect(
      errnoOf(p.send(register({ create: false, remove: false, supportedTypeGroups: false }))),
    ).toBeNull();
    expect(p.value).toBe('registered');
    expect(p.context.kref).toBeNull();
    expect(errnoOf(p.send(register()))).toBe('ENOMEM');
  });

  it('unregistration waits while a child device fd is open, then removes every child', () => {
    for (const profile of KERNEL_PROFILES) {
      const p = drive(createParentMachine({ profile }));
      p.send(register());
      p.send({ type: 'CREATE_CHILD' });
      p.send({ type: 'CREATE_CHILD' });
      p.send({ type: 'DEVICE_FD_OPEN' });
      p.send({ type: 'UNREGISTER' });
      expect(p.value).toEqual({ unregistering: 'waitingForOpenFds' });
      p.send({ type: 'DEVICE_FD_OPEN' });
      p.send({ type: 'DEVICE_FD_CLOSE' });
      expect(p.value).toEqual({ unregistering: 'waitingForOpenFds' });
      p.send({ type: 'DEVICE_FD_CLOSE' });
      expect(p.value).toBe('unregistered');
      expect(p.context.children).toBe(0);
      if (profile === 'v4.10') expect(p.context.kref).toBe(0);
    }
  });

  it('module unload with an open fd: v6.1 refuses with EAGAIN, v4.10 proceeds and blocks (oracle "Module unload")', () => {
    const v61 = drive(createParentMachine({ profile: 'v6.1' }));
    v61.send(register());
    v61.send({ type: 'CREATE_CHILD' });
    v61.send({ type: 'DEVICE_FD_OPEN' });
    expect(errnoOf(v61.send({ type: 'UNLOAD_MODULE' }))).toBe('EAGAIN');
    expect(v61.value).toBe('registered');
    v61.send({ type: 'DEVICE_FD_CLOSE' });
    v61.send({ type: 'UNLOAD_MODULE' });
    expect(v61.value).toBe('unregistered');

    const v410 = drive(createParentMachine({ profile: 'v4.10' }));
    v410.send(register());
    v410.send({ type: 'CREATE_CHILD' });
    v410.send({ type: 'DEVICE_FD_OPEN' });
    expect(errnoOf(v410.send({ type: 'UNLOAD_MODULE' }))).toBeNull();
    expect(v410.value).toEqual({ unregistering: 'waitingForOpenFds' });
  });

  it('while unregistering, v6.1 refuses create and remove with ENODEV; v4.10 has no answer (they block)', () => {
    const v61 = drive(createParentMachine({ profile: 'v6.1' }));
    v61.send(register());
    v61.send({ type: 'CREATE_CHILD' });
    v61.send({ type: 'DEVICE_FD_OPEN' });
    v61.send({ type: 'UNREGISTER' });
    expect(errnoOf(v61.send({ type: 'CREATE_CHILD' }))).toBe('ENODEV');
    expect(errnoOf(v61.send({ type: 'REMOVE_CHILD' }))).toBe('ENODEV');

    const v410 = drive(createParentMachine({ profile: 'v4.10' }));
    v410.send(register());
    v410.send({ type: 'CREATE_CHILD' });
    v410.send({ type: 'DEVICE_FD_OPEN' });
    v410.send({ type: 'UNREGISTER' });
    expect(v410.accepts({ type: 'CREATE_CHILD' })).toBe(false);
    expect(v410.accepts({ type: 'REMOVE_CHILD' })).toBe(false);
  });

  it('a child whose fd is open cannot be counted as removed', () => {
    const p = drive(createParentMachine({ profile: 'v6.1' }));
    p.send(register());
    p.send({ type: 'CREATE_CHILD' });
    p.send({ type: 'DEVICE_FD_OPEN' });
    expect(p.accepts({ type: 'REMOVE_CHILD' })).toBe(false);
  });
});
