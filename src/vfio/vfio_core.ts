import type { Device } from '../base/device.ts';
import type { File, FileOperations } from '../fs/file.ts';
import type { ChardevOpened, KernfsNode } from '../fs/kernfs.ts';
import type { IommuGroup } from '../iommu/iommu_group.ts';
import { Completion } from '../kernel/completion.ts';
import { EBADF, EBUSY, EINVAL, ENODEV, ENOTTY, EPERM } from '../kernel/errno.ts';
import { Ida } from '../kernel/ida.ts';
import type { Kernel } from '../kernel/kernel.ts';
import { Mutex } from '../kernel/mutex.ts';
import type { Task } from '../kernel/task.ts';
import { Containers, type VfioContainer } from './container.ts';
import { VFIO_GROUP_FLAGS_CONTAINER_SET, VFIO_GROUP_FLAGS_VIABLE, type VfioGroupStatus } from './uapi.ts';
import { VfioDevice, type VfioDeviceOps } from './vfio_device.ts';
import { VfioGroup, type VfioGroupType } from './group.ts';

/** The process-side state of an open device fd. */
interface DeviceFile {
  readonly vdev: VfioDevice;
  readonly group: VfioGroup;
  /** 6.1: the group file the device fd pins (`get_file(group->opened_file)`). */
  readonly groupFile: File | null;
}

/**
 * The VFIO core (drivers/vfio/vfio_main.c in 6.1, vfio.c in 4.x) while vfio.ko is loaded: groups and
 * their `/dev/vfio/<N>` nodes, device registration and the blocking unregistration, the group ioctls
 * (GET_STATUS, SET_CONTAINER, UNSET_CONTAINER, GET_DEVICE_FD) and device fds. Profile switches choose the
 * GET_DEVICE_FD check order, open/close counting, and whether a group fd outlives its devices (4.10) or is
 * disassociated at once (6.1).
 */
export class VfioCore {
  readonly containers: Containers;
  readonly groups: VfioGroup[] = [];
  readonly groupListLock: Mutex;
  readonly devDir: KernfsNode;
  private readonly deviceIda = new Ida();
  /** `vfio.enable_unsafe_noiommu_mode` (only with CONFIG_VFIO_NOIOMMU). */
  noiommuMode = false;

  constructor(private readonly k: Kernel) {
    this.containers = new Containers(k);
    this.groupListLock = new Mutex(k.rt, 'vfio.group_lock');
    this.devDir = k.kernfs.mkdirs('/dev/vfio');
    k.kernfs.createChardev(this.devDir, 'vfio', async () => {
      if (!k.modules.tryGet('vfio')) return -ENODEV;
      return { fops: this.containers.fops(), data: this.containers.open() };
    });
  }

  /** Tears down the nodes of vfio.ko at module exit: `/dev/vfio` and the `vfio`/`vfio-dev` classes. */
  shutdown(): void {
    for (const path of ['/dev/vfio', '/sys/class/vfio', '/sys/class/vfio-dev', '/sys/devices/virtual/vfio']) {
      const node = this.k.kernfs.lookup(path, false);
      if (typeof node !== 'number') this.k.kernfs.unlink(node);
    }
  }

  // ---- device registration (6.1 API; 4.10's vfio_add_group_dev uses the same path) ----

  /** `vfio_alloc_device()`: allocates the VFIO device of `dev` and runs `ops.init` (-errno frees it again). */
  async allocDevice(
    task: Task,
    dev: Device,
    ops: VfioDeviceOps,
    owner: string,
  ): Promise<VfioDevice | number> {
    const vdev = new VfioDevice(
      dev,
      ops,
      new Completion(this.k.rt, `vfio_device ${dev.name}`),
      new Mutex(this.k.rt, `dev_set ${dev.name}`),
      owner,
    );
    if (ops.init) {
      const ret = await this.k.vendorCall(task, 'init', owner, dev, () => ops.init!(task, vdev));
      if (ret) {
        vdev.kref = 0;
        return ret;
      }
    }
    return vdev;
  }

  /** `vfio_put_device()`: the last put runs the vendor's `release` (where samples free their state). */
  async putDevice(task: Task, vdev: VfioDevice): Promise<void> {
    vdev.kref--;
    if (vdev.kref > 0) return;
    if (vdev.ops.release) {
      await this.k.vendorCall(task, 'release', vdev.owner, vdev.dev, async () => {
        await vdev.ops.release!(task, vdev);
        return 0;
      });
    }
    vdev.released = true;
  }

