import type { File, FileOperations } from '../fs/file.ts';
import type { ChardevOpened, KernfsNode } from '../fs/kernfs.ts';
import type { IommuGroup } from '../iommu/iommu_group.ts';
import { EBADF, EBUSY, EINVAL, ENODEV, ENOTTY, EPERM } from '../kernel/errno.ts';
import type { KernelServices } from '../kernel/kernel_services.ts';
import { Mutex } from '../kernel/mutex.ts';
import type { Task } from '../kernel/task.ts';
import type { Containers, VfioContainer } from './container.ts';
import type { VfioGroupType } from './iommu_driver.ts';
import { VFIO_GROUP_FLAGS_CONTAINER_SET, VFIO_GROUP_FLAGS_VIABLE, type VfioGroupStatus } from './uapi.ts';
import type { VfioDevice } from './vfio_device.ts';

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

/**
 * What the group code needs from the VFIO core (vfio_main.c): `vfio_device_open_file()`, which opens the
 * device `vdev` of `group` (its registration already taken) and returns its new fd or -errno.
 */
export type OpenDeviceFile = (task: Task, group: VfioGroup, vdev: VfioDevice) => Promise<number>;

/**
 * The VFIO group code: drivers/vfio/group.c from 6.2 on; at 6.1 the same functions still lived in
 * drivers/vfio/vfio_main.c (vfio.c in 4.x), which the model splits out here so each kernel file has one
 * twin. Groups and their `/dev/vfio/<N>` nodes, the group file (single open) and its ioctls
 * (GET_STATUS, SET_CONTAINER, UNSET_CONTAINER, GET_DEVICE_FD), and a group's teardown when its last
 * device goes (at once at 6.1, with its last reference at 4.10).
 */
export class VfioGroups {
  /** `vfio.group_list`: the live groups. */
  readonly list: VfioGroup[] = [];
  /** `vfio.group_lock`, which guards the list. */
  readonly groupListLock: Mutex;

  constructor(
    private readonly k: KernelServices,
    private readonly containers: Containers,
    /** `/dev/vfio`, where group nodes go. */
    private readonly devDir: KernfsNode,
    private readonly openDeviceFile: OpenDeviceFile,
  ) {
    this.groupListLock = new Mutex(k.rt, 'vfio.group_lock');
  }

  /**
   * `vfio_group_find_or_alloc()`: the group of IOMMU group `iommu`, taking a driver reference (6.1
   * `drivers`, 4.10 kref) on an existing one, or a new group.
   */
  async findOrCreate(task: Task, iommu: IommuGroup): Promise<VfioGroup> {
    await this.groupListLock.lock(task);
    const found = this.list.find((g) => g.iommuGroup === iommu);
    if (found) {
      found.drivers++;
      found.kref++;
    }
    this.groupListLock.unlock(task);
    return found ?? (await this.create(task, iommu, 'iommu'));
  }

  /** `vfio_create_group()`: a group for `iommu` with its `/dev/vfio/<N>` node (and its class device at 6.1). */
  async create(task: Task, iommu: IommuGroup, type: VfioGroupType): Promise<VfioGroup> {
    const group = new VfioGroup(
      this.k.iommu.get(iommu),
      iommu.id,
      type,
      new Mutex(this.k.rt, `group_lock ${iommu.id}`),
      new Mutex(this.k.rt, `device_lock ${iommu.id}`),
    );
    await this.groupListLock.lock(task);
    const node = this.k.kernfs.createChardev(this.devDir, group.nodeName, (t) => this.open(t, group));
    if (typeof node !== 'number') group.cdev = node;
    if (this.k.profile.kernel === 'v6.1') {
      const dir = this.k.kernfs.mkdirs(`/sys/devices/virtual/vfio/${group.nodeName}`);
      group.classDir = dir;
      this.k.kernfs.symlink(this.k.kernfs.mkdirs('/sys/class/vfio'), group.nodeName, dir);
    }
    this.list.push(group);
    this.groupListLock.unlock(task);
    return group;
  }

