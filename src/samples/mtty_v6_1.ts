import type { Kernel } from '../kernel/kernel.ts';
import type { MdevDevice } from '../mdev/mdev_device.ts';
import type { MdevDriver } from '../mdev/mdev_driver_ops.ts';
import type { ModuleDef } from '../module/module.ts';
import type { VfioDevice, VfioDeviceOps } from '../vfio/vfio_device.ts';
import { EmulatedPci, emulatedPciOps } from './pci_emulation.ts';
import { ResourcePool } from './resource_pool.ts';
import {
  probeEmulated,
  registerSample61,
  removeEmulated,
  type Sample61Parent,
  unregisterSample61,
} from './sample_parent.ts';
import { VendorState } from './vendor_state.ts';

/** mtty's pool of serial ports shared by all instances (`MAX_MTTYS`). */
export const MTTY_MAX_PORTS = 24;

/** `struct mdev_state` of mtty: its ports and emulated PCI function. */
class MttyState extends VendorState {
  readonly pci = new EmulatedPci({ vendor: 0x4348, device: 0x3253, numRegions: 9, configSize: 0xff });
  constructor(
    uuid: string,
    readonly nrPorts: number,
  ) {
    super(uuid, 'mtty');
  }
}

/**
 * samples/vfio-mdev/mtty.c at 6.1 (kernel-semantics.md §4.2): types `mtty-1` (1 port) and `mtty-2` (2
 * ports) drawing on one pool of 24 ports; `get_available` = free ports / ports of the type; `init`
 * reserves the ports atomically (`atomic_try_cmpxchg`; -ENOSPC when short) and `release` gives them back
 * — only once the VFIO device is released, i.e. after the last device fd closed. No open/close callbacks.
 */
export function mttyV61Module(name = 'mtty'): ModuleDef {
  const pool = new ResourcePool(MTTY_MAX_PORTS);
  let registered: Sample61Parent | null = null;
  let kernel: Kernel | null = null;
  const k = (): Kernel => kernel!;

  const state = (vdev: VfioDevice) => vdev.priv as MttyState;
  const ops: VfioDeviceOps = {
    name: 'vfio-mtty',
    init: async (task, vdev) => {
      const mdev = vdev.dev as MdevDevice;
      const need = Number(mdev.type.vendorData.nrPorts);
      const ret = pool.reserve(need);
      if (ret) return ret;
      vdev.priv = new MttyState(mdev.uuid, need).allocated(k(), task);
      return 0;
    },
    release: async (task, vdev) => {
      const s = state(vdev);
      pool.give(s.nrPorts);
      s.free(k(), task);
    },
    ...emulatedPciOps<VfioDevice>(k, state),
  };

  const driver: MdevDriver = {
    name,
    owner: name,
    deviceApi: 'vfio-pci',
    maxInstances: 0,
    probe: (task, mdev) => probeEmulated(k(), task, mdev, ops, name),
    remove: (task, mdev) => removeEmulated(k(), task, mdev),
    getAvailable: async (_task, type) => Math.floor(pool.avail / Number(type.vendorData.nrPorts)),
    devGroups: (mdev) => [
      { name: 'vendor', attrs: { sample_mdev_dev: { show: async () => `This is MDEV ${mdev.uuid}\n` } } },
    ],
  };

  return {
    name,
    deps: ['vfio', 'mdev'],
    params: {},
    async init(kern, task) {
      kernel = kern;
      pool.avail = MTTY_MAX_PORTS;
      kern.klog.log(6, 'mtty_dev: mtty_dev_init');
      kern.klog.log(6, 'major_number:245');
      const r = await registerSample61(kern, task, 'mtty', driver, [
        { sysfsName: '1', prettyName: 'Single port serial', vendorData: { nrPorts: 1 } },
        { sysfsName: '2', prettyName: 'Dual port serial', vendorData: { nrPorts: 2 } },
      ]);
      if (typeof r === 'number') return r;
      registered = r;
      return 0;
    },
    async exit(kern, task) {
      if (registered) await unregisterSample61(kern, task, registered, driver);
      registered = null;
      kern.klog.log(6, 'mtty_dev: Unloaded!');
    },
  };
}
