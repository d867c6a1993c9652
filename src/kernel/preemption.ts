import type { Task } from './task.ts';

/**
 * What the kernel's sleeping primitives (wait queues, kernfs's self-removal) use of the runtime: preemption
 * points, putting a task to sleep and waking it. `Runtime` implements it. They depend on this rather than
 * on `Runtime`, which holds processes and, through them, open files and kernfs: the runtime sits above
 * kernfs, not beside it in an import cycle.
 */
export interface Preemption {
  /** A preemption point of `task` (see `Runtime.preempt`). */
  preempt(task: Task, point: string): Promise<void> | undefined;
  /** `task` goes to sleep on `on` (interruptibly or not). */
  block(task: Task, on: string, interruptible: boolean): void;
  /** A sleeping task was woken. */
  wake(task: Task): void;
}
