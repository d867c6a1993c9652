import { errnoName } from '../kernel/errno.ts';
import { Kernel, type KernelOptions, type ModuleCatalog } from '../kernel/kernel.ts';
import type { Quiescence } from '../kernel/runtime.ts';
import type { Task } from '../kernel/task.ts';
import { moduleCatalog } from '../module/catalog.ts';
import type { LoadResult } from '../module/loader.ts';
import { Pending } from './pending.ts';
import { UserProcess } from './user_process.ts';
import { VfioUser } from './vfio_user.ts';

/** How to boot a system: the kernel's options; the module catalog is the model's unless given. */
export type SystemOptions = Omit<KernelOptions, 'catalog'> & { readonly catalog?: ModuleCatalog };

/** The result of a system call as a program sees it: the return value, or -1 with errno. */
export interface SyscallResult {
  readonly ret: number;
  readonly errno: number;
  readonly err: string | null;
}

/** A sysfs write's result: where it failed (`open` or `write`) and how. */
export interface WriteResult extends SyscallResult {
  readonly stage: 'open' | 'write';
}

/** Converts a kernel return value (negative errno on failure) into a `SyscallResult`. */
function syscallResult(ret: number): SyscallResult {
  return ret < 0 ? { ret: -1, errno: -ret, err: errnoName(ret) } : { ret, errno: 0, err: null };
}

/**
 * The typed API of the model for programs and tests: a booted kernel plus user-space style operations.
 * `start*` methods begin an operation and return at once (operations then run concurrently under the
 * kernel's scheduler); the plain methods start one, let the system settle and return its result — or
 * throw if it is still blocked, in which case use the `start*` form.
 */
export class MdevSystem {
  private constructor(readonly kernel: Kernel) {}

  /** Boots a kernel of the model, with the model's modules (`moduleCatalog`) unless given a catalog. */
  static async boot(options: SystemOptions = {}): Promise<MdevSystem> {
    return new MdevSystem(await Kernel.boot({ ...options, catalog: options.catalog ?? moduleCatalog }));
  }

  /** A new user process. */
  process(comm: string): UserProcess {
    return new UserProcess(this.kernel, this.kernel.newProcess(comm));
  }

  /** A process driving VFIO for the device `uuid` with the runner's op vocabulary. */
  vfioUser(name: string, uuid: string): VfioUser {
    return new VfioUser(this.kernel, name, uuid);
  }

  /** Lets every task run until nothing can run by itself; returns the tasks left asleep. */
  settle(): Promise<Quiescence> {
    return this.kernel.rt.quiesce();
  }

  /** Runs `pending` to completion; throws if it is still asleep once the system is quiescent. */
  async finish<T>(pending: Pending<T>): Promise<T> {
    await this.settle();
    if (!pending.finished)
      throw new Error(`operation blocked: ${pending.task.name} (at ${pending.task.point})`);
    return pending.result;
  }

  /** Starts `insmod <module> <params>` (`finit_module`). */
  startLoad(module: string, params = ''): Pending<LoadResult> {
    return this.spawn(`load ${module}`, (t) => this.kernel.modules.load(t, module, params));
  }

  /** `insmod`: 0 or a negative errno, with the stage that failed. */
  load(module: string, params = ''): Promise<LoadResult> {
    return this.finish(this.startLoad(module, params));
  }

  /** Starts `rmmod <module>` (`delete_module(O_NONBLOCK)`). */
  startUnload(module: string): Pending<number> {
    return this.spawn(`unload ${module}`, (t) => this.kernel.modules.unload(t, module));
  }

  /** `rmmod`: 0 or a negative errno. */
  unload(module: string): Promise<number> {
    return this.finish(this.startUnload(module));
  }

  /** Loads vfio, the type1 backend, mdev and the given sample drivers, in order (each must succeed). */
  async loadAll(...samples: string[]): Promise<void> {
    for (const m of ['vfio', 'vfio_iommu_type1', 'mdev', ...samples]) {
      if (this.kernel.modules.loaded.has(m)) continue;
      const r = await this.load(m);
      if (r.ret) throw new Error(`load ${m}: ${errnoName(r.ret)}`);
    }
  }

