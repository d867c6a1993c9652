/**
 * A deliberately faulty mtty (6.1): its mdev driver's `remove` frees the device state and gives the ports
 * back before `vfio_unregister_group_dev` — which is where the kernel waits for the open device fds. A
 * user holding a device fd while the device is removed then reads freed memory (KASAN: use-after-free),
 * and the ports are handed out again while the old device still runs on them. The real sample frees in the
 * VFIO `release` callback, which runs only after the last fd is closed (kernel-semantics.md §4.2, §7.5).
 * Everything else is the sample's (`mttyV61Module`).
 */
import {
  defineVendorDriver,
  type MttyPorts,
  type MttyState,
  mttyAtomicPorts,
  mttyV61Module,
  removeEmulated,
  sampleParents,
  type VfioDevice,
} from 'mdevspec/driver';

function module() {
  let ports: MttyPorts | null = null;
  return mttyV61Module('mtty', {
    ports: (kernel) => {
      ports = mttyAtomicPorts(kernel);
      // Nothing left to do at release: remove already did it.
      return { ...ports, release: async () => {} };
    },
    remove: async (kernel, task, mdev) => {
      const state = (mdev.drvdata as VfioDevice).priv as MttyState;
      await ports!.release(task, state); // BUG: the device may still be open, and its fds reach this state
      await removeEmulated(kernel, task, mdev); // waits for the open fds, too late
    },
  });
}

export default defineVendorDriver({
  name: 'mtty-free-in-remove',
  description: 'mtty whose remove frees the device state while a device fd is still open',
  kernel: 'v6.1',
  module: 'mtty',
  create: module,
  accounting: sampleParents('v6.1').mtty!,
  plantedBug: 'remove frees the state and returns the ports before waiting for the open device fds',
});
