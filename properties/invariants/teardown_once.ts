import type { Invariant } from '../invariant.ts';
import { DeviceInstances } from './device_instances.ts';

/**
 * Every created device gets exactly one vendor remove and one VFIO unregistration (kernel-semantics.md §7.4;
 * C-1 "vfio-mdev: Fix remove race"; C-15 "drm/i915/gvt: Add missing vfio_unregister_group_dev() call"):
 * never a second one while it lives, and both before it is released.
 */
export const teardownOnce: Invariant = {
  name: 'teardown-once',
  rule: 'kernel-semantics.md §7.4; C-1 (Fix remove race), C-15',
  create() {
    const devices = new DeviceInstances();
    return {
      onEvent(e) {
        const d = devices.feed(e);
        if (!d) return null;
        if (e.kind === 'vendor.exit' && (e.cb === 'create' || e.cb === 'probe') && e.ret === 0)
          d.created = true;
        if (e.kind === 'vendor.enter' && e.cb === 'remove' && ++d.vendorRemoves > 1)
          return `${d.uuid}: a second vendor remove`;
        if (e.kind === 'vfio.register') d.vfioRegistered++;
        if (e.kind === 'vfio.unregister.end' && ++d.vfioUnregistered > 1)
          return `${d.uuid}: a second VFIO unregistration`;
        if (e.kind === 'mdev.release') {
          if (d.created && d.vendorRemoves !== 1)
            return `${d.uuid} released after ${d.vendorRemoves} vendor removes (expected 1)`;
          if (d.vfioRegistered !== d.vfioUnregistered) {
            return `${d.uuid} released with its VFIO device registered ${d.vfioRegistered} time(s), unregistered ${d.vfioUnregistered}`;
          }
        }
        return null;
      },
    };
  },
};
