import type { Task } from './task.ts';

/** What a scheduler may watch of the runtime it schedules: whether a task is running, and when none is. */
export interface SchedulerRuntime {
  /** True while some task is between two preemption points. */
  readonly busy: boolean;
  /** Resolves once no task is running. */
  idle(): Promise<void>;
}

/**
 * The injectable scheduler interface of the kernel model. Every point where the kernel could be preempted
 * between two steps of a sequence, every lock acquisition and every vendor callback entry and exit calls
 * `preempt`; a scheduler decides when the task continues. Wait queues, mutexes, the rw-semaphore and
 * completions sleep through the runtime, which reports state changes through `onTaskState`.
 */
export interface Scheduler {
  /** True for a scheduler that never parks a task (the runtime then skips the bookkeeping). */
  readonly prompt?: boolean;
  /**
   * The running `task` reached the preemption point `point`. Return false to let it continue at once, or
   * park it: return true and call `resume()` later (never from inside this call) to let it run again.
   */
  preempt(task: Task, point: string, resume: () => void): boolean;
  /** Called once with the runtime it schedules (so it can wait for idleness). Optional. */
  attach?(rt: SchedulerRuntime): void;
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
  readonly prompt = true;
  preempt(): boolean {
    return false;
  }
}
