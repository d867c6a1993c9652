import { EFAULT } from '../kernel/errno.ts';
import type { Kernel, ModuleDef } from '../kernel/kernel.ts';
import type { MdevDevice } from '../mdev/mdev_device.ts';
import type { MdevDriver } from '../mdev/mdev_driver_ops.ts';
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

/** mbochs' types: directory suffix and video memory in MB. */
export const MBOCHS_TYPES = [
  { sysfsName: 'small', mbytes: 4 },
  { sysfsName: 'medium', mbytes: 16 },
  { sysfsName: 'large', mbytes: 64 },
] as const;

class MbochsState extends VendorState {
  readonly pci = new EmulatedPci({ vendor: 0x1234, device: 0x1111, numRegions: 10, configSize: 0x100 });
  /** dma-bufs handed out while the device is open; `close_device` frees them. */
  dmabufs = 0;
  constructor(
    uuid: string,
    owner: string,
    readonly mbytes: number,
  ) {
    super(uuid, owner);
  }
}

/**
 * samples/vfio-mdev/mbochs.c at 6.1 (kernel-semantics.md §4.4): types small/medium/large (4/16/64 MB) drawing
 * on one memory pool (module parameter `count`, default 256 MB); `get_available` = free MB / type MB;
 * `init` reserves atomically (-ENOSPC), `release` gives the memory back; `close_device` (last close only,
 * 5.15+) frees the dma-bufs.
 */
export function mbochsV61Module(name = 'mbochs'): ModuleDef {
  const pool = new ResourcePool(256);
  let registered: Sample61Parent | null = null;
  let kernel: Kernel | null = null;
  const k = (): Kernel => kernel!;
  const state = (vdev: VfioDevice) => vdev.priv as MbochsState;

  const pciOps = emulatedPciOps<VfioDevice>(k, state);
  const ops: VfioDeviceOps = {
    init: async (task, vdev) => {
      const mdev = vdev.dev as MdevDevice;
      const need = Number(mdev.type.vendorData.mbytes);
      const ret = pool.reserve(need);
      if (ret) return ret;
      vdev.priv = new MbochsState(mdev.uuid, name, need).allocated(k(), task);
      return 0;
    },
    release: async (task, vdev) => {
      const s = state(vdev);
      pool.give(s.mbytes);
      s.free(k(), task);
    },
    closeDevice: async (task, vdev) => {
      const s = state(vdev);
      if (s.use(k(), task, 'close_device')) s.dmabufs = 0;
    },
    ...pciOps,
    ioctl: async (task, vdev, cmd, arg) => {
      const s = state(vdev);
      if (cmd !== 'VFIO_DEVICE_QUERY_GFX_PLANE') return pciOps.ioctl(task, vdev, cmd, arg);
      if (!s.use(k(), task, 'ioctl')) return -EFAULT;
      s.dmabufs++;
      return 0;
    },
    mmap: async (task, vdev) => (state(vdev).use(k(), task, 'mmap') ? 0 : -EFAULT),
  };

  const driver: MdevDriver = {
    name,
    owner: name,
    deviceApi: 'vfio-pci',
    maxInstances: 0,
    probe: (task, mdev) => probeEmulated(k(), task, mdev, ops, name),
    remove: (task, mdev) => removeEmulated(k(), task, mdev),
    getAvailable: async (_task, type) => Math.floor(pool.avail / Number(type.vendorData.mbytes)),
    showDescription: (type) => `virtual display, ${type.vendorData.mbytes} MB video memory\n`,
    devGroups: (mdev) => [
      { name: 'vendor', attrs: { memory: { show: async () => `${mdev.type.vendorData.mbytes} MB\n` } } },
    ],
  };

  return {
    name,
    deps: ['vfio', 'mdev'],
    params: {
      count: {
        type: 'int',
        default: 256,
        writable: false,
        description: 'megabytes available to mbochs devices',
      },
    },
    async init(kern, task, params) {
      kernel = kern;
      pool.avail = Number(params.count);
      kern.klog.log(6, 'mbochs_dev_init: major 243');
      const r = await registerSample61(
        kern,
        task,
        'mbochs',
        driver,
        MBOCHS_TYPES.map((t) => ({
          sysfsName: t.sysfsName,
          prettyName: `mbochs-${t.sysfsName}`,
          vendorData: { mbytes: t.mbytes },
        })),
      );
      if (typeof r === 'number') return r;
      registered = r;
      return 0;
    },
    async exit(kern, task) {
      if (registered) await unregisterSample61(kern, task, registered, driver);
      registered = null;
    },
  };
}
