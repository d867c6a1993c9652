import type { Device } from '../../src/base/device.ts';
import { EBUSY, EINVAL, ENODEV } from '../../src/kernel/errno.ts';
import type { ModuleDef } from '../../src/kernel/kernel.ts';
import type { MdevDevice } from '../../src/mdev/mdev_device.ts';
import type { MdevParentOps } from '../../src/mdev/mdev_driver_ops.ts';
import { EmulatedPci } from '../../src/samples/pci_emulation.ts';
import { registerSample410, unregisterSample410 } from '../../src/samples/sample_parent_v4_10.ts';

/** Per-device state of the refusing vendor: its emulated PCI function and how many device fds are open. */
interface RefuserState {
  readonly pci: EmulatedPci;
  opens: number;
  freed: boolean;
}

/** The name of the test-only vendor module (and of its class, parent device and type prefix). */
export const REFUSER = 'refuser';

/**
 * A test-only 4.10 vendor driver (`parent_ops`) modelled on `src/samples/mtty_v4_10.ts`, but whose
 * `remove` refuses with -EBUSY while any device fd is open, the way KVMGT refused to remove a vGPU in use
 * (kernel-semantics.md §1.6 "The vendor `remove()` may refuse", §6.4 4.10 column). One type, `refuser-1`;
 * instances are unbounded. `open`/`release` count the open device fds (the 4.x core calls them on every
 * GET_DEVICE_FD and every close, §1.7).
 */
export function refusingVendorV410Module(): ModuleDef {
  let parentDev: Device | null = null;
  const state = (mdev: MdevDevice) => mdev.vendorData as RefuserState | null | undefined;

  const ops: MdevParentOps = {
    owner: REFUSER,
    supportedTypeGroups: [
      {
        name: '1',
        attrs: {
          name: async () => 'Refusing device\n',
          device_api: async () => 'vfio-pci\n',
          available_instances: async () => '1\n',
        },
      },
    ],
    create: async (_task, _type, mdev) => {
      mdev.vendorData = {
        pci: new EmulatedPci({ vendor: 0x8086, device: 0x1234, numRegions: 9, configSize: 0x100 }),
        opens: 0,
        freed: false,
      } satisfies RefuserState;
      return 0;
    },
    remove: async (_task, mdev) => {
      const s = state(mdev);
      if (!s) return -EINVAL;
      if (s.opens > 0) return -EBUSY;
      s.freed = true;
      mdev.vendorData = null;
      return 0;
    },
    open: async (_task, mdev) => {
      const s = state(mdev);
      if (!s) return -ENODEV;
      s.opens++;
      return 0;
    },
    release: async (_task, mdev) => {
      const s = state(mdev);
      if (s) s.opens--;
    },
    ioctl: async (_task, mdev, cmd, arg) => {
      const s = state(mdev);
      return s ? s.pci.ioctl(cmd, arg) : -ENODEV;
    },
  };

  return {
    name: REFUSER,
    deps: ['vfio', 'mdev'],
    params: {},
    async init(k, task) {
      const dev = await registerSample410(k, task, REFUSER, ops, () => {});
      if (typeof dev === 'number') return dev;
      parentDev = dev;
      return 0;
    },
    async exit(k, task) {
      if (parentDev) await unregisterSample410(k, task, parentDev);
      parentDev = null;
    },
  };
}
