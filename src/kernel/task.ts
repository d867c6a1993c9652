import type { Process } from './process.ts';

/**
 * Where a task is: running (between two preemption points), ready (parked at a preemption point, waiting
 * for the scheduler), blocked (asleep on a wait queue) or done.
 */
export type TaskState = 'running' | 'ready' | 'blocked' | 'done';

/**
 * A kernel task: the `current` of one system call in flight (a sysfs write, a VFIO ioctl, a close, a module
 * load) or of a kernel thread. Every preemptible kernel function takes the task it runs in as its first
 * argument, the way kernel code reads `current`.
 */
export class Task {
  state: TaskState = 'running';
  /** The last preemption point reached, or the wait queue slept on. */
  point = 'start';
  /** A signal delivered to the task (e.g. SIGTERM); kernel waits that are uninterruptible only record it. */
  pendingSignal = 0;
  /** Set while the task sleeps interruptibly: a signal wakes it. */
  interruptible = false;
  /** The wait queue the task sleeps on, if any (so a signal can reach it). */
  sleepingOn: { interrupt(task: Task): boolean } | null = null;
  /** An exception that escaped the task: a bug in the model or in a vendor driver (an "oops"). */
  oops: unknown = undefined;
  /** Logical time (the runtime's event counter) when the task started and when it finished. */
  startedAt = 0;
  endedAt = 0;

  constructor(
    /** Unique, increasing. */
    readonly id: number,
    /** A readable name: the operation and its arguments, e.g. `create mtty-1 83b8…`. */
    readonly name: string,
    /** The user process the system call was made from (pid, comm, fd table, capabilities). */
    readonly process: Process,
  ) {}

  /** The process name as the kernel prints it in messages (`current->comm`). */
  get comm(): string {
    return this.process.comm;
  }
}
