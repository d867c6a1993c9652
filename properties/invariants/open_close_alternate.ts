import type { Invariant } from '../invariant.ts';
import { DeviceInstances } from './device_instances.ts';

/**
 * The vendor's open and close callbacks bracket the periods in which a device has open fds (kernel-semantics.md
 * §7.6; C-13 "vfio: Provide better generic support for open/release vfio_device_ops", 2fd585f4ed9d, v5.15):
 * open runs only for the first fd (none open yet, and not twice in a row), close only for the last one. The
 * callbacks are `open_device`/`close_device` (6.1) or the 4.x `open`/`release` behind vfio_mdev; a driver
 * may implement either alone (mbochs has only `close_device`). Kernels before 5.15 call them for every fd —
 * C-13, which drivers written for the first-open/last-close contract then trip over.
 */
export const openCloseAlternate: Invariant = {
  name: 'open-close-alternate',
  rule: 'kernel-semantics.md §7.6; C-13 (2fd585f4ed9d)',
  create() {
    const devices = new DeviceInstances();
    return {
      onEvent(e, ctx) {
        const legacy = ctx.kernel.profile.switches.driverInterface === 'parent_ops';
        const opening = legacy ? 'open' : 'open_device';
        const closing = legacy ? 'release' : 'close_device';
        const d = devices.feed(e);
        if (!d) return null;
        if (e.kind === 'vfio.fd.open' || e.kind === 'vfio.fd.close') d.openFds = e.openCount;
        if (e.kind === 'vendor.enter' && e.cb === opening) {
          if (d.vendorOpen && d.openFds > 0)
            return `${d.uuid}: ${opening} with ${d.openFds} fd(s) already open (not the first open)`;
          if (d.vendorOpen) return `${d.uuid}: ${opening} twice without a ${closing}`;
          d.vendorOpen = true;
        }
        if (e.kind === 'vendor.exit' && e.cb === opening && e.ret !== 0) d.vendorOpen = false;
        if (e.kind === 'vendor.enter' && e.cb === closing) {
          if (d.openFds !== 1)
            return `${d.uuid}: ${closing} with ${d.openFds} fd(s) open (not the last close)`;
          d.vendorOpen = false;
        }
        return null;
      },
    };
  },
};
