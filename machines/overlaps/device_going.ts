import { parsesAsUuid } from '../atomic_input.ts';
import { errno, type OverlapOutcome, type OverlapWindow } from './overlap.ts';

/**
 * While a remove of U or the unload of its parent runs, the device is going but not gone (kernel-semantics.md
 * §1.6, §2.5, §2.6, §3.1, §6.5):
 * - an open of U can find the device's links already gone (ENOENT), its group without devices (group open:
 *   ENODEV), or open the group and find
 *   the device unregistering at GET_DEVICE_FD (ENODEV; the holder keeps its group fd, attached to its
 *   container), or find the group still held by another holder (EBUSY);
 * - 4.10: a holder's config-space read (an ioctl, then a read) can have the vendor's remove free the
 *   state between the two (the read fails: EINVAL);
 * - a create of U finds the going device (EEXIST): 4.10 among the parent's children until
 *   `device_unregister` takes it off; 6.1 its GUID on `mdev_list` until the final release.
 */
export const deviceGoing: OverlapWindow = {
  name: 'device-going',
  profiles: ['v4.10', 'v6.1'],
  source: 'kernel-semantics.md §1.6, §2.5, §2.6, §3.1, §6.5',
  outcomes(ctx) {
    const { op, state } = ctx;
    const out: OverlapOutcome[] = [];
    if (op.op === 'open' && !state.holders[op.holder]) {
      if (!ctx.removing(op.uuid) && !ctx.unloading(ctx.parentOf(op.uuid))) return [];
      const noGroup = ctx.asIfAbsent(op.uuid, this.name);
      out.push(noGroup, { ...noGroup, result: errno('ENODEV', 'group') });
      out.push(ctx.openWithoutDevice(op.uuid, op.holder, state.devices[op.uuid]?.gen ?? 0, this.name));
      if (Object.values(state.holders).some((h) => h.uuid === op.uuid && h.group))
        out.push({ ...noGroup, result: errno('EBUSY', 'group') });
    }
    if (op.op === 'vfio' && op.call === 'cfg' && state.profile === 'v4.10') {
      const h = state.holders[op.holder];
      // The config read is an ioctl and a read: the vendor's remove can free the state in between.
      if (h && (ctx.removing(h.uuid) || ctx.unloading(ctx.parentOf(h.uuid))))
        out.push(ctx.unchanged(errno('EINVAL'), this.name));
    }
    if (op.op === 'create') {
      const uuid = parsesAsUuid(op.data);
      const owner = uuid ? ctx.parentOf(uuid) : undefined;
      const going = uuid !== null && (ctx.removing(uuid) || ctx.unloading(owner));
      // 4.10 finds the going device among the parent's children; 6.1 finds its GUID still on mdev_list.
      if (going && (state.profile === 'v6.1' || owner === op.parent))
        out.push(ctx.unchanged(errno('EEXIST', 'write'), this.name));
    }
    return out;
  },
};
