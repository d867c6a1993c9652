import { Bus } from '../base/bus.ts';
import { EINVAL } from '../kernel/errno.ts';
import type { KernelServices } from '../kernel/kernel_services.ts';
import type { Task } from '../kernel/task.ts';
import type { MdevBusDriver } from './mdev_bus_driver.ts';
import type { MdevDevice } from './mdev_device.ts';
import type { MdevDriver } from './mdev_driver_ops.ts';

/**
 * The mdev bus and its drivers (drivers/vfio/mdev/mdev_driver.c): `mdev_bus_type` with its probe, remove
 * and match, and `mdev_register_driver`/`mdev_unregister_driver`. A 6.1 vendor's `struct mdev_driver` is
 * wrapped into a bus driver whose callbacks are vendor calls; 4.10's vfio_mdev registers a bus driver as
 * is, and its probe first gives the device an IOMMU group (`mdev_attach_iommu`).
 */
export class MdevDrivers {
  /** `mdev_bus_type`: `/sys/bus/mdev`. */
  readonly bus: Bus;
  private readonly busDrivers = new Map<MdevDriver, MdevBusDriver>();

  constructor(
    private readonly k: KernelServices,
    /** Every mdev device on the bus (the mdev core's list), for `driver_attach`. */
    private readonly allDevices: () => readonly MdevDevice[],
  ) {
    const legacyBus = k.profile.switches.driverInterface === 'parent_ops';
    this.bus = new Bus(k.kernfs, 'mdev', {
      probe: (task, dev, drv) => this.probe(task, dev as MdevDevice, drv as MdevBusDriver),
      remove: (task, dev, drv) => this.remove(task, dev as MdevDevice, drv as MdevBusDriver),
      // 4.10: the bus has no match(), so every mdev driver (vfio_mdev) binds at device_register.
      // 6.1: mdev_match() returns 0; binding happens only through device_driver_attach() in create.
      match: () => legacyBus,
    });
  }

  /** `mdev_register_driver()` (6.1): -EINVAL without `device_api`; then `driver_register`. */
  register(drv: MdevDriver): number {
    if (!drv.deviceApi) return -EINVAL;
    const busDriver: MdevBusDriver = {
      name: drv.name,
      bus: this.bus,
      owner: drv.owner,
      devGroups: (dev) => drv.devGroups(dev as MdevDevice),
      probe: (task, mdev) => this.k.vendorCall(task, 'probe', drv.owner, mdev, () => drv.probe(task, mdev)),
      remove: async (task, mdev) => {
        await this.k.vendorCall(task, 'remove', drv.owner, mdev, async () => {
          await drv.remove(task, mdev);
          return 0;
        });
      },
    };
    const ret = this.k.core.driverRegister(busDriver);
    if (ret === 0) this.busDrivers.set(drv, busDriver);
    return ret;
  }

  /** `mdev_unregister_driver()`. */
  unregister(drv: MdevDriver): void {
    const busDriver = this.busDrivers.get(drv);
    if (busDriver) this.k.core.driverUnregister(busDriver);
    this.busDrivers.delete(drv);
  }

  /** Registers a bus driver as is (4.10's vfio_mdev); binds the unbound devices it matches (`driver_attach`). */
  async registerBusDriver(task: Task, drv: MdevBusDriver): Promise<number> {
    const ret = this.k.core.driverRegister(drv);
    if (ret) return ret;
    for (const m of this.allDevices()) {
      if (!m.driver && m.registered) await this.k.core.deviceDriverAttach(task, drv, m);
    }
    return 0;
  }

  /** `mdev_unregister_driver()` for a bus driver: unbinds its devices, then unregisters it. */
  async unregisterBusDriver(task: Task, drv: MdevBusDriver): Promise<void> {
    for (const m of this.allDevices()) if (m.driver === drv) await this.k.core.deviceReleaseDriver(task, m);
    this.k.core.driverUnregister(drv);
  }

  /** The bus driver registered for vendor driver `drv`, if any (what `device_driver_attach` binds). */
  busDriverOf(drv: MdevDriver): MdevBusDriver | undefined {
    return this.busDrivers.get(drv);
  }

  /**
   * The mdev bus probe: 4.10 (`mdev_driver.c`) first gives the device its own IOMMU group
   * (`mdev_attach_iommu`), then calls the driver's probe (vfio_mdev); 6.1 calls the vendor probe directly
   * (the vendor registers its VFIO device, which allocates the group).
   */
  private async probe(task: Task, mdev: MdevDevice, drv: MdevBusDriver): Promise<number> {
    if (this.k.profile.switches.driverInterface === 'parent_ops') {
      const group = this.k.iommu.alloc();
      this.k.iommu.addDevice(group, mdev, drv.name);
      this.k.iommu.put(group);
      this.k.klog.devInfo(drv.name, mdev.uuid, `MDEV: group_id = ${group.id}`);
      const ret = await drv.probe(task, mdev);
      if (ret) this.detachIommu(mdev, drv);
      return ret;
    }
    return drv.probe(task, mdev);
  }

  /** The mdev bus remove: the driver's remove (may block), then (4.10) `mdev_detach_iommu`. */
  private async remove(task: Task, mdev: MdevDevice, drv: MdevBusDriver): Promise<void> {
    await drv.remove(task, mdev);
    if (this.k.profile.switches.driverInterface === 'parent_ops') this.detachIommu(mdev, drv);
  }

  /** 4.10 `mdev_detach_iommu()`: the device leaves the IOMMU group its probe gave it. */
  private detachIommu(mdev: MdevDevice, drv: MdevBusDriver): void {
    for (const g of this.k.iommu.live.values()) {
      if (g.devices.includes(mdev)) this.k.iommu.removeDevice(g, mdev, drv.name);
    }
  }
}
