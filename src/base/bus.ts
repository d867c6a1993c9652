import type { Kernfs, KernfsNode } from '../fs/kernfs.ts';
import type { Task } from '../kernel/task.ts';
import type { Device } from './device.ts';
import type { DeviceDriver } from './driver.ts';

/**
 * A `struct bus_type` (here only "mdev"): `/sys/bus/<name>/{devices,drivers}`, and the bus's probe/remove
 * that bind a device to a driver. `match` decides automatic binding at device_add (the 4.10 mdev bus has
 * none, so every driver matches; the 6.1 bus matches nothing and binds only explicitly).
 */
export class Bus {
  readonly dir: KernfsNode;
  readonly devicesDir: KernfsNode;
  readonly driversDir: KernfsNode;
  readonly drivers = new Map<string, DeviceDriver>();

  constructor(
    kernfs: Kernfs,
    readonly name: string,
    readonly ops: {
      probe(task: Task, dev: Device, drv: DeviceDriver): Promise<number>;
      remove(task: Task, dev: Device, drv: DeviceDriver): Promise<void>;
      /** Automatic binding at device_add: true when `drv` may bind `dev`. */
      match(dev: Device, drv: DeviceDriver): boolean;
    },
  ) {
    this.dir = kernfs.mkdirs(`/sys/bus/${name}`);
    this.devicesDir = kernfs.mkdirs(`/sys/bus/${name}/devices`);
    this.driversDir = kernfs.mkdirs(`/sys/bus/${name}/drivers`);
  }
}
