import type { Device } from '../base/device.ts';
import type { KernfsNode } from '../fs/kernfs.ts';
import type { Mutex } from '../kernel/mutex.ts';
import type { RwSemaphore } from '../kernel/rwsem.ts';
import type { MdevDriver, MdevParentOps } from './mdev_driver_ops.ts';
import type { MdevType } from './mdev_type.ts';

/**
 * `struct mdev_parent` (6.1: embedded in the vendor's struct; 4.10: `struct parent_device`/`mdev_parent`
 * allocated by the core with a kref and a per-parent `lock`).
 */
export class MdevParent {
  types: MdevType[] = [];
  /** `mdev_supported_types/` kset directory. */
  typesDir: KernfsNode | null = null;
  compatLink: KernfsNode | null = null;
  /** 6.1: core instance counter (`available_instances`), per parent, shared by all types. */
  availableInstances = 0;
  /** 4.10: parent kref (1 at register, +1 per live mdev). 0 means freed. */
  kref = 1;
  /** 4.10: vendor `dev_attr_groups` nodes on the parent device. */
  devAttrNodes: KernfsNode[] = [];
  /** Set once unregistration has started. */
  unregistering = false;
  /** Set once unregistration has returned. */
  unregistered = false;

  constructor(
    /** The parent device (mtty's class device `mtty`). */
    readonly dev: Device,
    /** 6.1 vendor driver, or null on 4.10. */
    readonly driver: MdevDriver | null,
    /** 4.10 vendor callbacks, or null on 6.1. */
    readonly ops: MdevParentOps | null,
    /** 6.1 `unreg_sem` (v5.2+); null when the profile predates it. */
    readonly unregSem: RwSemaphore | null,
    /** 4.10 `parent->lock`; null when the profile has none. */
    readonly lock: Mutex | null,
  ) {}

  /** `dev_driver_string(parent->dev)`: the class name for the samples' class devices. */
  get driverString(): string {
    return this.dev.driver?.name ?? this.dev.className ?? this.dev.name;
  }

  /** The parent's name as listed in `/sys/class/mdev_bus`. */
  get name(): string {
    return this.dev.name;
  }

  /** The module of the vendor driver. */
  get owner(): string {
    return this.driver?.owner ?? this.ops?.owner ?? '';
  }
}
