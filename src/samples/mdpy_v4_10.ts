import type { Device } from '../base/device.ts';
import { EINVAL, ENODEV, ENOMEM } from '../kernel/errno.ts';
import type { Kernel, ModuleDef } from '../kernel/kernel.ts';
import type { MdevDevice } from '../mdev/mdev_device.ts';
import type { MdevParentOps } from '../mdev/mdev_driver_ops.ts';
import { MDPY_TYPES } from './mdpy_v6_1.ts';
import { EmulatedPci } from './pci_emulation.ts';
import { registerSample410, unregisterSample410 } from './sample_parent_v4_10.ts';
import { VendorState } from './vendor_state.ts';

class MdpyState410 extends VendorState {
  readonly pci = new EmulatedPci({ vendor: 0x1b36, device: 0x000f, numRegions: 9, configSize: 0x100 });
}

/**
 * mdpy in its first upstream form (2018, `parent_ops`), run against the 4.10 interface — mdpy did not
 * exist in 4.10 (kernel-semantics.md §2.1, §4.3). Its instance limit is a plain `mdpy_count` checked and
 * incremented without a lock around a sleeping allocation (check-then-act; -ENOMEM when full), fixed
 * only when 6.1 moved the counting into the core (C-12). `open` pins the mdpy module (from memory of the
 * 4.16 sample, UNVERIFIED).
 */
export function mdpyV410Module(name = 'mdpy'): ModuleDef {
  let kernel: Kernel | null = null;
  const k = (): Kernel => kernel!;
  let parentDev: Device | null = null;
  let maxDevices = 4;
  let count = 0;

  const state = (mdev: MdevDevice) => mdev.vendorData as MdpyState410 | null | undefined;
  const ops: MdevParentOps = {
    owner: name,
    mdevAttrGroups: (mdev) => {
      const t = MDPY_TYPES.find((x) => `mdpy-${x.sysfsName}` === mdev.type.dirName);
      return [{ name: 'vendor', attrs: { resolution: { show: async () => `${t?.width}x${t?.height}\n` } } }];
    },
    supportedTypeGroups: MDPY_TYPES.map((t) => ({
      name: t.sysfsName,
      attrs: {
        name: async (_task, type) => `${type.dirName}\n`,
        description: async () => `virtual display, ${t.width}x${t.height} framebuffer\n`,
        available_instances: async () => `${maxDevices - count}\n`,
        device_api: async () => 'vfio-pci\n',
      },
    })),
    create: async (task, type, mdev) => {
      if (count >= maxDevices) return -ENOMEM;
      if (!MDPY_TYPES.some((t) => `mdpy-${t.sysfsName}` === type.dirName)) return -EINVAL;
      await k().rt.preempt(task, 'mdpy_create: vmalloc_user(framebuffer)');
      mdev.vendorData = new MdpyState410(mdev.uuid, name).allocated(k(), task);
      count++;
      return 0;
    },
    remove: async (task, mdev) => {
      const s = state(mdev);
      if (!s) return -EINVAL;
      mdev.vendorData = null;
      s.free(k(), task);
      count--;
      return 0;
    },
    open: async () => (k().modules.tryGet(name) ? 0 : -ENODEV),
    release: async () => k().modules.put(name),
    read: async (task, mdev, n, off) => {
      const s = state(mdev);
      return s?.use(k(), task, 'read') ? s.pci.read(n, off) : -EINVAL;
    },
    write: async (task, mdev, data, off) => {
      const s = state(mdev);
      return s?.use(k(), task, 'write') ? s.pci.write(data, off) : -EINVAL;
    },
    ioctl: async (task, mdev, cmd, arg) => {
      const s = state(mdev);
      return s?.use(k(), task, 'ioctl') ? s.pci.ioctl(cmd, arg) : -EINVAL;
    },
  };

  return {
    name,
    deps: ['vfio', 'mdev'],
    params: { count: { type: 'int', default: 4, writable: false, description: 'number of mdpy devices' } },
    async init(kern, task, params) {
      kernel = kern;
      maxDevices = Number(params.count);
      count = 0;
      const dev = await registerSample410(kern, task, 'mdpy', ops, () => {});
      if (typeof dev === 'number') return dev;
      parentDev = dev;
      return 0;
    },
    async exit(kern, task) {
      if (parentDev) await unregisterSample410(kern, task, parentDev);
      parentDev = null;
    },
  };
}
