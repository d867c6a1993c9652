import type { Scheduler } from '../kernel/scheduler.ts';
import type { Task } from '../kernel/task.ts';

/** A task parked at a preemption point, waiting to be chosen. */
export interface ParkedTask {
  readonly task: Task;
  readonly point: string;
}

/** Chooses which parked task runs next; `undefined` stops releasing (the system then reports quiescence). */
export type PickPolicy = (parked: readonly ParkedTask[]) => ParkedTask | undefined;

/** Releases the task parked longest (FIFO): deterministic, like a fair uniprocessor. */
export const FIFO: PickPolicy = (parked) => parked[0];

/**
 * A scheduler that parks every task at every preemption point and lets a policy choose which one runs
 * next, one step at a time. Deterministic for a deterministic policy: the basis of scripted race tests,
 * replay, and the random/PCT/exhaustive schedulers.
 */
export class ControlledScheduler implements Scheduler {
  private readonly parked = new Map<Task, { point: string; resume: () => void }>();
  /** Every release, in order: the task and the point it continued from. */
  readonly decisions: ParkedTask[] = [];

  constructor(public policy: PickPolicy = FIFO) {}

  preempt(task: Task, point: string, resume: () => void): boolean {
    this.parked.set(task, { point, resume });
    return true;
  }

  releaseOne(): boolean {
    const next = this.policy(this.parkedTasks());
    if (!next) return false;
    this.release(next.task);
    return true;
  }

  /** Releases `task` from its preemption point (it runs until its next one). */
  release(task: Task): void {
    const p = this.parked.get(task);
    if (!p) throw new Error(`task ${task.name} is not parked`);
    this.parked.delete(task);
    this.decisions.push({ task, point: p.point });
    p.resume();
  }

  /** The parked tasks, longest-parked first. */
  parkedTasks(): ParkedTask[] {
    return [...this.parked].map(([task, p]) => ({ task, point: p.point }));
  }
}