  /** Starts a one-shot `open(O_WRONLY)` + `write(2)` of `data` to `path` in its own process. */
  startWrite(path: string, data: Uint8Array | string, comm = 'write'): Pending<WriteResult> {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    const p = this.kernel.newProcess(comm);
    const h = this.kernel.spawn(`${comm} ${path}`, p, async (t) => {
      const fd = await this.kernel.vfs.open(t, path, 'w');
      if (fd < 0) return { stage: 'open' as const, ...syscallResult(fd) };
      const r = await this.kernel.vfs.write(t, fd, bytes);
      await this.kernel.vfs.close(t, fd);
      return { stage: 'write' as const, ...syscallResult(r) };
    });
    return new Pending(h.task, h.done);
  }

  /** A one-shot sysfs write. */
  write(path: string, data: Uint8Array | string): Promise<WriteResult> {
    return this.finish(this.startWrite(path, data));
  }

  /** Starts `echo -n DATA > /sys/class/mdev_bus/PARENT/mdev_supported_types/TYPE/create`. */
  startCreate(parent: string, type: string, uuid: Uint8Array | string): Pending<WriteResult> {
    return this.startWrite(
      `/sys/class/mdev_bus/${parent}/mdev_supported_types/${type}/create`,
      uuid,
      'create',
    );
  }

  /** Creates an mdev (a one-shot write to the type's `create`). */
  create(parent: string, type: string, uuid: Uint8Array | string): Promise<WriteResult> {
    return this.finish(this.startCreate(parent, type, uuid));
  }

  /** Starts `echo VALUE > /sys/bus/mdev/devices/UUID/remove`. */
  startRemove(uuid: string, value: Uint8Array | string = '1'): Pending<WriteResult> {
    return this.startWrite(`/sys/bus/mdev/devices/${uuid}/remove`, value, 'remove');
  }

  /** Removes an mdev; throws if the remove blocks (a device fd is open) — use `startRemove` then. */
  remove(uuid: string, value: Uint8Array | string = '1'): Promise<WriteResult> {
    return this.finish(this.startRemove(uuid, value));
  }

  /**
   * Starts a one-shot read of a sysfs attribute (open, read, close in one process): its text without the
   * trailing newline, or a negative errno — with the stage that failed.
   */
  startRead(path: string, comm = 'cat'): Pending<{ stage: 'open' | 'read'; value: string | number }> {
    const p = this.kernel.newProcess(comm);
    const h = this.kernel.spawn(`${comm} ${path}`, p, async (t) => {
      const fd = await this.kernel.vfs.open(t, path, 'r');
      if (fd < 0) return { stage: 'open' as const, value: fd };
      const data = await this.kernel.vfs.read(t, fd);
      await this.kernel.vfs.close(t, fd);
      if (typeof data === 'number') return { stage: 'read' as const, value: data };
      const text = String.fromCharCode(...data);
      return { stage: 'read' as const, value: text.endsWith('\n') ? text.slice(0, -1) : text };
    });
    return new Pending(h.task, h.done);
  }

  /** Reads a sysfs attribute: its text without the trailing newline, or a negative errno. */
  async read(path: string): Promise<string | number> {
    return (await this.finish(this.startRead(path))).value;
  }

  /** `available_instances` of a type, as a number (or a negative errno). */
  async available(parent: string, type: string): Promise<number> {
    const v = await this.read(
      `/sys/class/mdev_bus/${parent}/mdev_supported_types/${type}/available_instances`,
    );
    return typeof v === 'number' ? v : Number(v);
  }

  /** Directory listing (sorted), or a negative errno. */
  ls(path: string): string[] | number {
    return this.kernel.vfs.ls(path);
  }

  /** `lstat(path) == 0`. */
  exists(path: string): boolean {
    return this.kernel.vfs.exists(path);
  }

  /** `readlink(path)`, or a negative errno. */
  readlink(path: string): string | number {
    return this.kernel.vfs.readlink(path);
  }

  /** The mdev devices on the bus (`/sys/bus/mdev/devices`), or [] when mdev is not loaded. */
  devices(): string[] {
    const l = this.ls('/sys/bus/mdev/devices');
    return typeof l === 'number' ? [] : l;
  }

  private spawn<T>(name: string, body: (t: Task) => Promise<T>): Pending<T> {
    const h = this.kernel.spawn(name, this.kernel.newProcess(name.split(' ')[0]!), body);
    return new Pending(h.task, h.done);
  }
}
