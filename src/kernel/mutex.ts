import type { Runtime } from './runtime.ts';
import type { Task } from './task.ts';
import { WaitQueue } from './waitqueue.ts';

/**
 * A kernel `struct mutex`: sleeping, uninterruptible, owned. Acquisition is a preemption point, so a
 * scheduler can order contending tasks any way the kernel could.
 */
export class Mutex {
  owner: Task | null = null;
  private readonly wq: WaitQueue;

  constructor(
    private readonly rt: Runtime,
    readonly name: string,
  ) {
    this.wq = new WaitQueue(rt, `mutex ${name}`);
  }

  /** `mutex_lock()`. */
  async lock(task: Task): Promise<void> {
    await this.rt.preempt(task, `mutex_lock ${this.name}`);
    // The check and the acquisition are one step: a woken waiter that finds the lock free takes it before
    // anyone else can look.
    await this.wq.waitEvent(task, () => {
      if (this.owner !== null) return false;
      this.owner = task;
      return true;
    });
  }

  /** `mutex_unlock()`: wakes the waiters; the scheduler decides who gets it. */
  unlock(task: Task): void {
    if (this.owner !== task)
      throw new Error(`mutex ${this.name}: unlocked by ${task.name}, owner ${this.owner?.name}`);
    this.owner = null;
    this.wq.wakeUpAll();
  }

  /** `mutex_is_locked()`. */
  get locked(): boolean {
    return this.owner !== null;
  }
}
