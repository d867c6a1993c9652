import type { DeviceDriver } from '../base/driver.ts';
import type { Task } from '../kernel/task.ts';
import type { MdevDevice } from './mdev_device.ts';

/**
 * A driver on the mdev bus: 6.1 vendors' `struct mdev_driver` (probe = the vendor probe), or 4.10's
 * vfio_mdev bridge (the seed's `struct mdev_driver { name, probe, remove }`).
 */
export interface MdevBusDriver extends DeviceDriver {
  probe(task: Task, mdev: MdevDevice): Promise<number>;
  remove(task: Task, mdev: MdevDevice): Promise<void>;
}
