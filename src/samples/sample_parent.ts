import type { Device } from '../base/device.ts';
import type { Kernel } from '../kernel/kernel.ts';
import type { Task } from '../kernel/task.ts';
import type { MdevTypeSpec } from '../mdev/mdev_core.ts';
import type { MdevDevice } from '../mdev/mdev_device.ts';
import type { MdevDriver } from '../mdev/mdev_driver_ops.ts';
import type { MdevParent } from '../mdev/mdev_parent.ts';
import type { VfioDevice, VfioDeviceOps } from '../vfio/vfio_device.ts';
import { registerClassDevice, unregisterClassDevice } from './class_device.ts';

/** What a 6.1 sample module keeps between init and exit. */
export interface Sample61Parent {
  readonly dev: Device;
  readonly parent: MdevParent;
}

/**
 * The `module_init` sequence every 6.1 sample follows (mtty_dev_init, mdpy_dev_init, mbochs_dev_init):
 * `mdev_register_driver`, `class_create` + `device_register` of the parent, `mdev_register_parent`, with
 * the unwind on failure.
 */
export async function registerSample61(
  k: Kernel,
  task: Task,
  className: string,
  driver: MdevDriver,
  types: readonly MdevTypeSpec[],
): Promise<Sample61Parent | number> {
  const mdev = k.mdevRequired();
  let ret = mdev.drivers.register(driver);
  if (ret) return ret;
  const dev = await registerClassDevice(k, task, className, className);
  if (typeof dev === 'number') {
    mdev.drivers.unregister(driver);
    return dev;
  }
  const parent = await mdev.registerParent(task, dev, driver, types);
  if (typeof parent === 'number') {
    ret = parent;
    await unregisterClassDevice(k, task, dev);
    mdev.drivers.unregister(driver);
    return ret;
  }
  return { dev, parent };
}

/** The `module_exit` sequence: `mdev_unregister_parent`, `device_unregister`, `mdev_unregister_driver`. */
export async function unregisterSample61(
  k: Kernel,
  task: Task,
  s: Sample61Parent,
  driver: MdevDriver,
): Promise<void> {
  const mdev = k.mdevRequired();
  await mdev.unregisterParent(task, s.parent);
  await unregisterClassDevice(k, task, s.dev);
  mdev.drivers.unregister(driver);
}

/**
 * The 6.1 samples' probe: `vfio_alloc_device` (runs `ops.init`, where resources are reserved), then
 * `vfio_register_emulated_iommu_dev`; on failure `vfio_put_device` (runs `ops.release`, giving them back).
 */
export async function probeEmulated(
  k: Kernel,
  task: Task,
  mdev: MdevDevice,
  ops: VfioDeviceOps,
  owner: string,
): Promise<number> {
  const vfio = k.vfioRequired();
  const vdev = await vfio.allocDevice(task, mdev, ops, owner);
  if (typeof vdev === 'number') return vdev;
  const ret = await vfio.registerEmulatedIommuDev(task, vdev);
  if (ret) {
    await vfio.putDevice(task, vdev);
    return ret;
  }
  mdev.drvdata = vdev;
  return 0;
}

/** The 6.1 samples' remove: `vfio_unregister_group_dev` (waits for the device fds), then `vfio_put_device`. */
export async function removeEmulated(k: Kernel, task: Task, mdev: MdevDevice): Promise<void> {
  const vdev = mdev.drvdata as VfioDevice;
  const vfio = k.vfioRequired();
  await vfio.unregisterGroupDev(task, vdev);
  await vfio.putDevice(task, vdev);
}
