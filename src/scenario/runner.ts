import type { Kernel } from '../kernel/kernel.ts';
import type { Task } from '../kernel/task.ts';
import { Holder, type OpRecord } from './holder.ts';
import { collectState, readFile } from './state.ts';
import type { Step } from './steps.ts';
import { result } from './syscall_result.ts';

/** One line of output (a step, a `job_done` event, `begin`/`end`...). */
export type OutputRecord = Record<string, unknown>;

const SIGNALS: Record<string, number> = {
  KILL: 9,
  TERM: 15,
  INT: 2,
  HUP: 1,
  USR1: 10,
  USR2: 12,
  STOP: 19,
  CONT: 18,
};
const MAX_SLOTS = 128;

/** A background job of the runner: a one-shot write/load/unload in its own process, or a holder. */
interface Job {
  readonly name: string;
  readonly kind: 'oneshot' | 'holder';
  readonly op: string;
  /** One-shot: the system call's task and its result fields. */
  task?: Task;
  done?: Promise<OutputRecord>;
  /** Signal the process was killed with (it dies when its system call returns). */
  signal: number;
  /** A one-shot not yet reported by its step (blocked). */
  pending: boolean;
  holder?: Holder;
  /** Holder: op lists queued behind the running one, and the one running. */
  queue: Array<{ ops: string; close: boolean; out: OpRecord[] }>;
  running?: { task: Task; out: OpRecord[] };
  exited: boolean;
}

/**
 * Runs a scenario of the real-kernel oracle's step language against the model, producing the same output
 * records (`oracle/README.md`): one per step with `ret`/`errno`/`err`, `blocked`/`job`, the `vfio` op
 * results and the `state` after the step; `job_done` events before the next step once a blocked job
 * finishes. A step "blocks" exactly when its system call is asleep once nothing else can run. Time is not
 * modelled: `sleep` and timeouts only shape the output (`ms` fields are 0).
 */
export class ScenarioRunner {
  private readonly slots: Array<Job | null> = new Array(MAX_SLOTS).fill(null);
  private jobSeq = 0;
  private stepNo = 0;
  private defaultTimeout = 2000;
  private stateOn = true;
  private klogSeen = 0;
  private readonly runnerProcess;

  constructor(
    private readonly k: Kernel,
    private readonly emit: (record: OutputRecord) => void,
    /** Shown in the `begin` event. */
    private readonly stepsFile = '',
  ) {
    this.runnerProcess = k.newProcess('vfioctl');
  }

  /** Runs every step, emitting `begin`, the step records, `job_done` events and `end`. */
  async run(steps: readonly Step[]): Promise<void> {
    this.emit({
      event: 'begin',
      kernel: `mdevspec-model-${this.k.profile.name}`,
      version: this.k.profile.description,
      steps_file: this.stepsFile,
      uptime_s: 0,
    });
    this.klogSeen = this.k.klog.next;
    for (const step of steps) await this.step(step);
    await this.settle();
    await this.checkPending();
    this.emit({ event: 'end', steps: this.stepNo, run_ms: 0, uptime_s: 0 });
  }

  /** Runs one step. */
  async step(step: Step): Promise<void> {
    this.stepNo++;
    const between = this.takeKlog();
    if (between.length) this.emit({ event: 'klog_between', klog: between });
    if (step.op !== 'wait') await this.checkPending();
    const rec: OutputRecord = {
      step: this.stepNo,
      line: step.line,
      op: step.op,
      args: step.args.map((a) => a.text),
    };
    await this.exec(step, rec);
    rec.ms = 0;
    const klog = this.takeKlog();
    if (klog.length) rec.klog = klog;
    if (this.stateOn && !['snapshot', 'note', 'set'].includes(step.op)) rec.state = await this.state(false);
    this.emit(rec);
  }

