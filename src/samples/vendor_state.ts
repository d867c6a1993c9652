import type { Kernel } from '../kernel/kernel.ts';
import type { Task } from '../kernel/task.ts';

/**
 * Per-device state of a vendor driver (mtty's `struct mdev_state`...). It records when it was freed so a
 * later use is reported as a use after free — what KASAN would flag in the kernel (C-2, C-10).
 */
export class VendorState {
  freed = false;

  constructor(
    readonly uuid: string,
    /** The owning module, for the trace. */
    readonly owner: string,
  ) {}

  /** Marks the state allocated (trace). */
  allocated(k: Kernel, task: Task): this {
    if (k.trace.on)
      k.trace.emit(task.id, 'vendor.state', { uuid: this.uuid, parent: this.owner, what: 'alloc' });
    return this;
  }

  /** Frees the state: any use from now on is a bug. */
  free(k: Kernel, task: Task): void {
    if (this.freed) k.reportBug(task, 'use-after-free', `${this.owner}: state of ${this.uuid} freed twice`);
    this.freed = true;
    if (k.trace.on)
      k.trace.emit(task.id, 'vendor.state', { uuid: this.uuid, parent: this.owner, what: 'free' });
  }

  /** A callback touches the state: reports a use after free if it is gone. Returns false in that case. */
  use(k: Kernel, task: Task, what: string): boolean {
    if (k.trace.on)
      k.trace.emit(task.id, 'vendor.state', { uuid: this.uuid, parent: this.owner, what: 'use' });
    if (!this.freed) return true;
    k.reportBug(
      task,
      'use-after-free',
      `${this.owner}: ${what} used the state of ${this.uuid} after it was freed`,
    );
    return false;
  }
}
