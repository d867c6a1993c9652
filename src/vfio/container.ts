import type { FileOperations } from '../fs/file.ts';
import { EBADF, EINVAL, ENODEV, EPERM } from '../kernel/errno.ts';
import type { KernelServices } from '../kernel/kernel_services.ts';
import { RwSemaphore } from '../kernel/rwsem.ts';
import type { Task } from '../kernel/task.ts';
import type { VfioGroup } from './group.ts';
import type { IommuData, VfioIommuDriverOps } from './iommu_driver.ts';
import { VFIO_API_VERSION } from './uapi.ts';

/**
 * `struct vfio_container`: what `/dev/vfio/vfio` opens. Groups attach to it with SET_CONTAINER; SET_IOMMU
 * then picks a backend for all of them. Removing the last group drops the backend.
 */
export class VfioContainer {
  readonly groups: VfioGroup[] = [];
  iommuDriver: VfioIommuDriverOps | null = null;
  iommuData: IommuData | null = null;
  noiommu = false;
  refs = 1;

  constructor(readonly groupLock: RwSemaphore) {}
}

/**
 * The container half of VFIO (drivers/vfio/container.c in 6.1, vfio.c before): the registered IOMMU
 * backends, the container ioctls (GET_API_VERSION, CHECK_EXTENSION, SET_IOMMU, passthrough) and group
 * attachment rules (noiommu needs CAP_SYS_RAWIO; noiommu and real groups never mix).
 */
export class Containers {
  /** Registered backends, most recent first (`list_add` at the head of `iommu_drivers_list`). */
  readonly drivers: VfioIommuDriverOps[] = [];
  /** Containers alive (an open fd or an attached group holds them): for introspection and leak checks. */
  readonly live = new Set<VfioContainer>();

  constructor(private readonly k: KernelServices) {}

  /** `vfio_register_iommu_driver()`: -EINVAL for a duplicate. */
  registerDriver(ops: VfioIommuDriverOps): number {
    if (this.drivers.includes(ops)) return -EINVAL;
    this.drivers.unshift(ops);
    return 0;
  }

  /** `vfio_unregister_iommu_driver()`. */
  unregisterDriver(ops: VfioIommuDriverOps): void {
    const i = this.drivers.indexOf(ops);
    if (i >= 0) this.drivers.splice(i, 1);
  }

  /** The file operations of an open container (`vfio_fops`). */
  fops(): FileOperations {
    return {
      ioctl: (task, file, cmd, arg) => this.ioctl(task, file.privateData as VfioContainer, cmd, arg),
      release: async (_task, file) => {
        this.put(file.privateData as VfioContainer);
        this.k.modules.put('vfio');
      },
    };
  }

  /** `vfio_fops_open()`. */
  open(): VfioContainer {
    const c = new VfioContainer(new RwSemaphore(this.k.rt, 'container->group_lock'));
    this.live.add(c);
    return c;
  }

  /** `vfio_container_put()`: the container is freed with its last reference. */
  private put(c: VfioContainer): void {
    c.refs--;
    if (c.refs === 0) this.live.delete(c);
  }

  private async ioctl(task: Task, c: VfioContainer, cmd: string, arg: unknown): Promise<number> {
    switch (cmd) {
      case 'VFIO_GET_API_VERSION':
        return VFIO_API_VERSION;
      case 'VFIO_CHECK_EXTENSION':
        return this.checkExtension(task, c, Number(arg));
      case 'VFIO_SET_IOMMU':
        return this.setIommu(task, c, Number(arg));
      default:
        if (c.iommuDriver && c.iommuData) return c.iommuDriver.ioctl(c.iommuData, cmd, arg);
        return -EINVAL;
    }
  }

  /** `vfio_container_ioctl_check_extension()`. */
  private async checkExtension(task: Task, c: VfioContainer, ext: number): Promise<number> {
    await this.k.rt.preempt(task, 'VFIO_CHECK_EXTENSION');
    if (c.iommuDriver) return c.iommuDriver.checkExtension(c.iommuData, ext);
    for (const d of this.drivers) {
      if (c.groups.length > 0 && !this.allowed(c, d)) continue;
      if (!this.k.modules.tryGet(d.owner)) continue;
      const ret = d.checkExtension(null, ext);
      this.k.modules.put(d.owner);
      if (ret > 0) return ret;
    }
    return 0;
  }

