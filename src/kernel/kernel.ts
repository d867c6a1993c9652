import type { Device } from '../base/device.ts';
import { DriverCore } from '../base/driver_core.ts';
import { Kernfs } from '../fs/kernfs.ts';
import { Vfs } from '../fs/vfs.ts';
import { IommuGroups } from '../iommu/iommu_group.ts';
import type { MdevCore } from '../mdev/mdev_core.ts';
import { type AvailableModule, ModuleLoader } from '../module/loader.ts';
import type { ModuleDefFor } from '../module/module.ts';
import { type Profile, V6_1 } from '../profile/profiles.ts';
import type { VfioCore } from '../vfio/vfio_core.ts';
import { debianBuild, type VfioBuild } from './build_config.ts';
import type { KernelBug, KernelServices } from './kernel_services.ts';
import { Klog } from './klog.ts';
import { Process } from './process.ts';
import { Runtime, type TaskHandle } from './runtime.ts';
import type { Scheduler } from './scheduler.ts';
import type { Task } from './task.ts';
import { Tracer, type VendorCallback } from './trace.ts';

/** A loadable module of the model's kernel: its `module_init` and `module_exit` get the kernel. */
export type ModuleDef = ModuleDefFor<Kernel>;

/**
 * The modules a kernel of `profile` built with `build` provides, with `extra` user modules (a vendor driver
 * under test), by name in boot order. The kernel does not know the catalog (the samples, VFIO, mdev): it is
 * given one (`MdevSystem.boot` passes `moduleCatalog`), so the kernel core does not import its modules.
 */
export type ModuleCatalog = (
  profile: Profile,
  build: VfioBuild,
  extra: readonly ModuleDef[],
) => Map<string, AvailableModule<Kernel>>;

/** How to build a kernel of the model. */
export interface KernelOptions {
  /** Which kernel: v6.1 by default. */
  readonly profile?: Profile;
  /** What the Kconfig builds; Debian's x86-64 configuration by default. */
  readonly build?: VfioBuild;
  /** The scheduler deciding the order of every step; prompt by default. */
  readonly scheduler?: Scheduler;
  /** Extra loadable modules (e.g. a user's own vendor driver). */
  readonly extraModules?: readonly ModuleDef[];
  /** The modules the kernel provides (see `ModuleCatalog`). */
  readonly catalog: ModuleCatalog;
}

/**
 * The kernel of the model: one object graph holding the task runtime, the `/sys` and `/dev` tree, the
 * driver core, the IOMMU core, the module loader and — while their modules are loaded — the mdev core and
 * VFIO. Everything a scenario or a test does goes through a task of this kernel.
 */
export class Kernel implements KernelServices {
  readonly rt: Runtime;
  readonly trace = new Tracer();
  readonly klog = new Klog();
  readonly kernfs: Kernfs;
  readonly vfs: Vfs;
  readonly core: DriverCore;
  readonly iommu: IommuGroups;
  readonly modules: ModuleLoader<Kernel>;
  readonly profile: Profile;
  readonly build: VfioBuild;
  /** The mdev core, while mdev.ko is loaded. */
  mdev: MdevCore | null = null;
  /** VFIO, while vfio.ko is loaded. */
  vfio: VfioCore | null = null;
  /** TAINT_USER (noiommu). */
  tainted = false;
  /** Bugs detected so far (see `KernelBug`). A correct kernel and driver run leaves this empty. */
  readonly bugs: KernelBug[] = [];
  private nextPid = 100;
  /** The process kernel-internal work (boot) runs in. */
  readonly init: Process;

  private constructor(options: KernelOptions) {
    this.profile = options.profile ?? V6_1;
    this.build = options.build ?? debianBuild(this.profile.kernel);
    this.rt = new Runtime(options.scheduler);
    this.kernfs = new Kernfs(this.rt);
    this.kernfs.mkdirs('/sys/kernel');
    this.kernfs.mkdirs('/sys/module');
    this.kernfs.mkdirs('/dev');
    this.vfs = new Vfs(this.kernfs);
    this.core = new DriverCore(this.rt, this.kernfs, this.klog, (task, message) =>
      this.reportBug(task, 'warn', message),
    );
    this.iommu = new IommuGroups(this.kernfs, this.klog);
    this.init = new Process(1, 'init');
    this.modules = new ModuleLoader<Kernel>(
      this,
      options.catalog(this.profile, this.build, options.extraModules ?? []),
    );
  }

  /** Builds a kernel and initialises its built-in modules. */
  static async boot(options: KernelOptions): Promise<Kernel> {
    const k = new Kernel(options);
    const boot = k.spawn('boot', k.init, (t) => k.modules.boot(t));
    await k.rt.quiesce();
    await boot.done;
    return k;
  }

  /** A new user process. */
  newProcess(comm: string): Process {
    return new Process(this.nextPid++, comm);
  }

  /** Starts a task (a system call of `process`, or kernel work). */
  spawn<T>(name: string, process: Process, body: (task: Task) => Promise<T>): TaskHandle<T> {
    return this.rt.spawn(name, process, body);
  }

  /** Records a detected kernel bug (and logs it, as the kernel would). */
  reportBug(task: Task, kind: KernelBug['kind'], message: string): void {
    this.bugs.push({ kind, message, task: task.id });
    this.klog.log(4, `${kind === 'warn' ? 'WARNING' : 'BUG'}: ${message}`);
  }

  /** VFIO, which the caller knows is loaded (its module depends on vfio). */
  vfioRequired(): VfioCore {
    if (!this.vfio) throw new Error('vfio.ko is not loaded');
    return this.vfio;
  }

  /** The mdev core, which the caller knows is loaded (its module depends on mdev). */
  mdevRequired(): MdevCore {
    if (!this.mdev) throw new Error('mdev.ko is not loaded');
    return this.mdev;
  }

  /**
   * Calls vendor callback `cb` of the driver in module `owner`: a preemption point on entry and on exit and
   * trace events around it, so a scheduler can interleave unserialized callbacks any way the kernel could.
   */
  async vendorCall<T>(
    task: Task,
    cb: VendorCallback,
    owner: string,
    dev: Device | undefined,
    fn: () => Promise<T>,
  ): Promise<T> {
    const on = dev ? ` ${dev.name}` : '';
    await this.rt.preempt(task, `${owner} ${cb} enter${on}`);
    const which = dev ? { uuid: dev.name, dev: dev.serial } : {};
    if (this.trace.on) this.trace.emit(task.id, 'vendor.enter', { cb, parent: owner, ...which });
    const ret = await fn();
    if (this.trace.on) {
      const r = typeof ret === 'number' ? ret : 0;
      this.trace.emit(task.id, 'vendor.exit', { cb, parent: owner, ...which, ret: r });
    }
    await this.rt.preempt(task, `${owner} ${cb} exit${on}`);
    return ret;
  }
}
