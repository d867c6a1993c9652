import type { AttributeGroup } from '../base/attribute_group.ts';
import type { AttrOps, KernfsNode } from '../fs/kernfs.ts';
import { EINVAL, ENOMEM } from '../kernel/errno.ts';
import type { KernelServices } from '../kernel/kernel_services.ts';
import type { Task } from '../kernel/task.ts';
import { guidParse, UUID_STRING_LEN } from '../lib/guid.ts';
import { kstrtoull } from '../lib/kstrtox.ts';
import type { MdevDevice } from './mdev_device.ts';
import type { MdevParent } from './mdev_parent.ts';
import type { MdevType } from './mdev_type.ts';

/** Sysfs attributes accept at most a page per write (kernfs `atomic_write_len` for sysfs files). */
const PAGE_SIZE = 4096;
const E2BIG = 7;

/**
 * What the sysfs stores call in the mdev core (the functions mdev_private.h declares for mdev_sysfs.c):
 * `mdev_device_create()` and `mdev_device_remove()`, each 0 or -errno.
 */
export interface MdevDeviceLifecycle {
  deviceCreate(task: Task, type: MdevType, uuid: string): Promise<number>;
  deviceRemove(task: Task, mdev: MdevDevice, force: boolean): Promise<number>;
}

/**
 * The sysfs side of mdev (drivers/vfio/mdev/mdev_sysfs.c): the `mdev_supported_types` kset and its type
 * directories, the `create` store (length and UUID parsing), the device's `remove` store (kstrtoul, the
 * self-removal of the file) and the `devices/<uuid>` and `mdev_type` links.
 */
export class MdevSysfs {
  constructor(
    private readonly k: KernelServices,
    private readonly core: MdevDeviceLifecycle,
  ) {}

  /**
   * `parent_create_sysfs_files()`: the kset (a duplicate is reported as -ENOMEM in 6.1, the kset API gives
   * NULL), then one directory per type with `create`, `devices/` and the type attributes (core ones in 6.1,
   * vendor ones in 4.10, where a group without a name is -EINVAL). Any failure unwinds what was created.
   */
  parentCreateFiles(parent: MdevParent): number {
    const dir = parent.dev.dir;
    if (!dir) return -ENOMEM;
    const kset = this.k.kernfs.mkdir(dir, 'mdev_supported_types');
    if (typeof kset === 'number') return -ENOMEM;
    parent.typesDir = kset;
    for (const type of parent.types) {
      if (parent.ops && type.group?.name == null) {
        this.k.kernfs.unlink(kset);
        parent.typesDir = null;
        return -EINVAL;
      }
      const tdir = this.k.kernfs.mkdir(kset, type.dirName);
      if (typeof tdir === 'number') {
        this.k.kernfs.unlink(kset);
        parent.typesDir = null;
        return tdir;
      }
      type.dir = tdir;
      this.k.kernfs.createAttr(tdir, 'create', this.createAttr(type));
      type.devicesDir = this.k.kernfs.mkdir(tdir, 'devices') as KernfsNode;
      for (const [name, ops] of Object.entries(this.typeAttrs(type)))
        this.k.kernfs.createAttr(tdir, name, ops);
    }
    return 0;
  }

  /**
   * `parent_remove_sysfs_files()`: removes each type directory and then the kset. Kernfs drains callbacks
   * in flight, so this waits for a `create` store that is still running.
   */
  async parentRemoveFiles(task: Task, parent: MdevParent): Promise<void> {
    for (const type of parent.types) {
      if (type.dir) await this.k.kernfs.remove(task, type.dir);
      type.dir = null;
      type.devicesDir = null;
    }
    if (parent.typesDir) await this.k.kernfs.remove(task, parent.typesDir);
    parent.typesDir = null;
  }

  /** The core-owned attribute group of every mdev in 6.1 (`mdev_device_groups`: just `remove`). */
  deviceGroups(mdev: MdevDevice): AttributeGroup[] {
    return [{ attrs: { remove: this.removeAttr(mdev) } }];
  }

  /**
   * `mdev_create_sysfs_files()`: the type's `devices/<uuid>` link, then `<uuid>/mdev_type`; 4.10 creates
   * the `remove` file first, 4.18 last, 6.1 not here (it came with `device_add`).
   */
  createDeviceFiles(mdev: MdevDevice): number {
    const when = this.k.profile.switches.removeFileCreation;
    if (when === 'before-links' && this.addRemoveFile(mdev) < 0) return -ENOMEM;
    const devicesDir = mdev.type.devicesDir;
    if (!devicesDir || !mdev.dir || !mdev.type.dir) return -ENOMEM;
    const link = this.k.kernfs.symlink(devicesDir, mdev.uuid, mdev.dir);
    if (typeof link === 'number') return link;
    mdev.devicesLink = link;
    const typeLink = this.k.kernfs.symlink(mdev.dir, 'mdev_type', mdev.type.dir);
    if (typeof typeLink === 'number') {
      this.k.kernfs.unlink(link);
      mdev.devicesLink = null;
      return typeLink;
    }
    mdev.typeLink = typeLink;
    if (when === 'after-links') this.addRemoveFile(mdev);
    return 0;
  }

