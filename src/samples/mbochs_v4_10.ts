import type { Device } from '../base/device.ts';
import { EINVAL, ENODEV, ENOMEM } from '../kernel/errno.ts';
import type { Kernel, ModuleDef } from '../kernel/kernel.ts';
import type { MdevDevice } from '../mdev/mdev_device.ts';
import type { MdevParentOps } from '../mdev/mdev_driver_ops.ts';
import { MBOCHS_TYPES } from './mbochs_v6_1.ts';
import { EmulatedPci } from './pci_emulation.ts';
import { registerSample410, unregisterSample410 } from './sample_parent_v4_10.ts';
import { VendorState } from './vendor_state.ts';

class MbochsState410 extends VendorState {
  readonly pci = new EmulatedPci({ vendor: 0x1234, device: 0x1111, numRegions: 10, configSize: 0x100 });
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
 * mbochs in its first upstream form (2018, `parent_ops`), run against the 4.10 interface — mbochs did not
 * exist in 4.10 (kernel-semantics.md §4.4). `mbochs_used_mbytes` is a plain int, checked before and
 * increased after a sleeping allocation (check-then-act, -ENOMEM: C-12, fixed in 5.14 by de5494af4815);
 * `release` frees the dma-bufs on every fd close, since the 4.x core has no open counting (C-13, fixed in
 * 5.15). `open` pins the module (from memory of the sample, UNVERIFIED).
 */
export function mbochsV410Module(name = 'mbochs'): ModuleDef {
  let kernel: Kernel | null = null;
  const k = (): Kernel => kernel!;
  let parentDev: Device | null = null;
  let maxMbytes = 256;
  let usedMbytes = 0;

  const state = (mdev: MdevDevice) => mdev.vendorData as MbochsState410 | null | undefined;
  const mbytesOf = (dirName: string) =>
    MBOCHS_TYPES.find((t) => `mbochs-${t.sysfsName}` === dirName)?.mbytes ?? 0;
  const ops: MdevParentOps = {
    owner: name,
    mdevAttrGroups: (mdev) => [
      { name: 'vendor', attrs: { memory: { show: async () => `${mbytesOf(mdev.type.dirName)} MB\n` } } },
    ],
    supportedTypeGroups: MBOCHS_TYPES.map((t) => ({
      name: t.sysfsName,
      attrs: {
        name: async (_task, type) => `${type.dirName}\n`,
        description: async () => `virtual display, ${t.mbytes} MB video memory\n`,
        available_instances: async () => `${Math.trunc((maxMbytes - usedMbytes) / t.mbytes)}\n`,
        device_api: async () => 'vfio-pci\n',
      },
    })),
    create: async (task, type, mdev) => {
      const mbytes = mbytesOf(type.dirName);
      if (!mbytes) return -EINVAL;
      if (mbytes + usedMbytes > maxMbytes) return -ENOMEM;
      await k().rt.preempt(task, 'mbochs_create: allocating pages');
      mdev.vendorData = new MbochsState410(mdev.uuid, name, mbytes).allocated(k(), task);
      usedMbytes += mbytes;
      return 0;
    },
    remove: async (task, mdev) => {
      const s = state(mdev);
      if (!s) return -EINVAL;
      usedMbytes -= s.mbytes;
      mdev.vendorData = null;
      s.free(k(), task);
      return 0;
    },
    open: async () => (k().modules.tryGet(name) ? 0 : -ENODEV),
    release: async (task, mdev) => {
      const s = state(mdev);
      if (s?.use(k(), task, 'release')) s.dmabufs = 0;
      k().modules.put(name);
    },
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
      if (!s?.use(k(), task, 'ioctl')) return -EINVAL;
      if (cmd === 'VFIO_DEVICE_QUERY_GFX_PLANE') {
        s.dmabufs++;
        return 0;
      }
      return s.pci.ioctl(cmd, arg);
    },
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
      maxMbytes = Number(params.count);
      usedMbytes = 0;
      const dev = await registerSample410(kern, task, 'mbochs', ops, () => {});
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
