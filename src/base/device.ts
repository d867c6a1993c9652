import type { KernfsNode } from '../fs/kernfs.ts';
import type { Task } from '../kernel/task.ts';
import type { AttributeGroup } from './attribute_group.ts';
import type { Bus } from './bus.ts';
import type { DeviceDriver } from './driver.ts';

/** Sysfs nodes a registered device owns, removed again by `device_del`. */
export interface DeviceNodes {
  uevent?: KernfsNode;
  power?: KernfsNode;
  subsystem?: KernfsNode;
  busLink?: KernfsNode;
  classLink?: KernfsNode;
  groups: KernfsNode[];
  driverGroups: KernfsNode[];
  driverLink?: KernfsNode;
  driverBackLink?: KernfsNode;
}

/**
 * A `struct device` of the driver model: name, parent, bus or class, bound driver, attribute groups, its
 * sysfs directory and its reference count. `release` runs at the last `put_device`.
 */
export class Device {
  private static nextSerial = 1;
  /** A number no other device object of the process has: tells apart devices with the same name. */
  readonly serial = Device.nextSerial++;
  name = '';
  parent: Device | null = null;
  bus: Bus | null = null;
  /** Class name for class devices (`mtty`, `vfio`, `vfio-dev`); placed under /sys/devices/virtual when parentless. */
  className: string | null = null;
  groups: readonly AttributeGroup[] = [];
  driver: DeviceDriver | null = null;
  /** `dev_get_drvdata()`. */
  drvdata: unknown = undefined;
  /** The kobject directory once added. */
  dir: KernfsNode | null = null;
  registered = false;
  readonly nodes: DeviceNodes = { groups: [], driverGroups: [] };
  /** Children added with this device as parent, in the order they were added (the `klist_children`). */
  readonly children: Device[] = [];
  /** The device refcount: `device_initialize` sets 1; `release` runs when it drops to 0. */
  refcount = 1;

  constructor(
    /** `dev->release`: run by the last `put_device` (for an mdev, `mdev_device_release`). */
    readonly release: (task: Task, dev: Device) => Promise<void>,
  ) {}
}
