import type { Preemption } from './preemption.ts';
import type { Task } from './task.ts';

interface Sleeper {
  readonly task: Task;
  readonly wake: (interrupted: boolean) => void;
}

/**
 * A wait queue (`wait_queue_head_t`) with `wait_event` semantics: a task sleeps until a condition holds,
 * re-checking it each time it is woken. Every lock and wait of the model is built on it, so the scheduler
 * sees every sleep and every wake-up.
 */
export class WaitQueue {
  private sleepers: Sleeper[] = [];

  constructor(
    private readonly rt: Preemption,
    /** Shown as the task's position while it sleeps, e.g. `mutex mdev_list_lock`. */
    readonly name: string,
  ) {}

  /**
   * `wait_event()`: sleeps uninterruptibly until `cond()` is true. `cond` runs atomically with respect to
   * other tasks, so a condition may also take what it tests for (a lock, a completion count).
   */
  async waitEvent(task: Task, cond: () => boolean): Promise<void> {
    while (!cond()) {
      await this.sleep(task, false);
      await this.rt.preempt(task, `woken ${this.name}`);
    }
  }

  /**
   * `wait_event_interruptible()`: sleeps until `cond()` is true or a signal is pending. Returns false when
   * interrupted by a signal (the kernel's -ERESTARTSYS) with the condition still false.
   */
  async waitEventInterruptible(task: Task, cond: () => boolean): Promise<boolean> {
    while (!cond()) {
      if (task.pendingSignal) return false;
      await this.sleep(task, true);
      await this.rt.preempt(task, `woken ${this.name}`);
    }
    return true;
  }

  /** `wake_up_all()`: every sleeper runs again and re-checks its condition. */
  wakeUpAll(): void {
    const sleepers = this.sleepers;
    this.sleepers = [];
    for (const s of sleepers) s.wake(false);
  }

  /** Wakes `task` if it sleeps interruptibly here (signal delivery). Returns true if it did. */
  interrupt(task: Task): boolean {
    const i = this.sleepers.findIndex((s) => s.task === task);
    const sleeper = this.sleepers[i];
    if (!sleeper || !task.interruptible) return false;
    this.sleepers.splice(i, 1);
    sleeper.wake(true);
    return true;
  }

  /** True when `task` sleeps on this queue. */
  has(task: Task): boolean {
    return this.sleepers.some((s) => s.task === task);
  }

  private sleep(task: Task, interruptible: boolean): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      this.sleepers.push({
        task,
        wake: (interrupted) => {
          task.sleepingOn = null;
          this.rt.wake(task);
          resolve(interrupted);
        },
      });
      task.sleepingOn = this;
      this.rt.block(task, this.name, interruptible);
    });
  }
}
