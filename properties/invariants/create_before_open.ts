import type { VendorCallback } from '../../src/kernel/trace.ts';
import type { Invariant } from '../invariant.ts';
import { DeviceInstances } from './device_instances.ts';

/**
 * Happens-before around the vendor's per-device state (kernel-semantics.md §7.5; C-2 "vfio/mdev: Improve the
 * create/remove sequence", v5.2-rc5; C-10): the vendor's create (or probe) completes before any open callback
 * reaches it, and the vendor frees the state only after the last device fd is closed. Messages name the
 * callback that freed it.
 */
export const createBeforeOpen: Invariant = {
  name: 'create-before-open',
  rule: 'kernel-semantics.md §7.5; C-2 (Improve the create/remove sequence), C-10',
  create() {
    const devices = new DeviceInstances();
    /** The vendor callback each task is in. */
    const inCallback = new Map<number, VendorCallback>();
    return {
      onEvent(e) {
        if (e.kind === 'vendor.enter') inCallback.set(e.task, e.cb);
        if (e.kind === 'vendor.exit') inCallback.delete(e.task);
        const d = devices.feed(e);
        if (!d) return null;
        if (e.kind === 'vendor.exit' && (e.cb === 'create' || e.cb === 'probe') && e.ret === 0)
          d.created = true;
        if (e.kind === 'vfio.fd.open' || e.kind === 'vfio.fd.close') d.openFds = e.openCount;
        if (e.kind === 'vendor.enter' && (e.cb === 'open' || e.cb === 'open_device') && !d.created) {
          return `${d.uuid}: vendor ${e.cb} called before the vendor finished creating the device`;
        }
        if (e.kind === 'vendor.state' && e.what === 'free' && d.openFds > 0) {
          const by = inCallback.get(e.task);
          return `${d.uuid}: vendor state freed${by ? ` in ${by}` : ''} while ${d.openFds} device fd(s) are open`;
        }
        return null;
      },
    };
  },
};
