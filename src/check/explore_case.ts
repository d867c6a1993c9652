import { OpCommand } from '../../properties/commands/op_command.ts';
import type { RecordedOp } from '../../properties/recorded_op.ts';
import type { TraceCommand, TraceProgram } from '../../properties/trace_program.ts';
import type { Violation } from '../../properties/violation.ts';
import type { Kernel } from '../kernel/kernel.ts';
import { kernelSnapshot } from '../kernel/snapshot.ts';
import { ControlledScheduler } from '../sched/controlled_scheduler.ts';
import { type ExplorationStats, exploreInterleavings } from '../sched/exhaustive/explorer.ts';
import type { CheckSystem } from './check_system.ts';
import { type CaseChecks, type CaseOutcome, type CaseProgram, runCase } from './run_case.ts';

/** What exploring every interleaving of an operation set found. */
export interface CaseExploration extends ExplorationStats {
  /** The first interleaving with a violation no known issue explains, if any. */
  readonly failure: CaseOutcome | null;
  /** Known kernel issues met, with how many interleavings met each. */
  readonly knownIssues: Readonly<Record<string, number>>;
  /** Scheduling decisions over all interleavings. */
  readonly decisions: number;
}

/** FNV-1a of a string, as a short cache key. */
function fnv(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

/**
 * The state at a decision point, as the exhaustive explorer's cache key: the kernel's full snapshot (lists,
 * refcounts, counters, the /sys and /dev tree), where every task is, and what every operation has returned.
 */
function stateKey(kernel: Kernel, ops: readonly RecordedOp[]): string {
  const tasks = kernel.rt
    .tasks()
    .map((t) => `${t.name}@${t.point}:${t.state}`)
    .sort();
  const results = ops.map((o) => JSON.stringify(o.result));
  return `${fnv(JSON.stringify(kernelSnapshot(kernel)))}${fnv(tasks.join('|'))}${fnv(results.join('|'))}`;
}

/** The commands of a trace as runnable commands: a sequence, or a parallel program. */
export function caseWork(work: readonly TraceCommand[] | TraceProgram): OpCommand[] | CaseProgram {
  const cmd = (c: TraceCommand) => new OpCommand(c.op, c.concurrent);
  return 'branches' in work
    ? { prefix: work.prefix.map(cmd), branches: work.branches.map((b) => b.map(cmd)) }
    : work.map(cmd);
}

/**
 * Explores every interleaving of `work` (a command sequence or a parallel program) on `system` (up to `bound` of them) with the exhaustive
 * explorer, each one a full checked run; stops at the first interleaving with a violation `failsOn` accepts
 * (by default one that no known issue explains; a race-catalogue check hunts its own known issue). `exhausted` in the result is a proof that, within the bound, no interleaving of these
 * operations breaks any check.
 */
export async function exploreCase(
  system: CheckSystem,
  work: readonly TraceCommand[] | TraceProgram,
  checks: CaseChecks,
  bound: number,
  onRun?: (outcome: CaseOutcome) => void,
  failsOn: (v: Violation) => boolean = (v) => !v.known,
): Promise<CaseExploration> {
  let failure: CaseOutcome | null = null;
  let decisions = 0;
  const knownIssues: Record<string, number> = {};
  const stats = await exploreInterleavings(async (policy, setKey) => {
    const sched = new ControlledScheduler(policy);
    const outcome = await runCase(system, caseWork(work), sched, checks, (kernel, ops) =>
      setKey(() => stateKey(kernel, ops)),
    );
    decisions += outcome.decisions.length;
    onRun?.(outcome);
    for (const k of outcome.knownIssues) knownIssues[k] = (knownIssues[k] ?? 0) + 1;
    if (outcome.violations.some(failsOn)) failure = outcome;
    return { stop: failure !== null };
  }, bound);
  return { ...stats, failure, knownIssues, decisions };
}
