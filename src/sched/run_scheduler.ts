import type { Scheduler } from '../kernel/scheduler.ts';

/**
 * What the check harness needs from a scheduler: the kernel-side interface, a way to schedule its own steps
 * (command starts) among the kernel's, to run until a promise settles or until nothing can run, and the
 * labels of every step in the order they were released (for exact replay). Implemented over fast-check's
 * `fc.scheduler()` (`FastCheckAdapter`) and by `ControlledScheduler` with any policy (FIFO, random, PCT,
 * replay, exhaustive).
 */
export interface RunScheduler {
  readonly kernel: Scheduler;
  schedule<T>(p: Promise<T>, label: string): Promise<T>;
  waitFor<T>(p: Promise<T>): Promise<T>;
  waitIdle(): Promise<void>;
  labels(): string[];
}
