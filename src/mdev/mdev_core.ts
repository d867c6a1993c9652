import { createGroups } from '../base/attribute_group.ts';
import type { Bus } from '../base/bus.ts';
import type { Device } from '../base/device.ts';
import type { KernfsNode } from '../fs/kernfs.ts';
import { EAGAIN, EBUSY, EEXIST, EINVAL, ENODEV, EUSERS } from '../kernel/errno.ts';
import type { KernelServices } from '../kernel/kernel_services.ts';
import { Mutex } from '../kernel/mutex.ts';
import { RwSemaphore } from '../kernel/rwsem.ts';
import type { Task } from '../kernel/task.ts';
import { MdevDevice } from './mdev_device.ts';
import { MdevDrivers } from './mdev_driver.ts';
import type { MdevDriver, MdevParentOps } from './mdev_driver_ops.ts';
import { MdevParent } from './mdev_parent.ts';
import { type MdevDeviceLifecycle, MdevSysfs } from './mdev_sysfs.ts';
import { MdevType } from './mdev_type.ts';

/** A 6.1 type as the vendor declares it (`struct mdev_type` fields the vendor fills). */
export interface MdevTypeSpec {
  readonly sysfsName: string;
  readonly prettyName?: string;
  /** Vendor data kept with the type (ports, memory, resolution). */
  readonly vendorData?: Readonly<Record<string, number | string>>;
}

/**
 * The mdev core (drivers/vfio/mdev/mdev_core.c) while mdev.ko is loaded: the mdev bus (through
 * `MdevDrivers`, the twin of mdev_driver.c), the global device list and its lock, parent registration and unregistration, and the create and remove
 * sequences, with the lock placement and step order of the profile (kernel-semantics.md §1.5–1.6, §2.3–2.5).
 */
export class MdevCore implements MdevDeviceLifecycle {
  readonly bus: Bus;
  readonly sysfs: MdevSysfs;
  /** The global `mdev_list` (4.10: listed devices; 4.18+: every device from reservation to release). */
  readonly mdevList: MdevDevice[] = [];
  readonly mdevListLock: Mutex;
  /** Registered parents (4.10's `parent_list`; 6.1 keeps none, the list here serves lookups only). */
  readonly parents: MdevParent[] = [];
  /** 4.10 `parent_list_lock`. */
  readonly parentListLock: Mutex;
  /** `/sys/class/mdev_bus` (the compat class). */
  readonly compatDir: KernfsNode;
  /** The mdev bus and its drivers (mdev_driver.c). */
  readonly drivers: MdevDrivers;

  constructor(private readonly k: KernelServices) {
    this.drivers = new MdevDrivers(k, () => this.allDevices());
    this.bus = this.drivers.bus;
    this.sysfs = new MdevSysfs(k, this);
    this.mdevListLock = new Mutex(k.rt, 'mdev_list_lock');
    this.parentListLock = new Mutex(k.rt, 'parent_list_lock');
    this.compatDir = k.kernfs.mkdirs('/sys/class/mdev_bus');
  }

  /** Module exit of mdev.ko: the bus and the compat class go away. */
  shutdown(): void {
    this.k.kernfs.unlink(this.bus.dir);
    this.k.kernfs.unlink(this.compatDir);
  }

  // ---------------------------------------------------------------- 6.1 parent registration

  /**
   * `mdev_register_parent()` (6.1): sets up `unreg_sem` and the core instance counter, creates the type
   * directories (-ENOMEM if the parent already has them: the kset API returns NULL for a duplicate name),
   * the compat class link (a failure is only a warning), logs "MDEV: Registered". No callback checks.
   */
  async registerParent(
    task: Task,
    dev: Device,
    drv: MdevDriver,
    specs: readonly MdevTypeSpec[],
  ): Promise<MdevParent | number> {
    await this.k.rt.preempt(task, `mdev_register_parent ${dev.name}`);
    const parent = new MdevParent(dev, drv, null, new RwSemaphore(this.k.rt, `unreg_sem ${dev.name}`), null);
    parent.availableInstances = drv.maxInstances;
    parent.types = specs.map(
      (s) => new MdevType(parent, s.sysfsName, s.prettyName ?? null, null, s.vendorData ?? {}),
    );
    const ret = this.sysfs.parentCreateFiles(parent);
    if (this.k.trace.on) this.k.trace.emit(task.id, 'parent.register', { parent: dev.name, ret });
    if (ret) return ret;
    this.addCompatLink(parent);
    this.parents.push(parent);
    this.k.klog.devInfo(parent.driverString, dev.name, 'MDEV: Registered');
    return parent;
  }

