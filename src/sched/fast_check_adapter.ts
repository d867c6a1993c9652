import type { Scheduler as FcScheduler } from 'fast-check';
import type { Scheduler, SchedulerRuntime } from '../kernel/scheduler.ts';
import type { Task } from '../kernel/task.ts';
import type { RunScheduler } from './run_scheduler.ts';

/**
 * Puts fast-check's `fc.scheduler()` behind the kernel's scheduler interface: every preemption point of
 * every task becomes a promise scheduled on it, so fast-check chooses the order of every step (uniformly
 * at random). Released steps are resumed one at a time, each only once the previous one has parked again,
 * so tasks never overlap between two preemption points whatever fast-check's timing; the labels are
 * recorded in that order — with the harness's own scheduled steps (command starts) — so a failing run can
 * be replayed exactly with a `ControlledScheduler`, without fast-check.
 */
export class FastCheckAdapter implements Scheduler, RunScheduler {
  readonly kernel: Scheduler = this;
  private readonly released: string[] = [];
  private rt: SchedulerRuntime | null = null;
  private readonly queue: Array<{ label: string; go: () => void; harness: boolean }> = [];
  private pumping = false;

  constructor(readonly fc: FcScheduler) {}

  attach(rt: SchedulerRuntime): void {
    this.rt = rt;
  }

  preempt(task: Task, point: string, resume: () => void): boolean {
    const label = `#${task.id} ${task.name} @ ${point}`;
    void this.fc.schedule(Promise.resolve(), label).then(() => this.enqueue(label, resume, false));
    return true;
  }

  schedule<T>(p: Promise<T>, label: string): Promise<T> {
    return this.fc
      .schedule(Promise.resolve(), label)
      .then(() => new Promise<void>((go) => this.enqueue(label, go, true)))
      .then(() => p);
  }

  waitFor<T>(p: Promise<T>): Promise<T> {
    return this.fc.waitFor(p);
  }

  async waitIdle(): Promise<void> {
    for (;;) {
      await this.fc.waitIdle();
      await this.drained();
      if (this.fc.count() === 0 && !this.rt?.busy && this.queue.length === 0) return;
    }
  }

  labels(): string[] {
    return [...this.released];
  }

  private enqueue(label: string, go: () => void, harness: boolean): void {
    this.queue.push({ label, go, harness });
    if (!this.pumping) void this.pump();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    while (this.queue.length > 0) {
      await this.drained();
      const next = this.queue.shift()!;
      this.released.push(next.label);
      next.go();
    }
    this.pumping = false;
  }

  /** Waits until no task runs and pending continuations (a command start spawning its task) have run. */
  private async drained(): Promise<void> {
    for (;;) {
      for (let i = 0; i < 10; i++) await Promise.resolve();
      if (!this.rt?.busy) return;
      await this.rt.idle();
    }
  }
}
