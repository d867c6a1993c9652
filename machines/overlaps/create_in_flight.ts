import { parsesAsUuid, removeValue } from '../atomic_input.ts';
import { poolSize } from '../atomic_parents.ts';
import { errno, failedAfterReservation, type OverlapOutcome, type OverlapWindow } from './overlap.ts';

/**
 * Create is not atomic. 6.1 (kernel-semantics.md §2.4 steps 1–11) holds the GUID from the reservation on,
 * makes the device and its `remove` file visible at `device_add`, registers the VFIO group in the vendor
 * probe, which can still fail, and sets `active` last. 4.10 (§1.5) registers the device — and vfio_mdev
 * its group — before the vendor create, which can still fail and tear it down, and puts the device on
 * `mdev_list` last. So while a create of U runs:
 * - another create of U gets EEXIST even if this one fails (6.1: any parent; 4.10: the same parent); 6.1
 *   core-counted parents (mdpy) count the instance at the reservation, so another create on the parent can
 *   get EUSERS while a create that then fails holds the last one;
 * - a remove of U may find no `remove` file yet (ENOENT); 6.1: or find it on a create that then fails: 0 or
 *   bytes for `0`/empty, EINVAL for bad input, EAGAIN (not active yet) or ENODEV (already released)
 *   otherwise; 4.10: a nonzero remove
 *   finds the device not yet on `mdev_list` (ENODEV);
 * - an open of U may find no group yet (ENOENT), or a group the device has not joined yet
 *   (`__vfio_register_dev` adds the group before the device: GET_DEVICE_FD ENODEV, the holder keeps its
 *   group; a later GET_DEVICE_FD of that holder likewise); 4.10: or open the group of a device whose failed
 *   create is tearing it down (ENODEV likewise).
 * Nothing changes (a failed open leaves its holder, as any failed open does).
 */
export const createInFlight: OverlapWindow = {
  name: 'create-in-flight',
  profiles: ['v4.10', 'v6.1'],
  source: 'kernel-semantics.md §1.5, §2.4, §6.3; 6.1.192 mdev_core.c mdev_device_create',
  outcomes(ctx) {
    const { op, state } = ctx;
    const legacy = state.profile === 'v4.10';
    const out: OverlapOutcome[] = [];
    if (op.op === 'create') {
      const uuid = parsesAsUuid(op.data);
      const holding = uuid
        ? ctx
            .createsOf(uuid)
            .filter(
              (o) =>
                failedAfterReservation(o) && (!legacy || (o.op as { parent: string }).parent === op.parent),
            )
        : [];
      if (holding.length > 0) out.push(ctx.unchanged(errno('EEXIST', 'write'), this.name));
      // 6.1 core-counted parents (mdpy) count an instance at the reservation: failing creates hold some.
      const config = state.parents[op.parent];
      if (!legacy && config?.exhaustion === 'EUSERS' && op.type in config.types) {
        const phantoms = ctx.overlapping.filter(
          (o) => failedAfterReservation(o) && (o.op as { parent: string }).parent === op.parent,
        ).length;
        let free = poolSize(state, op.parent);
        for (const d of Object.values(state.devices))
          if (d.parent === op.parent) free -= config.types[d.type] ?? 0;
        const cost = config.types[op.type] ?? 1;
        if (phantoms > 0 && free - phantoms * cost < cost) {
          out.push(ctx.unchanged(errno('EUSERS', 'write'), this.name));
        }
      }
    }
    if (op.op === 'remove' && ctx.createsOf(op.uuid).length > 0) {
      if (state.devices[op.uuid]) out.push(ctx.asIfAbsent(op.uuid, this.name));
      if (legacy) {
        const data = op.data ?? '1';
        const v = removeValue(data);
        if (data.length > 0 && v !== null && v !== 0n)
          out.push(ctx.unchanged(errno('ENODEV', 'write'), this.name));
      } else if (!state.devices[op.uuid] && ctx.createsOf(op.uuid).some(failedAfterReservation)) {
        const data = op.data ?? '1';
        const v = removeValue(data);
        const result =
          data.length === 0
            ? { kind: 'ok' as const, ret: 0 }
            : v === null
              ? errno('EINVAL', 'write')
              : v === 0n
                ? { kind: 'ok' as const, ret: data.length }
                : errno('EAGAIN', 'write');
        out.push(ctx.unchanged(result, this.name));
        // ... or the failed create released the device between the remove's open and its mdev_list check.
        if (result.kind === 'errno' && result.errno === 'EAGAIN')
          out.push(ctx.unchanged(errno('ENODEV', 'write'), this.name));
      }
    }
    if (op.op === 'open' && ctx.createsOf(op.uuid).length > 0) {
      out.push(ctx.asIfAbsent(op.uuid, this.name));
      // The group exists (and can be attached) before the device joins it: GET_DEVICE_FD finds no device.
      const device = state.devices[op.uuid];
      if (device && !state.holders[op.holder]) {
        out.push(ctx.openWithoutDevice(op.uuid, op.holder, device.gen, this.name));
      }
      if (legacy && !state.holders[op.holder] && ctx.createsOf(op.uuid).some(failedAfterReservation)) {
        out.push(ctx.openWithoutDevice(op.uuid, op.holder, 0, this.name));
      }
    }
    if (op.op === 'vfio' && op.call === 'dev') {
      const h = state.holders[op.holder];
      // The holder's group is there, its device not yet in it.
      if (h?.group && ctx.createsOf(h.uuid).length > 0) out.push(ctx.unchanged(errno('ENODEV'), this.name));
    }
    return out;
  },
};