  /**
   * `mdev_unregister_parent()` (6.1): takes `unreg_sem` for write (waiting for creates and removes in
   * flight; new ones fail their trylock with -ENODEV), removes every child (blocking while a child's device
   * fd is open), then the type directories (draining `create` stores), and releases the semaphore.
   */
  async unregisterParent(task: Task, parent: MdevParent): Promise<void> {
    this.k.klog.devInfo(parent.driverString, parent.name, 'MDEV: Unregistering');
    if (this.k.trace.on) this.k.trace.emit(task.id, 'parent.unregister.begin', { parent: parent.name });
    parent.unregistering = true;
    await parent.unregSem!.downWrite(task);
    this.removeCompatLink(parent);
    await this.k.core.forEachChild(parent.dev, async (child) => {
      if (child.bus === this.bus) await this.removeCommon(task, child as MdevDevice, 'unregister');
      return 0;
    });
    await this.sysfs.parentRemoveFiles(task, parent);
    parent.unregSem!.upWrite(task);
    this.parents.splice(this.parents.indexOf(parent), 1);
    parent.unregistered = true;
    if (this.k.trace.on) this.k.trace.emit(task.id, 'parent.unregister.end', { parent: parent.name });
  }

  // ---------------------------------------------------------------- 4.10 parent registration

  /**
   * `mdev_register_device()` (4.10): `create`, `remove` and `supported_type_groups` are mandatory
   * (-EINVAL); a second registration of the same device is -EEXIST (and, before 60e7f2c3fe99, drops a
   * reference of the existing parent: C-6); then the parent, its attribute groups and type directories.
   */
  async registerDevice(task: Task, dev: Device, ops: MdevParentOps | null): Promise<number> {
    if (!ops?.create || !ops.remove || !ops.supportedTypeGroups) return -EINVAL;
    await this.parentListLock.lock(task);
    try {
      const existing = this.parents.find((p) => p.dev === dev);
      if (existing) {
        if (this.k.profile.switches.duplicateParentPutsExisting) this.putParent(task, existing);
        return -EEXIST;
      }
      const lock = this.k.profile.switches.perParentLock
        ? new Mutex(this.k.rt, `parent->lock ${dev.name}`)
        : null;
      const unregSem = this.k.profile.switches.unregSem
        ? new RwSemaphore(this.k.rt, `unreg_sem ${dev.name}`)
        : null;
      const parent = new MdevParent(dev, null, ops, unregSem, lock);
      parent.types = ops.supportedTypeGroups.map((g) => new MdevType(parent, g.name ?? '', null, g));
      if (dev.dir && ops.devAttrGroups) {
        parent.devAttrNodes = createGroups(this.k.kernfs, dev.dir, ops.devAttrGroups);
      }
      const ret = this.sysfs.parentCreateFiles(parent);
      if (this.k.trace.on) this.k.trace.emit(task.id, 'parent.register', { parent: dev.name, ret });
      if (ret) {
        for (const n of parent.devAttrNodes) this.k.kernfs.unlink(n);
        return ret;
      }
      this.addCompatLink(parent);
      this.parents.push(parent);
      this.k.klog.devInfo(parent.driverString, dev.name, 'MDEV: Registered');
      return 0;
    } finally {
      this.parentListLock.unlock(task);
    }
  }

