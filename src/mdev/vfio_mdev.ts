import { EINVAL, ENODEV } from '../kernel/errno.ts';
import type { Kernel, ModuleDef } from '../kernel/kernel.ts';
import type { Task } from '../kernel/task.ts';
import type { VfioDevice, VfioDeviceOps } from '../vfio/vfio_device.ts';
import type { MdevBusDriver } from './mdev_bus_driver.ts';
import type { MdevDevice } from './mdev_device.ts';
import type { MdevParentOps } from './mdev_driver_ops.ts';

/**
 * vfio_mdev.ko (4.x `CONFIG_VFIO_MDEV_DEVICE`, kernel-semantics.md §1.7): the mdev bus driver that makes
 * every mdev a VFIO device. Its probe is `vfio_add_group_dev()` on the device's IOMMU group, its remove
 * `vfio_del_group_dev()`, which waits for the device fds. Its device ops forward to the parent's
 * `parent_ops`: `open` pins vfio_mdev itself (not the vendor module) and needs `parent_ops->open`
 * (-EINVAL without); the core calls it on every GET_DEVICE_FD and `release` on every close (no counting
 * before 5.15); missing read/write/ioctl/mmap are -EINVAL.
 */
export function vfioMdevModule(): ModuleDef {
  let driver: MdevBusDriver | null = null;

  const parentOps = (vdev: VfioDevice): MdevParentOps => (vdev.dev as MdevDevice).type.parent.ops!;
  const forward = (k: Kernel): VfioDeviceOps => ({
    name: 'vfio-mdev',
    openDevice: async (task, vdev) => {
      const ops = parentOps(vdev);
      if (!ops.open) return -EINVAL;
      if (!k.modules.tryGet('vfio_mdev')) return -ENODEV;
      const mdev = vdev.dev as MdevDevice;
      const ret = await k.vendorCall(task, 'open', ops.owner, mdev, () => ops.open!(task, mdev));
      if (ret) k.modules.put('vfio_mdev');
      return ret;
    },
    closeDevice: async (task, vdev) => {
      const ops = parentOps(vdev);
      const mdev = vdev.dev as MdevDevice;
      if (ops.release) {
        await k.vendorCall(task, 'release', ops.owner, mdev, async () => {
          await ops.release!(task, mdev);
          return 0;
        });
      }
      k.modules.put('vfio_mdev');
    },
    read: (task, vdev, count, offset) =>
      forwardOp(parentOps(vdev).read, (f) => f(task, vdev.dev as MdevDevice, count, offset)),
    write: (task, vdev, data, offset) =>
      forwardOp(parentOps(vdev).write, (f) => f(task, vdev.dev as MdevDevice, data, offset)),
    ioctl: (task, vdev, cmd, arg) =>
      forwardOp(parentOps(vdev).ioctl, (f) => f(task, vdev.dev as MdevDevice, cmd, arg)),
    mmap: (task, vdev, offset, length) =>
      forwardOp(parentOps(vdev).mmap, (f) => f(task, vdev.dev as MdevDevice, offset, length)),
  });

  return {
    name: 'vfio_mdev',
    deps: ['vfio', 'mdev'],
    params: {},
    async init(k, task) {
      const mdevCore = k.mdevRequired();
      const ops = forward(k);
      driver = {
        name: 'vfio_mdev',
        bus: mdevCore.bus,
        owner: 'vfio_mdev',
        devGroups: () => [],
        probe: (t, mdev) => addGroupDev(k, t, mdev, ops),
        remove: async (t, mdev) => {
          const vdev = mdev.drvdata as VfioDevice | undefined;
          if (vdev) await k.vfioRequired().unregisterGroupDev(t, vdev);
        },
      };
      return mdevCore.drivers.registerBusDriver(task, driver);
    },
    async exit(k, task) {
      if (driver) await k.mdev?.drivers.unregisterBusDriver(task, driver);
      driver = null;
    },
  };
}

/** `vfio_add_group_dev(dev, &vfio_mdev_dev_ops, mdev)`: the VFIO device on the mdev's own IOMMU group. */
async function addGroupDev(k: Kernel, task: Task, mdev: MdevDevice, ops: VfioDeviceOps): Promise<number> {
  const vfio = k.vfioRequired();
  const iommu = [...k.iommu.live.values()].find((g) => g.devices.includes(mdev)) ?? null;
  const vdev = await vfio.allocDevice(task, mdev, ops, 'vfio_mdev');
  if (typeof vdev === 'number') return vdev;
  const ret = await vfio.registerGroupDev(task, vdev, iommu);
  if (ret) return ret;
  mdev.drvdata = vdev;
  return 0;
}

/** A `parent_ops` callback if the vendor has it, else -EINVAL (vfio_mdev's forwarding). */
async function forwardOp<F, T>(fn: F | undefined, call: (f: F) => Promise<T>): Promise<T | number> {
  return fn ? call(fn) : -EINVAL;
}
