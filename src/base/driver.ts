import type { KernfsNode } from '../fs/kernfs.ts';
import type { AttributeGroup } from './attribute_group.ts';
import type { Bus } from './bus.ts';
import type { Device } from './device.ts';

/**
 * A `struct device_driver` on a bus: its name, owning module (pinned by open device fds in 6.1), and the
 * attribute groups it adds to every device it binds (`dev_groups`, e.g. mtty's `vendor/`).
 */
export interface DeviceDriver {
  readonly name: string;
  readonly bus: Bus;
  /** The module that owns the driver (`.owner`). */
  readonly owner: string;
  /** `dev_groups` for one bound device (a function, so attributes can show the device's own values). */
  readonly devGroups: (dev: Device) => readonly AttributeGroup[];
  /** `/sys/bus/<bus>/drivers/<name>` once registered. */
  dir?: KernfsNode;
}