  /**
   * `vfio_device_remove_group()` (6.1): the emulated group loses its device; when the group has no driver
   * left its node is deleted at once, the container is detached and `iommu_group` cleared, so an open
   * group fd answers ENODEV. 4.x (`vfio_group_put`): the group lives on while its fd is open.
   */
  async removeDevice(task: Task, vdev: VfioDevice, group: VfioGroup): Promise<void> {
    if (group.type !== 'iommu' && group.iommuGroup) {
      this.k.iommu.removeDevice(group.iommuGroup, vdev.dev, vdev.dev.driver?.name ?? vdev.owner);
    }
    if (!this.k.profile.switches.groupFdDisassociates) {
      this.put4x(group);
      return;
    }
    group.drivers--;
    if (group.drivers > 0) return;
    await this.groupListLock.lock(task);
    this.list.splice(this.list.indexOf(group), 1);
    this.deleteNodes(group);
    await group.groupLock.lock(task);
    if (group.container) await this.containers.detachGroup(task, group);
    const iommu = group.iommuGroup;
    group.iommuGroup = null;
    group.groupLock.unlock(task);
    this.groupListLock.unlock(task);
    if (iommu) this.k.iommu.put(iommu);
  }

  /** 4.x `vfio_group_put()`: the group (and its node and IOMMU group) goes with its last reference. */
  private put4x(group: VfioGroup): void {
    group.kref--;
    if (group.kref > 0) return;
    this.list.splice(this.list.indexOf(group), 1);
    this.deleteNodes(group);
    if (group.iommuGroup) this.k.iommu.put(group.iommuGroup);
    group.iommuGroup = null;
  }

  /** Deletes the group's `/dev/vfio` node and its class device. */
  private deleteNodes(group: VfioGroup): void {
    if (group.cdev) this.k.kernfs.unlink(group.cdev);
    group.cdev = null;
    if (group.classDir) {
      this.k.kernfs.unlink(group.classDir);
      const link = this.k.kernfs.lookup(`/sys/class/vfio/${group.nodeName}`, false);
      if (typeof link !== 'number') this.k.kernfs.unlink(link);
    }
    group.classDir = null;
  }
  // ---- group file ----

  /** `vfio_group_fops_open()`: single open; a torn-down group is ENODEV; noiommu needs CAP_SYS_RAWIO. */
  private async open(task: Task, group: VfioGroup): Promise<ChardevOpened | number> {
    await group.groupLock.lock(task);
    try {
      const gone = this.k.profile.switches.groupFdDisassociates ? group.drivers === 0 : group.kref === 0;
      if (gone) return -ENODEV;
      if (group.type === 'noiommu' && !task.process.capSysRawio) return -EPERM;
      if (group.openedFile) return -EBUSY;
      // 4.x: "Is something still in use from a previous open?" — a container left attached by device fds.
      if (!this.k.profile.switches.groupFdDisassociates && group.container) return -EBUSY;
      if (!this.k.modules.tryGet('vfio')) return -ENODEV;
      if (!this.k.profile.switches.groupFdDisassociates) group.kref++;
      return { fops: this.fops(group), data: group, opened: (file) => (group.openedFile = file) };
    } finally {
      group.groupLock.unlock(task);
    }
  }

  /** `vfio_group_fops`: the ioctls and the release of a group file. */
  private fops(group: VfioGroup): FileOperations {
    return {
      ioctl: (task, _file, cmd, arg) => this.ioctl(task, group, cmd, arg),
      release: async (task) => {
        await group.groupLock.lock(task);
        if (this.k.profile.switches.groupFdDisassociates) {
          if (group.container) await this.containers.detachGroup(task, group);
        } else {
          await this.tryDissolveContainer(task, group);
        }
        group.openedFile = null;
        group.groupLock.unlock(task);
        if (!this.k.profile.switches.groupFdDisassociates) this.put4x(group);
        this.k.modules.put('vfio');
      },
    };
  }

  /** `vfio_group_fops_unl_ioctl()`: dispatches a group ioctl (unknown commands are ENOTTY). */
  private async ioctl(task: Task, group: VfioGroup, cmd: string, arg: unknown): Promise<number> {
    await this.k.rt.preempt(task, `${cmd} group ${group.id}`);
    switch (cmd) {
      case 'VFIO_GROUP_GET_STATUS':
        return this.getStatus(task, group, arg as VfioGroupStatus);
      case 'VFIO_GROUP_SET_CONTAINER':
        return this.setContainer(task, group, Number(arg));
      case 'VFIO_GROUP_UNSET_CONTAINER':
        return this.unsetContainer(task, group);
      case 'VFIO_GROUP_GET_DEVICE_FD':
        return this.getDeviceFd(task, group, String(arg));
      default:
        return -ENOTTY;
    }
  }

