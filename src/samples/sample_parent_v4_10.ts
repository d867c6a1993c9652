import type { Device } from '../base/device.ts';
import type { Kernel } from '../kernel/kernel.ts';
import type { Task } from '../kernel/task.ts';
import type { MdevParentOps } from '../mdev/mdev_driver_ops.ts';
import { registerClassDevice, unregisterClassDevice } from './class_device.ts';

/**
 * The 4.10 sample `module_init`: `class_create` + `device_register` of the parent, then
 * `mdev_register_device(dev, &parent_ops)`. `between` runs after registration returns and before the
 * module's own globals are initialised — mtty 4.10 initialises its device list only then (§4.1).
 */
export async function registerSample410(
  k: Kernel,
  task: Task,
  className: string,
  ops: MdevParentOps,
  between: () => void,
): Promise<Device | number> {
  const dev = await registerClassDevice(k, task, className, className);
  if (typeof dev === 'number') return dev;
  const ret = await k.mdevRequired().registerDevice(task, dev, ops);
  if (ret) {
    await unregisterClassDevice(k, task, dev);
    return ret;
  }
  await k.rt.preempt(task, `${className}: registered, globals not yet initialised`);
  between();
  return dev;
}

/** The 4.10 sample `module_exit`: `mdev_unregister_device` (waits for open device fds), `device_unregister`. */
export async function unregisterSample410(k: Kernel, task: Task, dev: Device): Promise<void> {
  await k.mdevRequired().unregisterDevice(task, dev);
  await unregisterClassDevice(k, task, dev);
}