  /**
   * `mdev_unregister_device()` (4.10): under the global `parent_list_lock`, force-removes every child —
   * each waits for its device fds; before 6093e348a5e2 the walk stops at the first child whose removal
   * fails (C-7) — then removes the type directories (waiting for `create` stores in flight, whose device
   * may be left behind: C-9), and drops the parent's initial reference.
   */
  async unregisterDevice(task: Task, dev: Device): Promise<void> {
    await this.parentListLock.lock(task);
    const parent = this.parents.find((p) => p.dev === dev);
    if (!parent) {
      this.parentListLock.unlock(task);
      return;
    }
    this.k.klog.devInfo(parent.driverString, parent.name, 'MDEV: Unregistering');
    if (this.k.trace.on) this.k.trace.emit(task.id, 'parent.unregister.begin', { parent: parent.name });
    parent.unregistering = true;
    this.parents.splice(this.parents.indexOf(parent), 1);
    this.removeCompatLink(parent);
    if (parent.unregSem) await parent.unregSem.downWrite(task);
    await this.k.core.forEachChild(dev, async (child) => {
      if (child.bus !== this.bus) return 0;
      const ret = await this.deviceRemove(task, child as MdevDevice, true);
      return this.k.profile.switches.childRemovalAbortsOnError ? ret : 0;
    });
    await this.sysfs.parentRemoveFiles(task, parent);
    for (const n of parent.devAttrNodes) await this.k.kernfs.remove(task, n);
    if (parent.unregSem) parent.unregSem.upWrite(task);
    this.parentListLock.unlock(task);
    parent.unregistered = true;
    if (this.k.trace.on) this.k.trace.emit(task.id, 'parent.unregister.end', { parent: parent.name });
    this.putParent(task, parent);
  }

  // ---------------------------------------------------------------- create

  /**
   * `mdev_device_create()`. 6.1 order: reserve the GUID on `mdev_list` (-EEXIST across all parents,
   * -EUSERS when a core-counted parent has no instance left), trylock `unreg_sem` (-ENODEV), `device_add`
   * (device and its `remove` file visible), vendor probe (its errno), type links, `active = true`.
   * 4.10 order: `parent->lock`, duplicate check among this parent's children only, `device_register`
   * (vfio_mdev binds: `/dev/vfio/N` can be opened), vendor `create` (its errno), `remove` file and links,
   * unlock, then onto `mdev_list`.
   */
  async deviceCreate(task: Task, type: MdevType, uuid: string): Promise<number> {
    const parent = type.parent;
    this.checkParentAlive(task, parent);
    if (parent.ops) parent.kref++;
    if (parent.lock) await parent.lock.lock(task);
    let created: MdevDevice | number;
    try {
      created = await this.createLocked(task, type, uuid);
    } finally {
      if (parent.lock) parent.lock.unlock(task);
    }
    if (typeof created !== 'number' && !this.k.profile.switches.activeFlag) {
      // 4.10-rc1 had no mdev_list: nothing to add the device to.
      if (this.k.profile.switches.removeClaimOnMdevList) await this.listAdd(task, created);
      if (this.k.trace.on) this.k.trace.emit(task.id, 'mdev.active', { uuid, dev: created.serial });
    }
    const ret = typeof created === 'number' ? created : 0;
    if (ret && parent.ops) this.putParent(task, parent);
    if (this.k.trace.on) {
      this.k.trace.emit(task.id, 'mdev.create.end', { uuid, parent: parent.name, type: type.dirName, ret });
    }
    return ret;
  }

  /** The part of create that runs under `parent->lock` (4.10) and, from v5.2, the read side of `unreg_sem`. */
  private async createLocked(task: Task, type: MdevType, uuid: string): Promise<MdevDevice | number> {
    const sw = this.k.profile.switches;
    const parent = type.parent;
    let mdev: MdevDevice;
    if (sw.globalUuidReservation) {
      const r = await this.reserve(task, type, uuid);
      if (typeof r === 'number') return r;
      mdev = r;
    } else {
      if (parent.dev.children.some((c) => c instanceof MdevDevice && c.uuid === uuid)) return -EEXIST;
      mdev = this.newDevice(type, uuid);
    }
    if (parent.unregSem && !(await parent.unregSem.downReadTrylock(task))) {
      await this.k.core.putDevice(task, mdev);
      return -ENODEV;
    }
    try {
      const ret = sw.visibleBeforeVendorCreate
        ? await this.registerThenVendorCreate(task, type, mdev)
        : await this.addThenProbe(task, type, mdev);
      if (ret) return ret;
      if (sw.activeFlag) {
        await this.k.rt.preempt(task, `mdev_device_create ${uuid}: activate`);
        mdev.active = true;
        if (this.k.trace.on) this.k.trace.emit(task.id, 'mdev.active', { uuid, dev: mdev.serial });
      }
      return mdev;
    } finally {
      parent.unregSem?.upRead();
    }
  }

