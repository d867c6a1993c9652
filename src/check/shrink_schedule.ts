import type { TraceCommand, TraceProgram } from '../../properties/trace_program.ts';
import type { Violation } from '../../properties/violation.ts';
import type { Parked, PickPolicy } from '../sched/controlled_scheduler.ts';
import { ControlledScheduler } from '../sched/controlled_scheduler.ts';
import type { Counterexample, ShrinkReport } from './check_result.ts';
import type { CheckSystem } from './check_system.ts';
import { caseWork } from './explore_case.ts';
import { type CaseChecks, runCase } from './run_case.ts';

const TASK_LABEL = /^#\d+ (.*?) @ /;

/**
 * The thread of each decision, as a name that survives re-running a smaller program: a task's name with the
 * number of earlier tasks of that name (task ids shift when commands go), or a harness label without its
 * command number.
 */
function threads(decisions: readonly string[]): string[] {
  const ids = new Map<string, string>();
  const seen = new Map<string, number>();
  return decisions.map((label) => {
    const id = /^#(\d+) /.exec(label)?.[1];
    const name = TASK_LABEL.exec(label)?.[1] ?? label.replace(/^(cmd|prefix) \d+: /, '$1: ');
    if (id === undefined) return name;
    let thread = ids.get(id);
    if (!thread) {
      const n = seen.get(name) ?? 0;
      seen.set(name, n + 1);
      thread = `${name}#${n}`;
      ids.set(id, thread);
    }
    return thread;
  });
}

/** Context switches of a schedule: decisions whose thread differs from the previous decision's. */
function contextSwitches(decisions: readonly string[]): number {
  const t = threads(decisions);
  return t.filter((x, i) => i > 0 && x !== t[i - 1]).length;
}

/** Preemptions: context switches away from a thread that runs again later (it could have gone on). */
export function preemptions(decisions: readonly string[]): number {
  const t = threads(decisions);
  return t.filter((x, i) => i > 0 && x !== t[i - 1] && t.indexOf(t[i - 1]!, i + 1) >= 0).length;
}

/** A policy that runs the given threads in order where it can (the oldest parked step otherwise). */
function followThreads(order: readonly string[]): PickPolicy {
  let k = 0;
  const ids = new Map<string, string>();
  const seen = new Map<string, number>();
  const threadOf = (p: Parked): string => {
    const name = TASK_LABEL.exec(p.label)?.[1] ?? p.label.replace(/^(cmd|prefix) \d+: /, '$1: ');
    if (!p.task) return name;
    const key = String(p.task.id);
    let thread = ids.get(key);
    if (!thread) {
      const n = seen.get(name) ?? 0;
      seen.set(name, n + 1);
      thread = `${name}#${n}`;
      ids.set(key, thread);
    }
    return thread;
  };
  return (parked) => {
    if (parked.length === 0) return undefined;
    for (const p of parked) threadOf(p);
    const want = order[k++];
    return parked.find((p) => threadOf(p) === want) ?? parked[0];
  };
}

/** The checks a run violated among the violations that count as failures. */
function failures(violations: readonly Violation[], failsOn: (v: Violation) => boolean): Set<string> {
  return new Set(violations.filter(failsOn).map((v) => `${v.kind}/${v.check}`));
}

type Work = { readonly commands: readonly TraceCommand[]; readonly program?: TraceProgram };

/**
 * Minimises a failing run's schedule while it keeps failing the same way (one of its violated checks):
 * first fewer operations (each command in turn is dropped, the schedule followed by thread as far as it
 * still applies), then fewer preemptions (at each switch away from a thread that still had steps to run,
 * that thread goes on with its next step instead). The result is re-recorded, so it replays exactly like any
 * trace.
 */
export async function shrinkSchedule(
  system: CheckSystem,
  cx: Counterexample,
  checks: CaseChecks,
  failsOn: (v: Violation) => boolean = (v) => !v.known,
  maxAttempts = 300,
): Promise<{ counterexample: Counterexample; report: ShrinkReport }> {
  const target = failures(cx.violations, failsOn);
  let attempts = 0;
  const attempt = async (work: Work, order: readonly string[]): Promise<Counterexample | null> => {
    attempts++;
    const outcome = await runCase(
      system,
      caseWork(work.program ?? work.commands),
      new ControlledScheduler(followThreads(order)),
      checks,
    );
    const failed = failures(outcome.violations, failsOn);
    if (![...failed].some((f) => target.has(f))) return null;
    return {
      commands: work.commands,
      ...(work.program ? { program: work.program } : {}),
      decisions: outcome.decisions,
      ops: outcome.ops,
      violations: outcome.violations,
    };
  };

  let best: Counterexample = cx;
  // Fewer operations.
  for (let i = best.commands.length - 1; i >= 0 && attempts < maxAttempts; i--) {
    const work = dropCommand(best, i);
    if (!work) continue;
    const smaller = await attempt(work, threads(best.decisions));
    if (smaller) best = smaller;
  }
  // Fewer context switches.
  for (let improved = true; improved && attempts < maxAttempts; ) {
    improved = false;
    const t = threads(best.decisions);
    for (let i = 1; i < t.length && attempts < maxAttempts; i++) {
      if (t[i] === t[i - 1]) continue;
      const prev = t[i - 1]!;
      const j = t.indexOf(prev, i + 1);
      if (j < 0) continue;
      // Let the preempted thread take its next step first; failing that, all its remaining steps.
      const rest = t.slice(i);
      const candidates = [
        [...t.slice(0, i), prev, ...t.slice(i, j), ...t.slice(j + 1)],
        [...t.slice(0, i), ...rest.filter((x) => x === prev), ...rest.filter((x) => x !== prev)],
      ];
      for (const order of candidates) {
        const smaller = await attempt(best, order);
        if (smaller && preemptions(smaller.decisions) < preemptions(best.decisions)) {
          best = smaller;
          improved = true;
          break;
        }
      }
      if (improved) break;
    }
  }
  const measure = (c: Counterexample) => ({
    commands: c.commands.length,
    switches: contextSwitches(c.decisions),
    preemptions: preemptions(c.decisions),
    decisions: c.decisions.length,
  });
  return { counterexample: best, report: { before: measure(cx), after: measure(best), attempts } };
}

/** The work without command `i` (of the sequence, or of the program in prefix-then-branches order). */
function dropCommand(cx: Counterexample, i: number): Work | null {
  if (!cx.program) return { commands: cx.commands.filter((_, k) => k !== i) };
  let k = i;
  if (k < cx.program.prefix.length) {
    const prefix = cx.program.prefix.filter((_, x) => x !== k);
    const program = { prefix, branches: cx.program.branches };
    return { commands: [...prefix, ...program.branches.flat()], program };
  }
  k -= cx.program.prefix.length;
  const branches = cx.program.branches.map((b) => {
    const out = k >= 0 && k < b.length ? b.filter((_, x) => x !== k) : b;
    k -= b.length;
    return out;
  });
  if (branches.some((b) => b.length === 0) && branches.filter((b) => b.length > 0).length < 2) return null;
  const program = { prefix: cx.program.prefix, branches: branches.filter((b) => b.length > 0) };
  return { commands: [...program.prefix, ...program.branches.flat()], program };
}
