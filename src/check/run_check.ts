import fc from 'fast-check';
import { commandArb } from '../../properties/commands/command_space.ts';
import type { CommandModel, OpCommand } from '../../properties/commands/op_command.ts';
import { type ParallelProgram, parallelProgramArb } from '../../properties/commands/parallel_program.ts';
import type { Invariant } from '../../properties/invariant.ts';
import { INVARIANTS } from '../../properties/invariants/index.ts';
import type { TraceCommand, TraceProgram } from '../../properties/trace_program.ts';
import type { Violation } from '../../properties/violation.ts';
import { pctScheduler } from '../sched/arbitrary/pct_scheduler.ts';
import { uniformScheduler } from '../sched/arbitrary/uniform_scheduler.ts';
import type { ControlledScheduler } from '../sched/controlled_scheduler.ts';
import { FastCheckAdapter } from '../sched/fast_check_adapter.ts';
import { pctGuarantee } from '../sched/pct_policy.ts';
import type { RunScheduler } from '../sched/run_scheduler.ts';
import type {
  CheckResult,
  Counterexample,
  ExhaustiveReport,
  SchedulerKind,
  ShrinkReport,
} from './check_result.ts';
import type { CheckSystem } from './check_system.ts';
import { DeviceSpec } from './device_monitor.ts';
import { caseWork, exploreCase } from './explore_case.ts';
import { type CaseCommand, type CaseOutcome, runCase } from './run_case.ts';
import { shrinkSchedule } from './shrink_schedule.ts';

/** How a check runs. */
export interface CheckOptions {
  readonly system: CheckSystem;
  readonly scheduler: SchedulerKind;
  /** PCT's bug depth d. */
  readonly depth: number;
  /** The exhaustive scheduler's bound: the most interleavings explored per operation set. */
  readonly bound?: number;
  /** Runs of generated commands. */
  readonly runs: number;
  readonly seed: number;
  /** The most commands in one run (in a parallel program: per branch, and in the prefix). */
  readonly maxOps: number;
  /** Generate parallel programs (a prefix and 2–3 concurrent branches) instead of command sequences. */
  readonly parallel?: boolean;
  /** Which violations fail a run (default: those no known issue explains). */
  readonly failsOn?: (v: Violation) => boolean;
  /** Stop at the first failing run, without shrinking it (for measuring the time to a failure). */
  readonly endOnFailure?: boolean;
  /** Minimise the counterexample's schedule after fast-check's shrinking (default true). */
  readonly shrinkSchedule?: boolean;
  /** Stop generating runs after this long (a counterexample found by then is still shrunk). */
  readonly timeLimitMs?: number;
  /** The invariants to check (all of properties/invariants by default). */
  readonly invariants?: readonly Invariant[];
  /** Called after every run, generated or shrinking. */
  readonly onRun?: (progress: {
    readonly runs: number;
    readonly shrinks: number;
    readonly failing: boolean;
  }) => void;
}

/** fast-check's wrapper around a command: the command, and `run` marks it as executed for the shrinker. */
interface Wrapped {
  readonly cmd: OpCommand;
  check(m: Readonly<CommandModel>): boolean;
  run(m: CommandModel, r: { readonly recorder: unknown }): Promise<void>;
}

/** Feeds fast-check's commands to `runCase`, recording each one that runs. */
function* caseCommands(cmds: Iterable<Wrapped>, ran: TraceCommand[]): Generator<CaseCommand> {
  for (const w of cmds) {
    yield {
      concurrent: w.cmd.concurrent,
      check: (m) => w.check(m),
      run: (m, r) => {
        ran.push({ op: w.cmd.template, concurrent: w.cmd.concurrent });
        return w.run(m, r);
      },
      toString: () => w.cmd.toString(),
    };
  }
}

const traced = (c: OpCommand): TraceCommand => ({ op: c.template, concurrent: c.concurrent });

/** A parallel program as a trace keeps it. */
function traceProgram(p: ParallelProgram): TraceProgram {
  return { prefix: p.prefix.map(traced), branches: p.branches.map((b) => b.map(traced)) };
}