  /** `mdev_remove_sysfs_files()`: `mdev_type`, then `devices/<uuid>` (4.x: then `remove`). */
  async removeDeviceFiles(task: Task, mdev: MdevDevice): Promise<void> {
    if (mdev.typeLink) await this.k.kernfs.remove(task, mdev.typeLink);
    mdev.typeLink = null;
    if (mdev.devicesLink) await this.k.kernfs.remove(task, mdev.devicesLink);
    mdev.devicesLink = null;
    if (this.k.profile.switches.removeFileCreation !== 'device-groups' && mdev.removeNode) {
      await this.k.kernfs.remove(task, mdev.removeNode);
      mdev.removeNode = null;
    }
  }

  /** `device_create_file(dev, &dev_attr_remove)`: (re)creates the `remove` attribute. */
  addRemoveFile(mdev: MdevDevice): number {
    if (!mdev.dir) return -ENOMEM;
    const node = this.k.kernfs.createAttr(mdev.dir, 'remove', this.removeAttr(mdev));
    if (typeof node === 'number') return node;
    mdev.removeNode = node;
    return 0;
  }

  /**
   * `create_store()`: 36 or 37 bytes (else -EINVAL), a UUID in the first 36 (else -EINVAL), then
   * `mdev_device_create()`; success returns the byte count.
   */
  private createAttr(type: MdevType): AttrOps {
    return {
      store: async (task, buf) => {
        if (buf.length > PAGE_SIZE) return -E2BIG;
        const count = buf.length;
        if (count < UUID_STRING_LEN || count > UUID_STRING_LEN + 1) return -EINVAL;
        const uuid = guidParse(buf);
        if (typeof uuid === 'number') return uuid;
        const ret = await this.core.deviceCreate(task, type, uuid);
        return ret ? ret : count;
      },
    };
  }

  /**
   * `remove_store()`: kstrtoul (any error -EINVAL); 0 is a successful no-op; otherwise only the writer that
   * removes the file itself goes on to `mdev_device_remove()`, whose error it returns (4.x: after
   * re-creating the file, C-3); a concurrent loser returns success.
   */
  private removeAttr(mdev: MdevDevice): AttrOps {
    return {
      store: async (task, buf, node) => {
        if (buf.length > PAGE_SIZE) return -E2BIG;
        const val = kstrtoull(buf);
        if (typeof val === 'number') return -EINVAL;
        if (val === 0n) return buf.length;
        if (!(await this.k.kernfs.removeSelf(task, node))) return buf.length;
        if (mdev.removeNode === node) mdev.removeNode = null;
        const ret = await this.core.deviceRemove(task, mdev, false);
        if (ret) {
          if (this.k.profile.switches.recreateRemoveFileOnFailure) this.addRemoveFile(mdev);
          return ret;
        }
        return buf.length;
      },
    };
  }

  /** The attributes of a type directory besides `create`: 6.1 core attributes or 4.10 vendor ones. */
  private typeAttrs(type: MdevType): Record<string, AttrOps> {
    const parent = type.parent;
    const drv = parent.driver;
    if (!drv) {
      const attrs: Record<string, AttrOps> = {};
      for (const [name, show] of Object.entries(type.group?.attrs ?? {})) {
        const cb = name === 'available_instances' ? 'get_available' : 'show';
        attrs[name] = {
          show: (task) => this.k.vendorCall(task, cb, parent.owner, undefined, () => show(task, type)),
        };
      }
      return attrs;
    }
    const attrs: Record<string, AttrOps> = {
      device_api: { show: async () => `${drv.deviceApi}\n` },
      name: { show: async () => `${type.prettyName ?? type.sysfsName}\n` },
      available_instances: {
        show: async (task) => {
          if (drv.getAvailable) {
            const n = await this.k.vendorCall(task, 'get_available', drv.owner, undefined, () =>
              drv.getAvailable!(task, type),
            );
            return `${n >>> 0}\n`;
          }
          return `${parent.availableInstances >>> 0}\n`;
        },
      },
    };
    if (drv.showDescription) attrs.description = { show: async () => drv.showDescription!(type) };
    return attrs;
  }
}
