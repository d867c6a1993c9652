import type { Runtime } from './runtime.ts';
import type { Task } from './task.ts';
import { WaitQueue } from './waitqueue.ts';

/**
 * A `struct completion`, as `vfio_unregister_group_dev()` uses it to wait until the last device fd is
 * closed (`device->comp`, completed when the registration refcount reaches zero).
 */
export class Completion {
  private done = 0;
  private readonly wq: WaitQueue;

  constructor(rt: Runtime, name: string) {
    this.wq = new WaitQueue(rt, `completion ${name}`);
  }

  /** `complete()`. */
  complete(): void {
    this.done++;
    this.wq.wakeUpAll();
  }

  /** `try_wait_for_completion()`. */
  tryWait(): boolean {
    if (this.done === 0) return false;
    this.done--;
    return true;
  }

  /** `wait_for_completion()`: uninterruptible. */
  async wait(task: Task): Promise<void> {
    await this.wq.waitEvent(task, () => this.tryWait());
  }

  /** `wait_for_completion_interruptible()`: false when a signal arrived first. */
  waitInterruptible(task: Task): Promise<boolean> {
    return this.wq.waitEventInterruptible(task, () => this.tryWait());
  }

  /** Wakes `task` if it waits interruptibly here (signal delivery). */
  interrupt(task: Task): boolean {
    return this.wq.interrupt(task);
  }
}