/** FNV-1a over the decisions: tells interleavings apart. */
function hashDecisions(decisions: readonly string[]): number {
  let h = 0x811c9dc5;
  for (const d of decisions) {
    for (let i = 0; i < d.length; i++) h = Math.imul(h ^ d.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 10, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Decisions of a run that had a choice: a decision whose thread differs from the previous one, or where the
 * previous thread is released again later (a lower estimate of the steps with two or more runnable threads,
 * which PCT counts).
 */
export function choiceSteps(decisions: readonly string[]): number {
  const thread = (d: string) => (d.startsWith('#') ? d.slice(0, d.indexOf(' ')) : d);
  let n = 0;
  for (let i = 1; i < decisions.length; i++) if (thread(decisions[i]!) !== thread(decisions[i - 1]!)) n++;
  return n;
}

/** Threads that took part in a run: tasks, plus command starts. */
function threadsOf(decisions: readonly string[]): number {
  return new Set(decisions.map((d) => (d.startsWith('#') ? d.slice(0, d.indexOf(' ')) : d))).size;
}

/**
 * `mdevspec check`: fast-check generates runs — command sequences (fc.commands), or parallel programs —
 * over the system's operations, a scheduler orders every step of the operations in flight (fast-check's own
 * uniform scheduler, the faster uniform `ControlledScheduler`, PCT, or the exhaustive explorer, which runs
 * every interleaving of each generated operation set up to a bound), and each run is checked by `runCase`:
 * monitors, invariants, linearizability against the atomic rules, and the end state. Violations that known
 * kernel issues explain are counted, not failed. A failing run is shrunk by fast-check to a minimal
 * operation set; the last failing run is the counterexample, with its exact interleaving for `mdevspec
 * replay`.
 */
export async function runCheck(o: CheckOptions): Promise<CheckResult> {
  const started = Date.now();
  const deviceSpec = new DeviceSpec(o.system.profile.kernel);
  const invariants = o.invariants ?? INVARIANTS;
  const checks = { invariants, deviceSpec };
  const bound = o.bound ?? 2000;
  const covered = new Set<number>();
  const windows: Record<string, number> = {};
  const knownIssues: Record<string, number> = {};
  const interleavings = new Set<number>();
  let runs = 0;
  let shrinks = 0;
  let operations = 0;
  let decisions = 0;
  let invariantChecks = 0;
  let maxSteps = 10;
  let maxThreads = 1;
  let failure: Counterexample | null = null;
  const exhaustive = { states: 0, exhausted: 0, cut: 0, sleepPruned: 0, cacheHits: 0, interleavings: 0 };

  /** Counts a run (its interleaving) into the totals. */
  const record = (outcome: CaseOutcome): void => {
    operations += outcome.ops.length;
    decisions += outcome.decisions.length;
    invariantChecks += outcome.invariantChecks;
    interleavings.add(hashDecisions(outcome.decisions));
    maxSteps = Math.max(maxSteps, choiceSteps(outcome.decisions));
    maxThreads = Math.max(maxThreads, threadsOf(outcome.decisions));
    for (const t of outcome.covered) covered.add(t);
    for (const w of outcome.windows) windows[w.window] = (windows[w.window] ?? 0) + 1;
    for (const k of outcome.knownIssues) knownIssues[k] = (knownIssues[k] ?? 0) + 1;
  };
  /** Ends a property run: counts it, keeps the counterexample, reports progress. */
  const conclude = (failing: Counterexample | null): boolean => {
    if (failure !== null) shrinks++;
    else runs++;
    if (failing) failure = failing;
    o.onRun?.({ runs, shrinks, failing: failing !== null });
    return failing === null;
  };
  const failsOn = o.failsOn ?? ((v: Violation) => !v.known);
  const failed = (outcome: CaseOutcome) => outcome.violations.some(failsOn);
  const counterexample = (
    commands: readonly TraceCommand[],
    outcome: CaseOutcome,
    program?: TraceProgram,
  ): Counterexample => ({
    commands,
    ...(program ? { program } : {}),
    decisions: outcome.decisions,
    ops: outcome.ops,
    violations: outcome.violations,
  });

  /** Every interleaving of one operation set, up to the bound. */
  const explore = async (commands: readonly TraceCommand[], program?: TraceProgram): Promise<boolean> => {
    const result = await exploreCase(o.system, program ?? commands, checks, bound, record, failsOn);
    exhaustive.states += result.states;
    exhaustive.sleepPruned += result.sleepPruned;
    exhaustive.cacheHits += result.cacheHits;
    exhaustive.interleavings += result.interleavings;
    if (result.failure) return conclude(counterexample(commands, result.failure, program));
    if (result.exhausted) exhaustive.exhausted++;
    else exhaustive.cut++;
    return conclude(null);
  };

  const schedulers: Record<
    Exclude<SchedulerKind, 'exhaustive'>,
    fc.Arbitrary<fc.Scheduler | ControlledScheduler>
  > = {
    random: fc.scheduler(),
    uniform: uniformScheduler(),
    pct: pctScheduler({ depth: o.depth, steps: () => maxSteps }),
  };
  const asRunScheduler = (s: fc.Scheduler | ControlledScheduler): RunScheduler =>
    o.scheduler === 'random' ? new FastCheckAdapter(s as fc.Scheduler) : (s as ControlledScheduler);

  let property: fc.IAsyncProperty<[unknown, unknown]> | fc.IAsyncProperty<[unknown]>;
  if (o.scheduler === 'exhaustive') {
    property = o.parallel
      ? fc.asyncProperty(parallelProgramArb(o.system.space, o.maxOps, o.maxOps), (p) => {
          const program = traceProgram(p);
          return explore([...program.prefix, ...program.branches.flat()], program);
        })
      : fc.asyncProperty(fc.array(commandArb(o.system.space), { maxLength: o.maxOps }), (cmds) =>
          explore(cmds.map(traced)),
        );
  } else if (o.parallel) {
    property = fc.asyncProperty(
      schedulers[o.scheduler],
      parallelProgramArb(o.system.space, o.maxOps, o.maxOps),
      async (s, p) => {
        const program = traceProgram(p);
        const outcome = await runCase(o.system, caseWork(program), asRunScheduler(s), checks);
        record(outcome);
        return conclude(
          failed(outcome)
            ? counterexample([...program.prefix, ...program.branches.flat()], outcome, program)
            : null,
        );
      },
    );
  } else {
    property = fc.asyncProperty(
      schedulers[o.scheduler],
      fc.commands([commandArb(o.system.space)], { maxCommands: o.maxOps }),
      async (s, cmds) => {
        const ran: TraceCommand[] = [];
        const outcome = await runCase(
          o.system,
          caseCommands(cmds as Iterable<Wrapped>, ran),
          asRunScheduler(s),
          checks,
        );
        record(outcome);
        return conclude(failed(outcome) ? counterexample(ran, outcome) : null);
      },
    );
  }
  const details = await fc.check(property as fc.IAsyncProperty<unknown[]>, {
    seed: o.seed,
    numRuns: o.runs,
    endOnFailure: o.endOnFailure ?? false,
    ...(o.timeLimitMs ? { plugins: [fc.interruptAfterTimeLimit(o.timeLimitMs)] } : {}),
  });
  let found: Counterexample | null = details.failed ? failure : null;
  let scheduleShrink: ShrinkReport | null = null;
  if (found && o.shrinkSchedule !== false && !o.endOnFailure) {
    const shrunk = await shrinkSchedule(o.system, found, checks, failsOn);
    found = shrunk.counterexample;
    scheduleShrink = shrunk.report;
  }
  const exhaustiveReport: ExhaustiveReport | null =
    o.scheduler === 'exhaustive'
      ? {
          bound,
          states: exhaustive.states,
          exhausted: exhaustive.exhausted,
          cut: exhaustive.cut,
          sleepPruned: exhaustive.sleepPruned,
          cacheHits: exhaustive.cacheHits,
        }
      : null;
  return {
    system: o.system.title,
    profile: o.system.profile.name,
    scheduler: o.scheduler,
    seed: o.seed,
    runs,
    shrinks,
    operations,
    decisions,
    interleavings: o.scheduler === 'exhaustive' ? exhaustive.interleavings : interleavings.size,
    invariantChecks,
    invariants: invariants.map(({ name, rule }) => ({ name, rule })),
    coverage: {
      covered: covered.size,
      total: deviceSpec.transitions.length,
      uncovered: deviceSpec.transitions.flatMap((_, i) => (covered.has(i) ? [] : [deviceSpec.name(i)])),
    },
    windows,
    knownIssues,
    pct:
      o.scheduler === 'pct'
        ? {
            depth: o.depth,
            steps: maxSteps,
            threads: maxThreads,
            guarantee: pctGuarantee(maxThreads, maxSteps, o.depth),
          }
        : null,
    exhaustive: exhaustiveReport,
    scheduleShrink,
    paths: null,
    parallel: o.parallel ?? false,
    verdict: found ? 'fail' : 'pass',
    counterexample: found,
    interrupted: details.interrupted,
    durationMs: Date.now() - started,
  };
}
