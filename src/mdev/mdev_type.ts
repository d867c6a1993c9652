import type { KernfsNode } from '../fs/kernfs.ts';
import type { MdevTypeGroup } from './mdev_driver_ops.ts';
import type { MdevParent } from './mdev_parent.ts';

/**
 * `struct mdev_type`: one type of a parent, shown as `mdev_supported_types/<driver>-<name>/` with its
 * `create` file and `devices/` directory. 6.1 types carry `sysfs_name`/`pretty_name` and core attributes;
 * 4.10 types come from a vendor attribute group.
 */
export class MdevType {
  /** The type directory (`<driver>-<sysfsName>`). */
  dir: KernfsNode | null = null;
  /** `devices/`: one link per fully created device. */
  devicesDir: KernfsNode | null = null;
  /** References from devices of this type (`kobject_get` in create, put at release). */
  kobjRefs = 0;

  constructor(
    readonly parent: MdevParent,
    /** `sysfs_name` (6.1) or the vendor group name (4.10). */
    readonly sysfsName: string,
    /** `pretty_name` (6.1): shown by `name`; falls back to `sysfsName`. */
    readonly prettyName: string | null,
    /** The 4.10 vendor group the type came from. */
    readonly group: MdevTypeGroup | null = null,
    /** Vendor data attached to the type (ports per instance, memory, resolution...). */
    readonly vendorData: Readonly<Record<string, number | string>> = {},
  ) {}

  /** The directory name: `dev_driver_string(parent) + "-" + sysfs_name`, e.g. `mtty-2`. */
  get dirName(): string {
    return `${this.parent.driverString}-${this.sysfsName}`;
  }
}