  /**
   * `vfio_register_emulated_iommu_dev()` (6.1): a new IOMMU group named "vfio-noiommu" holding only this
   * device, its VFIO group and `/dev/vfio/<N>`, and `vfio-dev/vfio<k>`.
   */
  async registerEmulatedIommuDev(task: Task, vdev: VfioDevice): Promise<number> {
    const iommu = this.k.iommu.alloc();
    this.k.iommu.setName(iommu, 'vfio-noiommu');
    this.k.iommu.addDevice(iommu, vdev.dev, vdev.dev.driver?.name ?? vdev.owner);
    const group = await this.createGroup(task, iommu, 'emulated');
    this.k.iommu.put(iommu);
    return this.registerDev(task, vdev, group);
  }

  /**
   * `vfio_register_group_dev()`: for a device with a real IOMMU group, or — in noiommu mode only — a fake
   * "vfio-noiommu" group (tainting the kernel). Without either: -EINVAL.
   */
  async registerGroupDev(task: Task, vdev: VfioDevice, iommu: IommuGroup | null): Promise<number> {
    if (!iommu) {
      if (!this.k.build.noiommu || !this.noiommuMode) return -EINVAL;
      const fake = this.k.iommu.alloc();
      this.k.iommu.setName(fake, 'vfio-noiommu');
      this.k.iommu.addDevice(fake, vdev.dev, vdev.owner);
      const group = await this.createGroup(task, fake, 'noiommu');
      this.k.iommu.put(fake);
      this.k.tainted = true;
      this.k.klog.devWarn(vdev.owner, vdev.dev.name, 'Adding kernel taint for vfio-noiommu group on device');
      return this.registerDev(task, vdev, group);
    }
    await this.groupListLock.lock(task);
    const found = this.groups.find((g) => g.iommuGroup === iommu);
    if (found) {
      found.drivers++;
      found.kref++;
    }
    this.groupListLock.unlock(task);
    return this.registerDev(task, vdev, found ?? (await this.createGroup(task, iommu, 'iommu')));
  }

  /**
   * `vfio_unregister_group_dev()` / 4.x `vfio_del_group_dev()`: drops the registration and sleeps until
   * every device fd is closed (interruptibly first; after a signal it warns "Device is currently in use"
   * and keeps waiting uninterruptibly), then takes the device off its group.
   */
  async unregisterGroupDev(task: Task, vdev: VfioDevice): Promise<void> {
    const uuid = vdev.dev.name;
    const dev = vdev.dev.serial;
    if (this.k.trace.on) this.k.trace.emit(task.id, 'vfio.unregister.begin', { uuid, dev });
    this.putRegistration(vdev);
    let interrupted = false;
    let requests = 0;
    if (!vdev.comp.tryWait()) {
      if (this.k.trace.on)
        this.k.trace.emit(task.id, 'vfio.unregister.wait', { uuid, dev, openFds: vdev.openCount });
      for (;;) {
        if (vdev.ops.request) {
          const n = requests++;
          await this.k.vendorCall(task, 'ioctl', vdev.owner, vdev.dev, async () => {
            await vdev.ops.request!(task, vdev, n);
            return 0;
          });
        }
        if (interrupted) {
          await vdev.comp.wait(task);
          break;
        }
        if (await vdev.comp.waitInterruptible(task)) break;
        interrupted = true;
        this.k.klog.devWarn(
          vdev.dev.driver?.name ?? vdev.owner,
          uuid,
          `Device is currently in use, task "${task.comm}" (${task.process.pid}) blocked until device is released`,
        );
      }
    }
    const group = vdev.group!;
    await group.deviceLock.lock(task);
    group.devices.splice(group.devices.indexOf(vdev), 1);
    group.deviceLock.unlock(task);
    this.removeClassDev(vdev);
    await this.removeGroup(task, vdev, group);
    if (this.k.trace.on) this.k.trace.emit(task.id, 'vfio.unregister.end', { uuid, dev });
  }

  // ---- groups ----

  private async createGroup(task: Task, iommu: IommuGroup, type: VfioGroupType): Promise<VfioGroup> {
    const group = new VfioGroup(
      this.k.iommu.get(iommu),
      iommu.id,
      type,
      new Mutex(this.k.rt, `group_lock ${iommu.id}`),
      new Mutex(this.k.rt, `device_lock ${iommu.id}`),
    );
    await this.groupListLock.lock(task);
    const node = this.k.kernfs.createChardev(this.devDir, group.nodeName, (t) => this.groupOpen(t, group));
    if (typeof node !== 'number') group.cdev = node;
    if (this.k.profile.base === 'v6.1') {
      const dir = this.k.kernfs.mkdirs(`/sys/devices/virtual/vfio/${group.nodeName}`);
      group.classDir = dir;
      this.k.kernfs.symlink(this.k.kernfs.mkdirs('/sys/class/vfio'), group.nodeName, dir);
    }
    this.groups.push(group);
    this.groupListLock.unlock(task);
    return group;
  }

