import { removeValue } from '../atomic_input.ts';
import { errno, type OverlapWindow } from './overlap.ts';

/**
 * K-1, the 6.1 remove-during-create anomaly (kernel-semantics.md §2.5): the `remove` file exists from
 * `device_add`, `active` is set only at the end of create. A nonzero remove write in between deletes the
 * file (`device_remove_file_self`), gets EAGAIN from `mdev_device_remove`, and the file is never
 * re-created: the device lives on without it.
 */
export const removeDuringCreate: OverlapWindow = {
  name: 'remove-during-create',
  profiles: ['v6.1'],
  source: 'kernel-semantics.md §2.5; 6.1.192 mdev_sysfs.c remove_store, mdev_core.c mdev_device_remove',
  outcomes(ctx) {
    const { op, state } = ctx;
    if (op.op !== 'remove' || ctx.createsOf(op.uuid).length === 0) return [];
    const device = state.devices[op.uuid];
    const data = op.data ?? '1';
    const v = removeValue(data);
    if (
      !device ||
      device.claimed ||
      device.removing ||
      device.removeFileLost ||
      data.length === 0 ||
      v === null ||
      v === 0n
    )
      return [];
    return [
      {
        result: errno('EAGAIN', 'write'),
        state: { ...state, devices: { ...state.devices, [op.uuid]: { ...device, removeFileLost: true } } },
        window: this.name,
        knownIssue: 'K-1',
      },
    ];
  },
};