  /** 6.1 steps 1–5: reserve the GUID under `mdev_list_lock`, counting core-managed instances. */
  private async reserve(task: Task, type: MdevType, uuid: string): Promise<MdevDevice | number> {
    const parent = type.parent;
    await this.mdevListLock.lock(task);
    try {
      if (this.mdevList.some((m) => m.uuid === uuid)) return -EEXIST;
      if (this.k.profile.switches.coreInstanceCounting && parent.driver && !parent.driver.getAvailable) {
        if (parent.availableInstances === 0) return -EUSERS;
        parent.availableInstances--;
      }
      const mdev = this.newDevice(type, uuid);
      this.mdevList.push(mdev);
      mdev.onList = true;
      if (this.k.trace.on)
        this.k.trace.emit(task.id, 'mdev.reserve', {
          uuid,
          dev: mdev.serial,
          parent: parent.name,
          type: type.dirName,
        });
      return mdev;
    } finally {
      this.mdevListLock.unlock(task);
    }
  }

  private newDevice(type: MdevType, uuid: string): MdevDevice {
    const mdev = new MdevDevice(uuid, type, (task, dev) => this.release(task, dev as MdevDevice));
    mdev.parent = type.parent.dev;
    mdev.bus = this.bus;
    if (this.k.profile.switches.removeFileCreation === 'device-groups')
      mdev.groups = this.sysfs.deviceGroups(mdev);
    type.kobjRefs++;
    return mdev;
  }

  /** 6.1: `device_add`, `device_driver_attach` (vendor probe), links. Failures unwind and release. */
  private async addThenProbe(task: Task, type: MdevType, mdev: MdevDevice): Promise<number> {
    const parent = type.parent;
    // The trace reports the device once its directory and `remove` attribute are visible, inside device_add.
    let ret = await this.k.core.deviceAdd(task, mdev, () => {
      if (this.k.trace.on)
        this.k.trace.emit(task.id, 'mdev.device_add', {
          uuid: mdev.uuid,
          dev: mdev.serial,
          parent: parent.name,
          type: type.dirName,
        });
    });
    if (ret) {
      await this.k.core.putDevice(task, mdev);
      return ret;
    }
    mdev.removeNode = mdev.nodes.groups.find((n) => n.name === 'remove') ?? null;
    const busDriver = parent.driver ? this.drivers.busDriverOf(parent.driver) : undefined;
    ret = busDriver ? await this.k.core.deviceDriverAttach(task, busDriver, mdev) : -ENODEV;
    if (!ret) ret = this.sysfs.createDeviceFiles(mdev);
    if (ret) {
      await this.k.core.deviceDel(task, mdev);
      await this.k.core.putDevice(task, mdev);
      return ret;
    }
    if (this.k.trace.on) this.k.trace.emit(task.id, 'mdev.links', { uuid: mdev.uuid, dev: mdev.serial });
    return 0;
  }