  /** `VFIO_GROUP_GET_STATUS`: VIABLE, CONTAINER_SET; 6.1: ENODEV once the group is disassociated. */
  private async getStatus(task: Task, group: VfioGroup, status: VfioGroupStatus): Promise<number> {
    if (status.argsz < 8) return -EINVAL;
    status.flags = 0;
    await group.groupLock.lock(task);
    try {
      if (this.k.profile.switches.groupFdDisassociates) {
        if (!group.iommuGroup) return -ENODEV;
        status.flags = group.container
          ? VFIO_GROUP_FLAGS_CONTAINER_SET | VFIO_GROUP_FLAGS_VIABLE
          : VFIO_GROUP_FLAGS_VIABLE;
      } else {
        status.flags = VFIO_GROUP_FLAGS_VIABLE | (group.container ? VFIO_GROUP_FLAGS_CONTAINER_SET : 0);
      }
      return 0;
    } finally {
      group.groupLock.unlock(task);
    }
  }

  /**
   * `VFIO_GROUP_SET_CONTAINER`. 6.1 order: bad fd EBADF; already set EINVAL; disassociated ENODEV; not a
   * container EINVAL; then attach. 4.10 order: container users EINVAL; noiommu EPERM; bad fd EBADF; ...
   */
  private async setContainer(task: Task, group: VfioGroup, fd: number): Promise<number> {
    const modern = this.k.profile.switches.groupFdDisassociates;
    if (modern) {
      const c = this.containers.fromFd(task, fd);
      if (c === -EBADF) return c;
      await group.groupLock.lock(task);
      try {
        if (group.container) return -EINVAL;
        if (!group.iommuGroup) return -ENODEV;
        if (typeof c === 'number') return c;
        return await this.containers.attachGroup(task, c, group);
      } finally {
        group.groupLock.unlock(task);
      }
    }
    // 4.x vfio_group_unl_ioctl: a negative fd is -EINVAL before anything else.
    if (fd < 0) return -EINVAL;
    await group.groupLock.lock(task);
    try {
      if (group.containerUsers) return -EINVAL;
      if (group.type === 'noiommu' && !task.process.capSysRawio) return -EPERM;
      const c = this.containers.fromFd(task, fd);
      if (typeof c === 'number') return c;
      return await this.containers.attachGroup(task, c, group);
    } finally {
      group.groupLock.unlock(task);
    }
  }

  /** `VFIO_GROUP_UNSET_CONTAINER`: none set EINVAL; device fds open EBUSY. */
  private async unsetContainer(task: Task, group: VfioGroup): Promise<number> {
    await group.groupLock.lock(task);
    try {
      if (!group.container) return -EINVAL;
      if (group.containerUsers !== 1) return -EBUSY;
      await this.containers.detachGroup(task, group);
      return 0;
    } finally {
      group.groupLock.unlock(task);
    }
  }

  /** 4.x `vfio_group_try_dissolve_container()`: the last container user detaches the group. */
  async tryDissolveContainer(task: Task, group: VfioGroup): Promise<void> {
    if (!group.container) return;
    group.containerUsers--;
    if (group.containerUsers === 0) {
      group.containerUsers = 1;
      await this.containers.detachGroup(task, group);
    }
  }

  /**
   * `VFIO_GROUP_GET_DEVICE_FD`: a new fd for the device named `name` (the lower-case UUID for an mdev).
   * 4.10 checks container, IOMMU and viability first (EINVAL), then the name (ENODEV); 6.1 looks the name
   * up first. A device whose unregistration waits for its fds can still be opened (6.1: the registration
   * count is still above zero). The first open calls the vendor's `open_device` (every open before 5.15).
   */
  private async getDeviceFd(task: Task, group: VfioGroup, name: string): Promise<number> {
    const sw = this.k.profile.switches;
    if (!sw.getDeviceFdLookupFirst) {
      const c = group.container;
      if (group.containerUsers === 0 || !c?.iommuDriver) return -EINVAL;
      if (group.type === 'noiommu' && !task.process.capSysRawio) return -EPERM;
    }
    await group.deviceLock.lock(task);
    const vdev = group.devices.find((d) => d.dev.name === name && d.registration > 0);
    if (vdev) vdev.registration++;
    group.deviceLock.unlock(task);
    if (!vdev) return -ENODEV;
    return this.openDeviceFile(task, group, vdev);
  }
}
