import { initialSpecState, poolSize } from '../../machines/atomic_parents.ts';
import { specStep } from '../../machines/atomic_rules.ts';
import type { SpecOp, SpecState } from '../../machines/atomic_state.ts';
import { overlapOutcomes } from '../../machines/overlaps/index.ts';
import type { CommandModel } from '../../properties/commands/op_command.ts';
import type { Invariant, InvariantCheck } from '../../properties/invariant.ts';
import { classifyRun } from '../../properties/known_issues.ts';
import { OpDriver } from '../../properties/op_driver.ts';
import type { CaseOp, RecordedOp } from '../../properties/recorded_op.ts';
import type { Violation } from '../../properties/violation.ts';
import { MdevSystem } from '../api/system.ts';
import type { Kernel } from '../kernel/kernel.ts';
import { PromptScheduler } from '../kernel/scheduler.ts';
import type { RunScheduler } from '../sched/run_scheduler.ts';
import type { CheckSystem } from './check_system.ts';
import { DeviceMonitor, type DeviceSpec } from './device_monitor.ts';
import { explainNonLinearizable } from './explain_linearizability.ts';
import { HistoryRecorder } from './history.ts';
import { checkLinearizable } from './linearizability.ts';

/** A command of a run: starts one operation (resolving holder references against the run's model). */
export interface CaseCommand {
  /** Start alongside the operations in flight, instead of once they have returned or fallen asleep. */
  readonly concurrent: boolean;
  check(model: Readonly<CommandModel>): boolean;
  run(model: CommandModel, real: { readonly recorder: HistoryRecorder }): Promise<void>;
  toString(): string;
}

/**
 * A parallel program (quickcheck-state-machine's parallel commands): a prefix run one command at a time,
 * then branches that run concurrently, each starting its next command once its previous one returned.
 */
export interface CaseProgram {
  readonly prefix: readonly CaseCommand[];
  readonly branches: readonly (readonly CaseCommand[])[];
}

/** What a run checks with: the invariants and the device spec its monitors run. */
export interface CaseChecks {
  readonly invariants: readonly Invariant[];
  readonly deviceSpec: DeviceSpec;
  /** Run only: no trace, no monitor, no linearizability or end-of-run checks (to measure what they cost). */
  readonly plain?: boolean;
}

/** Everything one run found and did. */
export interface CaseOutcome {
  readonly ops: readonly CaseOp[];
  readonly violations: readonly Violation[];
  /** The scheduler's decisions (labels of released steps), for exact replay. */
  readonly decisions: readonly string[];
  /** Spec transitions of the mdev device machine the run took (indexes into the device spec). */
  readonly covered: ReadonlySet<number>;
  /** Invariant evaluations: events × trace invariants, plus end-of-run checks. */
  readonly invariantChecks: number;
  /** The spec's state after the run's linearization (null when the history is not linearizable). */
  readonly finalSpec: SpecState | null;
  /** Overlap windows the linearization used, by operation. */
  readonly windows: ReadonlyArray<{ readonly id: number; readonly window: string }>;
  /** Known kernel issues the run went through (ids of properties/known_issues.ts). */
  readonly knownIssues: readonly string[];
}

/** Runs `ops` one at a time on a prompt kernel, checking each result against the spec; returns the spec state. */
async function runSetup(
  driver: OpDriver,
  sys: MdevSystem,
  ops: readonly SpecOp[],
  state: SpecState,
): Promise<SpecState | string> {
  let spec = state;
  for (const op of ops) {
    const started = driver.start(op);
    await sys.settle();
    const actual = await started.result;
    const expected = specStep(spec, op);
    if (JSON.stringify(actual) !== JSON.stringify(expected.result)) {
      return `setup step ${JSON.stringify(op)} returned ${JSON.stringify(actual)}, the spec says ${JSON.stringify(expected.result)}`;
    }
    spec = expected.state;
  }
  return spec;
}

/** Whether the kernel holds the devices (UUID and type) and modules of a spec state. */
function sameDevicesAndModules(kernel: MdevSystem['kernel'], spec: SpecState): boolean {
  const devices = (kernel.mdev?.allDevices() ?? []).map((d) => `${d.uuid} ${d.type.dirName}`).sort();
  const specDevices = Object.values(spec.devices)
    .map((d) => `${d.uuid} ${d.type}`)
    .sort();
  const modules = [...kernel.modules.loaded.values()]
    .filter((m) => !m.builtin)
    .map((m) => m.def.name)
    .sort();
  return devices.join() === specDevices.join() && modules.join() === Object.keys(spec.modules).sort().join();
}

