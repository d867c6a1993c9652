/**
 * The atomic rules of a holder process: its VFIO open (the runner's `full` protocol), its single VFIO
 * calls and its exit, and what completes once its device fds are closed (§3.1, §6.5).
 */
import { unregisterChildren } from './atomic_module_rules.ts';
import { heldDevice, isLoaded, stale } from './atomic_queries.ts';
import {
  fail,
  ok,
  type SpecCompletion,
  type SpecDevice,
  type SpecErrno,
  type SpecHolder,
  type SpecResult,
  type SpecStage,
  type SpecState,
  type SpecStep,
  type SpecVfioCall,
} from './atomic_state.ts';

/**
 * A holder's `full` open of `uuid` (container, group, SET_CONTAINER, SET_IOMMU(TYPE1v2), GET_DEVICE_FD):
 * a holder opens once (a second `open` of the same holder is refused: EBUSY); the group cannot be
 * resolved when the device or its bus link is gone, vfio is not loaded, or (4.10) vfio_mdev did not bind
 * it (ENOENT); the group is single-open (EBUSY); without vfio_iommu_type1 SET_IOMMU fails and
 * GET_DEVICE_FD is EINVAL; else the holder has a device fd. A holder keeps what it opened until `close`.
 */
export function open(state: SpecState, holder: string, uuid: string): SpecStep {
  const d = state.devices[uuid];
  const refuse = (errno: SpecErrno, stage: SpecStage, held: SpecHolder | null): SpecStep => ({
    state: held ? { ...state, holders: { ...state.holders, [holder]: held } } : state,
    result: fail(errno, stage),
    completed: [],
  });
  if (state.holders[holder]) return refuse('EBUSY', 'group', null);
  const container = isLoaded(state, 'vfio');
  const boundDriver = state.profile === 'v6.1' || isLoaded(state, 'vfio_mdev');
  if (!d || d.removing || !container || !boundDriver)
    return refuse('ENOENT', 'group', {
      uuid,
      gen: 0,
      container,
      group: false,
      attached: false,
      iommu: false,
      devFds: 0,
    });
  if (Object.values(state.holders).some((h) => h.uuid === uuid && h.gen === d.gen && h.group)) {
    return refuse('EBUSY', 'group', {
      uuid,
      gen: d.gen,
      container,
      group: false,
      attached: false,
      iommu: false,
      devFds: 0,
    });
  }
  if (!isLoaded(state, 'vfio_iommu_type1'))
    return refuse('EINVAL', 'dev', {
      uuid,
      gen: d.gen,
      container,
      group: true,
      attached: true,
      iommu: false,
      devFds: 0,
    });
  const holders = {
    ...state.holders,
    [holder]: { uuid, gen: d.gen, container, group: true, attached: true, iommu: true, devFds: 1 },
  };
  const devices = { ...state.devices, [uuid]: { ...d, fds: d.fds + 1 } };
  return { state: { ...state, holders, devices }, result: ok(0), completed: [] };
}

/**
 * A holder's exit: its device fds, group and container close (0; ENOENT for a holder that does not
 * exist). Whatever slept on the last of those device fds completes: a blocked remove (the device goes
 * and its pool share returns), a 4.10 unload once its parent has no device left.
 */
export function close(state: SpecState, holder: string): SpecStep {
  const h = state.holders[holder];
  if (!h) return { state, result: fail('ENOENT'), completed: [] };
  const { [holder]: _gone, ...holders } = state.holders;
  let devices = state.devices;
  const held = heldDevice(state, h);
  if (held && h.devFds > 0) devices = { ...devices, [held[0]]: { ...held[1], fds: held[1].fds - h.devFds } };
  return { ...finishBlocked({ ...state, holders, devices }), result: ok(0) };
}

/**
 * Completes what slept on device fds that are now all closed: a blocked remove (the device goes and its
 * pool share returns), and the 4.10 unregistration walk, which goes on to the next child.
 */
function finishBlocked(state: SpecState): { state: SpecState; completed: SpecCompletion[] } {
  let next = state;
  const completed: SpecCompletion[] = [];
  for (const p of next.pending) {
    if (p.phase !== 'fds' || p.waitsFor.some((u) => (next.devices[u]?.fds ?? 0) > 0)) continue;
    const remaining: Record<string, SpecDevice> = { ...next.devices };
    for (const u of p.waitsFor) delete remaining[u];
    next = { ...next, devices: remaining };
    if (p.op.op === 'unload') {
      const walk = unregisterChildren(next, p);
      next = walk.state;
      if (walk.done) completed.push({ id: p.id, op: p.op, result: ok(0) });
      continue;
    }
    next = { ...next, pending: next.pending.filter((x) => x !== p) };
    completed.push({
      id: p.id,
      op: p.op,
      result: ok((p.op.op === 'remove' ? (p.op.data ?? '1') : '').length),
    });
  }
  return { state: next, completed };
}

