import type { Kernfs, KernfsNode } from '../fs/kernfs.ts';
import { EAGAIN, EEXIST, ENODEV, ENXIO, EPROBE_DEFER } from '../kernel/errno.ts';
import { KERN_WARNING, type Klog } from '../kernel/klog.ts';
import type { Runtime } from '../kernel/runtime.ts';
import type { Task } from '../kernel/task.ts';
import { createGroups } from './attribute_group.ts';
import type { Device } from './device.ts';
import type { DeviceDriver } from './driver.ts';

/**
 * The driver core (drivers/base/core.c, dd.c, bus.c) as far as mdev needs it: `device_add` (directory,
 * `uevent`, class and bus links, attribute groups, `power/`), `device_del` in the kernel's order (attributes
 * and bus link go first, then the driver is unbound, which may block, then the directory), explicit
 * binding (`device_driver_attach`) and unbinding. Preemption points sit between the steps a concurrent
 * task can observe.
 */
export class DriverCore {
  readonly devicesVirtual: KernfsNode;
  readonly classDir: KernfsNode;

  constructor(
    private readonly rt: Runtime,
    private readonly kernfs: Kernfs,
    private readonly klog: Klog,
    /** Called for a kernel WARN (a duplicate sysfs name). */
    private readonly onWarn: (task: Task, message: string) => void,
  ) {
    this.devicesVirtual = kernfs.mkdirs('/sys/devices/virtual');
    this.classDir = kernfs.mkdirs('/sys/class');
  }

  /** `driver_register()` on `drv.bus`: creates `/sys/bus/<bus>/drivers/<name>`. EEXIST for a duplicate name. */
  driverRegister(drv: DeviceDriver): number {
    if (drv.bus.drivers.has(drv.name)) return -EEXIST;
    const dir = this.kernfs.mkdir(drv.bus.driversDir, drv.name);
    if (typeof dir === 'number') return dir;
    drv.dir = dir;
    drv.bus.drivers.set(drv.name, drv);
    return 0;
  }

  /** `driver_unregister()`. */
  driverUnregister(drv: DeviceDriver): void {
    drv.bus.drivers.delete(drv.name);
    if (drv.dir) this.kernfs.unlink(drv.dir);
    drv.dir = undefined;
  }

  /**
   * `device_add()`: makes `dev` visible. Returns 0 or a negative errno (EEXIST for a name taken in the
   * parent directory or on the bus). Probes matching drivers of the bus afterwards (`bus_probe_device`).
   * `visible` runs once the device's directory and attribute groups exist (what user space can see first).
   */
  async deviceAdd(task: Task, dev: Device, visible?: () => void): Promise<number> {
    const parentDir = dev.parent?.dir ?? this.kernfs.mkdirs(`/sys/devices/virtual/${dev.className}`);
    const dir = this.kernfs.mkdir(parentDir, dev.name);
    if (typeof dir === 'number') {
      this.onWarn(task, `sysfs: cannot create duplicate filename '${parentDir.path}/${dev.name}'`);
      return dir;
    }
    dev.dir = dir;
    dev.registered = true;
    dev.parent?.children.push(dev);
    await this.rt.preempt(task, `device_add ${dev.name}: kobject added`);
    dev.nodes.uevent = this.made(
      task,
      this.kernfs.createAttr(dir, 'uevent', {
        show: async () => (dev.driver ? `DRIVER=${dev.driver.name}\n` : '\n'),
      }),
      `${dir.path}/uevent`,
    );
    const subsystemTarget =
      dev.bus?.dir ?? (dev.className ? this.kernfs.mkdirs(`/sys/class/${dev.className}`) : null);
    if (subsystemTarget) {
      dev.nodes.subsystem = this.made(
        task,
        this.kernfs.symlink(dir, 'subsystem', subsystemTarget),
        `${dir.path}/subsystem`,
      );
    }
    if (dev.className) {
      const cls = this.kernfs.mkdirs(`/sys/class/${dev.className}`);
      dev.nodes.classLink = this.made(
        task,
        this.kernfs.symlink(cls, dev.name, dir),
        `${cls.path}/${dev.name}`,
      );
    }
    dev.nodes.groups = createGroups(this.kernfs, dir, dev.groups);
    visible?.();
    await this.rt.preempt(task, `device_add ${dev.name}: attributes created`);
    if (dev.bus) {
      // bus_add_device: sysfs_create_link() warns on a duplicate name (sysfs_warn_dup) and fails the add.
      const link = this.kernfs.symlink(dev.bus.devicesDir, dev.name, dir);
      if (typeof link === 'number') {
        this.onWarn(
          task,
          `sysfs: cannot create duplicate filename '/bus/${dev.bus.name}/devices/${dev.name}'`,
        );
        await this.unwindAdd(task, dev);
        return link;
      }
      dev.nodes.busLink = link;
    }
    dev.nodes.power = this.made(task, this.kernfs.mkdir(dir, 'power'), `${dir.path}/power`);
    await this.rt.preempt(task, `device_add ${dev.name}: on the bus`);
    if (dev.bus) {
      for (const drv of dev.bus.drivers.values()) {
        if (dev.driver || !dev.bus.ops.match(dev, drv)) continue;
        await this.deviceDriverAttach(task, drv, dev);
      }
    }
    return 0;
  }

