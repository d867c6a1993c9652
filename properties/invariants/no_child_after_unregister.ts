import type { Invariant } from '../invariant.ts';
import { DeviceInstances } from './device_instances.ts';

/**
 * After a parent's unregistration returns, the parent has no child device left, and no vendor callback of
 * that parent starts until it registers again (kernel-semantics.md §7.3; C-7 "vfio/mdev: Fix aborting mdev
 * child device removal if one fails", 6093e348a5e2; C-9 "vfio/mdev: Synchronize device create/remove with
 * parent removal", 5715c4dd66a3).
 */
export const noChildAfterUnregister: Invariant = {
  name: 'no-child-after-unregister',
  rule: 'kernel-semantics.md §7.3; C-7 (6093e348a5e2), C-9 (5715c4dd66a3)',
  create() {
    const devices = new DeviceInstances();
    const unregistered = new Set<string>();
    return {
      onEvent(e) {
        devices.feed(e);
        if (e.kind === 'parent.register' && e.ret === 0) unregistered.delete(e.parent);
        if (e.kind === 'parent.unregister.end') {
          unregistered.add(e.parent);
          const left = devices.all().filter((d) => d.parent === e.parent);
          if (left.length)
            return `${e.parent} finished unregistering with child device(s) left: ${left.map((d) => d.uuid).join(', ')}`;
        }
        if (e.kind === 'vendor.enter' && unregistered.has(e.parent)) {
          return `${e.parent} vendor callback ${e.cb}${e.uuid ? ` (${e.uuid})` : ''} after its parent unregistered`;
        }
        return null;
      },
    };
  },
};
