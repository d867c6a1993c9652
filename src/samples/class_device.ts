import { Device } from '../base/device.ts';
import type { Kernel } from '../kernel/kernel.ts';
import type { Task } from '../kernel/task.ts';

/**
 * `class_create()` + `device_register()` of a parentless class device, as the samples create their
 * parent (`/sys/devices/virtual/mtty/mtty`, linked from `/sys/class/mtty/mtty`).
 */
export async function registerClassDevice(
  k: Kernel,
  task: Task,
  className: string,
  name: string,
): Promise<Device | number> {
  const dev = new Device(async () => {});
  dev.name = name;
  dev.className = className;
  const ret = await k.core.deviceAdd(task, dev);
  return ret ? ret : dev;
}

/** `device_unregister()` + `class_destroy()` of a sample's parent device. */
export async function unregisterClassDevice(k: Kernel, task: Task, dev: Device): Promise<void> {
  await k.core.deviceDel(task, dev);
  await k.core.putDevice(task, dev);
  const cls = k.kernfs.lookup(`/sys/class/${dev.className}`);
  if (typeof cls !== 'number' && cls.children.size === 0) k.kernfs.unlink(cls);
  const virt = k.kernfs.lookup(`/sys/devices/virtual/${dev.className}`);
  if (typeof virt !== 'number' && virt.children.size === 0) k.kernfs.unlink(virt);
}
