import type { Preemption } from './preemption.ts';
import type { Process } from './process.ts';
import { PromptScheduler, type Scheduler, type SchedulerRuntime } from './scheduler.ts';
import { Task } from './task.ts';

/** A task started by `spawn`, with the promise of its result. */
export interface TaskHandle<T> {
  readonly task: Task;
  readonly done: Promise<T>;
}

/** What the system looks like once nothing can run by itself any more. */
export interface Quiescence {
  /** Tasks asleep, waiting for something only a new operation can provide (a close, a signal). */
  readonly blocked: readonly Task[];
}

/**
 * The task table of the kernel model: starts tasks, parks them at preemption points through the injected
 * scheduler, puts them to sleep and wakes them, and detects quiescence (no task running). This is the
 * machinery under every lock and wait of the model; it holds no kernel state of its own.
 */
export class Runtime implements Preemption, SchedulerRuntime {
  private nextTaskId = 1;
  private readonly live = new Set<Task>();
  private running = 0;
  private idleWaiters: Array<() => void> = [];
  /** Tasks that ended with an exception (a bug in the model or a vendor driver), in order. */
  readonly oopses: Task[] = [];
  /** Logical clock: ticks at every task start and end, giving operations a real-time order. */
  clock = 0;

  constructor(public scheduler: Scheduler = new PromptScheduler()) {
    scheduler.attach?.(this);
  }

  /** Starts `body` as a new task of `process`; it runs until its first preemption point or sleep. */
  spawn<T>(name: string, process: Process, body: (task: Task) => Promise<T>): TaskHandle<T> {
    const task = new Task(this.nextTaskId++, name, process);
    task.startedAt = ++this.clock;
    this.live.add(task);
    this.running++;
    this.scheduler.onTaskState?.(task);
    const done = (async () => {
      try {
        return await body(task);
      } catch (error) {
        task.oops = error;
        this.oopses.push(task);
        throw error;
      } finally {
        task.endedAt = ++this.clock;
        task.state = 'done';
        this.live.delete(task);
        this.scheduler.onTaskState?.(task);
        this.decRunning();
      }
    })();
    // The caller decides whether to observe the failure; an oops is also recorded in `oopses`.
    done.catch(() => {});
    return { task, done };
  }

  /** A preemption point of `task`: the scheduler may run other tasks before it continues. */
  preempt(task: Task, point: string): Promise<void> | undefined {
    task.point = point;
    if (this.scheduler.prompt) return undefined;
    let resolve!: () => void;
    const wait = new Promise<void>((r) => {
      resolve = r;
    });
    const parked = this.scheduler.preempt(task, point, () => {
      // Counted as running at once, so quiescence is never declared while it is on its way.
      task.state = 'running';
      this.running++;
      this.scheduler.onTaskState?.(task);
      resolve();
    });
    if (!parked) return undefined;
    task.state = 'ready';
    this.scheduler.onTaskState?.(task);
    this.decRunning();
    return wait;
  }

  /** `task` is going to sleep on `on`; `interruptible` sleeps end early when a signal arrives. */
  block(task: Task, on: string, interruptible: boolean): void {
    task.state = 'blocked';
    task.point = on;
    task.interruptible = interruptible;
    this.scheduler.onTaskState?.(task);
    this.decRunning();
  }

  /** A sleeping task was woken; it runs again (and reaches a preemption point before it acts). */
  wake(task: Task): void {
    if (task.state !== 'blocked') return;
    task.state = 'running';
    task.interruptible = false;
    this.running++;
    this.scheduler.onTaskState?.(task);
  }

  /**
   * Delivers signal `sig` to `task`: recorded as pending; a task in an interruptible sleep is woken (its wait
   * returns "interrupted"), one in an uninterruptible sleep only sees it when it next checks.
   */
  signal(task: Task, sig: number): void {
    task.pendingSignal = sig;
    if (task.state === 'blocked' && task.interruptible) task.sleepingOn?.interrupt(task);
  }

  /** Tasks that have not finished. */
  tasks(): Task[] {
    return [...this.live];
  }

  /** True while some task is between two preemption points. */
  get busy(): boolean {
    return this.running > 0;
  }

  /** Resolves once no task is running (every live task is parked or asleep). */
  idle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Runs until nothing can run by itself: waits for idleness, lets the scheduler release parked tasks one
   * at a time, and returns the tasks left asleep. With every task asleep and none runnable, what remains
   * blocked waits for a new operation (or is deadlocked, if no new operation can come).
   */
  async quiesce(): Promise<Quiescence> {
    for (;;) {
      await this.idle();
      if (!this.scheduler.releaseOne?.()) break;
    }
    return { blocked: [...this.live].filter((t) => t.state === 'blocked') };
  }

  private decRunning(): void {
    this.running--;
    if (this.running === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
