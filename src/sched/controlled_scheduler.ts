import type { Scheduler as FcScheduler, SchedulerReportItem, SchedulerSequenceItem } from 'fast-check';
import type { Scheduler, SchedulerRuntime } from '../kernel/scheduler.ts';
import type { Task } from '../kernel/task.ts';
import type { RunScheduler } from './run_scheduler.ts';

/**
 * Something waiting for the scheduler: a kernel task parked at a preemption point, or a promise scheduled
 * through the fast-check surface (`schedule(p, label)`, e.g. the start of a model command).
 */
export interface Parked {
  /** Unique, increasing: the order things were parked in. */
  readonly id: number;
  /** `#<task id> <task name> @ <point>` for a task, the given label for a scheduled promise. */
  readonly label: string;
  /** The kernel task, for a task. */
  readonly task: Task | null;
}

/** Chooses what runs next among the parked items; `undefined` stops releasing. */
export type PickPolicy = (parked: readonly Parked[]) => Parked | undefined;

/** Releases what was parked first (FIFO): deterministic, like a fair uniprocessor. */
export const FIFO: PickPolicy = (parked) => parked[0];

interface Entry extends Parked {
  readonly release: () => void;
}

/**
 * A scheduler that parks every task at every preemption point — and every promise scheduled through its
 * fast-check surface — and lets a policy choose what runs next, one step at a time. It implements both the
 * kernel's scheduler interface and `fc.Scheduler` (so `fc.scheduledModelRun` and the model-based tests can
 * use it where they would use `fc.scheduler()`), records every decision, and is deterministic for a
 * deterministic policy: the basis of scripted race tests, exact replay and the random, PCT and exhaustive
 * schedulers.
 */
export class ControlledScheduler implements Scheduler, FcScheduler, RunScheduler {
  readonly kernel: Scheduler = this;
  /** What is parked, oldest first (the policy sees this array itself: no copy per decision). */
  private readonly parked: Entry[] = [];
  private nextId = 1;
  private rt: SchedulerRuntime | null = null;
  /** Whether the last release was a kernel task (whose next park `Runtime.idle` reports at once). */
  private lastWasTask = false;
  /** Every release, in order. */
  readonly decisions: Parked[] = [];

  constructor(public policy: PickPolicy = FIFO) {}

  /** Connects the runtime whose idleness decides when the next choice is made. */
  attach(rt: SchedulerRuntime): void {
    this.rt = rt;
  }

  preempt(task: Task, point: string, resume: () => void): boolean {
    this.park(`#${task.id} ${task.name} @ ${point}`, task, resume);
    return true;
  }

  /** `Runtime.quiesce` asks for one release when no task is running. */
  releaseOne(): boolean {
    const next = this.policy(this.parked);
    if (!next) return false;
    this.release(next.id);
    return true;
  }

  /** Releases a parked task (it runs until its next preemption point) or scheduled promise. */
  release(id: number): void {
    const i = this.parked.findIndex((p) => p.id === id);
    if (i < 0) throw new Error(`nothing parked with id ${id}`);
    const e = this.parked[i]!;
    this.parked.splice(i, 1);
    this.decisions.push({ id: e.id, label: e.label, task: e.task });
    this.lastWasTask = e.task !== null;
    e.release();
  }

  /** Releases `task`, which must be parked. */
  releaseTask(task: Task): void {
    const e = this.parked.find((p) => p.task === task);
    if (!e) throw new Error(`task ${task.name} is not parked`);
    this.release(e.id);
  }

  /** The labels released so far, in order (what a replay policy replays). */
  labels(): string[] {
    return this.decisions.map((d) => d.label);
  }

  /** What is parked, oldest first. */
  parkedItems(): Parked[] {
    return this.parked.map(({ id, label, task }) => ({ id, label, task }));
  }

  // ---- fast-check surface ----

  schedule<T>(task: Promise<T>, label?: string): Promise<T> {
    return new Promise<void>((resolve) => this.park(label ?? '', null, resolve)).then(() => task);
  }

  scheduleFunction<TArgs extends unknown[], T>(
    fn: (...args: TArgs) => Promise<T>,
  ): (...args: TArgs) => Promise<T> {
    return (...args) =>
      this.schedule(fn(...args), `${fn.name}(${args.map((a) => JSON.stringify(a)).join(',')})`);
  }

  scheduleSequence(items: SchedulerSequenceItem[]): {
    done: boolean;
    faulty: boolean;
    task: Promise<{ done: boolean; faulty: boolean }>;
  } {
    const status = { done: false, faulty: false };
    const task = (async () => {
      try {
        for (const item of items) {
          const [builder, label] =
            typeof item === 'function' ? [item, item.name] : [item.builder, item.label];
          await this.schedule(Promise.resolve(), label).then(() => builder());
        }
        status.done = true;
      } catch {
        status.faulty = true;
      }
      return { ...status };
    })();
    return Object.assign(status, { task });
  }

  count(): number {
    return this.parked.length;
  }

  async waitOne(): Promise<void> {
    await this.settle();
    if (!this.releaseOne()) throw new Error('No task scheduled');
    await this.settle();
  }

  async waitAll(): Promise<void> {
    for (;;) {
      await this.settle();
      if (!this.releaseOne()) return;
    }
  }

  waitIdle(): Promise<void> {
    return this.waitAll();
  }

  async waitNext(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      await this.settle();
      if (!this.releaseOne()) return;
    }
    await this.settle();
  }

  /** Runs the system until `p` settles; rejects if everything is blocked before it does (a deadlock). */
  async waitFor<T>(p: Promise<T>): Promise<T> {
    let settled = false;
    const watched = p.then(
      (v) => {
        settled = true;
        return v;
      },
      (e) => {
        settled = true;
        throw e;
      },
    );
    watched.catch(() => {});
    for (;;) {
      await this.settle();
      if (settled) return watched;
      if (!this.releaseOne()) {
        // Before calling it a deadlock, let long chains of unscheduled promises (a user's own lock, say)
        // finish: one turn of the event loop, then look again.
        await new Promise<void>((resolve) => setImmediate(resolve));
        await this.settle();
        if (settled) return watched;
        if (this.releaseOne()) continue;
        throw new Error('waitFor: nothing can run any more but the awaited operation has not finished');
      }
    }
  }

  report(): SchedulerReportItem[] {
    return this.decisions.map((d, i) => ({
      status: 'resolved',
      schedulingType: d.task ? 'promise' : 'function',
      taskId: i + 1,
      label: d.label,
    }));
  }

  toString(): string {
    return this.decisions.map((d) => `-> ${d.label}`).join('\n');
  }

  /**
   * Lets released code run until every task is parked or asleep and no continuation is pending. A released
   * kernel task is followed through `Runtime.idle` (it reports the task's next park at once); a released
   * harness promise (a command start) gets enough microtask turns for its continuation to spawn its task.
   */
  private async settle(): Promise<void> {
    if (this.lastWasTask) {
      await Promise.resolve();
      while (this.rt?.busy) await this.rt.idle();
      await Promise.resolve();
      await Promise.resolve();
      if (!this.rt?.busy) return;
    }
    for (;;) {
      for (let i = 0; i < 10; i++) await Promise.resolve();
      if (!this.rt?.busy) return;
      await this.rt.idle();
    }
  }

  private park(label: string, task: Task | null, release: () => void): void {
    this.parked.push({ id: this.nextId++, label, task, release });
  }
}