  /**
   * `device_del()`: removes `power/`, the class link, `uevent` and the attribute groups, then
   * `bus_remove_device` (subsystem link, bus link, then the driver is unbound: the bus remove runs and may
   * block), and finally the directory.
   */
  async deviceDel(task: Task, dev: Device): Promise<void> {
    if (!dev.registered) return;
    if (dev.parent) dev.parent.children.splice(dev.parent.children.indexOf(dev), 1);
    const n = dev.nodes;
    for (const node of [n.power, n.classLink, n.uevent]) if (node) await this.kernfs.remove(task, node);
    for (const node of n.groups) await this.kernfs.remove(task, node);
    n.groups = [];
    await this.rt.preempt(task, `device_del ${dev.name}: attributes removed`);
    for (const node of [n.subsystem, n.busLink]) if (node) await this.kernfs.remove(task, node);
    n.busLink = undefined;
    await this.deviceReleaseDriver(task, dev);
    if (dev.dir) await this.kernfs.remove(task, dev.dir);
    dev.registered = false;
  }

  /**
   * `device_driver_attach()`: binds `drv` to `dev` through the bus probe. The `driver` links exist while
   * the probe runs; on failure they go again. -EPROBE_DEFER becomes -EAGAIN (drivers/base/dd.c).
   */
  async deviceDriverAttach(task: Task, drv: DeviceDriver, dev: Device): Promise<number> {
    if (dev.driver) return dev.driver === drv ? 0 : -ENODEV;
    if (!dev.dir || !drv.dir) return -ENODEV;
    // driver_sysfs_add(): the driver's link to the device, then the device's `driver` link. A device of the
    // same name still bound (one whose removal waits for its fds) makes the first fail: WARN, no binding.
    const back = this.kernfs.symlink(drv.dir, dev.name, dev.dir);
    if (typeof back === 'number') {
      this.onWarn(task, `sysfs: cannot create duplicate filename '${drv.dir.path}/${dev.name}'`);
      return back;
    }
    dev.driver = drv;
    dev.nodes.driverBackLink = back;
    dev.nodes.driverLink = this.made(
      task,
      this.kernfs.symlink(dev.dir, 'driver', drv.dir),
      `${dev.dir.path}/driver`,
    );
    const ret = await drv.bus.ops.probe(task, dev, drv);
    if (ret !== 0) {
      // call_driver_probe(): every failure but ENODEV/ENXIO (and deferral) is logged at KERN_WARNING.
      if (ret !== -EPROBE_DEFER && ret !== -ENODEV && ret !== -ENXIO) {
        this.klog.log(KERN_WARNING, `${drv.name}: probe of ${dev.name} failed with error ${ret}`);
      }
      this.removeDriverLinks(dev);
      dev.driver = null;
      return ret === -EPROBE_DEFER ? -EAGAIN : ret;
    }
    dev.nodes.driverGroups = createGroups(this.kernfs, dev.dir, drv.devGroups(dev));
    return 0;
  }

  /** `device_release_driver()`: removes the driver's groups, runs the bus remove (may block), unlinks. */
  async deviceReleaseDriver(task: Task, dev: Device): Promise<void> {
    const drv = dev.driver;
    if (!drv) return;
    for (const node of dev.nodes.driverGroups) await this.kernfs.remove(task, node);
    dev.nodes.driverGroups = [];
    await drv.bus.ops.remove(task, dev, drv);
    this.removeDriverLinks(dev);
    dev.driver = null;
    dev.drvdata = undefined;
  }

  /** `put_device()`: drops a reference; the device's release function runs at the last one. */
  async putDevice(task: Task, dev: Device): Promise<void> {
    if (dev.refcount <= 0) throw new Error(`put_device underflow on ${dev.name}`);
    dev.refcount--;
    if (dev.refcount === 0) await dev.release(task, dev);
  }

  /** `get_device()`. */
  getDevice(dev: Device): Device {
    if (dev.refcount <= 0) throw new Error(`get_device on released ${dev.name}`);
    dev.refcount++;
    return dev;
  }

  /**
   * `device_for_each_child()`: calls `fn` on each child still attached, including children added while the
   * walk is in progress, until `fn` returns non-zero (which it then returns).
   */
  async forEachChild(parent: Device, fn: (child: Device) => Promise<number>): Promise<number> {
    const visited = new Set<Device>();
    for (;;) {
      const next = parent.children.find((c) => !visited.has(c));
      if (!next) return 0;
      visited.add(next);
      const ret = await fn(next);
      if (ret !== 0) return ret;
    }
  }

  /** A node the kernel creates without checking (a duplicate is only a sysfs WARN); undefined if it failed. */
  private made(task: Task, node: KernfsNode | number, path: string): KernfsNode | undefined {
    if (typeof node !== 'number') return node;
    this.onWarn(task, `sysfs: cannot create duplicate filename '${path}'`);
    return undefined;
  }

  /** Undoes a partial `device_add` (its error path). */
  private async unwindAdd(task: Task, dev: Device): Promise<void> {
    if (dev.parent) dev.parent.children.splice(dev.parent.children.indexOf(dev), 1);
    for (const node of [dev.nodes.classLink, ...dev.nodes.groups])
      if (node) await this.kernfs.remove(task, node);
    dev.nodes.groups = [];
    if (dev.dir) await this.kernfs.remove(task, dev.dir);
    dev.registered = false;
  }

  private removeDriverLinks(dev: Device): void {
    for (const node of [dev.nodes.driverLink, dev.nodes.driverBackLink]) if (node) this.kernfs.unlink(node);
    dev.nodes.driverLink = undefined;
    dev.nodes.driverBackLink = undefined;
  }
}
