/** The atomic rules of a write to `create` and to `remove` (kernel-semantics.md §6.3, §6.4). */
import { parsesAsUuid, removeValue } from './atomic_input.ts';
import { parentTypes, poolSize } from './atomic_parents.ts';
import { isLoaded, offBusKey, used } from './atomic_queries.ts';
import {
  BLOCKED,
  fail,
  ok,
  type SpecDevice,
  type SpecOp,
  type SpecParent,
  type SpecPending,
  type SpecResult,
  type SpecState,
  type SpecStep,
} from './atomic_state.ts';

/** A remove's checks and claim before `parent->lock` (see `beforeLock`). */
export function claimBeforeLock(state: SpecState, op: SpecOp & { op: 'remove' }): SpecStep | null {
  const d = state.devices[op.uuid];
  const data = op.data ?? '1';
  if (!d || d.removing || d.claimed || d.removeFileLost)
    return { state, result: fail('ENOENT', 'open'), completed: [] };
  if (data.length === 0) return { state, result: ok(0), completed: [] };
  const v = removeValue(data);
  if (v === null) return { state, result: fail('EINVAL', 'write'), completed: [] };
  if (v === 0n) return { state, result: ok(data.length), completed: [] };
  return null;
}

/**
 * A write of `data` to `<parent>/mdev_supported_types/<type>/create` (§6.3): ENOENT at open when the path
 * does not exist; 0 bytes return 0; EINVAL for a length other than 36/37 or a malformed UUID; EEXIST for a
 * UUID in use — including one whose removal is pending (6.1: on any parent; 4.10: a duplicate on another
 * parent fails at the bus link, also EEXIST); out of room: 6.1 ENOSPC (mtty, mbochs) or EUSERS (mdpy), 4.10
 * mtty never refuses, 4.10-era mdpy/mbochs ENOMEM; else the device exists and the write returns its length.
 */
export function create(state: SpecState, parent: SpecParent, type: string, data: string): SpecStep {
  const none = (result: SpecResult): SpecStep => ({ state, result, completed: [] });
  if (!isLoaded(state, 'mdev') || !isLoaded(state, parent) || !(type in parentTypes(state, parent)))
    return none(fail('ENOENT', 'open'));
  if (data.length === 0) return none(ok(0));
  const uuid = parsesAsUuid(data);
  if (uuid === null) return none(fail('EINVAL', 'write'));
  const existing = state.devices[uuid];
  if (existing) {
    // 6.1: the GUID stays reserved on mdev_list until release, so a pending removal still counts (§2.4).
    const crossParent = state.profile === 'v4.10' && existing.parent !== parent;
    return crossParent
      ? { ...none(fail('EEXIST', 'write')), knownIssue: 'C-4' }
      : none(fail('EEXIST', 'write'));
  }
  // 4.10: the old device of that UUID, off the bus but still bound to vfio_mdev while it waits for its fds,
  // makes the new one's driver link a sysfs duplicate at device_register (before vendor create): WARN,
  // and the new device stays unbound (C-4).
  const namesake =
    state.profile === 'v4.10' && Object.values(state.devices).some((d) => d.uuid === uuid && d.removing);
  const flag = (step: SpecStep): SpecStep => (namesake ? { ...step, knownIssue: 'C-4' } : step);
  const cost = parentTypes(state, parent)[type]!;
  const errno = state.parents[parent]?.exhaustion ?? null;
  if (errno && used(state, parent) + cost > poolSize(state, parent)) return flag(none(fail(errno, 'write')));
  const device: SpecDevice = {
    uuid,
    parent,
    type,
    gen: state.nextGen,
    fds: 0,
    claimed: false,
    removeFileLost: false,
    removing: false,
    released: false,
  };
  return flag({
    state: { ...state, devices: { ...state.devices, [uuid]: device }, nextGen: state.nextGen + 1 },
    result: ok(data.length),
    completed: [],
  });
}

/**
 * A write to `/sys/bus/mdev/devices/<uuid>/remove` (§6.4): ENOENT when the device is gone or its removal
 * already claimed; 0 bytes return 0; EINVAL when kstrtoul fails; 0 is a no-op returning the length; else
 * the device goes — at once when no device fd is open, otherwise the write sleeps until the last one
 * closes (4.10: holding the parent's lock).
 */
export function remove(
  state: SpecState,
  op: SpecOp & { op: 'remove' },
  id: number,
  locks: readonly string[],
  claimed: boolean,
): SpecStep {
  const early = claimed ? null : claimBeforeLock(state, op);
  if (early) return early;
  const d = state.devices[op.uuid]!;
  const data = op.data ?? '1';
  if (d.fds > 0) {
    // 6.1 keeps the device (and its GUID reservation) under its UUID until release; 4.10 has already
    // taken it off the bus (device_del started) and given the vendor resources back.
    const legacy = state.profile === 'v4.10';
    const key = legacy ? offBusKey(d) : op.uuid;
    const { [op.uuid]: _moved, ...others } = state.devices;
    const devices = { ...others, [key]: { ...d, claimed: true, removing: true, released: legacy } };
    const pending: SpecPending = { id, op, phase: 'fds', locks, waitsFor: [key] };
    return {
      state: { ...state, devices, pending: [...state.pending, pending] },
      result: BLOCKED,
      completed: [],
    };
  }
  const { [op.uuid]: _gone, ...devices } = state.devices;
  return { state: { ...state, devices }, result: ok(data.length), completed: [] };
}
