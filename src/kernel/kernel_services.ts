import type { Device } from '../base/device.ts';
import type { DriverCore } from '../base/driver_core.ts';
import type { Kernfs } from '../fs/kernfs.ts';
import type { Vfs } from '../fs/vfs.ts';
import type { IommuGroups } from '../iommu/iommu_group.ts';
import type { Profile } from '../profile/profiles.ts';
import type { VfioBuild } from './build_config.ts';
import type { Klog } from './klog.ts';
import type { Runtime } from './runtime.ts';
import type { Task } from './task.ts';
import type { Tracer, VendorCallback } from './trace.ts';

/**
 * A kernel bug the model detected while running (what KASAN, a WARN or a refcount check would report):
 * a use after free of vendor or parent state, a refcount underflow, a sysfs duplicate-name warning.
 */
export interface KernelBug {
  readonly kind: 'use-after-free' | 'uninitialized' | 'refcount' | 'warn';
  readonly message: string;
  readonly task: number;
}

/** Module references as the subsystems take them: `try_module_get()` and `module_put()`, by module name. */
export interface ModuleRefs {
  /** `try_module_get()`: false when the module is not loaded or is going. */
  tryGet(name: string): boolean;
  /** `module_put()`. */
  put(name: string): void;
}

/**
 * What the subsystems the kernel holds (the mdev core, VFIO and its groups and containers) use of the
 * kernel: its runtime, trace, log, `/sys` and `/dev`, driver core, IOMMU groups, profile and build, module
 * references, bug reports and vendor calls. `Kernel` implements it; the subsystems depend on this
 * interface rather than on `Kernel`, so that `Kernel` can hold them without an import cycle (in C the
 * same services are global functions, not a structure the subsystems point back to).
 */
export interface KernelServices {
  readonly rt: Runtime;
  readonly trace: Tracer;
  readonly klog: Klog;
  readonly kernfs: Kernfs;
  readonly vfs: Vfs;
  readonly core: DriverCore;
  readonly iommu: IommuGroups;
  readonly profile: Profile;
  readonly build: VfioBuild;
  readonly modules: ModuleRefs;
  /** TAINT_USER (noiommu). */
  tainted: boolean;
  /** Records a detected kernel bug (and logs it, as the kernel would). */
  reportBug(task: Task, kind: KernelBug['kind'], message: string): void;
  /**
   * Calls vendor callback `cb` of the driver in module `owner`: a preemption point on entry and on exit and
   * trace events around it, so a scheduler can interleave unserialized callbacks any way the kernel could.
   */
  vendorCall<T>(
    task: Task,
    cb: VendorCallback,
    owner: string,
    dev: Device | undefined,
    fn: () => Promise<T>,
  ): Promise<T>;
}
