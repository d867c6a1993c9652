/**
 * The user-visible rules of mdev and VFIO, one atomic step per operation: what `insmod`, `rmmod`, a write
 * to `create` or `remove`, a holder's VFIO open (the runner's `full` protocol), a holder's exit and a read
 * of `available_instances` return, and what they change, at the v4.10 and v6.1 profiles. This is the
 * sequential specification behind the atomic view machine, the system machine and the linearizability
 * check. Blocking is part of it: an operation may answer "blocked" and complete at a later step (a remove
 * of an open device completes when its last fd closes; at 4.10 the per-parent lock and the parent list
 * lock, held across that wait, queue other operations behind it).
 *
 * Sources: kernel-semantics.md §1.3–1.7 (4.10), §2.3–2.7 (6.1), §3.1, §4, §6.3–6.5, and the oracle's
 * real-kernel recordings ("Module unload", "remove while a device fd is open" in oracle/README.md).
 * Pure functions over plain data: no I/O, and nothing from the implementation in src/.
 */
import { claimBeforeLock, create, remove } from './atomic_device_rules.ts';
import { close, open, vfioCall } from './atomic_holder_rules.ts';
import { load, unload } from './atomic_module_rules.ts';
import { isParent, parentTypes } from './atomic_parents.ts';
import { availableInstances, goingParent, isLoaded } from './atomic_queries.ts';
import {
  BLOCKED,
  fail,
  ok,
  type SpecOp,
  type SpecPending,
  type SpecResult,
  type SpecState,
  type SpecStep,
} from './atomic_state.ts';

/** The 4.10 locks an operation needs (`parent->lock`, `parent_list_lock`); none at 6.1. */
function locksNeeded(state: SpecState, op: SpecOp): string[] {
  if (state.profile !== 'v4.10') return [];
  switch (op.op) {
    case 'create':
      return [`parent:${op.parent}`];
    case 'remove': {
      const d = state.devices[op.uuid];
      return d ? [`parent:${d.parent}`] : [];
    }
    case 'load':
      return isParent(state, op.module) ? ['parent_list'] : [];
    case 'unload': {
      if (!isParent(state, op.module)) return [];
      // mdev_unregister_device holds parent_list_lock; each child's removal takes the parent's lock.
      const children = Object.entries(state.devices).some(([k, d]) => d.parent === op.module && k === d.uuid);
      return children ? ['parent_list', `parent:${op.module}`] : ['parent_list'];
    }
    default:
      return [];
  }
}

function heldLocks(state: SpecState): Set<string> {
  return new Set(state.pending.filter((p) => p.phase === 'fds').flatMap((p) => p.locks));
}

/**
 * Applies one user operation. `id` names it, so that when it blocks its later completion (listed in the
 * `completed` of the step that releases it) can be matched.
 */
export function specStep(state: SpecState, op: SpecOp, id = 0): SpecStep {
  const unregistering = duringUnregistration(state, op);
  if (unregistering) return unregistering;
  const busy = heldLocks(state);
  const needed = locksNeeded(state, op);
  if (needed.some((l) => busy.has(l))) {
    const early = beforeLock(state, op);
    if (early) return early;
    const pending: SpecPending = { id, op, phase: 'lock', locks: needed, waitsFor: [] };
    let devices = state.devices;
    if (op.op === 'remove') devices = { ...devices, [op.uuid]: { ...devices[op.uuid]!, claimed: true } };
    return {
      state: { ...state, devices, pending: [...state.pending, pending] },
      result: BLOCKED,
      completed: [],
    };
  }
  const step = apply(state, op, id, needed);
  if (op.op !== 'close' && !(op.op === 'vfio' && op.call === 'closedev')) return step;
  return releaseQueued(step);
}

/**
 * A remove of a device whose parent is being unregistered: -ENODEV, the unregistration removes the device
 * itself (`unreg_sem` trylock, 5715c4dd66a3). Only 4.10 gets here (6.1 refuses the unload while a device is
 * open); there the kernel instead claims the device and waits for the parent lock, then races with the
 * unregistration (C-7, C-9).
 */