/** Starts `command` at a point the scheduler chooses among the steps in flight. */
function startCommand(
  command: CaseCommand,
  label: string,
  model: CommandModel,
  recorder: HistoryRecorder,
  sched: RunScheduler,
): Promise<void> {
  return sched.waitFor(sched.schedule(Promise.resolve(), label).then(() => command.run(model, { recorder })));
}

/** A command sequence: each command starts once the ones before have returned or slept, or (`&`) at once. */
async function runSequence(
  commands: Iterable<CaseCommand>,
  model: CommandModel,
  recorder: HistoryRecorder,
  sched: RunScheduler,
): Promise<void> {
  let index = 0;
  for (const command of commands) {
    if (!command.check(model)) continue;
    if (!command.concurrent) await sched.waitIdle();
    await startCommand(command, `cmd ${index++}: ${command}`, model, recorder, sched);
  }
}

/**
 * A parallel program: the prefix one command at a time, then every branch at once, each running its
 * commands one after another, until nothing can run. A branch whose operation is still asleep then (it waits
 * for something only the teardown releases) starts no further command.
 */
async function runProgram(
  program: CaseProgram,
  model: CommandModel,
  recorder: HistoryRecorder,
  sched: RunScheduler,
  branchOf: Map<number, number>,
): Promise<void> {
  for (const [i, command] of program.prefix.entries()) {
    await sched.waitIdle();
    if (command.check(model)) await startCommand(command, `prefix ${i}: ${command}`, model, recorder, sched);
  }
  await sched.waitIdle();
  // Every branch starts now, each keeping its own promise (`BranchRun.done`). They are not awaited: a
  // branch whose operation is still asleep once nothing can run waits for the teardown, which comes after
  // this function. A branch that failed makes the run fail here.
  const branches = program.branches.map((commands, b) =>
    new BranchRun(commands, b).start(model, recorder, sched, branchOf),
  );
  await sched.waitIdle();
  for (const branch of branches) branch.stop();
  for (const branch of branches) if (branch.failure !== undefined) throw branch.failure;
}

/** One branch of a parallel program: its commands, one after another, until the program stops it. */
class BranchRun {
  private stopped = false;
  /** What the branch threw, if it failed. */
  failure: unknown = undefined;
  /** Settles when the branch has run its commands, stopped or failed (never rejects). */
  done: Promise<void> = Promise.resolve();

  constructor(
    private readonly commands: readonly CaseCommand[],
    private readonly index: number,
  ) {}

  /** Starts running the branch's commands (see `done`). */
  start(
    model: CommandModel,
    recorder: HistoryRecorder,
    sched: RunScheduler,
    branchOf: Map<number, number>,
  ): this {
    this.done = this.run(model, recorder, sched, branchOf);
    return this;
  }

  /** Runs the branch's commands; a failure is kept in `failure`. */
  private async run(
    model: CommandModel,
    recorder: HistoryRecorder,
    sched: RunScheduler,
    branchOf: Map<number, number>,
  ): Promise<void> {
    try {
      for (const [j, command] of this.commands.entries()) {
        await sched.schedule(Promise.resolve(), `branch ${this.index}.${j}: ${command}`);
        if (this.stopped) return;
        if (!command.check(model)) continue;
        const id = recorder.ops.length;
        await command.run(model, { recorder });
        branchOf.set(id, this.index);
        await recorder.returned(id);
      }
    } catch (error) {
      this.failure = error;
    }
  }

  /** Starts no further command. */
  stop(): void {
    this.stopped = true;
  }
}

/** `available_instances` of every type of every parent, read through sysfs. */
async function readAvailable(sys: MdevSystem, system: CheckSystem): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [parent, config] of Object.entries(system.parents)) {
    for (const type of Object.keys(config.types)) {
      const v = await sys.read(
        `/sys/class/mdev_bus/${parent}/mdev_supported_types/${type}/available_instances`,
      );
      if (typeof v === 'string') out[`${parent}/${type}`] = Number(v);
    }
  }
  return out;
}

/**
 * One run of a check: boots a kernel of the system's profile, runs the setup one operation at a time, then
 * starts the commands one after another WITHOUT waiting for them — the scheduler decides when each command
 * starts relative to the steps of the operations already in flight, and the order of every step inside
 * them — and lets everything run until nothing can. Holders still alive then exit one by one (so blocked
 * removes complete). Throughout, the trace feeds the invariants and the device monitors; at the end the
 * history must be linearizable against the atomic rules, the kernel's state must match the spec's, and no
 * task may be left asleep. `onKernel` sees the booted kernel and the operation log once the setup is done
 * (the exhaustive explorer reads the state from them).
 */