  private async registerDev(task: Task, vdev: VfioDevice, group: VfioGroup): Promise<number> {
    vdev.group = group;
    if (this.k.profile.base === 'v6.1' && vdev.dev.dir) {
      vdev.index = this.deviceIda.alloc();
      const glue = this.k.kernfs.mkdirs(`${vdev.dev.dir.path}/vfio-dev`);
      const dir = this.k.kernfs.mkdir(glue, `vfio${vdev.index}`);
      if (typeof dir !== 'number') {
        this.k.kernfs.symlink(this.k.kernfs.mkdirs('/sys/class/vfio-dev'), `vfio${vdev.index}`, dir);
      }
    }
    vdev.registration = 1;
    await group.deviceLock.lock(task);
    group.devices.push(vdev);
    group.deviceLock.unlock(task);
    if (this.k.trace.on)
      this.k.trace.emit(task.id, 'vfio.register', {
        uuid: vdev.dev.name,
        dev: vdev.dev.serial,
        group: group.id,
      });
    return 0;
  }

  private removeClassDev(vdev: VfioDevice): void {
    if (vdev.index < 0) return;
    const link = this.k.kernfs.lookup(`/sys/class/vfio-dev/vfio${vdev.index}`, false);
    if (typeof link !== 'number') this.k.kernfs.unlink(link);
    const glue = vdev.dev.dir?.children.get('vfio-dev');
    if (glue) this.k.kernfs.unlink(glue);
    this.deviceIda.free(vdev.index);
    vdev.index = -1;
  }

  /**
   * `vfio_device_remove_group()` (6.1): the emulated group loses its device; when the group has no driver
   * left its node is deleted at once, the container is detached and `iommu_group` cleared, so an open
   * group fd answers ENODEV. 4.x (`vfio_group_put`): the group lives on while its fd is open.
   */
  private async removeGroup(task: Task, vdev: VfioDevice, group: VfioGroup): Promise<void> {
    if (group.type !== 'iommu' && group.iommuGroup) {
      this.k.iommu.removeDevice(group.iommuGroup, vdev.dev, vdev.dev.driver?.name ?? vdev.owner);
    }
    if (!this.k.profile.switches.groupFdDisassociates) {
      this.putGroup4x(group);
      return;
    }
    group.drivers--;
    if (group.drivers > 0) return;
    await this.groupListLock.lock(task);
    this.groups.splice(this.groups.indexOf(group), 1);
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
  private putGroup4x(group: VfioGroup): void {
    group.kref--;
    if (group.kref > 0) return;
    this.groups.splice(this.groups.indexOf(group), 1);
    this.deleteNodes(group);
    if (group.iommuGroup) this.k.iommu.put(group.iommuGroup);
    group.iommuGroup = null;
  }

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

  private putRegistration(vdev: VfioDevice): void {
    vdev.registration--;
    if (vdev.registration === 0) vdev.comp.complete();
  }

  // ---- group file ----

  /** `vfio_group_fops_open()`: single open; a torn-down group is ENODEV; noiommu needs CAP_SYS_RAWIO. */
  private async groupOpen(task: Task, group: VfioGroup): Promise<ChardevOpened | number> {
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
      return { fops: this.groupFops(group), data: group, opened: (file) => (group.openedFile = file) };
    } finally {
      group.groupLock.unlock(task);
    }
  }

  private groupFops(group: VfioGroup): FileOperations {
    return {
      ioctl: (task, _file, cmd, arg) => this.groupIoctl(task, group, cmd, arg),
      release: async (task) => {
        await group.groupLock.lock(task);
        if (this.k.profile.switches.groupFdDisassociates) {
          if (group.container) await this.containers.detachGroup(task, group);
        } else {
          await this.tryDissolveContainer(task, group);
        }
        group.openedFile = null;
        group.groupLock.unlock(task);
        if (!this.k.profile.switches.groupFdDisassociates) this.putGroup4x(group);
        this.k.modules.put('vfio');
      },
    };
  }