/**
 * One VFIO call of a holder on the fds it holds (§3.1, §6.5, oracle "VFIO ioctl ordering"):
 * - `status` (GROUP_GET_STATUS): 0; 6.1 a stale group → ENODEV.
 * - `setc` (SET_CONTAINER): 6.1 stale → ENODEV (the removal of the group's last device detached its
 *   container: `vfio_device_remove_group`); already attached → EINVAL.
 * - `unsetc` (UNSET_CONTAINER): not attached → EINVAL; device fds open → EBUSY; else detached, and the
 *   container, left without groups, loses its IOMMU.
 * - `iommu` (SET_IOMMU TYPE1v2): no group attached or already set → EINVAL; no type1 backend → ENODEV.
 * - `dev` (GET_DEVICE_FD): 4.10 checks container and IOMMU first (EINVAL) and then the name (ENODEV for a
 *   removed device); 6.1 the name first (ENODEV), then EINVAL. A device whose removal waits for its fds can
 *   still be opened. Success adds a device fd.
 * - `cfg` (GET_REGION_INFO of the config region, then a read through the device fd): 0; 4.10 once the
 *   vendor's remove has dropped the device's state, the driver's errno (`removedIoctl410`).
 * - `closedev`: closes the holder's last device fd; a blocked remove may complete.
 * Without the fd a call needs (`iommu` the container's, `cfg`/`closedev` a device fd, the others the group's),
 * the holder skips it: EBADF here.
 */
export function vfioCall(state: SpecState, holder: string, call: SpecVfioCall): SpecStep {
  const h = state.holders[holder];
  const same = (result: SpecResult): SpecStep => ({ state, result, completed: [] });
  const update = (next: Partial<SpecHolder>, result: SpecResult, devices = state.devices): SpecStep => ({
    state: { ...state, devices, holders: { ...state.holders, [holder]: { ...h!, ...next } } },
    result,
    completed: [],
  });
  const hasFd =
    call === 'closedev' || call === 'cfg' ? (h?.devFds ?? 0) > 0 : call === 'iommu' ? h?.container : h?.group;
  if (!h || !hasFd) return same(fail('EBADF'));
  const modern = state.profile === 'v6.1';
  const gone = stale(state, h);
  switch (call) {
    case 'status':
      return same(modern && gone ? fail('ENODEV') : ok(0));
    case 'setc':
      // 6.1 detached the container when the group lost its last device (vfio_device_remove_group).
      if (modern && gone) return same(fail('ENODEV'));
      if (h.attached) return same(fail('EINVAL'));
      return update({ attached: true }, ok(0));
    case 'unsetc':
      if (!h.attached || (modern && gone)) return same(fail('EINVAL'));
      if (h.devFds > 0) return same(fail('EBUSY'));
      return update({ attached: false, iommu: false }, ok(0));
    case 'iommu':
      if (!h.attached || h.iommu || (modern && gone)) return same(fail('EINVAL'));
      if (!isLoaded(state, 'vfio_iommu_type1')) return same(fail('ENODEV'));
      return update({ iommu: true }, ok(0));
    case 'dev': {
      const held = heldDevice(state, h);
      if (!modern && (!h.attached || !h.iommu)) return same(fail('EINVAL'));
      if (!held) return same(fail('ENODEV'));
      if (!h.attached || !h.iommu) return same(fail('EINVAL'));
      const [key, d] = held;
      return update({ devFds: h.devFds + 1 }, ok(0), { ...state.devices, [key]: { ...d, fds: d.fds + 1 } });
    }
    case 'cfg': {
      const held = heldDevice(state, h);
      return same(held?.[1].released ? fail(state.parents[held[1].parent]!.removedIoctl410) : ok(0));
    }
    case 'closedev': {
      const held = heldDevice(state, h);
      const devices = held
        ? { ...state.devices, [held[0]]: { ...held[1], fds: held[1].fds - 1 } }
        : state.devices;
      const closed = {
        ...state,
        devices,
        holders: { ...state.holders, [holder]: { ...h, devFds: h.devFds - 1 } },
      };
      return { ...finishBlocked(closed), result: ok(0) };
    }
  }
}
