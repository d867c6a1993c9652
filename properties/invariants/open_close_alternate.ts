import type { Invariant } from '../invariant.ts';
import { DeviceInstances } from './device_instances.ts';

/**
 * The vendor's `open_device`/`close_device` bracket the periods in which a device has open fds (kernel-
 * semantics.md §7.6; C-13 "vfio: Provide better generic support for open/release vfio_device_ops",
 * 2fd585f4ed9d, v5.15): `open_device` runs only for the first fd (none open yet, and not twice in a row),
 * `close_device` only for the last one. A driver may implement either alone (mbochs has only
 * `close_device`). Kernels before 5.15 call `open`/`release` per fd instead; those are not held to it.
 */
export const openCloseAlternate: Invariant = {
  name: 'open-close-alternate',
  rule: 'kernel-semantics.md §7.6; C-13 (2fd585f4ed9d)',
  create() {
    const devices = new DeviceInstances();
    return {
      onEvent(e, ctx) {
        if (!ctx.kernel.profile.switches.openCloseCounting) return null;
        const d = devices.feed(e);
        if (!d) return null;
        if (e.kind === 'vfio.fd.open' || e.kind === 'vfio.fd.close') d.openFds = e.openCount;
        if (e.kind === 'vendor.enter' && e.cb === 'open_device') {
          if (d.vendorOpen) return `${d.uuid}: open_device twice without a close_device`;
          if (d.openFds > 0)
            return `${d.uuid}: open_device with ${d.openFds} fd(s) already open (not the first open)`;
          d.vendorOpen = true;
        }
        if (e.kind === 'vendor.exit' && e.cb === 'open_device' && e.ret !== 0) d.vendorOpen = false;
        if (e.kind === 'vendor.enter' && e.cb === 'close_device') {
          if (d.openFds !== 1)
            return `${d.uuid}: close_device with ${d.openFds} fd(s) open (not the last close)`;
          d.vendorOpen = false;
        }
        return null;
      },
    };
  },
};
