import type { Device } from '../base/device.ts';
import { EINVAL, ENODEV } from '../kernel/errno.ts';
import type { Kernel, ModuleDef } from '../kernel/kernel.ts';
import { Mutex } from '../kernel/mutex.ts';
import type { Task } from '../kernel/task.ts';
import type { MdevDevice } from '../mdev/mdev_device.ts';
import type { MdevParentOps, MdevTypeGroup } from '../mdev/mdev_driver_ops.ts';
import { MTTY_MAX_PORTS } from './mtty_v6_1.ts';
import { EmulatedPci } from './pci_emulation.ts';
import { registerSample410, unregisterSample410 } from './sample_parent_v4_10.ts';
import { VendorState } from './vendor_state.ts';

class MttyState410 extends VendorState {
  readonly pci = new EmulatedPci({ vendor: 0x4348, device: 0x3253, numRegions: 9, configSize: 0xff });
  constructor(
    readonly mdev: MdevDevice,
    readonly nrPorts: number,
  ) {
    super(mdev.uuid, 'mtty');
  }
}

/**
 * samples/vfio-mdev/mtty.c at 4.10 (torvalds 99e3123e3d72, kernel-semantics.md §4.1): `parent_ops` with
 * vendor type groups "1" and "2". `create` never checks the free ports (instances are unbounded and
 * `available_instances` goes negative, `%d`: fixed by 97d0a6874478 in 5.14, C-11); `remove` frees the
 * state at once and never refuses a known device (-EINVAL for an unknown one); `available_instances`
 * walks the device list without its lock (C-10); the list and its lock are initialised after
 * `mdev_register_device()` returns; device-fd callbacks see NULL drvdata once removed (ioctl -ENODEV,
 * read/write -EINVAL).
 */
export function mttyV410Module(name = 'mtty'): ModuleDef {
  let kernel: Kernel | null = null;
  const k = (): Kernel => kernel!;
  let parentDev: Device | null = null;
  /** `mdev_devices_list` and its `mdev_list_lock`, null until initialised. */
  let devices: MttyState410[] | null = null;
  let listLock: Mutex | null = null;

  const availableInstances = async (task: Task, nrPorts: number): Promise<string> => {
    let used = 0;
    const list = devices ?? [];
    let i = 0;
    while (i < list.length) {
      const entry = list[i]!;
      await k().rt.preempt(task, 'mtty available_instances: walking mdev_devices_list unlocked');
      if (!entry.use(k(), task, 'available_instances list walk')) break;
      used += entry.nrPorts;
      const at = list.indexOf(entry);
      i = at < 0 ? i : at + 1;
    }
    return `${Math.trunc((MTTY_MAX_PORTS - used) / nrPorts)}\n`;
  };

  const typeGroup = (group: string, nrPorts: number, pretty: string): MdevTypeGroup => ({
    name: group,
    attrs: {
      name: async () => `${pretty}\n`,
      available_instances: (task) => availableInstances(task, nrPorts),
      device_api: async () => 'vfio-pci\n',
    },
  });

  const state = (mdev: MdevDevice) => mdev.vendorData as MttyState410 | null | undefined;

  const ops: MdevParentOps = {
    owner: name,
    devAttrGroups: [
      { name: 'mtty_dev', attrs: { sample_mtty_dev: { show: async () => 'This is phy device\n' } } },
    ],
    mdevAttrGroups: (mdev) => [
      { name: 'vendor', attrs: { sample_mdev_dev: { show: async () => `This is MDEV ${mdev.uuid}\n` } } },
    ],
    supportedTypeGroups: [typeGroup('1', 1, 'Single port serial'), typeGroup('2', 2, 'Dual port serial')],
    create: async (task, type, mdev) => {
      const nrPorts =
        type.dirName === `${type.parent.driverString}-1`
          ? 1
          : type.dirName === `${type.parent.driverString}-2`
            ? 2
            : 0;
      if (!nrPorts) return -EINVAL;
      const s = new MttyState410(mdev, nrPorts).allocated(k(), task);
      mdev.vendorData = s;
      if (!devices || !listLock) {
        k().reportBug(
          task,
          'uninitialized',
          'mtty: create used mdev_devices_list before mtty_dev_init initialised it',
        );
        return 0;
      }
      await listLock.lock(task);
      devices.push(s);
      listLock.unlock(task);
      return 0;
    },
    remove: async (task, mdev) => {
      if (!devices || !listLock) return -EINVAL;
      await listLock.lock(task);
      const s = devices.find((d) => d.mdev === mdev);
      let ret = -EINVAL;
      if (s) {
        devices.splice(devices.indexOf(s), 1);
        mdev.vendorData = null;
        s.free(k(), task);
        ret = 0;
      }
      listLock.unlock(task);
      return ret;
    },
    open: async (_task, mdev) => {
      k().klog.log(6, `mtty_open: ${mdev.uuid}`);
      return 0;
    },
    release: async (_task, mdev) => {
      k().klog.log(6, `mtty_close: ${mdev.uuid}`);
    },
    read: async (task, mdev, count, offset) => {
      const s = state(mdev);
      if (!s) return -EINVAL;
      return s.use(k(), task, 'read') ? s.pci.read(count, offset) : -EINVAL;
    },
    write: async (task, mdev, data, offset) => {
      const s = state(mdev);
      if (!s) return -EINVAL;
      return s.use(k(), task, 'write') ? s.pci.write(data, offset) : -EINVAL;
    },
    ioctl: async (task, mdev, cmd, arg) => {
      const s = state(mdev);
      if (!s) return -ENODEV;
      return s.use(k(), task, 'ioctl') ? s.pci.ioctl(cmd, arg) : -ENODEV;
    },
  };

  return {
    name,
    deps: ['vfio', 'mdev'],
    params: {},
    async init(kern, task) {
      kernel = kern;
      devices = null;
      listLock = null;
      kern.klog.log(6, 'mtty_dev: mtty_dev_init');
      kern.klog.log(6, 'major_number:245');
      const dev = await registerSample410(kern, task, 'mtty', ops, () => {
        listLock = new Mutex(kern.rt, 'mtty mdev_list_lock');
        devices = [];
      });
      if (typeof dev === 'number') return dev;
      parentDev = dev;
      return 0;
    },
    async exit(kern, task) {
      if (parentDev) await unregisterSample410(kern, task, parentDev);
      parentDev = null;
      kern.klog.log(6, 'mtty_dev: Unloaded!');
    },
  };
}