  /**
   * 4.10: `device_register` (the bus probes vfio_mdev, which creates the IOMMU and VFIO groups), vendor
   * `create`, its `mdev_attr_groups`, then `remove` and the links. A vendor failure unregisters the device,
   * which blocks if someone already opened it in the window (C-2).
   */
  private async registerThenVendorCreate(task: Task, type: MdevType, mdev: MdevDevice): Promise<number> {
    const ops = type.parent.ops!;
    let ret = await this.k.core.deviceAdd(task, mdev);
    if (ret) {
      await this.k.core.putDevice(task, mdev);
      return ret;
    }
    if (this.k.trace.on)
      this.k.trace.emit(task.id, 'mdev.device_add', {
        uuid: mdev.uuid,
        dev: mdev.serial,
        parent: type.parent.name,
        type: type.dirName,
      });
    ret = await this.k.vendorCall(task, 'create', ops.owner, mdev, () => ops.create!(task, type, mdev));
    if (!ret && mdev.dir && ops.mdevAttrGroups) {
      mdev.vendorAttrNodes = createGroups(this.k.kernfs, mdev.dir, ops.mdevAttrGroups(mdev));
    }
    if (!ret) {
      ret = this.sysfs.createDeviceFiles(mdev);
      if (ret) await this.k.vendorCall(task, 'remove', ops.owner, mdev, () => ops.remove!(task, mdev));
    }
    if (ret) {
      await this.teardown(task, mdev, 'create-error');
      return ret;
    }
    if (this.k.trace.on) this.k.trace.emit(task.id, 'mdev.links', { uuid: mdev.uuid, dev: mdev.serial });
    return 0;
  }

  /** 4.10 (99e3123e): the device goes onto `mdev_list` once created. */
  private async listAdd(task: Task, mdev: MdevDevice): Promise<void> {
    await this.mdevListLock.lock(task);
    this.mdevList.push(mdev);
    mdev.onList = true;
    this.mdevListLock.unlock(task);
  }

  // ---------------------------------------------------------------- remove

  /**
   * `mdev_device_remove()`. The claim: 6.1 — not on `mdev_list` -ENODEV, not `active` -EAGAIN, else clear
   * `active`; 4.10 — not on `mdev_list` -ENODEV, else `list_del`. Then (6.1) trylock `unreg_sem` (-ENODEV)
   * and `mdev_device_remove_common` (links, `device_del`: the vendor remove waits for the device fds). 4.10
   * takes `parent->lock`, calls the vendor `remove` first (a refusal re-lists the device and is -EBUSY
   * unless `force`), then unregisters the device, waiting for its fds with the lock held.
   */
  async deviceRemove(task: Task, mdev: MdevDevice, force: boolean): Promise<number> {
    const sw = this.k.profile.switches;
    const parent = mdev.type.parent;
    const uuid = mdev.uuid;
    let refused = 0;
    // 4.10-rc1 (before "vfio-mdev: Fix remove race", C-1): nothing claims the device; every remover goes on.
    if (sw.removeClaimOnMdevList || sw.activeFlag) {
      await this.mdevListLock.lock(task);
      if (!mdev.onList) refused = -ENODEV;
      else if (sw.activeFlag && !mdev.active) refused = -EAGAIN;
      else if (sw.activeFlag) mdev.active = false;
      else {
        this.mdevList.splice(this.mdevList.indexOf(mdev), 1);
        mdev.onList = false;
      }
      this.mdevListLock.unlock(task);
    }
    if (refused) {
      if (this.k.trace.on)
        this.k.trace.emit(task.id, 'mdev.remove.refused', { uuid, dev: mdev.serial, errno: -refused });
      return refused;
    }
    if (this.k.trace.on) this.k.trace.emit(task.id, 'mdev.remove.claim', { uuid, dev: mdev.serial });
    this.checkParentAlive(task, parent);
    if (parent.unregSem && !force && !(await parent.unregSem.downReadTrylock(task))) {
      if (this.k.trace.on)
        this.k.trace.emit(task.id, 'mdev.remove.refused', { uuid, dev: mdev.serial, errno: ENODEV });
      return -ENODEV;
    }
    try {
      if (!sw.vendorRemoveBeforeUnregister) {
        await this.removeCommon(task, mdev, force ? 'unregister' : 'user');
        return 0;
      }
      if (parent.lock) await parent.lock.lock(task);
      try {
        const ops = parent.ops!;
        const ret = await this.k.vendorCall(task, 'remove', ops.owner, mdev, () => ops.remove!(task, mdev));
        if (ret && !force && sw.vendorRemoveCanFail) {
          await this.listAdd(task, mdev);
          const errno = sw.vendorRemoveErrnoMasked ? -EBUSY : ret;
          if (this.k.trace.on)
            this.k.trace.emit(task.id, 'mdev.remove.refused', { uuid, dev: mdev.serial, errno: -errno });
          return errno;
        }
        for (const n of mdev.vendorAttrNodes) await this.k.kernfs.remove(task, n);
        mdev.vendorAttrNodes = [];
        await this.teardown(task, mdev, force ? 'unregister' : 'user');
      } finally {
        if (parent.lock) parent.lock.unlock(task);
      }
      this.putParent(task, parent);
      return 0;
    } finally {
      if (!force) parent.unregSem?.upRead();
    }
  }