  private async exec(step: Step, rec: OutputRecord): Promise<void> {
    const a = step.args;
    const timeout = step.timeout ?? this.defaultTimeout;
    switch (step.op) {
      case 'create': {
        let path = `/sys/class/mdev_bus/${a[0]!.text}/mdev_supported_types/${a[1]!.text}/create`;
        if (!this.k.vfs.exists(path)) {
          const alt = `/sys/class/mdev_bus/${a[0]!.text}/mdev_supported_types/${a[0]!.text}-${a[1]!.text}/create`;
          if (this.k.vfs.exists(alt)) path = alt;
        }
        rec.path = path;
        rec.len = a[2]!.bytes.length;
        return this.oneshot(rec, 'create', step, timeout, (t) => this.writeFile(t, path, a[2]!.bytes));
      }
      case 'remove': {
        const path = `/sys/bus/mdev/devices/${a[0]!.text}/remove`;
        rec.path = path;
        const data = a[1]?.bytes ?? new Uint8Array([0x31]);
        return this.oneshot(rec, 'remove', step, timeout, (t) => this.writeFile(t, path, data));
      }
      case 'write':
        return this.oneshot(rec, 'write', step, timeout, (t) => this.writeFile(t, a[0]!.text, a[1]!.bytes));
      case 'load': {
        const mod = a[0]!.text;
        const params = a
          .slice(1)
          .map((x) => x.text)
          .join(' ');
        return this.oneshot(rec, 'load', step, timeout, async (t) => {
          const r = await this.k.modules.load(t, mod, params);
          return { path: `/modules/${mod}.ko`, stage: r.stage, ...result(r.ret), call_ms: 0 };
        });
      }
      case 'unload':
        return this.oneshot(rec, 'unload', step, timeout, async (t) => ({
          stage: 'delete_module',
          ...result(await this.k.modules.unload(t, a[0]!.text)),
          call_ms: 0,
        }));
      case 'read': {
        const v = await this.inRunner((t) => readFile(this.k, t, a[0]!.text));
        Object.assign(rec, result(typeof v === 'number' ? v : 0), {
          value: typeof v === 'number' ? null : v,
        });
        return;
      }
      case 'ls': {
        const l = this.k.vfs.ls(a[0]!.text);
        Object.assign(rec, result(typeof l === 'number' ? l : l.length));
        if (typeof l !== 'number') rec.entries = l;
        return;
      }
      case 'exists':
        rec.exists = this.k.vfs.exists(a[0]!.text);
        return;
      case 'open':
        return this.open(rec, a[0]!.text, a[1]!.text, a[2]?.text ?? 'full');
      case 'vfio':
      case 'close': {
        const job = this.find(a[0]!.text);
        if (job?.kind !== 'holder') {
          rec.error = 'no such holder';
          return;
        }
        if (step.op === 'vfio' && job.exited) {
          rec.error = 'holder has exited';
          return;
        }
        return this.holderCommand(rec, job, step.op === 'close' ? '' : a[1]!.text, step.op === 'close');
      }
      case 'kill':
        return this.kill(rec, a[0]!.text, a[1]?.text);
      case 'wait':
        return this.wait(rec, a[0]!.text);
      case 'snapshot':
        rec.snapshot = await this.state(true);
        return;
      case 'set':
        if (a[0]!.text === 'timeout') this.defaultTimeout = Number(a[1]!.text);
        else this.stateOn = a[1]!.text !== 'off';
        return;
      case 'sleep':
      case 'note':
        return;
    }
  }

  // ---------------------------------------------------------------- jobs

  private async oneshot(
    rec: OutputRecord,
    op: string,
    step: Step,
    timeout: number,
    body: (task: Task) => Promise<OutputRecord>,
  ): Promise<void> {
    const name = step.as && !this.find(step.as) ? step.as : `j${++this.jobSeq}`;
    const process = this.k.newProcess(op);
    const job: Job = { name, kind: 'oneshot', op, signal: 0, pending: false, queue: [], exited: false };
    const handle = this.k.spawn(`${op} ${step.args.map((x) => x.text).join(' ')}`, process, body);
    job.task = handle.task;
    job.done = handle.done;
    this.alloc(job);
    await this.settle();
    if (finished(job)) {
      Object.assign(rec, await job.done);
      this.free(job);
      return;
    }
    job.pending = true;
    Object.assign(rec, { blocked: true, job: name, waited_ms: timeout });
  }

  /** The fields and exit status of a finished one-shot (a killed one reports no fields: it died). */
  private async finishedFields(job: Job): Promise<OutputRecord> {
    if (job.signal) return { since_start_ms: 0, exit: `signal ${job.signal}` };
    return { ...(await job.done), since_start_ms: 0, exit: 0 };
  }

  /** `check_pending`: a `job_done` event for every blocked one-shot that has finished since. */
  private async checkPending(): Promise<void> {
    for (const job of [...this.slots]) {
      if (job?.kind !== 'oneshot' || !job.pending || !finished(job)) continue;
      this.emit({
        event: 'job_done',
        job: job.name,
        op: job.op,
        seen_at_step: this.stepNo,
        why: 'completed',
        ...(await this.finishedFields(job)),
      });
      this.free(job);
    }
  }

  private async wait(rec: OutputRecord, which: string): Promise<void> {
    await this.settle();
    const done: OutputRecord[] = [];
    for (const job of [...this.slots]) {
      if (job?.kind !== 'oneshot' || !job.pending) continue;
      if (which !== 'all' && job.name !== which) continue;
      if (!finished(job)) continue;
      done.push({ job: job.name, op: job.op, ...(await this.finishedFields(job)) });
      this.free(job);
    }
    rec.done = done;
    rec.still_pending = this.slots
      .filter((j): j is Job => !!j && j.kind === 'oneshot' && j.pending)
      .map((j) => j.name);
  }

  // ---------------------------------------------------------------- holders

  private async open(rec: OutputRecord, name: string, uuid: string, ops: string): Promise<void> {
    if (this.find(name)) {
      rec.error = 'holder name in use';
      return;
    }
    const process = this.k.newProcess(`holder-${name}`);
    const job: Job = {
      name,
      kind: 'holder',
      op: 'open',
      signal: 0,
      pending: false,
      queue: [],
      exited: false,
      holder: new Holder(this.k, name, uuid, process),
    };
    this.alloc(job);
    rec.pid = process.pid;
    await this.holderCommand(rec, job, ops, false, false);
  }

