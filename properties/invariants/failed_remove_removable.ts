import type { Invariant } from '../invariant.ts';

/**
 * A failed remove leaves the device removable or gone (kernel-semantics.md §2.5, §6.4; C-3 "vfio/mdev:
 * Avoid creating sysfs remove file on stale device removal"): once everything has returned, every device on
 * the mdev bus still has its `remove` attribute. The 6.1 remove-during-create anomaly breaks it (a remove
 * in the window between `device_add` and `active` gets EAGAIN and the file is gone for good).
 */
export const failedRemoveRemovable: Invariant = {
  name: 'failed-remove-removable',
  rule: 'kernel-semantics.md §2.5, §6.4; C-3',
  create() {
    return {
      atEnd({ kernel }) {
        const out: string[] = [];
        for (const d of kernel.mdev?.allDevices() ?? []) {
          if (typeof kernel.kernfs.lookup(`/sys/bus/mdev/devices/${d.uuid}/remove`) === 'number') {
            out.push(
              `${d.uuid} (${d.type.dirName}) exists without its remove attribute: only a parent unregistration can remove it`,
            );
          }
        }
        return out;
      },
    };
  },
};
