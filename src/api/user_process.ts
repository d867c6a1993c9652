import type { OpenMode } from '../fs/vfs.ts';
import type { Kernel } from '../kernel/kernel.ts';
import type { Process } from '../kernel/process.ts';
import type { Task } from '../kernel/task.ts';
import type { VfioIoctl } from '../vfio/uapi.ts';
import { Pending } from './pending.ts';

/**
 * A user process of the model with typed system calls. Each call starts a task and returns a `Pending`;
 * the caller lets the system run (`MdevSystem.settle`) and then reads the result — so several calls, of
 * one process or many, can be in flight at once, the way concurrent user space drives the kernel.
 */
export class UserProcess {
  constructor(
    protected readonly kernel: Kernel,
    readonly process: Process,
  ) {}

  /** `open(2)`: a descriptor or a negative errno. */
  open(path: string, mode: OpenMode): Pending<number> {
    return this.call(`open ${path}`, (t) => this.kernel.vfs.open(t, path, mode));
  }

  /** `read(2)` of a sysfs attribute or device region. */
  read(fd: number, count = 4096, offset = 0): Pending<Uint8Array | number> {
    return this.call(`read ${fd}`, (t) => this.kernel.vfs.read(t, fd, count, offset));
  }

  /** `write(2)`. */
  write(fd: number, data: Uint8Array | string, offset = 0): Pending<number> {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    return this.call(`write ${fd}`, (t) => this.kernel.vfs.write(t, fd, bytes, offset));
  }

  /** `ioctl(2)` with a VFIO request (or any name, which gives ENOTTY). */
  ioctl(fd: number, cmd: VfioIoctl | (string & {}), arg?: unknown): Pending<number> {
    return this.call(`ioctl ${fd} ${cmd}`, (t) => this.kernel.vfs.ioctl(t, fd, cmd, arg));
  }

  /** `close(2)`. */
  close(fd: number): Pending<number> {
    return this.call(`close ${fd}`, (t) => this.kernel.vfs.close(t, fd));
  }

  /** Process exit: every descriptor is closed, lowest first. */
  exit(): Pending<void> {
    return this.call('exit', (t) => this.kernel.vfs.exitFiles(t, this.process));
  }

  /** Open descriptors. */
  get fds(): number[] {
    return [...this.process.fds.keys()].sort((a, b) => a - b);
  }

  private call<T>(what: string, body: (task: Task) => Promise<T>): Pending<T> {
    const h = this.kernel.spawn(`${this.process.comm}[${this.process.pid}] ${what}`, this.process, body);
    return new Pending(h.task, h.done);
  }
}
