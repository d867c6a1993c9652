import type { Device } from '../base/device.ts';
import type { Kernfs, KernfsNode } from '../fs/kernfs.ts';
import { Ida } from '../kernel/ida.ts';
import type { Klog } from '../kernel/klog.ts';

/**
 * A `struct iommu_group` (drivers/iommu/iommu.c): numbered with the lowest free id, shown as
 * `/sys/kernel/iommu_groups/<N>/` with `devices/` and (6.1) a `name` file; each member device gets an
 * `iommu_group` link. It is freed, and its number reused, when its last reference goes.
 */
export class IommuGroup {
  readonly devices: Device[] = [];
  name: string | null = null;
  refs = 1;
  /** The `iommu_group` link of each member device. */
  readonly deviceLinks = new Map<Device, KernfsNode>();

  constructor(
    readonly id: number,
    readonly dir: KernfsNode,
    readonly devicesDir: KernfsNode,
  ) {}
}

/** The IOMMU core's groups: allocation, membership, naming and release. Built into every kernel. */
export class IommuGroups {
  private readonly ida = new Ida();
  readonly dir: KernfsNode;
  readonly live = new Map<number, IommuGroup>();

  constructor(
    private readonly kernfs: Kernfs,
    private readonly klog: Klog,
  ) {
    this.dir = kernfs.mkdirs('/sys/kernel/iommu_groups');
  }

  /** `iommu_group_alloc()`: a new group with the lowest free number. */
  alloc(): IommuGroup {
    const id = this.ida.alloc();
    const dir = this.kernfs.mkdir(this.dir, String(id)) as KernfsNode;
    const devicesDir = this.kernfs.mkdir(dir, 'devices') as KernfsNode;
    this.kernfs.createAttr(dir, 'type', { show: async () => 'identity\n' });
    const group = new IommuGroup(id, dir, devicesDir);
    this.live.set(id, group);
    return group;
  }

  /** `iommu_group_set_name()`: adds the `name` attribute (6.1 emulated groups: "vfio-noiommu"). */
  setName(group: IommuGroup, name: string): void {
    group.name = name;
    this.kernfs.createAttr(group.dir, 'name', { show: async () => `${name}\n` });
  }

  /** `iommu_group_add_device()`: links both ways and logs "Adding to iommu group N". */
  addDevice(group: IommuGroup, dev: Device, driverString: string): void {
    group.devices.push(dev);
    group.refs++;
    if (dev.dir) {
      const link = this.kernfs.symlink(dev.dir, 'iommu_group', group.dir);
      if (typeof link !== 'number') group.deviceLinks.set(dev, link);
      this.kernfs.symlink(group.devicesDir, dev.name, dev.dir);
    }
    this.klog.devInfo(driverString, dev.name, `Adding to iommu group ${group.id}`);
  }

  /** `iommu_group_remove_device()`: logs "Removing from iommu group N" and drops the device's reference. */
  removeDevice(group: IommuGroup, dev: Device, driverString: string): void {
    const i = group.devices.indexOf(dev);
    if (i < 0) return;
    this.klog.devInfo(driverString, dev.name, `Removing from iommu group ${group.id}`);
    group.devices.splice(i, 1);
    const link = group.deviceLinks.get(dev);
    if (link) this.kernfs.unlink(link);
    group.deviceLinks.delete(dev);
    const back = group.devicesDir.children.get(dev.name);
    if (back) this.kernfs.unlink(back);
    this.put(group);
  }

  /** `iommu_group_ref_get()`. */
  get(group: IommuGroup): IommuGroup {
    group.refs++;
    return group;
  }

  /** `iommu_group_put()`: the last put frees the group and its number. */
  put(group: IommuGroup): void {
    group.refs--;
    if (group.refs > 0) return;
    this.kernfs.unlink(group.dir);
    this.live.delete(group.id);
    this.ida.free(group.id);
  }
}
