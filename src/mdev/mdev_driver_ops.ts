import type { AttributeGroup } from '../base/attribute_group.ts';
import type { Task } from '../kernel/task.ts';
import type { MdevDevice } from './mdev_device.ts';
import type { MdevType } from './mdev_type.ts';

/**
 * `struct mdev_driver` (6.1, include/linux/mdev.h): the vendor's driver on the mdev bus. `device_api` is
 * the only mandatory field (checked by `mdev_register_driver`). Without `getAvailable` the core counts
 * instances per parent (`maxInstances`, -EUSERS when none is left).
 */
export interface MdevDriver {
  readonly name: string;
  /** The module owning the driver: pinned by every open device fd of its devices. */
  readonly owner: string;
  readonly deviceApi: string | null;
  readonly maxInstances: number;
  /** `probe(mdev)`: allocates the vendor state and registers the VFIO device; 0 or -errno (the create errno). */
  probe(task: Task, mdev: MdevDevice): Promise<number>;
  /** `remove(mdev)`: unregisters the VFIO device (blocks while device fds are open) and drops the state. */
  remove(task: Task, mdev: MdevDevice): Promise<void>;
  /** `get_available(type)`: instances still creatable of `type`. */
  getAvailable?(task: Task, type: MdevType): Promise<number>;
  /** `show_description(type)`: the `description` attribute; absent → no attribute. */
  showDescription?(type: MdevType): string;
  /** Attribute groups added to each bound device (`driver.dev_groups`, e.g. `vendor/`). */
  readonly devGroups: (mdev: MdevDevice) => readonly AttributeGroup[];
}

/** A type as a 4.10 vendor declares it: an attribute group named after the type, with vendor attributes. */
export interface MdevTypeGroup {
  /** The group name; the type directory is `<driver>-<name>`. A missing name is -EINVAL. */
  readonly name: string | null;
  /** Vendor attributes of the type directory (`name`, `available_instances`, `device_api`, ...). */
  readonly attrs: Readonly<Record<string, (task: Task, type: MdevType) => Promise<string | number>>>;
}

/**
 * `struct mdev_parent_ops` (4.10, include/linux/mdev.h at 99e3123e3d72): the vendor callback table given to
 * `mdev_register_device`. `create`, `remove` and `supportedTypeGroups` are mandatory (-EINVAL); `open` is
 * needed to open a device through vfio_mdev. Callbacks are not serialized by the core.
 */
export interface MdevParentOps {
  /** The vendor module (4.10 vfio_mdev pins itself, not this module, on open). */
  readonly owner: string;
  readonly devAttrGroups?: readonly AttributeGroup[];
  readonly mdevAttrGroups?: (mdev: MdevDevice) => readonly AttributeGroup[];
  readonly supportedTypeGroups: readonly MdevTypeGroup[] | null;
  create: ((task: Task, type: MdevType, mdev: MdevDevice) => Promise<number>) | null;
  remove: ((task: Task, mdev: MdevDevice) => Promise<number>) | null;
  open?(task: Task, mdev: MdevDevice): Promise<number>;
  release?(task: Task, mdev: MdevDevice): Promise<void>;
  read?(task: Task, mdev: MdevDevice, count: number, offset: number): Promise<Uint8Array | number>;
  write?(task: Task, mdev: MdevDevice, data: Uint8Array, offset: number): Promise<number>;
  ioctl?(task: Task, mdev: MdevDevice, cmd: string, arg: unknown): Promise<number>;
  mmap?(task: Task, mdev: MdevDevice, offset: number, length: number): Promise<number>;
}