export async function runCase(
  system: CheckSystem,
  work: Iterable<CaseCommand> | CaseProgram,
  sched: RunScheduler,
  checks: CaseChecks,
  onKernel?: (kernel: Kernel, ops: readonly RecordedOp[]) => void,
): Promise<CaseOutcome> {
  const violations: Violation[] = [];
  const sys = await MdevSystem.boot({ profile: system.profile, extraModules: system.extraModules() });
  const kernel = sys.kernel;
  const driver = new OpDriver(sys);
  const recorder = new HistoryRecorder(driver, kernel.rt);
  const monitor = new DeviceMonitor(checks.deviceSpec);
  const live: Array<{ invariant: Invariant; check: InvariantCheck }> = checks.invariants.map((invariant) => ({
    invariant,
    check: invariant.create(),
  }));
  let invariantChecks = 0;
  const initial = initialSpecState(system.profile.kernel, system.parents);
  const capacity: Record<string, number> = {};
  const ctx = { kernel, parents: system.parents, capacity, ops: recorder.ops };
  if (!checks.plain)
    kernel.trace.listen((e) => {
      for (const { invariant, check } of live) {
        if (!check.onEvent) continue;
        invariantChecks++;
        const message = check.onEvent(e, ctx);
        if (message) violations.push({ kind: 'invariant', check: invariant.name, message });
      }
      const refused = monitor.feed(e);
      if (refused) violations.push({ kind: 'monitor', check: 'mdev_device', message: refused });
    });

  const setup = await runSetup(driver, sys, system.setup, initial);
  if (typeof setup === 'string') throw new Error(setup);
  for (const parent of Object.keys(system.parents)) capacity[parent] = poolSize(setup, parent);
  const setupOps = recorder.ops.length;
  onKernel?.(kernel, recorder.ops);

  // The concurrent part, under the scheduler.
  kernel.rt.scheduler = sched.kernel;
  sched.kernel.attach?.(kernel.rt);
  const model: CommandModel = { holders: [], nextHolder: 0, created: [] };
  const branchOf = new Map<number, number>();
  if ('branches' in work) await runProgram(work, model, recorder, sched, branchOf);
  else await runSequence(work, model, recorder, sched);
  await sched.waitIdle();
  const commandOps = recorder.ops.length;
  for (const holder of driver.liveHolders()) {
    recorder.start({ op: 'close', holder });
    await sched.waitIdle();
  }

  const asleep = kernel.rt.tasks();
  for (const task of asleep) {
    violations.push({
      kind: 'deadlock',
      check: 'no-task-left-asleep',
      message: `${task.name} is still asleep at ${task.point} after every holder exited`,
    });
  }
  kernel.rt.scheduler = new PromptScheduler();

  for (const bug of kernel.bugs)
    violations.push({ kind: 'kernel-bug', check: bug.kind, message: bug.message });
  for (const task of kernel.rt.oopses) {
    violations.push({ kind: 'oops', check: 'oops', message: `${task.name}: ${String(task.oops)}` });
  }

  const history = recorder
    .history()
    .slice(setupOps)
    .map((o) => ({ ...o, id: o.id - setupOps }));
  const lin = checks.plain
    ? checkLinearizable(setup, [], specStep)
    : checkLinearizable(setup, history, specStep, overlapOutcomes, (final) =>
        sameDevicesAndModules(kernel, final),
      );
  const finalSpec = lin.ok ? lin.finalState : null;
  if (!lin.ok) {
    violations.push({
      kind: 'linearizability',
      check: 'linearizable',
      message: explainNonLinearizable(lin, history),
    });
  }

  const available = checks.plain ? {} : await readAvailable(sys, system);
  for (const { invariant, check } of checks.plain ? [] : live) {
    if (!check.atEnd) continue;
    invariantChecks++;
    for (const message of check.atEnd({
      ...ctx,
      ops: recorder.ops.slice(setupOps),
      spec: finalSpec,
      available,
    })) {
      violations.push({ kind: 'invariant', check: invariant.name, message });
    }
  }

  const ops = recorder.ops.slice(setupOps).map(
    (o): CaseOp => ({
      id: o.id - setupOps,
      op: o.op,
      phase: o.id < commandOps ? 'command' : 'teardown',
      branch: branchOf.get(o.id) ?? null,
      task: o.task?.id ?? null,
      invoke: o.invoke,
      response: o.response,
      result: o.result,
    }),
  );
  const windows = lin.ok ? lin.windows : [];
  const classified = classifyRun({
    profile: system.profile,
    ops,
    windows,
    flagged: lin.knownIssues,
    violations,
  });
  return {
    ops,
    violations: classified.violations,
    decisions: sched.labels(),
    covered: monitor.covered,
    invariantChecks,
    finalSpec,
    windows,
    knownIssues: classified.seen,
  };
}
