import { Device } from '../base/device.ts';
import type { KernfsNode } from '../fs/kernfs.ts';
import type { Task } from '../kernel/task.ts';
import type { MdevType } from './mdev_type.ts';

/**
 * `struct mdev_device`: a `struct device` on the mdev bus named by its UUID, with its type and the
 * `active` flag (4.18+). The lifecycle fields below mirror the kernel's state so the trace and the
 * invariants can name where a device is.
 */
export class MdevDevice extends Device {
  /** 4.18+: creation finished and no remover has claimed it. */
  active = false;
  /** On the global `mdev_list` (reserved/listed). */
  onList = false;
  /** The `remove` attribute node, while it exists. */
  removeNode: KernfsNode | null = null;
  typeLink: KernfsNode | null = null;
  devicesLink: KernfsNode | null = null;
  /** 4.10: vendor `mdev_attr_groups` nodes. */
  vendorAttrNodes: KernfsNode[] = [];
  /** Released: the final put_device ran (GUID free again). */
  released = false;
  /** 4.10 `mdev_set_drvdata()`/`mdev_get_drvdata()`: the vendor's per-device state (separate from the device's drvdata). */
  vendorData: unknown = undefined;

  constructor(
    /** The canonical (lower-case) UUID, also the device name. */
    readonly uuid: string,
    readonly type: MdevType,
    release: (task: Task, dev: Device) => Promise<void>,
  ) {
    super(release);
    this.name = uuid;
  }
}