  /**
   * `vfio_ioctl_set_iommu()`: -EINVAL with no group attached or a backend already set; otherwise the first
   * backend that supports `type`, opens and attaches every group wins; -ENODEV if none supports it, or the
   * last backend's error.
   */
  private async setIommu(task: Task, c: VfioContainer, type: number): Promise<number> {
    await c.groupLock.downWrite(task);
    try {
      if (c.groups.length === 0 || c.iommuDriver) return -EINVAL;
      let ret = -ENODEV;
      for (const d of this.drivers) {
        if (!this.allowed(c, d)) continue;
        if (!this.k.modules.tryGet(d.owner)) continue;
        if (d.checkExtension(null, type) <= 0) {
          this.k.modules.put(d.owner);
          continue;
        }
        const data = d.open(task, type);
        if (typeof data === 'number') {
          ret = data;
          this.k.modules.put(d.owner);
          continue;
        }
        ret = this.attachAll(c, d, data);
        if (ret) {
          d.release(data);
          this.k.modules.put(d.owner);
          continue;
        }
        c.iommuDriver = d;
        c.iommuData = data;
        break;
      }
      return ret;
    } finally {
      c.groupLock.upWrite(task);
    }
  }

  /**
   * `vfio_container_attach_group()` (the tail of SET_CONTAINER): checks capabilities and mixing, attaches
   * the group to the container's backend if one is set, and makes the container the group's.
   */
  async attachGroup(task: Task, c: VfioContainer, group: VfioGroup): Promise<number> {
    if (group.type === 'noiommu' && !task.process.capSysRawio) return -EPERM;
    await c.groupLock.downWrite(task);
    try {
      if (c.groups.length > 0 && c.noiommu !== (group.type === 'noiommu')) return -EPERM;
      if (c.iommuDriver && c.iommuData && group.iommuGroup) {
        const ret = c.iommuDriver.attachGroup(c.iommuData, group.iommuGroup, group.type);
        if (ret) return ret;
      }
      group.container = c;
      group.containerUsers = 1;
      c.noiommu = group.type === 'noiommu';
      c.groups.push(group);
      c.refs++;
      return 0;
    } finally {
      c.groupLock.upWrite(task);
    }
  }

  /**
   * `vfio_group_detach_container()`: detaches from the backend; the last group's departure releases the
   * backend (and its module reference).
   */
  async detachGroup(task: Task, group: VfioGroup): Promise<void> {
    const c = group.container;
    if (!c) return;
    if (group.containerUsers !== 1 && this.k.profile.switches.groupFdDisassociates) {
      this.k.reportBug(
        task,
        'warn',
        `vfio_group_detach_container: container_users is ${group.containerUsers}, not 1`,
      );
    }
    await c.groupLock.downWrite(task);
    if (c.iommuDriver && c.iommuData && group.iommuGroup)
      c.iommuDriver.detachGroup(c.iommuData, group.iommuGroup);
    group.container = null;
    group.containerUsers = 0;
    c.groups.splice(c.groups.indexOf(group), 1);
    if (c.iommuDriver && c.groups.length === 0) {
      c.iommuDriver.release(c.iommuData!);
      this.k.modules.put(c.iommuDriver.owner);
      c.iommuDriver = null;
      c.iommuData = null;
    }
    c.groupLock.upWrite(task);
    this.put(c);
  }

  /** The container behind a descriptor of the calling process: -EBADF, or -EINVAL for another kind of file. */
  fromFd(task: Task, fd: number): VfioContainer | number {
    const file = task.process.fds.get(fd);
    if (!file) return -EBADF;
    if (!(file.privateData instanceof VfioContainer)) return -EINVAL;
    return file.privateData;
  }

  /** `vfio_iommu_driver_allowed()`: noiommu containers only see the noiommu backend and vice versa. */
  private allowed(c: VfioContainer, d: VfioIommuDriverOps): boolean {
    if (!this.k.build.noiommu) return true;
    return c.noiommu === (d.name === 'vfio-noiommu');
  }

  private attachAll(c: VfioContainer, d: VfioIommuDriverOps, data: IommuData): number {
    let ret = -ENODEV;
    const done: VfioGroup[] = [];
    for (const g of c.groups) {
      ret = g.iommuGroup ? d.attachGroup(data, g.iommuGroup, g.type) : -ENODEV;
      if (ret) {
        for (const u of done) if (u.iommuGroup) d.detachGroup(data, u.iommuGroup);
        return ret;
      }
      done.push(g);
    }
    return ret;
  }
}
