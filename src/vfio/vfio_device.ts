import type { Device } from '../base/device.ts';
import type { Completion } from '../kernel/completion.ts';
import type { Mutex } from '../kernel/mutex.ts';
import type { Task } from '../kernel/task.ts';
import type { VfioGroup } from './group.ts';

/**
 * `struct vfio_device_ops` (6.1): the vendor's device callbacks. `init` runs in `vfio_alloc_device` (where
 * samples reserve their resources), `release` at the last `vfio_put_device` (where they give them back).
 * With open counting (5.15+) `openDevice`/`closeDevice` run on the first open and the last close only.
 */
export interface VfioDeviceOps {
  readonly name?: string;
  init?(task: Task, vdev: VfioDevice): Promise<number>;
  release?(task: Task, vdev: VfioDevice): Promise<void>;
  openDevice?(task: Task, vdev: VfioDevice): Promise<number>;
  closeDevice?(task: Task, vdev: VfioDevice): Promise<void>;
  read?(task: Task, vdev: VfioDevice, count: number, offset: number): Promise<Uint8Array | number>;
  write?(task: Task, vdev: VfioDevice, data: Uint8Array, offset: number): Promise<number>;
  ioctl?(task: Task, vdev: VfioDevice, cmd: string, arg: unknown): Promise<number>;
  mmap?(task: Task, vdev: VfioDevice, offset: number, length: number): Promise<number>;
  request?(task: Task, vdev: VfioDevice, count: number): Promise<void>;
}

/**
 * `struct vfio_device`: the VFIO side of a device. `registration` is the refcount dropped by unregister and
 * held by every open device fd (its drop to zero completes `comp`, which unregister waits for);
 * `openCount` counts open fds under `devSetLock`; `kref` is the struct's own lifetime (`vfio_put_device`).
 */
export class VfioDevice {
  group: VfioGroup | null = null;
  registration = 0;
  openCount = 0;
  /** Lifetime references: 1 from alloc; the last `vfio_put_device` runs `ops.release`. */
  kref = 1;
  /** `vfio-dev/vfio<index>` (6.1). */
  index = -1;
  classDev: Device | null = null;
  /** Vendor state (`container_of(vdev, struct mdev_state, vdev)`). */
  priv: unknown = undefined;
  /** Vendor `release` ran: the vendor state is gone. */
  released = false;

  constructor(
    /** The device it drives (the mdev). */
    readonly dev: Device,
    readonly ops: VfioDeviceOps,
    readonly comp: Completion,
    readonly devSetLock: Mutex,
    /** The module whose driver bound `dev` (pinned by open fds in 6.1). */
    readonly owner: string,
  ) {}
}