  /** Queues an op list (or the final close) on a holder and reports the results produced by quiescence. */
  private async holderCommand(
    rec: OutputRecord,
    job: Job,
    ops: string,
    close: boolean,
    withWait = true,
  ): Promise<void> {
    const out: OpRecord[] = [];
    job.queue.push({ ops, close, out });
    await this.settle();
    rec.vfio = out;
    if (withWait) rec.wait_ms = 0;
    const done =
      !job.queue.some((q) => q.out === out) &&
      !(job.running?.out === out && job.running.task.state !== 'done');
    if (!done) rec.blocked = true;
    if (close && done) {
      job.exited = true;
      job.holder!.process.exited = true;
      rec.exit = 0;
      this.free(job);
    }
  }

  /** Starts the next queued op list of every idle holder; repeats until nothing more can run. */
  private async settle(): Promise<void> {
    for (;;) {
      await this.k.rt.quiesce();
      let started = false;
      for (const job of this.slots) {
        if (job?.kind !== 'holder' || job.exited) continue;
        if (job.running && job.running.task.state !== 'done') continue;
        const next = job.queue.shift();
        if (!next) continue;
        const holder = job.holder!;
        const handle = this.k.spawn(
          `holder ${job.name}: ${next.close ? 'close' : next.ops}`,
          holder.process,
          (t) => (next.close ? holder.closeAll(t, next.out) : holder.run(t, next.ops, next.out)),
        );
        job.running = { task: handle.task, out: next.out };
        started = true;
      }
      if (!started) return;
    }
  }

  private async kill(rec: OutputRecord, name: string, sigName: string | undefined): Promise<void> {
    const job = this.find(name);
    if (!job) {
      rec.error = 'no such holder/job';
      return;
    }
    const sig =
      sigName === undefined ? 9 : (SIGNALS[sigName.replace(/^SIG/i, '').toUpperCase()] ?? Number(sigName));
    Object.assign(rec, result(0), { signal: sig });
    if (sig !== 9 && sig !== 15 && sig !== 2) return;
    rec.exit_wait_ms = 0;
    if (job.kind === 'holder') {
      job.queue.length = 0;
      if (job.running && job.running.task.state !== 'done') this.k.rt.signal(job.running.task, sig);
      const holder = job.holder!;
      const exit = this.k.spawn(`exit holder-${job.name}`, holder.process, (t) =>
        this.k.vfs.exitFiles(t, holder.process),
      );
      await this.settle();
      await exit.done;
      rec.vfio = [];
      rec.exit = `signal ${sig}`;
      job.exited = true;
      this.free(job);
      return;
    }
    if (finished(job)) {
      Object.assign(rec, await job.done, { exit: 0 });
      this.free(job);
      return;
    }
    job.signal = sig;
    this.k.rt.signal(job.task!, sig);
    await this.settle();
    if (finished(job)) {
      rec.exit = `signal ${sig}`;
      this.free(job);
    } else {
      rec.exit = null;
      rec.still_running = true;
    }
  }

  // ---------------------------------------------------------------- helpers

  /** open(O_WRONLY) + write(2) of `data`, as the runner's one-shot writer reports it. */
  private async writeFile(task: Task, path: string, data: Uint8Array): Promise<OutputRecord> {
    const fd = await this.k.vfs.open(task, path, 'w');
    if (fd < 0) return { stage: 'open', ...result(fd) };
    const r = await this.k.vfs.write(task, fd, data);
    await this.k.vfs.close(task, fd);
    return { stage: 'write', ...result(r), write_ms: 0 };
  }

  /** Runs `body` in the runner's own process (reads, state collection) and waits for it. */
  private async inRunner<T>(body: (task: Task) => Promise<T>): Promise<T> {
    const h = this.k.spawn('runner', this.runnerProcess, body);
    await this.settle();
    return h.done;
  }

  private async state(full: boolean): Promise<OutputRecord> {
    const state = await this.inRunner((t) => collectState(this.k, t, full));
    state.holders = this.slots.filter((j): j is Job => !!j && j.kind === 'holder').map((j) => j.name);
    state.pending = this.slots
      .filter((j): j is Job => !!j && j.kind === 'oneshot' && j.pending)
      .map((j) => j.name);
    return state;
  }

  private takeKlog(): string[] {
    const recs = this.k.klog.since(this.klogSeen);
    this.klogSeen = this.k.klog.next;
    return recs.map((r) => `[0.000000] <${r.prio}> ${r.msg}`);
  }

  private find(name: string): Job | undefined {
    return this.slots.find((j): j is Job => !!j && j.name === name) ?? undefined;
  }

  private alloc(job: Job): void {
    const i = this.slots.indexOf(null);
    if (i < 0) throw new Error('too many jobs');
    this.slots[i] = job;
  }

  private free(job: Job): void {
    const i = this.slots.indexOf(job);
    if (i >= 0) this.slots[i] = null;
  }
}

/** A one-shot job whose system call has returned. */
function finished(job: Job): boolean {
  return job.task?.state === 'done';
}