function duringUnregistration(state: SpecState, op: SpecOp): SpecStep | null {
  if (op.op !== 'remove') return null;
  const d = state.devices[op.uuid];
  if (!d || d.removing || !goingParent(state, d.parent)) return null;
  const early = claimBeforeLock(state, op);
  if (early) return early;
  return { state, result: fail('ENODEV', 'write'), completed: [], knownIssue: 'C-9' };
}

/**
 * What an operation settles before it can wait for a 4.10 lock: path lookups (ENOENT), empty writes (0),
 * `create_store`'s parsing (EINVAL), `delete_module`'s refcount checks (EAGAIN) and `finit_module`'s duplicate and symbol
 * checks; and a remove's claim (99e3123e: `list_del` from `mdev_list` and the writer's removal of the
 * `remove` file come before `parent->lock`, so a remove queued behind the lock has already made the
 * device unremovable by others). Returns null when the operation goes on to take the lock.
 */
function beforeLock(state: SpecState, op: SpecOp): SpecStep | null {
  switch (op.op) {
    case 'create': {
      // An empty write never reaches the store (sysfs_kf_write returns 0 for 0 bytes).
      if (op.data.length === 0) return create(state, op.parent, op.type, op.data);
      const r = create(state, op.parent, op.type, op.data);
      return r.result.kind === 'errno' && (r.result.stage === 'open' || r.result.errno === 'EINVAL')
        ? r
        : null;
    }
    case 'unload':
    case 'load': {
      const r = op.op === 'load' ? load(state, op.module, op.params ?? {}) : unload(state, op, 0, []);
      return r.result.kind === 'errno' ? r : null;
    }
    case 'remove':
      return claimBeforeLock(state, op);
    default:
      return null;
  }
}

/** Runs an operation that holds its locks; `resumed` when it had waited for them (a remove is then claimed). */
function apply(
  state: SpecState,
  op: SpecOp,
  id: number,
  locks: readonly string[],
  resumed = false,
): SpecStep {
  const none = (result: SpecResult): SpecStep => ({ state, result, completed: [] });
  switch (op.op) {
    case 'load':
      return load(state, op.module, op.params ?? {});
    case 'unload':
      return unload(state, op, id, locks);
    case 'create':
      return create(state, op.parent, op.type, op.data);
    case 'remove':
      return remove(state, op, id, locks, resumed);
    case 'open':
      return open(state, op.holder, op.uuid);
    case 'close':
      return close(state, op.holder);
    case 'vfio':
      return vfioCall(state, op.holder, op.call);
    case 'available':
      if (
        !isLoaded(state, 'mdev') ||
        !isLoaded(state, op.parent) ||
        !(op.type in parentTypes(state, op.parent))
      ) {
        return none(fail('ENOENT', 'open'));
      }
      return none(ok(availableInstances(state, op.parent, op.type)));
  }
}

/** After a close, operations queued on locks that are now free run, oldest first (they may block again). */
function releaseQueued(step: SpecStep): SpecStep {
  let { state } = step;
  let knownIssue = step.knownIssue;
  const completed = [...step.completed];
  for (;;) {
    const busy = heldLocks(state);
    const ready = state.pending.find((p) => p.phase === 'lock' && !p.locks.some((l) => busy.has(l)));
    if (!ready) break;
    const without = { ...state, pending: state.pending.filter((p) => p !== ready) };
    const run = apply(without, ready.op, ready.id, ready.locks, true);
    state = run.state;
    knownIssue ??= run.knownIssue;
    completed.push(...run.completed);
    if (run.result.kind !== 'blocked') completed.push({ id: ready.id, op: ready.op, result: run.result });
  }
  return { state, result: step.result, completed, ...(knownIssue ? { knownIssue } : {}) };
}
