import type { File } from '../fs/file.ts';
import type { KernfsNode } from '../fs/kernfs.ts';
import type { IommuGroup } from '../iommu/iommu_group.ts';
import type { Mutex } from '../kernel/mutex.ts';
import type { VfioContainer } from './container.ts';
import type { VfioDevice } from './vfio_device.ts';

/** How a group is backed: a real IOMMU, an emulated one (mdev), or none (noiommu mode). */
export type VfioGroupType = 'iommu' | 'emulated' | 'noiommu';

/**
 * `struct vfio_group`: `/dev/vfio/<N>` (`noiommu-<N>` in noiommu mode) for one IOMMU group. It is
 * single-open; a device fd pins the group file (6.1) or the container use count (4.10); the container it
 * is attached to and `container_users` follow the kernel's fields.
 */
export class VfioGroup {
  readonly devices: VfioDevice[] = [];
  container: VfioContainer | null = null;
  containerUsers = 0;
  /** The open group file (`opened_file`); a second open is EBUSY. */
  openedFile: File | null = null;
  /** 6.1 `drivers` refcount: registered devices; 0 means the group is being torn down. */
  drivers = 1;
  /** 4.10 kref: devices and the open group file; the node goes with the last reference. */
  kref = 1;
  /** The character device node, while it exists. */
  cdev: KernfsNode | null = null;
  /** `/sys/class/vfio/<N>` (6.1 group device directory). */
  classDir: KernfsNode | null = null;

  constructor(
    /** `group->iommu_group`; 6.1 sets it to null once the last device is gone. */
    public iommuGroup: IommuGroup | null,
    readonly id: number,
    readonly type: VfioGroupType,
    readonly groupLock: Mutex,
    readonly deviceLock: Mutex,
  ) {}

  /** The node name under /dev/vfio. */
  get nodeName(): string {
    return this.type === 'noiommu' ? `noiommu-${this.id}` : String(this.id);
  }
}