  private async groupIoctl(task: Task, group: VfioGroup, cmd: string, arg: unknown): Promise<number> {
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
  private async tryDissolveContainer(task: Task, group: VfioGroup): Promise<void> {
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
    const ret = await this.deviceOpen(task, group, vdev);
    if (ret < 0) {
      this.putRegistration(vdev);
      return ret;
    }
    this.k.modules.tryGet('vfio');
    const groupFile = this.k.profile.switches.groupFdDisassociates ? (group.openedFile?.get() ?? null) : null;
    const deviceFile: DeviceFile = { vdev, group, groupFile };
    const fd = this.k.vfs.installAnon(task.process, '[vfio-device]', this.deviceFops(), deviceFile);
    if (group.type === 'noiommu') {
      this.k.klog.devWarn(
        vdev.owner,
        vdev.dev.name,
        `vfio-noiommu device opened by user (${task.comm}:${task.process.pid})`,
      );
    }
    if (this.k.trace.on)
      this.k.trace.emit(task.id, 'vfio.fd.open', {
        uuid: vdev.dev.name,
        dev: vdev.dev.serial,
        openCount: vdev.openCount,
      });
    return fd;
  }

  /** `vfio_device_open()`: container assignment, driver module pin, counted `open_device`. */
  private async deviceOpen(task: Task, group: VfioGroup, vdev: VfioDevice): Promise<number> {
    const sw = this.k.profile.switches;
    if (sw.getDeviceFdLookupFirst) {
      await group.groupLock.lock(task);
      const c: VfioContainer | null = group.container;
      let ret = 0;
      if (!c?.iommuDriver || group.containerUsers === 0) ret = -EINVAL;
      else if (group.type === 'noiommu' && !task.process.capSysRawio) ret = -EPERM;
      group.groupLock.unlock(task);
      if (ret) return ret;
    }
    const pinsDriver = sw.driverInterface === 'mdev_driver';
    if (pinsDriver && !this.k.modules.tryGet(vdev.owner)) return -ENODEV;
    group.containerUsers++;
    await vdev.devSetLock.lock(task);
    vdev.openCount++;
    let ret = 0;
    if ((vdev.openCount === 1 || !sw.openCloseCounting) && vdev.ops.openDevice) {
      ret = await this.k.vendorCall(task, 'open_device', vdev.owner, vdev.dev, () =>
        vdev.ops.openDevice!(task, vdev),
      );
    }
    if (ret) vdev.openCount--;
    vdev.devSetLock.unlock(task);
    if (ret) {
      group.containerUsers--;
      if (pinsDriver) this.k.modules.put(vdev.owner);
    }
    return ret;
  }

  // ---- device file ----

  private deviceFops(): FileOperations {
    const df = (file: File) => file.privateData as DeviceFile;
    return {
      read: (task, file, count, offset) =>
        this.deviceOp(task, df(file).vdev, 'read', (v) => v.ops.read?.(task, v, count, offset)),
      write: (task, file, data, offset) =>
        this.deviceOp(task, df(file).vdev, 'write', (v) => v.ops.write?.(task, v, data, offset)),
      ioctl: (task, file, cmd, arg) =>
        this.deviceOp(task, df(file).vdev, 'ioctl', (v) => v.ops.ioctl?.(task, v, cmd, arg)),
      mmap: (task, file, offset, length) =>
        this.deviceOp(task, df(file).vdev, 'mmap', (v) => v.ops.mmap?.(task, v, offset, length)),
      release: (task, file) => this.deviceRelease(task, df(file)),
    };
  }

  /** Forwards a device-fd operation to the vendor; a missing callback is -EINVAL (vfio_device_fops). */
  private async deviceOp<T>(
    task: Task,
    vdev: VfioDevice,
    cb: 'read' | 'write' | 'ioctl' | 'mmap',
    call: (v: VfioDevice) => Promise<T> | undefined,
  ): Promise<T | number> {
    const present = {
      read: vdev.ops.read,
      write: vdev.ops.write,
      ioctl: vdev.ops.ioctl,
      mmap: vdev.ops.mmap,
    }[cb];
    if (!present) return -EINVAL;
    return this.k.vendorCall(task, cb, vdev.owner, vdev.dev, () => call(vdev) as Promise<T>);
  }

  /** `vfio_device_fops_release()`: counted `close_device`, driver unpin, container user drop, registration put. */
  private async deviceRelease(task: Task, { vdev, group, groupFile }: DeviceFile): Promise<void> {
    const sw = this.k.profile.switches;
    await vdev.devSetLock.lock(task);
    if ((vdev.openCount === 1 || !sw.openCloseCounting) && vdev.ops.closeDevice) {
      await this.k.vendorCall(task, 'close_device', vdev.owner, vdev.dev, async () => {
        await vdev.ops.closeDevice!(task, vdev);
        return 0;
      });
    }
    vdev.openCount--;
    vdev.devSetLock.unlock(task);
    if (sw.driverInterface === 'mdev_driver') this.k.modules.put(vdev.owner);
    await group.groupLock.lock(task);
    if (sw.groupFdDisassociates) group.containerUsers--;
    else await this.tryDissolveContainer(task, group);
    group.groupLock.unlock(task);
    if (groupFile) await this.k.vfs.fput(task, groupFile);
    this.k.modules.put('vfio');
    if (this.k.trace.on)
      this.k.trace.emit(task.id, 'vfio.fd.close', {
        uuid: vdev.dev.name,
        dev: vdev.dev.serial,
        openCount: vdev.openCount,
      });
    this.putRegistration(vdev);
  }
}
