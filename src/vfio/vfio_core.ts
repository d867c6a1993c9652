import type { Device } from '../base/device.ts';
import type { File, FileOperations } from '../fs/file.ts';
import type { KernfsNode } from '../fs/kernfs.ts';
import type { IommuGroup } from '../iommu/iommu_group.ts';
import { Completion } from '../kernel/completion.ts';
import { EINVAL, ENODEV, EPERM } from '../kernel/errno.ts';
import { Ida } from '../kernel/ida.ts';
import type { KernelServices } from '../kernel/kernel_services.ts';
import { Mutex } from '../kernel/mutex.ts';
import type { Task } from '../kernel/task.ts';
import { Containers, type VfioContainer } from './container.ts';
import { type VfioGroup, VfioGroups } from './group.ts';
import { VfioDevice, type VfioDeviceOps } from './vfio_device.ts';

/** The process-side state of an open device fd. */
interface DeviceFile {
  readonly vdev: VfioDevice;
  readonly group: VfioGroup;
  /** 6.1: the group file the device fd pins (`get_file(group->opened_file)`). */
  readonly groupFile: File | null;
}

/**
 * The VFIO core (drivers/vfio/vfio_main.c in 6.1, vfio.c in 4.x) while vfio.ko is loaded: device
 * registration and the blocking unregistration, device open and device fds. The group code (group.c
 * from 6.2) is `VfioGroups` in group.ts. Profile switches choose the GET_DEVICE_FD check order,
 * open/close counting, and whether a group fd outlives its devices (4.10) or is disassociated at once (6.1).
 */
export class VfioCore {
  readonly containers: Containers;
  /** The group code and its group list. */
  readonly vfioGroups: VfioGroups;
  readonly devDir: KernfsNode;
  private readonly deviceIda = new Ida();
  /** `vfio.enable_unsafe_noiommu_mode` (only with CONFIG_VFIO_NOIOMMU). */
  noiommuMode = false;

  constructor(private readonly k: KernelServices) {
    this.containers = new Containers(k);
    this.devDir = k.kernfs.mkdirs('/dev/vfio');
    this.vfioGroups = new VfioGroups(k, this.containers, this.devDir, (t, group, vdev) =>
      this.openDeviceFile(t, group, vdev),
    );
    k.kernfs.createChardev(this.devDir, 'vfio', async () => {
      if (!k.modules.tryGet('vfio')) return -ENODEV;
      return { fops: this.containers.fops(), data: this.containers.open() };
    });
  }

  /** The live groups (`vfio.group_list`). */
  get groups(): readonly VfioGroup[] {
    return this.vfioGroups.list;
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
    const group = await this.vfioGroups.create(task, iommu, 'emulated');
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
      const group = await this.vfioGroups.create(task, fake, 'noiommu');
      this.k.iommu.put(fake);
      this.k.tainted = true;
      this.k.klog.devWarn(vdev.owner, vdev.dev.name, 'Adding kernel taint for vfio-noiommu group on device');
      return this.registerDev(task, vdev, group);
    }
    return this.registerDev(task, vdev, await this.vfioGroups.findOrCreate(task, iommu));
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
    await this.vfioGroups.removeDevice(task, vdev, group);
    if (this.k.trace.on) this.k.trace.emit(task.id, 'vfio.unregister.end', { uuid, dev });
  }

  // ---- devices ----

  private async registerDev(task: Task, vdev: VfioDevice, group: VfioGroup): Promise<number> {
    vdev.group = group;
    if (this.k.profile.kernel === 'v6.1' && vdev.dev.dir) {
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

  private putRegistration(vdev: VfioDevice): void {
    vdev.registration--;
    if (vdev.registration === 0) vdev.comp.complete();
  }

  /**
   * `vfio_device_open_file()`: opens `vdev` of `group` (its registration taken by the lookup, dropped
   * again on failure) and installs an fd for it; a noiommu device warns on every open.
   */
  private async openDeviceFile(task: Task, group: VfioGroup, vdev: VfioDevice): Promise<number> {
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
    else await this.vfioGroups.tryDissolveContainer(task, group);
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
