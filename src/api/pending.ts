import type { Task } from '../kernel/task.ts';

/** An operation started in a task of the model: its task and the promise of its result. */
export class Pending<T> {
  constructor(
    readonly task: Task,
    readonly result: Promise<T>,
  ) {}

  /** True once the operation's system call has returned. */
  get finished(): boolean {
    return this.task.state === 'done';
  }

  /** True while the task sleeps (a blocked remove, a lock wait). */
  get blocked(): boolean {
    return this.task.state === 'blocked';
  }
}