  /** 6.1 `mdev_device_remove_common()`: links, `device_del` (vendor remove, blocking), `put_device`. */
  private async removeCommon(task: Task, mdev: MdevDevice, by: 'user' | 'unregister'): Promise<void> {
    await this.teardown(task, mdev, by);
  }

  /** Removes the device's links, unregisters it (unbinding its driver, which may block) and puts it. */
  private async teardown(
    task: Task,
    mdev: MdevDevice,
    by: 'user' | 'unregister' | 'create-error',
  ): Promise<void> {
    if (this.k.trace.on)
      this.k.trace.emit(task.id, 'mdev.teardown.begin', { uuid: mdev.uuid, dev: mdev.serial, by });
    await this.sysfs.removeDeviceFiles(task, mdev);
    await this.k.core.deviceDel(task, mdev);
    if (this.k.trace.on)
      this.k.trace.emit(task.id, 'mdev.teardown.end', { uuid: mdev.uuid, dev: mdev.serial });
    await this.k.core.putDevice(task, mdev);
  }

  /**
   * `mdev_device_release()` at the last `put_device`: 6.1 takes `mdev_list_lock`, unlists the GUID (free for
   * reuse from now on) and gives a core-counted instance back.
   */
  private async release(task: Task, mdev: MdevDevice): Promise<void> {
    const parent = mdev.type.parent;
    if (this.k.profile.switches.globalUuidReservation) {
      await this.mdevListLock.lock(task);
      const i = this.mdevList.indexOf(mdev);
      if (i >= 0) this.mdevList.splice(i, 1);
      mdev.onList = false;
      if (this.k.profile.switches.coreInstanceCounting && parent.driver && !parent.driver.getAvailable) {
        parent.availableInstances++;
      }
      this.mdevListLock.unlock(task);
    }
    mdev.type.kobjRefs--;
    mdev.released = true;
    if (this.k.trace.on) this.k.trace.emit(task.id, 'mdev.release', { uuid: mdev.uuid, dev: mdev.serial });
  }

  // ---------------------------------------------------------------- helpers

  /** Every mdev device on the bus. */
  allDevices(): MdevDevice[] {
    return this.parents.flatMap((p) =>
      p.dev.children.filter((c): c is MdevDevice => c instanceof MdevDevice),
    );
  }

  /** 4.10 `mdev_put_parent()`: the last reference frees the parent. */
  private putParent(task: Task, parent: MdevParent): void {
    if (!parent.ops) return;
    this.checkParentAlive(task, parent);
    parent.kref--;
  }

  /** Accessing a freed 4.10 parent is a use after free (C-6). */
  private checkParentAlive(task: Task, parent: MdevParent): void {
    if (parent.ops && parent.kref <= 0) {
      this.k.reportBug(
        task,
        'use-after-free',
        `mdev parent ${parent.name} used after its last reference was dropped`,
      );
    }
  }

  private addCompatLink(parent: MdevParent): void {
    if (!parent.dev.dir) return;
    const link = this.k.kernfs.symlink(this.compatDir, parent.name, parent.dev.dir);
    if (typeof link === 'number') {
      this.k.klog.devWarn(parent.driverString, parent.name, 'Failed to create compatibility class link');
      return;
    }
    parent.compatLink = link;
  }

  private removeCompatLink(parent: MdevParent): void {
    if (parent.compatLink) this.k.kernfs.unlink(parent.compatLink);
    parent.compatLink = null;
  }
}
