import { EFAULT } from '../kernel/errno.ts';
import type { Kernel, ModuleDef } from '../kernel/kernel.ts';
import type { MdevDevice } from '../mdev/mdev_device.ts';
import type { MdevDriver } from '../mdev/mdev_driver_ops.ts';
import type { VfioDevice, VfioDeviceOps } from '../vfio/vfio_device.ts';
import { EmulatedPci, emulatedPciOps } from './pci_emulation.ts';
import {
  probeEmulated,
  registerSample61,
  removeEmulated,
  type Sample61Parent,
  unregisterSample61,
} from './sample_parent.ts';
import { VendorState } from './vendor_state.ts';

/** mdpy's display types: directory suffix, resolution. */
export const MDPY_TYPES = [
  { sysfsName: 'vga', width: 640, height: 480 },
  { sysfsName: 'xga', width: 1024, height: 768 },
  { sysfsName: 'hd', width: 1920, height: 1080 },
] as const;

class MdpyState extends VendorState {
  readonly pci = new EmulatedPci({ vendor: 0x1b36, device: 0x000f, numRegions: 9, configSize: 0x100 });
}

/**
 * samples/vfio-mdev/mdpy.c at 6.1 (kernel-semantics.md §4.3): types `mdpy-vga`, `mdpy-xga`, `mdpy-hd` with
 * a `description`; no `get_available`, so the core counts instances per parent (`max_instances` = module
 * parameter `count`, default 4, shared by the three types; -EUSERS when exhausted, given back at release).
 */
export function mdpyV61Module(name = 'mdpy'): ModuleDef {
  let registered: Sample61Parent | null = null;
  let kernel: Kernel | null = null;
  const k = (): Kernel => kernel!;
  const state = (vdev: VfioDevice) => vdev.priv as MdpyState;

  const ops: VfioDeviceOps = {
    init: async (task, vdev) => {
      const mdev = vdev.dev as MdevDevice;
      vdev.priv = new MdpyState(mdev.uuid, name).allocated(k(), task);
      k().klog.devInfo(
        name,
        mdev.uuid,
        `mdpy_init_dev: ${mdev.type.prettyName} (${mdev.type.vendorData.width}x${mdev.type.vendorData.height})`,
      );
      return 0;
    },
    release: async (task, vdev) => state(vdev).free(k(), task),
    ...emulatedPciOps<VfioDevice>(k, state),
    mmap: async (task, vdev) => (state(vdev).use(k(), task, 'mmap') ? 0 : -EFAULT),
  };

  const driver = (maxInstances: number): MdevDriver => ({
    name,
    owner: name,
    deviceApi: 'vfio-pci',
    maxInstances,
    probe: (task, mdev) => {
      k().klog.devInfo(name, mdev.uuid, 'mdpy_probe');
      return probeEmulated(k(), task, mdev, ops, name);
    },
    remove: (task, mdev) => {
      k().klog.devInfo(name, mdev.uuid, 'mdpy_remove');
      return removeEmulated(k(), task, mdev);
    },
    showDescription: (type) =>
      `virtual display, ${type.vendorData.width}x${type.vendorData.height} framebuffer\n`,
    devGroups: (mdev) => [
      {
        name: 'vendor',
        attrs: {
          resolution: { show: async () => `${mdev.type.vendorData.width}x${mdev.type.vendorData.height}\n` },
        },
      },
    ],
  });
  let drv: MdevDriver | null = null;

  return {
    name,
    deps: ['vfio', 'mdev'],
    params: { count: { type: 'int', default: 4, writable: false, description: 'number of mdpy devices' } },
    async init(kern, task, params) {
      kernel = kern;
      drv = driver(Number(params.count));
      kern.klog.log(6, 'mdpy_dev_init: major 244');
      const r = await registerSample61(
        kern,
        task,
        'mdpy',
        drv,
        MDPY_TYPES.map((t) => ({
          sysfsName: t.sysfsName,
          prettyName: `mdpy-${t.sysfsName}`,
          vendorData: { width: t.width, height: t.height },
        })),
      );
      if (typeof r === 'number') return r;
      registered = r;
      return 0;
    },
    async exit(kern, task) {
      if (registered && drv) await unregisterSample61(kern, task, registered, drv);
      registered = null;
    },
  };
}
