import type { Task } from './task.ts';

/**
 * The injectable scheduler interface of the kernel model. Every point where the kernel could be preempted
 * between two steps of a sequence, every lock acquisition and every vendor callback entry and exit calls
 * `preempt`; a scheduler decides when the task continues. Wait queues, mutexes, the rw-semaphore and
 * completions sleep through the runtime, which reports state changes through `onTaskState`.
 */
export interface Scheduler {
  /**
   * The running `task` reached the preemption point `point`. Return `undefined` to let it continue at once,
   * or a promise that resolves when the scheduler lets it run again.
   */
  preempt(task: Task, point: string): Promise<void> | undefined;
  /** A task changed state (started, parked, blocked, woken, exited). Optional. */
  onTaskState?(task: Task): void;
  /**
   * Called when no task is running (all are ready, blocked or done). A scheduler that parks ready tasks
   * releases one here and returns true; returning false means nothing more can run by itself.
   */
  releaseOne?(): boolean;
}

/** The default scheduler: every task runs promptly, in the order JavaScript's job queue gives. */
export class PromptScheduler implements Scheduler {
  preempt(): undefined {
    return undefined;
  }
}
