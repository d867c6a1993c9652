import fc from 'fast-check';
import { commandArb } from '../../properties/commands/command_space.ts';
import type { CommandModel, OpCommand } from '../../properties/commands/op_command.ts';
import type { Invariant } from '../../properties/invariant.ts';
import { INVARIANTS } from '../../properties/invariants/index.ts';
import { pctScheduler } from '../sched/arbitrary/pct_scheduler.ts';
import { uniformScheduler } from '../sched/arbitrary/uniform_scheduler.ts';
import type { ControlledScheduler } from '../sched/controlled_scheduler.ts';
import { FastCheckAdapter } from '../sched/fast_check_adapter.ts';
import { pctGuarantee } from '../sched/pct_policy.ts';
import type { RunScheduler } from '../sched/run_scheduler.ts';
import type { CheckResult, Counterexample, SchedulerKind, TraceCommand } from './check_result.ts';
import type { CheckSystem } from './check_system.ts';
import { DeviceSpec } from './device_monitor.ts';
import { type CaseCommand, type CaseOutcome, runCase } from './run_case.ts';

/** How a check runs. */
export interface CheckOptions {
  readonly system: CheckSystem;
  readonly scheduler: SchedulerKind;
  /** PCT's bug depth d. */
  readonly depth: number;
  /** Runs of generated commands. */
  readonly runs: number;
  readonly seed: number;
  /** The most commands in one run. */
  readonly maxOps: number;
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

/** FNV-1a over the decisions: tells interleavings apart. */
function hashDecisions(decisions: readonly string[]): number {
  let h = 0x811c9dc5;
  for (const d of decisions) {
    for (let i = 0; i < d.length; i++) h = Math.imul(h ^ d.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 10, 0x01000193);
  }
  return h >>> 0;
}

/** Threads that took part in a run: tasks, plus command starts. */
function threadsOf(decisions: readonly string[]): number {
  return new Set(decisions.map((d) => (d.startsWith('#') ? d.slice(0, d.indexOf(' ')) : d))).size;
}

/**
 * `mdevspec check`: fast-check generates command sequences over the system's operations (fc.commands), a
 * scheduler orders every step of the operations in flight (fast-check's own uniform scheduler, the faster
 * uniform `ControlledScheduler`, or PCT), and each run is checked by `runCase`: monitors, invariants,
 * linearizability against the atomic rules, and the end state. Violations that known kernel issues explain
 * are counted, not failed. A failing run is shrunk by fast-check to a minimal command sequence; the last
 * failing run is the counterexample, with its exact interleaving for `mdevspec replay`.
 */
export async function runCheck(o: CheckOptions): Promise<CheckResult> {
  const started = Date.now();
  const deviceSpec = new DeviceSpec(o.system.profile.base);
  const invariants = o.invariants ?? INVARIANTS;
  const covered = new Set<number>();
  const windows: Record<string, number> = {};
  const knownIssues: Record<string, number> = {};
  const interleavings = new Set<number>();
  let runs = 0;
  let shrinks = 0;
  let operations = 0;
  let decisions = 0;
  let invariantChecks = 0;
  let maxSteps = 50;
  let maxThreads = 1;
  let failure: Counterexample | null = null;

  const record = (outcome: CaseOutcome, shrinking: boolean): void => {
    if (shrinking) shrinks++;
    else runs++;
    operations += outcome.ops.length;
    decisions += outcome.decisions.length;
    invariantChecks += outcome.invariantChecks;
    interleavings.add(hashDecisions(outcome.decisions));
    maxSteps = Math.max(maxSteps, outcome.decisions.length);
    maxThreads = Math.max(maxThreads, threadsOf(outcome.decisions));
    for (const t of outcome.covered) covered.add(t);
    for (const w of outcome.windows) windows[w.window] = (windows[w.window] ?? 0) + 1;
    for (const k of outcome.knownIssues) knownIssues[k] = (knownIssues[k] ?? 0) + 1;
  };

  const schedulers: Record<SchedulerKind, fc.Arbitrary<fc.Scheduler | ControlledScheduler>> = {
    random: fc.scheduler(),
    uniform: uniformScheduler(),
    pct: pctScheduler({ depth: o.depth, steps: () => maxSteps }),
  };
  const property = fc.asyncProperty(
    schedulers[o.scheduler],
    fc.commands([commandArb(o.system.space)], { maxCommands: o.maxOps }),
    async (s, cmds) => {
      const sched: RunScheduler =
        o.scheduler === 'random' ? new FastCheckAdapter(s as fc.Scheduler) : (s as ControlledScheduler);
      const ran: TraceCommand[] = [];
      const outcome = await runCase(o.system, caseCommands(cmds as Iterable<Wrapped>, ran), sched, {
        invariants,
        deviceSpec,
      });
      const failing = outcome.violations.some((v) => !v.known);
      record(outcome, failure !== null);
      if (failing)
        failure = {
          commands: ran,
          decisions: outcome.decisions,
          ops: outcome.ops,
          violations: outcome.violations,
        };
      o.onRun?.({ runs, shrinks, failing });
      return !failing;
    },
  );
  const details = await fc.check(property, {
    seed: o.seed,
    numRuns: o.runs,
    ...(o.timeLimitMs ? { plugins: [fc.interruptAfterTimeLimit(o.timeLimitMs)] } : {}),
  });
  const counterexample = details.failed ? failure : null;
  return {
    system: o.system.title,
    profile: o.system.profile.name,
    scheduler: o.scheduler,
    seed: o.seed,
    runs,
    shrinks,
    operations,
    decisions,
    interleavings: interleavings.size,
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
    verdict: counterexample ? 'fail' : 'pass',
    counterexample,
    interrupted: details.interrupted,
    durationMs: Date.now() - started,
  };
}
